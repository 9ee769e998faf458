/** The Discord bot: a discord.js client, the delivery adapter, and the slash command handlers. */
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Config } from '../../config/schema.js';
import type { ChannelCommands } from '../../deliver/channel-commands.js';
import type { ChannelStore } from '../../deliver/channels.js';
import type { Logger } from '../../log.js';
import { DiscordAdapter } from './adapter.js';
import { DEFAULT_DISCORD_API } from './commands.js';
import { DiscordHandlers } from './handlers.js';

export { DiscordAdapter, nonceFor, storyRef, toPlatformError } from './adapter.js';
export {
  COMMANDS,
  CONFIG_COMMANDS,
  DEFAULT_DISCORD_API,
  type RegisterOptions,
  registerCommands,
} from './commands.js';
export { DiscordHandlers, MAX_OPML_BYTES } from './handlers.js';

export class DiscordConfigError extends Error {
  override name = 'DiscordConfigError';
}

/** What the bot needs from the App once it exists: the channel store and the command logic. */
export interface DiscordAppBinding {
  channels: ChannelStore;
  commands: ChannelCommands;
}

export interface DiscordBotOptions {
  secrets: { discordToken?: string; discordApiUrl?: string };
  config: Config;
  logger: Logger;
  /** Command logic; usually bound later with `attach(app)`. */
  commands?: () => ChannelCommands | undefined;
  channels?: () => ChannelStore | undefined;
}

export interface DiscordBot {
  readonly adapter: DiscordAdapter;
  readonly client: Client;
  /** Binds the App's channel store and stories; the App is built with `adapter`, so this comes after. */
  attach(app: DiscordAppBinding): void;
  /** Logs in, waits until every guild is known, then answers interactions. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createDiscordBot(opts: DiscordBotOptions): DiscordBot {
  const token = opts.secrets.discordToken;
  if (!token) throw new DiscordConfigError('DISCORD_TOKEN is not set');
  const api = opts.secrets.discordApiUrl ?? DEFAULT_DISCORD_API;
  if (!URL.canParse(api) || !/^https?:$/.test(new URL(api).protocol)) {
    throw new DiscordConfigError('DISCORD_API_URL is not an http(s) URL; unset it to use Discord itself');
  }
  let bound: { commands: ChannelCommands; channels: ChannelStore } | undefined;
  const commands = () => opts.commands?.() ?? bound?.commands;
  const channels = () => opts.channels?.() ?? bound?.channels;

  // Only the Guilds intent: channels, threads and interactions; no message content is ever read.
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api },
    allowedMentions: { parse: [] },
  });
  const adapter = new DiscordAdapter({ client, logger: opts.logger });
  const handlers = new DiscordHandlers({
    commands,
    channels,
    fetchPolicy: opts.config.fetch,
    // A custom API URL (a local fake) serves attachments from its own host.
    attachmentHosts: opts.secrets.discordApiUrl ? [new URL(api).hostname] : [],
    logger: opts.logger,
  });
  client.on(Events.InteractionCreate, (interaction) => void handlers.handle(interaction));
  client.on(Events.Error, (err) => opts.logger.error({ err }, 'Discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) =>
    opts.logger.warn({ code: event.code, shard }, 'Discord gateway disconnected'),
  );

  return {
    adapter,
    client,
    attach(app) {
      bound = {
        commands: app.commands,
        channels: app.channels,
      };
    },
    async start() {
      const ready = once(client, Events.ClientReady);
      await client.login(token);
      await ready;
      opts.logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'Discord bot connected');
    },
    async stop() {
      adapter.close();
      await client.destroy();
    },
  };
}
