import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import type { ParseReply } from '../ingest/parse-worker.js';
import { writeLine } from '../util/jsonl.js';

const FILE_TIMEOUT_MS = 10_000;
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const WORKER_HEAP_MB = 512;

/** One worker reused across files, replaced when a file times out or exhausts its memory. */
class ParserPool {
  private worker: Worker | undefined;
  private seq = 0;

  private spawn(): Worker {
    const here = import.meta.url;
    // Under tsx the sources run as .ts; built code runs as .js beside this file.
    const fromSource = here.endsWith('.ts');
    const url = new URL(fromSource ? '../ingest/parse-worker.ts' : '../ingest/parse-worker.js', here);
    const opts = { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: true, stderr: true };
    // Workers do not inherit tsx's loader; when running from source, register it inside the worker first.
    const w = fromSource
      ? new Worker(
          `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`,
          { ...opts, eval: true },
        )
      : new Worker(url, opts);
    w.unref();
    return w;
  }

  parse(file: string): Promise<ParseReply> {
    this.worker ??= this.spawn();
    const w = this.worker;
    const id = ++this.seq;
    return new Promise((resolve) => {
      const finish = (r: ParseReply, kill: boolean) => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (kill) {
          if (this.worker === w) this.worker = undefined;
          void w.terminate();
        }
        resolve(r);
      };
      const onMessage = (r: ParseReply) => {
        if (r.id === id) finish(r, false);
      };
      const onError = (err: Error & { code?: string }) =>
        finish(
          {
            id,
            ok: false,
            error:
              err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory' : `parser failed: ${err.message}`,
          },
          true,
        );
      const onExit = () => finish({ id, ok: false, error: 'parser exited unexpectedly' }, true);
      const timer = setTimeout(
        () => finish({ id, ok: false, error: `timed out after ${FILE_TIMEOUT_MS / 1000} s` }, true),
        FILE_TIMEOUT_MS,
      );
      w.on('message', onMessage);
      w.once('error', onError);
      w.once('exit', onExit);
      w.postMessage({ id, file });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

async function parseOne(pool: ParserPool, file: string): Promise<ParseReply> {
  try {
    const st = await stat(file);
    if (st.isDirectory()) return { id: 0, ok: false, error: 'is a directory' };
    if (st.size > MAX_FILE_BYTES) return { id: 0, ok: false, error: `file too large (${st.size} bytes)` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      id: 0,
      ok: false,
      error: code === 'ENOENT' ? 'no such file' : `cannot read: ${(err as Error).message}`,
    };
  }
  return pool.parse(file);
}

/**
 * `threadline parse-feed FILE...`: one file prints the normalised feed as JSON (or `error: <reason>` on
 * stderr, exit 1); several files print one summary line each and exit 0. Each file is parsed in a worker
 * thread with a time and memory limit, so no input can hang or crash the command.
 */
export function registerParseFeedCommand(program: Command): void {
  program
    .command('parse-feed')
    .description(
      'parse RSS/Atom/JSON Feed files; one file: the normalised feed as JSON; several: one summary line each',
    )
    .argument('<files...>', 'feed files')
    .action(async (files: string[]) => {
      const pool = new ParserPool();
      try {
        if (files.length === 1) {
          const r = await parseOne(pool, files[0]!);
          if (r.ok) await writeLine(JSON.stringify(r.feed, null, 2));
          else {
            process.stderr.write(`error: ${r.error.replace(/\s+/g, ' ')}\n`);
            process.exitCode = 1;
          }
          return;
        }
        for (const file of files) {
          const r = await parseOne(pool, file);
          await writeLine(
            JSON.stringify(
              r.ok
                ? { file, ok: true, title: r.feed.title, items: r.feed.items.length, error: null }
                : { file, ok: false, title: null, items: 0, error: r.error.replace(/\s+/g, ' ') },
            ),
          );
        }
      } finally {
        await pool.close();
      }
    });
}
