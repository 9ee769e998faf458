/** Worker thread for `parse-feed`: parses one file per message so the parent can bound time and memory. */
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { parseFeed } from './parse.js';

export interface ParseRequest {
  id: number;
  file: string;
}

export type ParseReply =
  | { id: number; ok: true; feed: Awaited<ReturnType<typeof parseFeed>> }
  | { id: number; ok: false; error: string };

parentPort?.on('message', async (req: ParseRequest) => {
  let reply: ParseReply;
  try {
    const body = await readFile(req.file);
    reply = { id: req.id, ok: true, feed: await parseFeed(body, { now: new Date() }) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const error =
      e.code === 'ENOENT'
        ? 'no such file'
        : e.code === 'EISDIR'
          ? 'is a directory'
          : e.name === 'FeedParseError'
            ? e.message
            : `cannot parse: ${e.message ?? String(e)}`;
    reply = { id: req.id, ok: false, error };
  }
  parentPort!.postMessage(reply);
});
