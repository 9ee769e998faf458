import type { Command } from 'commander';
import { classifySentence } from '../classify/index.js';
import { InputError, inputName, readJsonl, writeLine } from '../util/jsonl.js';

/** `threadline classify --input FILE.jsonl`: one `{"id","label"}` line per input sentence, in input order. */
export function registerClassifyCommand(program: Command): void {
  program
    .command('classify')
    .description('label sentences as reported fact or opinion; prints {"id","label"} per input line')
    .requiredOption(
      '-i, --input <file>',
      'JSON-lines file of {"id", "text"} objects (one sentence each), or - for stdin',
    )
    .action(async (opts: { input: string }) => {
      for await (const { line, value } of readJsonl(opts.input)) {
        const where = `${inputName(opts.input)}: line ${line}`;
        const id = value.id;
        if (typeof id !== 'string' && typeof id !== 'number') {
          throw new InputError(`${where}: "id" is required (string or number)`);
        }
        if (typeof value.text !== 'string') throw new InputError(`${where}: "text" is required (string)`);
        // The id is echoed with its original JSON type so callers can join on it unchanged.
        await writeLine(JSON.stringify({ id, label: classifySentence(value.text).label }));
      }
    });
}
