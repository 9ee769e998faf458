/** Slash command and autocomplete handlers: parse options, check permissions, call ChannelCommands, reply. */
import {
  type AutocompleteInteraction,
  ChannelType,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionReplyOptions,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import type { ChannelCommands, CommandContext, CommandReply } from '../../deliver/channel-commands.js';
import type { ChannelKind, ChannelStore } from '../../deliver/channels.js';
import { timeZoneNames } from '../../deliver/zoned-time.js';
import { FetchError, type FetchPolicy, safeFetch } from '../../ingest/index.js';
import type { Logger } from '../../log.js';
import { clipUnits, packLines, truncateWords } from '../split.js';
import { CONFIG_COMMANDS } from './commands.js';
import { type DiscordMessagePayload, escapeDiscord, renderDiscordStory } from './render.js';

/** An OPML file larger than this is refused before it is downloaded. */
export const MAX_OPML_BYTES = 1_000_000;
/** Hosts Discord serves attachments from. */
const DISCORD_CDN_HOSTS = ['cdn.discordapp.com', 'media.discordapp.net'];

export interface HandlerDeps {
  /** Bound once the App exists; until then commands answer that the bot is starting. */
  commands: () => ChannelCommands | undefined;
  channels: () => ChannelStore | undefined;
  fetchPolicy: FetchPolicy;
  /** Attachment hosts besides Discord's CDN (the host of a custom DISCORD_API_URL, for a local fake). */
  attachmentHosts: string[];
  logger: Logger;
}

const NO_MENTIONS = { parse: [] as [] };
const EPHEMERAL = MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds;

type Respondable = ChatInputCommandInteraction;

/** Sends a reply, completing a deferral or adding a follow-up as needed; mentions never ping. */
async function respond(i: Respondable, options: InteractionReplyOptions & { flags?: number }): Promise<void> {
  const body = { ...options, allowedMentions: NO_MENTIONS };
  if (i.deferred && !i.replied) {
    const { flags: _ephemeralIsFixed, ...edit } = body;
    await i.editReply(edit);
  } else if (i.replied) await i.followUp(body);
  else await i.reply(body);
}

/** Messages one command's answer may take. */
const ANSWER_MESSAGES = 5;

/**
 * A command's plain-text answer, escaped, ephemeral, split over follow-ups when over 2000 characters (five
 * messages at most); `note` goes before it and `after` (our own markdown) after a confirmation.
 */
async function answer(i: Respondable, reply: CommandReply, note = '', after = ''): Promise<void> {
  const text = reply.ok ? escapeDiscord(reply.text) + after : `**Not done:** ${escapeDiscord(reply.error)}`;
  // A long feed list would otherwise run to dozens of messages; the export gives it whole.
  const { chunks, left } = packLines((note + text).split('\n'), 2000, ANSWER_MESSAGES);
  if (left)
    chunks.push(
      `…and ${left} more lines, more than one answer can hold; \`/feeds export\` gives every feed.`,
    );
  for (const content of chunks) await respond(i, { content, flags: EPHEMERAL });
}

const refuse = (i: Respondable, error: string) => answer(i, { ok: false, error });

/** What delivery needs in a channel, as Discord's settings name it; a forum post needs no Create Public Threads. */
const DELIVERY_PERMISSIONS = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
  [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.ReadMessageHistory, 'Read Message History'],
] as const;

/**
 * A warning for a subscription made where the bot cannot deliver (Discord sends its permissions in the
 * channel with each interaction): without it the channel is only paused at the first story.
 */
function deliveryNote(i: ChatInputCommandInteraction, ctx: CommandContext): string {
  const missing = DELIVERY_PERMISSIONS.filter(
    ([flag]) =>
      !i.appPermissions.has(flag) &&
      !(ctx.channelKind === 'forum' && flag === PermissionFlagsBits.CreatePublicThreads),
  ).map(([, name]) => name);
  if (!missing.length) return '';
  const names = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}` : missing[0];
  return `\n**Threadline cannot deliver here yet:** it lacks ${names} in this channel. Give it ${missing.length > 1 ? 'these permissions' : 'this permission'}, or stories will not arrive.`;
}

interface Target {
  ctx: CommandContext;
  /** Set when the command was given in a thread and applies to the channel the thread belongs to. */
  parentNote: string;
}

function kindOf(type: ChannelType): ChannelKind | undefined {
  if (type === ChannelType.GuildText) return 'text';
  if (type === ChannelType.GuildAnnouncement) return 'announcement';
  if (type === ChannelType.GuildForum || type === ChannelType.GuildMedia) return 'forum';
  return undefined;
}

/** The channel a command configures: the one it was given in, or for a thread (a forum post) its parent. */
async function targetOf(i: ChatInputCommandInteraction | AutocompleteInteraction): Promise<Target | string> {
  if (!i.guildId) return 'Threadline works in server channels, not in direct messages';
  let channel = i.channel ?? (await i.client.channels.fetch(i.channelId).catch(() => null));
  let parentNote = '';
  if (channel?.isThread()) {
    const parent =
      channel.parent ?? (channel.parentId ? await i.client.channels.fetch(channel.parentId) : null);
    if (!parent) return 'cannot tell which channel this thread belongs to; use the command in the channel';
    channel = parent;
    parentNote = `For <#${parent.id}>:\n`;
  }
  // Without the channel in cache (should not happen with the Guilds intent), assume a text channel.
  const kind = channel ? kindOf(channel.type) : 'text';
  if (!kind) return 'Threadline posts in text, announcement and forum channels only';
  return {
    ctx: {
      platform: 'discord',
      workspaceId: i.guildId,
      channelId: channel?.id ?? i.channelId,
      channelKind: kind,
    },
    parentNote,
  };
}

