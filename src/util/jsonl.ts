import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export class InputError extends Error {
  override name = 'InputError';
}

/**
 * Reads a JSON-lines file (or stdin for "-") one object at a time, in file order.
 * Blank lines are skipped; a malformed line throws an InputError naming its line number.
 */
export async function* readJsonl(
  path: string,
): AsyncGenerator<{ line: number; value: Record<string, unknown> }> {
  const input = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    if (path === '-') return resolve();
    input.once('open', () => resolve());
    input.once('error', (err: NodeJS.ErrnoException) =>
      reject(new InputError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`)),
    );
  });
  await opened;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const raw of lines) {
    n++;
    const text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new InputError(`${path}: line ${n}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(`${path}: line ${n}: expected a JSON object`);
    }
    yield { line: n, value: value as Record<string, unknown> };
  }
}

/** Writes one line to stdout, waiting when the pipe is full so huge outputs never buffer in memory. */
export async function writeLine(text: string): Promise<void> {
  if (!process.stdout.write(`${text}\n`)) {
    await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  }
}
