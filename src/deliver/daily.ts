import type { StoryInfo } from '../cluster/index.js';
import { rankStories } from '../digest/rank.js';
import type { Logger } from '../log.js';
import type { Item, StoryDigest } from '../model.js';
import { ChannelSink } from './channel-sink.js';
import type { ChannelSettings, ChannelStore } from './channels.js';
import type { Deliverer } from './deliverer.js';
import { channelWants, reportedSince } from './matching.js';
import type { ChatAdapter } from './platform.js';
import { lastOccurrence, localDate } from './zoned-time.js';

/** What the daily digest needs from the story engine. */
export interface StorySource {
  /** Most recently updated first. A list is never changed: while the stories stay as they are, it may come back. */
  stories(): readonly Pick<StoryInfo, 'id' | 'headline' | 'sources' | 'lastUpdated' | 'itemIds'>[];
  /** When the newest of a story's items was taken in (epoch ms), which can be well after it was published. */
  lastAccepted(story: Pick<StoryInfo, 'itemIds'>): number | undefined;
  digest(storyId: string): StoryDigest | undefined;
  /**
   * The story as it stands now, with a way to build its digest later from that: what a search found is what
   * is shown, even if the story went (or changed) before the digest was built.
   */
  digestLater(storyId: string): (() => StoryDigest) | undefined;
  storyItems(storyId: string): Item[];
}

export interface DailyDigestOptions {
  channels: ChannelStore;
  deliverer: Deliverer;
  stories: StorySource;
  adapter: (channel: ChannelSettings) => ChatAdapter | undefined;
  logger: Logger;
  /** Most stories in one digest. */
  maxStories?: number;
  /** Whether this worker may still post (see `ChannelSink`). */
  mayPost?: () => boolean;
  /**
   * A story whose newest report was published this long before the digest's window opened is left out, though
   * taken in during the window: the back catalogue of a newly followed feed is not the day's news. Unset: no
   * limit.
   */
  maxStoryAgeMs?: number;
}

const DAY = 86_400_000;

/**
 * The channel's most recent digest slot, if no digest has been sent for it yet. One digest per local day: a
 * digest time moved later on a day that had its digest waits for the next day.
 */
export function dueSlot(channel: ChannelSettings, now: Date): Date | undefined {
  if (channel.mode === 'realtime' || channel.paused) return undefined;
  const slot = lastOccurrence(now, channel.digestTime, channel.timezone);
  if (channel.dailySince && slot.getTime() < Date.parse(channel.dailySince)) return undefined;
  if (!channel.lastDigestAt) return slot;
  const last = new Date(channel.lastDigestAt);
  if (last.getTime() >= slot.getTime()) return undefined;
  return localDate(last, channel.timezone) === localDate(slot, channel.timezone) ? undefined : slot;
}

/**
 * The delivery key of the channel's digest for `slot`: `daily-` and its local date. A channel moved to another
 * time zone can get a second digest with the date of the one before (a digest at 08:00 in Tokyo, then one at
 * 08:00 in Los Angeles, both for the 16th); that one's key also names its slot, or its header would pass for
 * the first digest's, already posted. Keys depend only on the saved channel, so an interrupted digest is
 * resumed under the same key.
 */
export function digestKey(channel: ChannelSettings, slot: Date): string {
  const key = `daily-${localDate(slot, channel.timezone)}`;
  const taken = channel.lastDigestKey?.startsWith(key) && channel.lastDigestAt !== slot.toISOString();
  return taken ? `${key}-${slot.toISOString()}` : key;
}

/** The local date a digest key names (`daily-2026-01-15`, perhaps with its slot after). */
function dateOfKey(key: string): string {
  return key.slice('daily-'.length, 'daily-'.length + 10);
}

/**
 * Daily digests: at each channel's time in its zone, a header message and one thread per top story since
 * the previous digest. A digest missed while the worker was down is sent at the next tick; every post goes
 * through the deliverer, so a digest interrupted by a crash is finished, not repeated.
 */
export class DailyDigests {
  constructor(private readonly opts: DailyDigestOptions) {}

