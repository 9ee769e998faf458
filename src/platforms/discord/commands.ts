/** Threadline's slash commands and their registration (bulk overwrite, global or for one guild). */
import {
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
} from 'discord.js';

/** Discord's own API; `DISCORD_API_URL` replaces it (discord.js appends `/v10`). */
export const DEFAULT_DISCORD_API = 'https://discord.com/api';

/** Configuration commands are hidden from members without Manage Channels (and checked again at run time). */
const MANAGE_CHANNELS = String(PermissionFlagsBits.ManageChannels);

const guildOnly: Pick<
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  'contexts' | 'integration_types' | 'dm_permission'
> = {
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
  dm_permission: false,
};

const S = ApplicationCommandOptionType;

export const COMMANDS: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  {
    name: 'subscribe',
    description: 'Follow a feed or a topic in this channel',
    default_member_permissions: MANAGE_CHANNELS,
    ...guildOnly,
    options: [
      {
        type: S.String,
        name: 'feed',
        description: 'Feed URL (RSS, Atom, JSON Feed) or a page that links to one',
        max_length: 2000,
      },
      {
        type: S.String,
        name: 'topic',
        description: 'Keywords: stories from every polled feed that mention them',
        max_length: 100,
      },
    ],
  },
  {
    name: 'unsubscribe',
    description: 'Stop following a feed or topic here (leave empty to remove all)',
    default_member_permissions: MANAGE_CHANNELS,
    ...guildOnly,
    options: [
      {
        type: S.String,
        name: 'target',
        description: 'Feed URL, feed title or topic',
        autocomplete: true,
        max_length: 2000,
      },
    ],
  },
  {
    name: 'subscriptions',
    description: "List this channel's feeds, topics and delivery settings",
    default_member_permissions: MANAGE_CHANNELS,
    ...guildOnly,
  },
  {
    name: 'digest',
    description: 'How this channel gets stories: realtime, a daily digest, or both',
    default_member_permissions: MANAGE_CHANNELS,
    ...guildOnly,
    options: [
      { type: S.String, name: 'time', description: 'Daily digest time, HH:MM (24 h)', max_length: 5 },
      {
        type: S.String,
        name: 'timezone',
        description: 'IANA time zone, such as Europe/Berlin',
        autocomplete: true,
        max_length: 64,
      },
      {
        type: S.String,
        name: 'mode',
        description: 'Delivery mode',
        choices: [
          { name: 'realtime', value: 'realtime' },
          { name: 'daily', value: 'daily' },
          { name: 'both', value: 'both' },
        ],
      },
      {
        type: S.Integer,
        name: 'min_sources',
        description: 'Realtime: post a story once this many outlets cover it (default 2)',
        min_value: 1,
        max_value: 20,
      },
    ],
  },
  {
    name: 'story',
    description: 'Show the digest of a recent story: facts and opinion apart',
    ...guildOnly,
    options: [
      {
        type: S.String,
        name: 'query',
        description: 'A few words about the story, or pick a headline',
        required: true,
        autocomplete: true,
        max_length: 200,
      },
      { type: S.Boolean, name: 'private', description: 'Only you see the answer (default: no)' },
    ],
  },
  {
    name: 'feeds',
    description: "Import or export this channel's feeds as OPML",
    default_member_permissions: MANAGE_CHANNELS,
    ...guildOnly,
    options: [
      {
        type: S.Subcommand,
        name: 'import',
        description: 'Follow every feed listed in an OPML file',
        options: [
          { type: S.Attachment, name: 'file', description: 'OPML file (up to 1 MB)', required: true },
        ],
      },
      { type: S.Subcommand, name: 'export', description: "Download this channel's feeds as OPML" },
    ],
  },
];

/** Names of the commands that change a channel's configuration and need Manage Channels. */
export const CONFIG_COMMANDS = new Set(
  COMMANDS.filter((c) => c.default_member_permissions).map((c) => c.name),
);

export interface RegisterOptions {
  token: string;
  applicationId: string;
  apiUrl?: string;
  /** Register in one guild (instant; handy while testing) instead of globally. */
  guildId?: string;
}

/** Replaces the application's commands with Threadline's; returns the names Discord now has. */
export async function registerCommands(opts: RegisterOptions): Promise<{ scope: string; names: string[] }> {
  const rest = new REST({ version: '10', api: opts.apiUrl ?? DEFAULT_DISCORD_API }).setToken(opts.token);
  try {
    const route = opts.guildId
      ? Routes.applicationGuildCommands(opts.applicationId, opts.guildId)
      : Routes.applicationCommands(opts.applicationId);
    // Guild commands take no install contexts: they only exist in that guild anyway.
    const body = opts.guildId
      ? COMMANDS.map(({ contexts: _c, integration_types: _i, dm_permission: _d, ...rest }) => rest)
      : COMMANDS;
    const saved = (await rest.put(route, { body })) as { name: string }[];
    return { scope: opts.guildId ? `guild ${opts.guildId}` : 'global', names: saved.map((c) => c.name) };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
