/**
 * Worker thread for the parse pool: parses one feed per message, either a file (the `parse-feed` command) or a
 * fetched body (the poller), or extracts the article of a fetched page, so the parent can bound time and memory
 * and keep its own thread free.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { type ExtractedPage, extractPage } from '../extract/page.js';
import { type ParsedFeed, type ParseOptions, parseFeed } from './parse.js';

/** workerData that marks a thread as a parse worker, so importing this module elsewhere attaches nothing. */
export const PARSE_WORKER = 'threadline-parse-worker';

export type ParseRequest =
  | { id: number; file: string }
  | { id: number; body: Uint8Array; opts: ParseOptions }
  | { id: number; html: string; url: string };

/**
 * `error` is display text for file requests; for body requests it is the error's message and `name` its class,
 * so the parent can rebuild the error parseFeed would have thrown. Replies the pool makes itself (time-out,
 * crash) carry no name.
 */
export type ParseReply =
  | { id: number; ok: true; feed: ParsedFeed }
  | { id: number; ok: false; error: string; name?: string };

/** The reply to a page. */
export type PageReply =
  | { id: number; ok: true; page: ExtractedPage }
  | { id: number; ok: false; error: string };

export type WorkerReply = ParseReply | PageReply;

/** Sent once the message handler is attached, so start-up time does not count against the first parse. */
export interface ParseWorkerReady {
  ready: true;
}

async function handle(req: ParseRequest): Promise<WorkerReply> {
  if ('html' in req) {
    try {
      return { id: req.id, ok: true, page: extractPage(req.html, req.url) };
    } catch (err) {
      return { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
  if ('body' in req) {
    try {
      const body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
      return { id: req.id, ok: true, feed: await parseFeed(body, req.opts) };
    } catch (err) {
      const e = err instanceof Error ? err : undefined;
      return { id: req.id, ok: false, error: e ? e.message : String(err), name: e?.name ?? '' };
    }
  }
  try {
    const body = await readFile(req.file);
    return { id: req.id, ok: true, feed: await parseFeed(body, { now: new Date() }) };
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
    return { id: req.id, ok: false, error };
  }
}

if (parentPort && workerData === PARSE_WORKER) {
  const port = parentPort;
  port.on('message', async (req: ParseRequest) => port.postMessage(await handle(req)));
  port.postMessage({ ready: true } satisfies ParseWorkerReady);
}
