import type { Store } from '../store/index.js';

export type Platform = 'discord' | 'slack';
export type DeliveryMode = 'realtime' | 'daily' | 'both';
export type ChannelKind = 'text' | 'announcement' | 'forum';

/** A chat channel and what it has asked for. Plain JSON, persisted in the `channels` namespace. */
export interface ChannelSettings {
  /** `platform:workspace:channel`, unique across platforms. */
  key: string;
  platform: Platform;
  /** Discord guild id or Slack team id. */
  workspaceId: string;
  channelId: string;
  kind: ChannelKind;
  /**
   * `since` (ISO): when the channel began following the feed. A story is first posted here only with a report
   * from about then or later (see `newsSince`); absent on records older than it, for which no limit applies.
   */
  feeds: { url: string; title?: string; since?: string }[];
  topics: string[];
  /** When the channel began following each topic (ISO), as `since` of a feed. */
  topicSince?: Record<string, string>;
  mode: DeliveryMode;
  /** Local time of the daily digest, HH:MM. */
  digestTime: string;
  /** IANA time zone of `digestTime`. */
  timezone: string;
  /** A story is posted in realtime once this many distinct outlets cover it. */
  minSources: number;
  /** Set when the platform refused delivery (missing permissions, deleted channel); cleared by any config command. */
  paused?: { reason: string; at: string };
  /** Slot of the last daily digest sent (ISO); the next one covers stories updated since. */
  lastDigestAt?: string;
  /** Delivery key of the last daily digest sent (see `digestKey`). */
  lastDigestKey?: string;
  /**
   * The daily digest under way: its key and the stories it picked, saved before its header is posted, so that
   * one interrupted is finished with the same stories (those updated since fall out of its window).
   */
  digestUnderway?: { key: string; slot?: string; storyIds: string[] };
  /**
   * When daily digests were last turned on (ISO): slots before it are not due, and the first digest after it
   * covers from then, not from a digest sent before they were turned off.
   */
  dailySince?: string;
}

export const DEFAULT_CHANNEL = {
  mode: 'realtime' as DeliveryMode,
  digestTime: '08:00',
  timezone: 'UTC',
  minSources: 2,
};

export function channelKey(platform: Platform, workspaceId: string, channelId: string): string {
  return `${platform}:${workspaceId}:${channelId}`;
}

/** The channels that follow something: those every pass and every digest check reads. */
const INDEX = 'channels:index';
/**
 * Slack channels set up but following nothing, whose settings are kept for their next subscription: out of the
 * index, so that channels that came and went cost a pass nothing, but still found as a Slack Connect channel.
 */
const IDLE = 'channels:idle';

/** Whether a channel follows a feed or a topic. */
export function followsSomething(channel: ChannelSettings): boolean {
  return channel.feeds.length > 0 || channel.topics.length > 0;
}

/** Whether a channel is listed: it follows something, or a daily digest of it is under way. */
function listed(channel: ChannelSettings): boolean {
  return followsSomething(channel) || !!channel.digestUnderway;
}

/**
 * Channel settings by key, plus an index so the worker can list every channel that follows something. Changes
 * to one channel, and to the index, are made one at a time: a change made while another is under way (two
 * commands in one channel, a command while a delivery pauses the channel, two channels set up at once) starts
 * from the other's result instead of overwriting it.
 */
export class ChannelStore {
  /** The last change queued per channel key, and for the index. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: Store) {}

  /** Runs `act` after the changes queued under `key` so far, whether they succeeded or not. */
  private serial<T>(key: string, act: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(act, act);
    const settled = run.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }

  private get space() {
    return this.store.ns<ChannelSettings>('channels');
  }

  private get meta() {
    return this.store.ns<string[]>('meta');
  }

  async get(key: string): Promise<ChannelSettings | undefined> {
    return this.space.get(key);
  }

  /** The channel's settings, or fresh defaults for a channel seen for the first time (not yet saved). */
  async getOrCreate(
    platform: Platform,
    workspaceId: string,
    channelId: string,
    kind: ChannelKind = 'text',
  ): Promise<ChannelSettings> {
    const key = channelKey(platform, workspaceId, channelId);
    return (
      (await this.get(key)) ??
      (platform === 'slack' ? await this.sharedSlackChannel(channelId) : undefined) ?? {
        key,
        platform,
        workspaceId,
        channelId,
        kind,
        feeds: [],
        topics: [],
        ...DEFAULT_CHANNEL,
      }
    );
  }

