import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export class InputError extends Error {
  override name = 'InputError';
}

/** How an input path is named in messages: `-` is standard input. */
export function inputName(path: string): string {
  return path === '-' ? 'standard input' : path;
}

/** Strict: a byte sequence that is not UTF-8 is an error, not a silent U+FFFD (which could merge two ids). */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a JSON-lines file (or stdin for "-") one object at a time, in file order.
 * Blank lines are skipped; a malformed line (bad JSON, not an object, not UTF-8) throws an InputError naming its
 * line number, and so does a path that cannot be read (a folder, say).
 */
export async function* readJsonl(
  path: string,
): AsyncGenerator<{ line: number; value: Record<string, unknown> }> {
  // Read as Latin-1, one character per byte, so each line can be checked as UTF-8 on its own; newlines are
  // single bytes in UTF-8, so the lines split where they would in the decoded text.
  const input =
    path === '-' ? process.stdin.setEncoding('latin1') : createReadStream(path, { encoding: 'latin1' });
  const opened = new Promise<void>((resolve, reject) => {
    if (path === '-') return resolve();
    input.once('open', () => resolve());
    input.once('error', (err: NodeJS.ErrnoException) => reject(readError(path, err)));
  });
  await opened;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    for await (const bytes of lines) {
      n++;
      let raw: string;
      try {
        // ASCII reads the same in both encodings.
        raw = /[^\x00-\x7f]/.test(bytes) ? UTF8.decode(Buffer.from(bytes, 'latin1')) : bytes;
      } catch {
        throw new InputError(
          `${inputName(path)}: line ${n}: not valid UTF-8 (convert the file to UTF-8 first)`,
        );
      }
      const text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (!text.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new InputError(`${inputName(path)}: line ${n}: not valid JSON (${(err as Error).message})`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new InputError(`${inputName(path)}: line ${n}: expected a JSON object`);
      }
      yield { line: n, value: value as Record<string, unknown> };
    }
  } catch (err) {
    // A folder opens like a file and fails at the first read; a disk can fail midway.
    if (!(err instanceof InputError) && (err as NodeJS.ErrnoException)?.code)
      throw readError(path, err as NodeJS.ErrnoException);
    throw err;
  }
}

function readError(path: string, err: NodeJS.ErrnoException): InputError {
  const reason =
    err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a folder, not a file' : err.message;
  return new InputError(`cannot read ${path}: ${reason}`);
}

/** Writes one line to stdout, waiting when the pipe is full so huge outputs never buffer in memory. */
export async function writeLine(text: string): Promise<void> {
  if (!process.stdout.write(`${text}\n`)) {
    await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  }
}
