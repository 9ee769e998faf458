/**
 * Delivery to Discord: a story is a parent message (one embed) with a thread under it, or one post in a
 * forum channel; updates are a reply in that thread plus an edit of the parent.
 *
 * Idempotency: every channel or thread message carries a nonce derived from the delivery key with
 * `enforce_nonce`, so a retry after a lost response returns the message already created instead of a
 * second one. Forum posts take no nonce, so they go through a REST client without automatic retries and
 * are looked for (by a short reference in the embed footer) before being tried again. Discord forgets a
 * nonce after a few minutes and never shows it on fetched messages, so after a longer outage a story is
 * found by its footer reference and a notice by its text.
 */
import { createHash } from 'node:crypto';
import {
  type APIEmbed,
  type APIMessage,
  type APIThreadChannel,
  ChannelFlags,
  type Client,
  DiscordAPIError,
  HTTPError,
  MessageType,
  PermissionFlagsBits,
  RateLimitError,
  REST,
  RESTJSONErrorCodes,
  Routes,
} from 'discord.js';
import type { ChannelSettings } from '../../deliver/channels.js';
import { type ChatAdapter, CLOCK_SKEW_MS, PlatformError } from '../../deliver/platform.js';
import type { PostedRef, StoryUpdate } from '../../deliver/sink.js';
import type { Logger } from '../../log.js';
import type { StoryDigest } from '../../model.js';
import { truncateWords } from '../split.js';
import {
  DISCORD_LIMITS,
  type DiscordMessagePayload,
  escapeDiscord,
  renderDiscordStory,
  renderDiscordUpdate,
  SUPPRESS_EMBEDS,
} from './render.js';

/** Threads stay open three days without activity: long enough for a story's follow-up coverage. */
const AUTO_ARCHIVE_MINUTES = 4320;
/** How far back `recover` looks for a message posted before a crash, when it does not know when that was. */
const RECOVER_WINDOW = 50;
/** When it does: every message since, in pages of 100, up to this many pages; in a forum, this many posts. */
const RECOVER_PAGES = 20;
const RECOVER_FORUM_POSTS = 100;
const FORUM_POST_ATTEMPTS = 3;
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/** The smallest snowflake Discord could give anything created at `ms` (epoch milliseconds) or later. */
export function snowflakeAt(ms: number): string {
  const since = BigInt(Math.max(0, Math.floor(ms))) - DISCORD_EPOCH_MS;
  return String((since > 0n ? since : 0n) << 22n);
}

const sha = (text: string) => createHash('sha256').update(text).digest();

/** Discord nonces are at most 25 characters. */
export function nonceFor(key: string): string {
  return sha(key).toString('base64url').slice(0, 25);
}

/**
 * The key of the delivery a post or update belongs to: a post's key ends in `|post`, its updates' in
 * `|update-N`, so the parent keeps one footer reference across edits.
 */
function deliveryKey(key: string): string {
  return key.replace(/\|(?:post|update-\d+)$/, '');
}

/** The short reference shown in a story's embed footer, by which `recover` recognises it. */
export function storyRef(key: string): string {
  return `ref ${sha(deliveryKey(key)).toString('hex').slice(0, 10)}`;
}

function withRef(payload: DiscordMessagePayload, key: string): DiscordMessagePayload {
  const ref = storyRef(key);
  const embeds = payload.embeds?.map((e, i) =>
    i === 0 ? { ...e, footer: { text: e.footer?.text ? `${e.footer.text} · ${ref}` : ref } } : e,
  );
  return embeds ? { ...payload, embeds } : payload;
}

/** A plain notice, as posted and as `recover` recognises it. */
function noticePayload(text: string): DiscordMessagePayload & { content: string } {
  return {
    content: truncateWords(escapeDiscord(text), DISCORD_LIMITS.content),
    allowed_mentions: { parse: [] },
    flags: SUPPRESS_EMBEDS,
  };
}

function hasRef(message: Pick<APIMessage, 'embeds'>, key: string): boolean {
  const ref = storyRef(key);
  return message.embeds.some((e: APIEmbed) => e.footer?.text?.endsWith(ref));
}

