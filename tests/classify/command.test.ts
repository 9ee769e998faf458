import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerClassifyCommand } from '../../src/commands/classify.js';
import { InputError } from '../../src/util/jsonl.js';
import { tempDir } from '../helpers/temp.js';

async function run(lines: string[]): Promise<string[]> {
  const dir = tempDir('classify-');
  const file = path.join(dir, 'in.jsonl');
  writeFileSync(file, lines.join('\n'));
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const program = new Command().exitOverride();
  registerClassifyCommand(program);
  await program.parseAsync(['node', 'threadline', 'classify', '--input', file]);
  return out.join('').split('\n').filter(Boolean);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('threadline classify', () => {
  it('writes one {"id","label"} line per input line, in input order, keeping id types', async () => {
    const lines = await run([
      JSON.stringify({ id: 'a', text: 'Witkoff told CNN that Putin had agreed on Friday.' }),
      '',
      JSON.stringify({ id: 2, text: 'We must stop this shameful deal before it is too late!' }),
      JSON.stringify({ id: 'c', text: 'The summit lasted nearly three hours, officials said.', extra: true }),
    ]);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { id: 'a', label: 'fact' },
      { id: 2, label: 'opinion' },
      { id: 'c', label: 'fact' },
    ]);
    for (const l of lines) expect(Object.keys(JSON.parse(l))).toEqual(['id', 'label']);
  });

  it('is deterministic', async () => {
    const input = [1, 2, 3, 4].map((i) =>
      JSON.stringify({ id: i, text: `Sentence ${i} could be anything, perhaps.` }),
    );
    expect(await run(input)).toEqual(await run(input));
  });

  it('rejects malformed lines with the line number', async () => {
    await expect(run([JSON.stringify({ id: 1, text: 'Fine.' }), '{not json'])).rejects.toThrow(/line 2/);
    await expect(run(['{"id":1}'])).rejects.toBeInstanceOf(InputError);
    await expect(run(['{"text":"no id"}'])).rejects.toThrow(/line 1: "id"/);
  });
});