  /**
   * A Slack channel shared between workspaces (Slack Connect) has one id in all of them, and its commands come
   * from whichever workspace the user is in: set up from one, it is the same channel from the others, or it
   * would get every story twice.
   */
  private async sharedSlackChannel(channelId: string): Promise<ChannelSettings | undefined> {
    const keys = [...((await this.meta.get(INDEX)) ?? []), ...((await this.meta.get(IDLE)) ?? [])];
    const key = keys.find((k) => k.startsWith('slack:') && k.endsWith(`:${channelId}`));
    return key === undefined ? undefined : this.get(key);
  }

  /** Saves a channel's settings as given, after any change to it under way. */
  async save(channel: ChannelSettings): Promise<void> {
    await this.serial(channel.key, () => this.write(channel));
  }

  /**
   * Changes a channel's settings as they are saved now (`fresh` for a channel not saved yet): `change` returns
   * the new settings, or undefined to leave them as they are. Returns the settings as they then are.
   */
  async update(
    fresh: ChannelSettings,
    change: (current: ChannelSettings) => ChannelSettings | undefined,
  ): Promise<ChannelSettings> {
    return this.serial(fresh.key, async () => {
      const current = (await this.get(fresh.key)) ?? fresh;
      const next = change(current);
      if (next) await this.write(next);
      return next ?? current;
    });
  }

  private async write(channel: ChannelSettings): Promise<void> {
    // Listed before it is saved: settings saved while the listing failed would make a channel that nothing
    // polls or delivers to, and that a retried command finds already set; a listed channel not saved yet is
    // skipped. One that follows nothing any more leaves the list once saved, for the same reason.
    if (listed(channel)) await this.file(channel.key, INDEX, IDLE);
    await this.space.set(channel.key, channel);
    if (!listed(channel)) await this.unlist(channel);
  }

  /** Takes a channel out of the index; a Slack channel's key is kept as idle (see `IDLE`). */
  private unlist(channel: ChannelSettings): Promise<void> {
    return this.file(channel.key, channel.platform === 'slack' ? IDLE : undefined, INDEX);
  }

  /** Puts a channel's key in the list `into` (none: in neither) and takes it out of the list `from`. */
  private file(key: string, into: string | undefined, from: string): Promise<void> {
    return this.serial(INDEX, async () => {
      if (into) {
        const keys = (await this.meta.get(into)) ?? [];
        if (!keys.includes(key)) await this.meta.set(into, [...keys, key]);
      }
      const keys = await this.meta.get(from);
      if (keys?.includes(key))
        await this.meta.set(
          from,
          keys.filter((k) => k !== key),
        );
    });
  }

  async list(platform?: Platform): Promise<ChannelSettings[]> {
    const keys = (await this.meta.get(INDEX)) ?? [];
    const found = (await this.space.getMany(keys)).filter((c): c is ChannelSettings => !!c);
    // Earlier versions listed every channel ever set up: those that follow nothing leave the list now.
    for (const stale of found.filter((c) => !listed(c))) await this.unlistIdle(stale.key);
    return found.filter((c) => listed(c) && (!platform || c.platform === platform));
  }

  /** Takes a channel out of the index if, once changes to it under way are done, it still follows nothing. */
  private async unlistIdle(key: string): Promise<void> {
    try {
      await this.serial(key, async () => {
        const channel = await this.get(key);
        if (channel && !listed(channel)) await this.unlist(channel);
      });
    } catch {
      // Only housekeeping: the channel stays listed, and is tried again at the next listing.
    }
  }

  /**
   * Every feed some channel that takes deliveries subscribes to, once each, with the first title given for it.
   * A paused channel (deleted, archived, or refusing the bot) can take nothing: its feeds are polled again once
   * a command there resumes it.
   */
  async subscribedFeeds(): Promise<{ url: string; title?: string }[]> {
    const feeds = new Map<string, { url: string; title?: string }>();
    for (const channel of await this.list())
      if (!channel.paused) for (const f of channel.feeds) if (!feeds.has(f.url)) feeds.set(f.url, f);
    return [...feeds.values()];
  }
}
