import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { ParsePool } from '../ingest/parse-pool.js';
import type { ParseReply } from '../ingest/parse-worker.js';
import { InputError, writeLine } from '../util/jsonl.js';

const FILE_TIMEOUT_MS = 10_000;
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const WORKER_HEAP_MB = 512;

async function parseOne(pool: ParsePool, file: string): Promise<ParseReply> {
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
  return pool.parseFile(file);
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
      // One worker, reused across files and replaced when a file times out or exhausts its memory.
      const pool = new ParsePool({ size: 1, timeoutMs: FILE_TIMEOUT_MS, heapMb: WORKER_HEAP_MB });
      try {
        if (files.length === 1) {
          const r = await parseOne(pool, files[0]!);
          // The CLI prints a user error as `error: <reason>` and exits 1; setting exitCode here would be
          // overwritten when the command returns normally.
          if (!r.ok) throw new InputError(r.error.replace(/\s+/g, ' '));
          await writeLine(JSON.stringify(r.feed, null, 2));
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
