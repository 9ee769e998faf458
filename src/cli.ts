#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerClassifyCommand } from './commands/classify.js';
import { registerClusterCommand } from './commands/cluster.js';
import { registerDigestCommand } from './commands/digest.js';
import { registerDiscordCommands } from './commands/discord.js';
import { registerParseFeedCommand } from './commands/parse-feed.js';
import { registerWorkerCommands, StartupError } from './commands/worker.js';
import { ConfigError } from './config/load.js';
import { DiscordConfigError } from './platforms/discord/index.js';
import { SlackConfigError } from './platforms/slack/index.js';
import { StoreError } from './store/index.js';
import { InputError } from './util/jsonl.js';
import { withoutSecrets } from './util/redact.js';

/** Errors a user can fix: printed as one line, never with a stack trace. */
const USER_ERRORS = [ConfigError, InputError, StoreError, DiscordConfigError, SlackConfigError, StartupError];

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('threadline')
    .description(
      'Self-hosted news digests for Discord and Slack: one thread per story, facts and opinion apart.',
    )
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerWorkerCommands(program);
  registerClusterCommand(program);
  registerDigestCommand(program);
  registerClassifyCommand(program);
  registerParseFeedCommand(program);
  registerDiscordCommands(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // A command may have set its own exit status (e.g. a partial failure it reported itself).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    // A library's error may carry what a server sent back, request headers included.
    if (USER_ERRORS.some((E) => err instanceof E)) {
      process.stderr.write(`error: ${withoutSecrets((err as Error).message)}\n`);
      return 1;
    }
    process.stderr.write(`error: ${withoutSecrets((err as Error)?.stack ?? String(err))}\n`);
    return 2;
  }
}

// A reader that stops early (`| head`) closes the pipe: that ends the output, it is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
