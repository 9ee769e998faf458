/** Runs only the parse-feed command, as the CLI would (user errors as `error: …`, exit 1), for tests that spawn it. */
import { Command } from 'commander';
import { registerParseFeedCommand } from '../../../src/commands/parse-feed.js';
import { InputError } from '../../../src/util/jsonl.js';

const program = new Command().exitOverride();
registerParseFeedCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  process.stderr.write(`error: ${err.message}\n`);
  process.exitCode = 1;
}