const isCode = (err: unknown, ...codes: number[]) =>
  err instanceof DiscordAPIError && typeof err.code === 'number' && codes.includes(err.code);

/** Whether a failure may have been a lost response, or the request never arrived: worth looking, then retrying. */
function isTransient(err: unknown): boolean {
  if (err instanceof HTTPError) return true;
  if (err instanceof DiscordAPIError) return err.status >= 500;
  return !(err instanceof RateLimitError) && err instanceof Error;
}

/** Maps Discord's refusals to the delivery layer's kinds; errors that retrying cannot fix otherwise pass as they are. */
export function toPlatformError(err: unknown): unknown {
  if (err instanceof PlatformError) return err;
  if (err instanceof DiscordAPIError) {
    if (err.code === RESTJSONErrorCodes.UnknownChannel)
      return new PlatformError('the channel was deleted, or Threadline can no longer see it', 'gone');
    if (err.code === RESTJSONErrorCodes.MissingAccess)
      return new PlatformError(
        'Threadline cannot see this channel (Missing Access: give it View Channel)',
        'forbidden',
      );
    if (err.code === RESTJSONErrorCodes.MissingPermissions) {
      return new PlatformError(
        'Threadline lacks a permission here (Missing Permissions: it needs Send Messages, Send Messages in ' +
          'Threads, Create Public Threads, Embed Links and Read Message History)',
        'forbidden',
      );
    }
    if (err.status === 429) return new PlatformError('Discord rate limit', 'rate-limited');
    if (err.status >= 500) return new PlatformError(`Discord answered ${err.status}`, 'transient');
    return err;
  }
  if (err instanceof RateLimitError) return new PlatformError('Discord rate limit', 'rate-limited');
  if (err instanceof HTTPError) return new PlatformError(`Discord answered ${err.status}`, 'transient');
  if (err instanceof Error) return new PlatformError(`Discord request failed: ${err.message}`, 'transient');
  return err;
}

/**
 * Permissions Discord does not refuse a post for lacking: as named in its settings, and why Threadline needs
 * them. Without Read Message History, Discord lists no messages rather than refusing, so what a post cut short
 * by a restart had sent could not be found, and would be sent twice; without Embed Links it drops the embed.
 */
const HISTORY = [
  [
    PermissionFlagsBits.ReadMessageHistory,
    'Read Message History',
    'to find its own posts after a restart, so that none goes out twice',
  ],
] as const;
const STORY_PERMISSIONS = [
  ...HISTORY,
  [PermissionFlagsBits.EmbedLinks, 'Embed Links', "for a story's summary"],
] as const;

export interface DiscordAdapterOptions {
  client: Client;
  logger: Logger;
}