export class DiscordHandlers {
  constructor(private readonly deps: HandlerDeps) {}

  /** Entry point for every interaction; never throws. */
  async handle(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) await this.autocomplete(interaction);
      else if (interaction.isChatInputCommand()) await this.command(interaction);
    } catch (err) {
      this.deps.logger.error({ err, interaction: interaction.id }, 'Discord interaction failed');
      if (interaction.isChatInputCommand()) {
        await refuse(interaction, 'something went wrong on our side; the error was logged').catch(() => {});
      } else if (interaction.isAutocomplete() && !interaction.responded) {
        await interaction.respond([]).catch(() => {});
      }
    }
  }

  private async command(i: ChatInputCommandInteraction): Promise<void> {
    // default_member_permissions only hides commands; a server can override it, so check at run time too.
    if (CONFIG_COMMANDS.has(i.commandName) && !i.memberPermissions?.has(PermissionFlagsBits.ManageChannels)) {
      const showing = i.commandName === 'subscriptions' || i.options.getSubcommand(false) === 'export';
      return refuse(
        i,
        showing
          ? 'seeing the feeds this channel follows needs the Manage Channels permission (feed addresses can carry access keys)'
          : 'changing what this channel follows needs the Manage Channels permission',
      );
    }
    const commands = this.deps.commands();
    if (!commands) return refuse(i, 'Threadline is still starting; try again in a moment');
    if (i.commandName === 'story') return this.story(i, commands);
    // Configuration goes through the store and may fetch a feed or a file: acknowledge first, since
    // Discord drops an interaction that is not answered within 3 s.
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    const target = await targetOf(i);
    if (typeof target === 'string') return refuse(i, target);
    const { ctx, parentNote } = target;
    switch (i.commandName) {
      case 'subscribe': {
        const feed = i.options.getString('feed')?.trim();
        const topic = i.options.getString('topic')?.trim();
        if (feed && topic) return refuse(i, 'give feed: or topic:, not both at once');
        if (topic)
          return answer(i, await commands.subscribeTopic(ctx, topic), parentNote, deliveryNote(i, ctx));
        if (!feed) return refuse(i, 'give feed: (a feed URL) or topic: (keywords)');
        return answer(i, await commands.subscribeFeed(ctx, feed), parentNote, deliveryNote(i, ctx));
      }
      case 'unsubscribe':
        return answer(
          i,
          await commands.unsubscribe(ctx, i.options.getString('target') ?? undefined),
          parentNote,
        );
      case 'subscriptions':
        return answer(i, await commands.list(ctx), parentNote);
      case 'digest': {
        const time = i.options.getString('time') ?? undefined;
        const mode = i.options.getString('mode') ?? undefined;
        return answer(
          i,
          await commands.setDigest(ctx, {
            time,
            timezone: i.options.getString('timezone') ?? undefined,
            mode,
            minSources: i.options.getInteger('min_sources') ?? undefined,
            // A time alone asks for a digest at that time: daily digests go on in a realtime channel.
            dailyIfOff: time !== undefined && mode === undefined,
          }),
          parentNote,
        );
      }
      case 'feeds':
        if (i.options.getSubcommand() === 'import') return this.importOpml(i, commands, ctx, parentNote);
        return this.exportOpml(i, commands, ctx);
      default:
        return refuse(i, `unknown command /${i.commandName}`);
    }
  }

  /** The best matching story's digest: the parent embed, then facts, opinion and coverage as follow-ups. */
  private async story(i: ChatInputCommandInteraction, commands: ChannelCommands): Promise<void> {
    const ephemeral = i.options.getBoolean('private') ?? false;
    const query = i.options.getString('query', true);
    // The search is quick, and a refusal stays private. Building the digest of a story asked for the first
    // time can take longer than the 3 s Discord waits for an answer (a large story with full article texts):
    // acknowledge first, as the answer will be seen.
    const found = commands.findStory(query);
    if ('error' in found) return refuse(i, found.error);
    await i.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    const render = renderDiscordStory(found.digest());
    for (const payload of [render.parent, ...render.replies]) await respond(i, toReply(payload, ephemeral));
  }

  private async importOpml(
    i: ChatInputCommandInteraction,
    commands: ChannelCommands,
    ctx: CommandContext,
    parentNote: string,
  ): Promise<void> {
    // The option sits in the subcommand; the resolved attachment is the fallback should it arrive elsewhere.
    const file = i.options.getAttachment('file') ?? i.options.resolved?.attachments?.first();
    if (!file) return refuse(i, 'attach an OPML file in the file: option');
    if (file.size > MAX_OPML_BYTES) return refuse(i, `the file is over ${MAX_OPML_BYTES / 1_000_000} MB`);
    let host: string;
    try {
      host = new URL(file.url).hostname;
    } catch {
      return refuse(i, 'the attachment has no usable URL');
    }
    if (![...DISCORD_CDN_HOSTS, ...this.deps.attachmentHosts].includes(host))
      return refuse(i, 'the attachment is not served by Discord');
    let text: string;
    try {
      const res = await safeFetch(file.url, { ...this.deps.fetchPolicy, maxBytes: MAX_OPML_BYTES });
      if (res.status !== 200) return refuse(i, `could not download the file (HTTP ${res.status})`);
      text = res.body.toString('utf8');
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      return refuse(i, `could not download the file: ${err.message}`);
    }
    return answer(i, await commands.importOpml(ctx, text), parentNote, deliveryNote(i, ctx));
  }

  private async exportOpml(
    i: ChatInputCommandInteraction,
    commands: ChannelCommands,
    ctx: CommandContext,
  ): Promise<void> {
    const opml = await commands.exportOpml(ctx);
    if (opml === undefined)
      return refuse(i, 'this channel follows no feeds to export; its topics are listed by /subscriptions');
    await respond(i, {
      content: 'The feeds this channel follows, as OPML:',
      files: [{ attachment: Buffer.from(opml, 'utf8'), name: 'threadline-feeds.opml' }],
      flags: EPHEMERAL,
    });
  }

  private async autocomplete(i: AutocompleteInteraction): Promise<void> {
    // The same check as the command's: a configuration command's choices (the channel's feed URLs, which may
    // carry tokens) are for those who may run it.
    if (CONFIG_COMMANDS.has(i.commandName) && !i.memberPermissions?.has(PermissionFlagsBits.ManageChannels)) {
      await i.respond([]);
      return;
    }
    const focused = i.options.getFocused(true);
    const typed = String(focused.value);
    let choices: { name: string; value: string }[] = [];
    if (i.commandName === 'story' && focused.name === 'query') {
      const commands = this.deps.commands();
      const found = commands?.suggest(typed) ?? [];
      // Search matches whole words; a word still being typed is matched against recent headlines too.
      const wanted = typed.trim().toLowerCase();
      const typing = wanted
        ? (commands?.suggest('', 200) ?? []).filter((c) => c.name.toLowerCase().includes(wanted))
        : [];
      choices = [...found, ...typing.filter((c) => !found.some((f) => f.value === c.value))];
    } else if (i.commandName === 'digest' && focused.name === 'timezone') {
      const wanted = typed.toLowerCase().replace(/\s+/g, '_');
      choices = timeZoneNames()
        .filter((z) => z.toLowerCase().includes(wanted))
        .map((z) => ({ name: z, value: z }));
    } else if (i.commandName === 'unsubscribe' && focused.name === 'target') {
      choices = await this.subscriptionChoices(i, typed);
    }
    await i.respond(
      choices
        .slice(0, 25)
        .map((c) => ({ name: truncateWords(c.name, 100) || '…', value: clipUnits(c.value, 100) })),
    );
  }

  private async subscriptionChoices(
    i: AutocompleteInteraction,
    typed: string,
  ): Promise<{ name: string; value: string }[]> {
    const store = this.deps.channels();
    const target = await targetOf(i);
    if (!store || typeof target === 'string') return [];
    const { ctx } = target;
    const channel = await store.getOrCreate('discord', ctx.workspaceId, ctx.channelId);
    const wanted = typed.toLowerCase();
    return [
      ...channel.feeds.map((f) => ({ name: f.title ? `${f.title} (${f.url})` : f.url, value: f.url })),
      ...channel.topics.map((t) => ({ name: `topic: ${t}`, value: t })),
      // Feed URLs over 100 characters cannot be a choice value; they are typed in full instead.
    ].filter((c) => c.value.length <= 100 && c.name.toLowerCase().includes(wanted));
  }
}

/** A rendered digest message as an interaction reply (discord.js takes the raw embed JSON as is). */
function toReply(
  payload: DiscordMessagePayload,
  ephemeral: boolean,
): InteractionReplyOptions & { flags: number } {
  return {
    content: payload.content,
    embeds: payload.embeds,
    flags: (payload.flags ?? 0) | (ephemeral ? MessageFlags.Ephemeral : 0),
  };
}
