import type { Command } from 'commander';
import { DiscordAPIError } from 'discord.js';
import { ConfigError, readSecrets } from '../config/load.js';
import { registerCommands } from '../platforms/discord/commands.js';

/** `register-commands`: publishes Threadline's slash commands to Discord, globally or for one guild. */
export function registerDiscordCommands(program: Command): void {
  program
    .command('register-commands')
    .description('register the Discord slash commands (global, or instantly in one guild with --guild)')
    .option(
      '--guild <id>',
      'register in this guild only (changes show at once; global ones can take a while)',
    )
    .action(async (opts: { guild?: string }) => {
      const secrets = readSecrets();
      const missing = [
        secrets.discordToken ? '' : 'DISCORD_TOKEN',
        secrets.discordApplicationId ? '' : 'DISCORD_APPLICATION_ID',
      ].filter(Boolean);
      if (missing.length) throw new ConfigError(`${missing.join(' and ')} must be set to register commands`);
      if (opts.guild !== undefined && !/^\d{17,20}$/.test(opts.guild))
        throw new ConfigError(`--guild takes a server id (a number), not "${opts.guild}"`);
      const done = await registerCommands({
        token: secrets.discordToken!,
        applicationId: secrets.discordApplicationId!,
        apiUrl: secrets.discordApiUrl,
        guildId: opts.guild,
      }).catch((err: unknown) => {
        // Wrong token, wrong application id or a guild the bot is not in: say so in one line.
        if (err instanceof DiscordAPIError)
          throw new ConfigError(`Discord refused: ${err.message} (${err.status})`);
        // No answer at all: the network, a proxy or DISCORD_API_URL, not the token.
        const code =
          (err as { code?: string; cause?: { code?: string } }).code ??
          (err as { cause?: { code?: string } }).cause?.code;
        if (code)
          throw new ConfigError(`cannot reach Discord (${code}); check the network or DISCORD_API_URL`);
        throw err;
      });
      process.stdout.write(
        `Registered ${done.names.length} commands (${done.scope}): /${done.names.join(', /')}\n`,
      );
    });
}