export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord' as const;
  private noRetry?: REST;
  /**
   * Story posts `recover` found from before a crash, with how many thread replies they already hold (none when
   * the crash came before the thread); the postStory that follows for the same key starts the thread if need
   * be and sends only the rest, so a crash mid-thread loses no reply.
   */
  private readonly unfinished = new Map<string, { ref: PostedRef; sent: number }>();

  constructor(private readonly opts: DiscordAdapterOptions) {}

  private get rest(): REST {
    return this.opts.client.rest;
  }

  /** Same API and token as the client, without automatic retries: for requests Discord cannot dedupe. */
  private get onceRest(): REST {
    this.noRetry ??= new REST({ ...this.opts.client.options.rest, retries: 0 });
    // The client's token is only certain once it has logged in.
    if (this.opts.client.token) this.noRetry.setToken(this.opts.client.token);
    return this.noRetry;
  }

  /** Frees the no-retry REST client's timers. */
  close(): void {
    this.noRetry?.clearHashSweeper();
    this.noRetry?.clearHandlerSweeper();
    this.noRetry = undefined;
  }

  async postStory(channel: ChannelSettings, digest: StoryDigest, key: string): Promise<PostedRef> {
    return this.guard(async () => {
      this.require(channel, STORY_PERMISSIONS);
      const render = renderDiscordStory(digest);
      const started = this.unfinished.get(key);
      this.unfinished.delete(key);
      if (started) {
        const threadId =
          started.ref.threadId ?? (await this.startThread(channel, started.ref.parentId, render.threadName));
        await this.sendAll(threadId, render.replies.slice(started.sent), key, started.sent);
        return { ...started.ref, threadId };
      }
      const parent = withRef(render.parent, key);
      let ref: PostedRef;
      if (channel.kind === 'forum') {
        const id = await this.forumPost(channel, render.threadName, parent, key);
        ref = { parentId: id, threadId: id };
      } else {
        const message = await this.send(channel.channelId, parent, nonceFor(key));
        ref = {
          parentId: message.id,
          threadId: await this.startThread(channel, message.id, render.threadName),
        };
      }
      await this.sendAll(ref.threadId!, render.replies, key);
      return ref;
    });
  }

  async updateStory(
    channel: ChannelSettings,
    ref: PostedRef,
    update: StoryUpdate,
    key: string,
    since?: number,
  ): Promise<void> {
    await this.guard(async () => {
      this.require(channel, HISTORY);
      const render = renderDiscordUpdate(update);
      // In a forum the post is the thread and its starter message shares the thread's id.
      const parentChannel = channel.kind === 'forum' ? (ref.threadId ?? ref.parentId) : channel.channelId;
      const threadId = ref.threadId ?? parentChannel;
      try {
        // A retry after a crash skips the replies its first attempt sent: their nonces are long forgotten.
        const sent = since === undefined ? 0 : await this.sentSince(threadId, render.reply, since);
        await this.sendAll(threadId, render.reply.slice(sent), key, sent);
        await this.rest.patch(Routes.channelMessage(parentChannel, ref.parentId), {
          body: withRef(render.parentEdit, key),
        });
      } catch (err) {
        if (await this.storyRemoved(channel, err)) {
          this.opts.logger.info(
            { channel: channel.key, parentId: ref.parentId },
            'story thread was deleted or locked; update skipped',
          );
          return;
        }
        throw err;
      }
    });
  }

  async postNotice(channel: ChannelSettings, text: string, key: string): Promise<PostedRef> {
    return this.guard(async () => {
      this.require(channel, HISTORY);
      const payload = noticePayload(text);
      if (channel.kind === 'forum') {
        const name = truncateWords(text.replace(/\s+/g, ' ').trim(), DISCORD_LIMITS.threadName);
        const id = await this.forumPost(channel, name, payload, key);
        return { parentId: id, threadId: id };
      }
      const message = await this.send(channel.channelId, payload, nonceFor(key));
      return { parentId: message.id };
    });
  }

  /**
   * Finds a post made under `key` before a crash. A notice is reported as found. A story is not: its thread's
   * replies are counted, and the postStory that follows completes it, starting the thread if the crash came
   * before that.
   */
  async recover(
    channel: ChannelSettings,
    key: string,
    since?: number,
    notice?: string,
  ): Promise<PostedRef | undefined> {
    return this.guard(async () => {
      this.require(channel, HISTORY);
      let ref: PostedRef;
      let story: boolean;
      // Discord keeps no nonce with a message (it is echoed only when the message is created), so a plain
      // notice is known by its text: ours, without embeds, posted since the act began.
      const content = notice === undefined ? undefined : noticePayload(notice).content;
      if (channel.kind === 'forum') {
        const found = await this.findForumPost(channel, key, content, since);
        if (!found) return undefined;
        ref = { parentId: found.id, threadId: found.id };
        story = found.starter.embeds.length > 0;
      } else {
        const nonce = nonceFor(key);
        const found = await this.findMessage(
          channel.channelId,
          (m) =>
            this.byBot(m.author.id) &&
            (m.nonce === nonce ||
              hasRef(m, key) ||
              (content !== undefined && !m.embeds.length && m.content === content)),
          since,
        );
        if (!found) return undefined;
        if (!found.embeds.length) return { parentId: found.id };
        // A thread the crash came before is started by the postStory that follows, named from the digest: the
        // embed's title is escaped as markdown, which a thread name does not render.
        ref = found.thread ? { parentId: found.id, threadId: found.thread.id } : { parentId: found.id };
        story = true;
      }
      if (!story) return ref;
      this.unfinished.set(key, { ref, sent: ref.threadId ? await this.repliesIn(ref.threadId) : 0 });
      return undefined;
    });
  }

  // ---- Requests ----

  /**
   * A channel message matching `test`: among all posted since `since` (epoch ms), page by page from the oldest,
   * or without `since` among the latest few.
   */
  private async findMessage(
    channelId: string,
    test: (m: APIMessage) => boolean,
    since?: number,
  ): Promise<APIMessage | undefined> {
    if (since === undefined) {
      const recent = (await this.rest.get(Routes.channelMessages(channelId), {
        query: new URLSearchParams({ limit: String(RECOVER_WINDOW) }),
      })) as APIMessage[];
      return recent.find(test);
    }
    for await (const page of this.pagesSince(channelId, since)) {
      const found = page.find(test);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The messages of a channel or thread posted since `since` (epoch ms, less the clock skew), a page of up to
   * 100 at a time, oldest page first and each page oldest first; at most `RECOVER_PAGES` pages.
   */
  private async *pagesSince(channelId: string, since: number): AsyncGenerator<APIMessage[]> {
    let after = snowflakeAt(since - CLOCK_SKEW_MS);
    for (let page = 0; page < RECOVER_PAGES; page++) {
      const batch = (await this.rest.get(Routes.channelMessages(channelId), {
        query: new URLSearchParams({ after, limit: '100' }),
      })) as APIMessage[];
      // Discord lists a page newest first; the next one starts after its newest message.
      const oldestFirst = [...batch].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      yield oldestFirst;
      if (batch.length < 100) return;
      after = oldestFirst[oldestFirst.length - 1]!.id;
    }
  }

  private byBot(authorId: string): boolean {
    const me = this.opts.client.user?.id;
    return !me || authorId === me;
  }

  private async send(channelId: string, payload: DiscordMessagePayload, nonce: string): Promise<APIMessage> {
    return (await this.rest.post(Routes.channelMessages(channelId), {
      body: { ...payload, allowed_mentions: { parse: [] }, nonce, enforce_nonce: true },
    })) as APIMessage;
  }

  /** Sends messages in order; `first` is the index of the first one among all of the key's messages. */
  private async sendAll(
    channelId: string,
    payloads: DiscordMessagePayload[],
    key: string,
    first = 0,
  ): Promise<void> {
    for (const [i, payload] of payloads.entries())
      await this.send(channelId, payload, nonceFor(`${key}|${first + i}`));
  }

  /**
   * How many of `payloads`, from the first, are already in the thread among our messages since `since`
   * (epoch ms): an update's replies are sent in order, so what an interrupted attempt sent is a prefix.
   */
  private async sentSince(
    threadId: string,
    payloads: DiscordMessagePayload[],
    since: number,
  ): Promise<number> {
    let sent = 0;
    for await (const page of this.pagesSince(threadId, since)) {
      for (const m of page) {
        if (sent === payloads.length) return sent;
        if (
          m.type === MessageType.Default &&
          this.byBot(m.author.id) &&
          m.content === payloads[sent]!.content
        )
          sent++;
      }
    }
    return sent;
  }

  /** Our own replies in a story's thread: messages are sent one after another, so they are its first replies. */
  private async repliesIn(threadId: string): Promise<number> {
    const messages = (await this.rest.get(Routes.channelMessages(threadId), {
      query: new URLSearchParams({ limit: '100' }),
    })) as APIMessage[];
    // A forum post's starter message shares the thread's id; a message thread opens with a system message.
    return messages.filter(
      (m) => m.id !== threadId && m.type === MessageType.Default && this.byBot(m.author.id),
    ).length;
  }

  /** Starts the story's thread on its parent; a retry after a lost response finds the thread already there. */
  private async startThread(channel: ChannelSettings, messageId: string, name: string): Promise<string> {
    try {
      const thread = (await this.rest.post(Routes.threads(channel.channelId, messageId), {
        body: { name, auto_archive_duration: AUTO_ARCHIVE_MINUTES },
      })) as APIThreadChannel;
      return thread.id;
    } catch (err) {
      // A thread started from a message has that message's id.
      if (isCode(err, RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage)) return messageId;
      throw err;
    }
  }

  private async forumPost(
    channel: ChannelSettings,
    name: string,
    message: DiscordMessagePayload,
    key: string,
  ): Promise<string> {
    const body: Record<string, unknown> = {
      name,
      auto_archive_duration: AUTO_ARCHIVE_MINUTES,
      message: { ...message, allowed_mentions: { parse: [] } },
    };
    const tag = this.requiredTag(channel.channelId);
    if (tag) body.applied_tags = [tag];
    for (let attempt = 1; ; attempt++) {
      try {
        const post = (await this.onceRest.post(Routes.threads(channel.channelId), {
          body,
        })) as APIThreadChannel;
        return post.id;
      } catch (err) {
        if (!isTransient(err) || attempt >= FORUM_POST_ATTEMPTS) throw err;
        // The post may exist although the answer was lost: look before posting again.
        const found = await this.findForumPost(channel, key, message.content);
        if (found) return found.id;
      }
    }
  }

  /** Forums that require a tag get one: a tag called news, else the first that anyone may apply. */
  private requiredTag(forumId: string): string | undefined {
    const forum = this.opts.client.channels.cache.get(forumId);
    if (!forum || !('availableTags' in forum) || !forum.flags.has(ChannelFlags.RequireTag)) return undefined;
    const open = forum.availableTags.filter((t) => !t.moderated);
    return (open.find((t) => t.name.toLowerCase() === 'news') ?? open[0])?.id;
  }

  /**
   * A post of ours in the forum whose starter carries the key's footer reference (or, for notices, the text):
   * among those made since `since` (epoch ms), or without it among the latest few.
   */
  private async findForumPost(
    channel: ChannelSettings,
    key: string,
    content?: string,
    since?: number,
  ): Promise<{ id: string; starter: APIMessage } | undefined> {
    const active = (await this.rest.get(Routes.guildActiveThreads(channel.workspaceId))) as {
      threads: APIThreadChannel[];
    };
    const from = since === undefined ? 0n : BigInt(snowflakeAt(since - CLOCK_SKEW_MS));
    const mine = active.threads
      .filter(
        (t) => t.parent_id === channel.channelId && this.byBot(t.owner_id ?? '') && BigInt(t.id) >= from,
      )
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
      .slice(0, since === undefined ? 10 : RECOVER_FORUM_POSTS);
    for (const thread of mine) {
      let starter: APIMessage;
      try {
        starter = (await this.rest.get(Routes.channelMessage(thread.id, thread.id))) as APIMessage;
      } catch (err) {
        if (isCode(err, RESTJSONErrorCodes.UnknownMessage)) continue;
        throw err;
      }
      if (
        hasRef(starter, key) ||
        (content !== undefined && !starter.embeds.length && starter.content === content)
      )
        return { id: thread.id, starter };
    }
    return undefined;
  }

  /**
   * Whether an update failed because the story's own thread or parent is gone (deleted or locked by a
   * moderator) while the channel itself is fine: then there is nothing to update.
   */
  private async storyRemoved(channel: ChannelSettings, err: unknown): Promise<boolean> {
    if (isCode(err, RESTJSONErrorCodes.InvalidActionOnArchivedThread)) return true;
    if (!isCode(err, RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.UnknownMessage)) return false;
    try {
      await this.rest.get(Routes.channel(channel.channelId));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Refuses to post where a permission Discord does not enforce with an error is missing (see `HISTORY`).
   * Goes by the permissions in the client's cache; when they are not known there, Discord's answers decide.
   */
  private require(channel: ChannelSettings, needed: readonly (readonly [bigint, string, string])[]): void {
    const me = this.opts.client.user;
    const cached = this.opts.client.channels.cache.get(channel.channelId);
    if (!me || !cached || !('permissionsFor' in cached)) return;
    const permissions = cached.permissionsFor(me);
    const missing = needed.filter(([flag]) => permissions && !permissions.has(flag));
    if (!missing.length) return;
    throw new PlatformError(
      `Threadline lacks ${missing.map(([, name, why]) => `${name} (${why})`).join(' and ')} here`,
      'forbidden',
    );
  }

  /** Runs a delivery with Discord's errors mapped to PlatformError kinds, so the channel sink can pause on them. */
  private async guard<T>(act: () => Promise<T>): Promise<T> {
    try {
      return await act();
    } catch (err) {
      throw toPlatformError(err);
    }
  }
}
