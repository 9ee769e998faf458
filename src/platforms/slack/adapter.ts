/**
 * Delivery to Slack channels: a story is a parent message with its thread, an update edits the parent's
 * counts and replies in the thread. Every message carries its idempotency key in message metadata, so an
 * interrupted delivery is finished from what Slack already shows instead of being posted again.
 */
import type { webApi } from '@slack/bolt';
import type { ChannelSettings } from '../../deliver/channels.js';
import { type ChatAdapter, PlatformError } from '../../deliver/platform.js';
import type { PostedRef, StoryUpdate } from '../../deliver/sink.js';
import type { Logger } from '../../log.js';
import type { StoryDigest } from '../../model.js';
import { type DeliveryTuning, REPLY_EVENT, SlackApi, SlackPlatformError, TOP_LEVEL_EVENT } from './api.js';
import { escapeSlack, renderSlackStory, renderSlackUpdate, type SlackMessagePayload } from './render.js';

export interface SlackAdapterOptions {
  tuning: DeliveryTuning;
  logger: Logger;
  /** Web API base URL; Slack's own when absent. */
  apiUrl?: string;
  /** The bot token for a workspace (team id), or undefined when the app is not installed there. */
  tokenFor(workspaceId: string): Promise<string | undefined>;
  /** Logger for web-api's own messages. */
  clientLogger?: webApi.WebClientOptions['logger'];
}

const topLevelMeta = (key: string, kind: 'story' | 'notice', replies: number) => ({
  event_type: TOP_LEVEL_EVENT,
  event_payload: { key, kind, replies },
});

const UNEDITABLE = new Set(['message_not_found', 'cant_update_message']);

const replyMeta = (key: string, part: number) => ({ event_type: REPLY_EVENT, event_payload: { key, part } });

export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack' as const;
  /** API clients by bot token, and the token each workspace was last delivered with. */
  private readonly apis = new Map<string, SlackApi>();
  private readonly tokenOf = new Map<string, string>();
  /** Threads `recover` found started but unfinished; the next postStory for the key completes them. */
  private readonly unfinished = new Map<string, { ts: string; parts: Map<number, string> }>();

  constructor(private readonly opts: SlackAdapterOptions) {}

  /** API clients held: one per bot token in use, so a reinstall (a new token) does not add one. */
  get clients(): number {
    return this.apis.size;
  }

  private async api(channel: ChannelSettings): Promise<SlackApi> {
    const token = await this.opts.tokenFor(channel.workspaceId);
    this.useToken(channel.workspaceId, token);
    if (!token) {
      throw new PlatformError(
        `Threadline is not installed in Slack workspace ${channel.workspaceId}`,
        'forbidden',
      );
    }
    let api = this.apis.get(token);
    if (!api) {
      api = new SlackApi(token, this.opts.tuning, this.opts.logger, {
        apiUrl: this.opts.apiUrl,
        clientLogger: this.opts.clientLogger,
      });
      this.apis.set(token, api);
    }
    return api;
  }

  /**
   * Notes the token a workspace is delivered with now (none once uninstalled); the client of a token it used
   * before goes when no other workspace uses it (one org-wide install serves many workspaces).
   */
  private useToken(workspaceId: string, token: string | undefined): void {
    const before = this.tokenOf.get(workspaceId);
    if (before === token) return;
    if (token) this.tokenOf.set(workspaceId, token);
    else this.tokenOf.delete(workspaceId);
    if (before !== undefined && ![...this.tokenOf.values()].includes(before)) this.apis.delete(before);
  }

  async postStory(channel: ChannelSettings, digest: StoryDigest, key: string): Promise<PostedRef> {
    const api = await this.api(channel);
    const { parent, replies } = renderSlackStory(digest);
    const started = this.unfinished.get(key);
    this.unfinished.delete(key);
    const ts =
      started?.ts ??
      (await api.post(
        { channel: channel.channelId, ...parent, metadata: topLevelMeta(key, 'story', replies.length) },
        async () => (await api.findTopLevel(channel.channelId, key))?.ts,
      ));
    await this.postReplies(api, channel.channelId, ts, replies, key, started?.parts ?? new Map());
    return { parentId: ts, threadId: ts };
  }

  async updateStory(
    channel: ChannelSettings,
    ref: PostedRef,
    update: StoryUpdate,
    key: string,
  ): Promise<void> {
    const api = await this.api(channel);
    const { reply, parentEdit } = renderSlackUpdate(update);
    try {
      await api.call('chat.update', { channel: channel.channelId, ts: ref.parentId, ...parentEdit });
    } catch (err) {
      // A parent someone deleted cannot show new counts; the thread still gets the news.
      if (!(err instanceof SlackPlatformError && UNEDITABLE.has(err.code))) throw err;
      this.opts.logger.warn(
        { channel: channel.key, ts: ref.parentId, code: err.code },
        'story parent not editable',
      );
    }
    const threadTs = ref.threadId ?? ref.parentId;
    // A retried update (same key) skips the replies its interrupted attempt already posted.
    const done = await api.replyParts(channel.channelId, threadTs, key);
    await this.postReplies(api, channel.channelId, threadTs, reply, key, done);
  }

  async postNotice(channel: ChannelSettings, text: string, key: string): Promise<PostedRef> {
    const api = await this.api(channel);
    const ts = await api.post(
      {
        channel: channel.channelId,
        text: escapeSlack(text),
        unfurl_links: false,
        unfurl_media: false,
        metadata: topLevelMeta(key, 'notice', 0),
      },
      async () => (await api.findTopLevel(channel.channelId, key))?.ts,
    );
    return { parentId: ts };
  }

  /**
   * Finds a post made under `key` before a crash. A story whose thread is incomplete is not reported as
   * found: it is remembered, and the postStory that follows adds only the missing replies.
   */
  async recover(channel: ChannelSettings, key: string, since?: number): Promise<PostedRef | undefined> {
    try {
      const api = await this.api(channel);
      const found = await api.findTopLevel(channel.channelId, key, since);
      if (!found?.ts) return undefined;
      const payload = found.metadata?.event_payload ?? {};
      if (payload.kind === 'notice') return { parentId: found.ts };
      const expected = Number(payload.replies ?? 0);
      const parts = expected > 0 ? await api.replyParts(channel.channelId, found.ts, key) : new Map();
      if (parts.size >= expected) return { parentId: found.ts, threadId: found.ts };
      this.unfinished.set(key, { ts: found.ts, parts });
      return undefined;
    } catch (err) {
      // A channel that refuses reading refuses posting too; the post that follows pauses it.
      if (err instanceof PlatformError && (err.kind === 'gone' || err.kind === 'forbidden')) return undefined;
      throw err;
    }
  }

  private async postReplies(
    api: SlackApi,
    channel: string,
    threadTs: string,
    replies: SlackMessagePayload[],
    key: string,
    done: Map<number, string>,
  ): Promise<void> {
    for (const [part, payload] of replies.entries()) {
      if (done.has(part)) continue;
      await api.post({ channel, thread_ts: threadTs, ...payload, metadata: replyMeta(key, part) }, async () =>
        (await api.replyParts(channel, threadTs, key)).get(part),
      );
    }
  }
}