  /** Sends every digest that is due at `now`; returns how many channels got one. */
  async tick(now: Date): Promise<number> {
    let sent = 0;
    for (let channel of await this.opts.channels.list()) {
      // A digest interrupted on an earlier day is finished first, under its own header.
      const underway = channel.digestUnderway?.slot;
      if (
        underway &&
        channel.mode !== 'realtime' &&
        !channel.paused &&
        dueSlot(channel, now)?.toISOString() !== underway
      ) {
        try {
          await this.run(channel, new Date(underway));
        } catch (err) {
          this.opts.logger.error({ err, channel: channel.key }, 'daily digest failed');
          continue;
        }
        channel = (await this.opts.channels.get(channel.key)) ?? channel;
      }
      const slot = dueSlot(channel, now);
      if (!slot) continue;
      try {
        await this.run(channel, slot);
        sent++;
      } catch (err) {
        this.opts.logger.error({ err, channel: channel.key }, 'daily digest failed');
      }
    }
    return sent;
  }

  /** The stories a channel's digest for `slot` would carry, best first. */
  pick(channel: ChannelSettings, slot: Date): StoryDigest[] {
    const turnedOn = channel.dailySince ? Date.parse(channel.dailySince) : Number.NEGATIVE_INFINITY;
    // The first digest covers everything since daily digests were turned on, however late it goes out.
    const since = channel.lastDigestAt
      ? Math.max(Date.parse(channel.lastDigestAt), turnedOn)
      : Number.isFinite(turnedOn)
        ? turnedOn
        : slot.getTime() - DAY;
    // By arrival, not publication: an item published just before one digest but polled just after it belongs
    // to the next, where publication times would leave it out of both.
    const arrived = (s: Pick<StoryInfo, 'lastUpdated' | 'itemIds'>) =>
      this.opts.stories.lastAccepted(s) ?? Date.parse(s.lastUpdated);
    const maxAge = this.opts.maxStoryAgeMs;
    const candidates = this.opts.stories
      .stories()
      .filter((s) => {
        const at = arrived(s);
        return at > since && at <= slot.getTime();
      })
      .filter((s) => {
        const items = this.opts.stories.storyItems(s.id);
        return channelWants(channel, items) && (!maxAge || reportedSince(items, since - maxAge));
      })
      .map((s) => this.opts.stories.digest(s.id))
      .filter((d): d is StoryDigest => !!d);
    const inputs = candidates.map((digest) => {
      const fresh = digest.coverage.filter((c) => Date.parse(c.publishedAt) > since).length;
      return {
        digest,
        newFacts: Math.round((digest.facts.length * fresh) / Math.max(1, digest.coverage.length)),
      };
    });
    return rankStories(inputs, slot, this.opts.maxStories ?? 5).map((r) => r.digest);
  }

  async run(channel: ChannelSettings, slot: Date): Promise<void> {
    const adapter = this.opts.adapter(channel);
    if (!adapter) throw new Error(`no adapter for platform ${channel.platform}`);
    // A digest interrupted after its header is finished with the stories it picked, under its own key and
    // date, whatever the channel's zone is now: recomputed in a new zone, they would make a second header.
    const underway = channel.digestUnderway;
    const resumed = underway?.slot === slot.toISOString() ? underway : undefined;
    const key = resumed?.key ?? digestKey(channel, slot);
    const date = resumed ? dateOfKey(resumed.key) : localDate(slot, channel.timezone);
    const picked = resumed?.storyIds ?? (underway?.key === key ? underway.storyIds : undefined);
    const top = picked
      ? picked.map((id) => this.opts.stories.digest(id)).filter((d): d is StoryDigest => !!d)
      : this.pick(channel, slot);
    if (top.length) {
      if (!picked) {
        const digestUnderway = { key, slot: slot.toISOString(), storyIds: top.map((d) => d.id) };
        await this.opts.channels.update(channel, (latest) => ({ ...latest, digestUnderway }));
      }
      const header = `Daily digest for ${date}: ${top.length} top ${top.length === 1 ? 'story' : 'stories'}`;
      const sink = new ChannelSink(channel, adapter, this.opts.channels, {
        idSuffix: key,
        minSources: 1,
        logger: this.opts.logger,
        mayPost: this.opts.mayPost,
      });
      await this.opts.deliverer.once(
        `${channel.key}|${key}|header`,
        header,
        (key, text) => sink.notice(text, key),
        (key, since, text) => sink.recover(key, since, text),
      );
      for (const digest of top) await this.opts.deliverer.deliver(sink, digest);
    }
    await this.opts.channels.update(channel, (latest) => ({
      ...latest,
      lastDigestAt: slot.toISOString(),
      lastDigestKey: key,
      digestUnderway: undefined,
    }));
  }
}
