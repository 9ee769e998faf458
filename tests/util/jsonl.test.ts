import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, readJsonl } from '../../src/util/jsonl.js';
import { tempDir } from '../helpers/temp.js';

async function readAll(path: string): Promise<{ line: number; value: Record<string, unknown> }[]> {
  const out: { line: number; value: Record<string, unknown> }[] = [];
  for await (const row of readJsonl(path)) out.push(row);
  return out;
}

function tempFile(content: string | Buffer): string {
  const file = join(tempDir('threadline-jsonl-'), 'in.jsonl');
  writeFileSync(file, content);
  return file;
}

describe('readJsonl', () => {
  it('reads UTF-8 text as written, byte-order mark and CRLF included', async () => {
    const file = tempFile('\uFEFF{"id":"café","t":"“Ünïcødé” 日本 🙂"}\r\n\r\n{"id":2}\r\n');
    expect(await readAll(file)).toEqual([
      { line: 1, value: { id: 'café', t: '“Ünïcødé” 日本 🙂' } },
      { line: 3, value: { id: 2 } },
    ]);
  });

  it('refuses a line that is not UTF-8, naming it, instead of replacing its bytes', async () => {
    const file = tempFile(Buffer.from('{"id":"a"}\n{"id":"caf\xe9"}\n', 'latin1'));
    const read = readAll(file);
    await expect(read).rejects.toBeInstanceOf(InputError);
    await expect(readAll(file)).rejects.toThrow(/line 2: not valid UTF-8/);
  });

  it('a folder is an InputError that says so', async () => {
    const dir = tempDir('threadline-jsonl-dir-');
    await expect(readAll(dir)).rejects.toBeInstanceOf(InputError);
    await expect(readAll(dir)).rejects.toThrow(/cannot read .*: is a folder/);
  });
});
