/** Runs only the parse-feed command, as the CLI would, for tests that spawn it. */
import { Command } from 'commander';
import { registerParseFeedCommand } from '../../../src/commands/parse-feed.js';

const program = new Command().exitOverride();
registerParseFeedCommand(program);
await program.parseAsync(process.argv);
