import type { Config } from '../config/schema.js';
import { type SearchableStory, StorySearch } from '../digest/search.js';
import {
  discoverFeeds,
  FeedParseError,
  FetchError,
  parseFeed,
  parseOpml,
  safeFetch,
  toOpml,
  unwrapFeedScheme,
  urlRefusal,
  withoutFragment,
} from '../ingest/index.js';
import type { StoryDigest } from '../model.js';
import { publisherCount } from '../util/outlet.js';
import { words } from '../util/words.js';
import {
  type ChannelKind,
  type ChannelSettings,
  type ChannelStore,
  type DeliveryMode,
  followsSomething,
  type Platform,
} from './channels.js';
import type { StorySource } from './daily.js';
import { straightQuotes, topicParts } from './matching.js';
import { canonicalTimeZone, isValidTimeZone, parseClockTime } from './zoned-time.js';

/** Where a command was given. */
export interface CommandContext {
  platform: Platform;
  workspaceId: string;
  channelId: string;
  channelKind?: ChannelKind;
}

/** Said in realtime channels of what they just followed (see `newsSince`); daily digests are not limited so. */
function pastNotPosted(channel: ChannelSettings): string {
  return channel.mode === 'daily'
    ? ''
    : ' Stories reported before now come here only if fresh coverage of them does.';
}

/** A command's answer, as plain text; each platform escapes and formats it. */
export type CommandReply = { ok: true; text: string } | { ok: false; error: string };

export interface StoryMatch {
  digest: StoryDigest;
}

const MAX_FEEDS_PER_CHANNEL = 200;
const MAX_TOPICS_PER_CHANNEL = 50;
/** Longest story search: Discord's own limit for the option, and far more than a few words about a story. */
const MAX_QUERY = 200;

/** Topics as stored: lower case, single spaces, straight quotes around phrases with no space inside them. */
function normalTopic(text: string): string {
  return straightQuotes(text)
    .replace(/"\s*([^"]*?)\s*"/g, (_, phrase: string) => (phrase ? `"${phrase}"` : ' '))
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** A topic in a reply: in quotes, unless it holds quoted phrases of its own. */
function showTopic(topic: string): string {
  return topic.includes('"') ? topic : `"${topic}"`;
}

/**
 * How a topic of several words is matched, for the reply that confirms it: which words, and which of them must
 * stand together ("new york" and mayor). Empty for a single word.
 */
function topicReading(topic: string): string {
  const parts = topicParts(topic);
  if (parts.length <= 1 && (parts[0]?.length ?? 0) <= 1) return '';
  const shown = parts.map((part) => (part.length > 1 ? `"${part.join(' ')}"` : part[0]!));
  const last = shown.pop();
  return ` A report's headline or summary must have ${shown.length ? `${shown.join(', ')} and ` : ''}${last}.`;
}

/** A feed URL as compared for unsubscribing: parsed (scheme and host lower-cased), without its fragment. */
function feedUrlKey(text: string): string | undefined {
  try {
    return withoutFragment(new URL(text.trim()).href);
  } catch {
    return undefined;
  }
}

/** A URL to show in a reply: without the user name and password it may carry. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

/** Feed URLs in a reply: the first five, then how many more. */
function urlList(urls: string[]): string {
  const shown = urls.slice(0, 5).map(withoutCredentials);
  const more = urls.length > 5 ? ` and ${urls.length - 5} more` : '';
  return `${shown.join(', ')}${more}`;
}

/** The feeds an OPML import refused, by URL (past five, how many more), and the first one's reason. */
function refusals(refused: { url: string; why: string }[]): string {
  return `${urlList(refused.map((r) => r.url))}; such as: ${refused[0]!.why}`;
}

const noMatch = (query: string) => `no recent story matches "${query}"`;
const ok = (text: string): CommandReply => ({ ok: true, text });
const fail = (error: string): CommandReply => ({ ok: false, error });

/**
 * What the chat commands do, independent of any platform: handlers parse options, call one of these
 * methods and render the reply. Every change is saved before the reply goes out.
 */
export class ChannelCommands {
  private readonly search = new StorySearch();
  /** `searchable()` as last built, and the story list it was built from: kept while that list is current. */
  private searchableOf: { from: readonly unknown[]; list: readonly SearchableStory[] } | undefined;

  constructor(
    private readonly channels: ChannelStore,
    private readonly stories: StorySource,
    private readonly fetchPolicy: Config['fetch'],
    private readonly now: () => Date = () => new Date(),
    /**
     * Where each address's redirects ended when the poller last fetched it (undefined: never fetched), so
     * that a feed followed under an old address is known under its new one too.
     */
    private readonly destinations: (urls: string[]) => Promise<(string | undefined)[]> = async (urls) =>
      urls.map(() => undefined),
  ) {}

  /** `urls` by address, each with the address its redirects lead to when that is another one. */
  private async redirected(urls: string[]): Promise<Map<string, string>> {
    const found = await this.destinations(urls);
    const leads = new Map<string, string>();
    urls.forEach((url, k) => {
      const to = found[k] && withoutFragment(found[k]);
      if (to && to !== url) leads.set(url, to);
    });
    return leads;
  }

  private load(ctx: CommandContext): Promise<ChannelSettings> {
    return this.channels.getOrCreate(ctx.platform, ctx.workspaceId, ctx.channelId, ctx.channelKind);
  }

  /**
   * Decides a change from the channel's settings as saved at that moment (changes to one channel are made one
   * at a time, so two commands at once both count) and saves it before answering. Any configuration change
   * also lifts a pause, so a fixed channel resumes.
   */
  private async edit(
    ctx: CommandContext,
    decide: (channel: ChannelSettings) => { next?: ChannelSettings; reply: CommandReply },
  ): Promise<CommandReply> {
    let reply = fail('the change was not made');
    await this.channels.update(await this.load(ctx), (channel) => {
      const decided = decide(channel);
      reply = decided.reply;
      if (!decided.next) return undefined;
      const next = { ...decided.next, paused: undefined };
      // A channel that followed nothing had no daily digests (nothing lists it): following something again
      // turns them back on from now, so a slot already past is not sent at once with the time off in it.
      if (!followsSomething(channel) && followsSomething(next) && next.mode !== 'realtime')
        next.dailySince = this.now().toISOString();
      return next;
    });
    return reply;
  }

  /** Nothing to add; a paused channel is saved all the same, since any configuration command resumes it. */
  private already(channel: ChannelSettings, what: string): { next?: ChannelSettings; reply: CommandReply } {
    const text = `This channel already follows ${what}.`;
    return channel.paused ? { next: channel, reply: ok(`${text} Deliveries resume.`) } : { reply: ok(text) };
  }

  /** Fetches a URL once and returns the feed it is or advertises, or a clear reason it is not one. */
  async validateFeed(input: string): Promise<{ url: string; title: string } | { error: string }> {
    let url: URL;
    try {
      url = new URL(unwrapFeedScheme(input));
    } catch {
      return { error: `"${input}" is not a URL` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return { error: 'only http and https feeds are supported' };
    for (let hop = 0; hop < 2; hop++) {
      let res: Awaited<ReturnType<typeof safeFetch>>;
      try {
        res = await safeFetch(url.href, this.fetchPolicy, {
          headers: {
            accept: 'application/rss+xml, application/atom+xml, application/feed+json, text/html;q=0.5',
          },
        });
      } catch (err) {
        return {
          error: `cannot fetch ${url.href}: ${err instanceof FetchError ? err.message : 'request failed'}`,
        };
      }
      if (res.status !== 200) return { error: `${url.href} answered HTTP ${res.status}` };
      try {
        const feed = await parseFeed(res.body, {
          contentType: res.headers['content-type'],
          url: res.finalUrl,
        });
        return { url: withoutFragment(res.finalUrl), title: feed.title || new URL(res.finalUrl).hostname };
      } catch (err) {
        if (!(err instanceof FeedParseError)) throw err;
        const found = hop === 0 ? discoverFeeds(res.body.toString('utf8'), res.finalUrl)[0] : undefined;
        if (!found) return { error: `${url.href} is not a feed (${err.message})` };
        url = new URL(found);
      }
    }
    return { error: `${input} is not a feed` };
  }

  async subscribeFeed(ctx: CommandContext, input: string): Promise<CommandReply> {
    const full = `a channel can follow at most ${MAX_FEEDS_PER_CHANNEL} feeds`;
    // Checked before the fetch as well, so that a full channel is told at once.
    const before = await this.load(ctx);
    if (before.feeds.length >= MAX_FEEDS_PER_CHANNEL) return fail(full);
    const feed = await this.validateFeed(input);
    if ('error' in feed) return fail(feed.error);
    // A feed imported from OPML under an address that now redirects is the same feed.
    const leads = await this.redirected(before.feeds.map((f) => f.url));
    return this.edit(ctx, (channel) => {
      const same = channel.feeds.find((f) => f.url === feed.url || leads.get(f.url) === feed.url);
      if (same) return this.already(channel, `${same.title ?? feed.title} (${same.url})`);
      if (channel.feeds.length >= MAX_FEEDS_PER_CHANNEL) return { reply: fail(full) };
      return {
        next: { ...channel, feeds: [...channel.feeds, { ...feed, since: this.now().toISOString() }] },
        reply: ok(`Subscribed to ${feed.title} (${feed.url}). ${this.modeSummary(channel, true)}`),
      };
    });
  }

  async subscribeTopic(ctx: CommandContext, keywords: string): Promise<CommandReply> {
    const topic = normalTopic(keywords);
    if (topic.length < 2 || topic.length > 100) return fail('a topic is 2 to 100 characters of keywords');
    // Feed URLs given together, or a URL among words, would become a topic that no headline ever matches.
    if (/(?:^|[\s<("])https?:\/\//.test(topic))
      return fail(
        'a topic is keywords, not web addresses: follow a feed by giving its URL alone, one at a time',
      );
    // A topic needs a word of two or more letters or digits: one-letter words ("plan b") only narrow it.
    if (!words(topic).length)
      return fail(`${showTopic(topic)} has no word to match: use words of two or more letters`);
    return this.edit(ctx, (channel) => {
      if (channel.topics.includes(topic)) return this.already(channel, `the topic ${showTopic(topic)}`);
      if (channel.topics.length >= MAX_TOPICS_PER_CHANNEL)
        return { reply: fail(`a channel can follow at most ${MAX_TOPICS_PER_CHANNEL} topics`) };
      return {
        next: {
          ...channel,
          topics: [...channel.topics, topic],
          topicSince: { ...channel.topicSince, [topic]: this.now().toISOString() },
        },
        reply: ok(
          `Following stories about ${showTopic(topic)} from every feed Threadline polls.${topicReading(topic)} ` +
            this.modeSummary(channel, true),
        ),
      };
    });
  }

  /** Removes a feed (by URL or title) or a topic; with no target, everything. */
  async unsubscribe(ctx: CommandContext, target?: string): Promise<CommandReply> {
    const wanted = target === undefined ? undefined : normalTopic(target);
    // A blank target is a slip, not a request to drop everything: that takes no target at all.
    if (wanted === '') return fail('say which feed or topic to drop; see the subscriptions list');
    // A URL is compared as a URL: its host in any case, its path exactly ("/News" is not "/news").
    const url = target === undefined ? undefined : feedUrlKey(target);
    return this.edit(ctx, (channel) => {
      if (wanted === undefined) {
        if (!channel.feeds.length && !channel.topics.length)
          return { reply: fail('this channel has no subscriptions') };
        return {
          next: { ...channel, feeds: [], topics: [], topicSince: undefined },
          reply: ok(`Unsubscribed from ${channel.feeds.length} feeds and ${channel.topics.length} topics.`),
        };
      }
      const byUrl = (f: { url: string }) => !!url && feedUrlKey(f.url) === url;
      const byTitle = (f: { title?: string }) => normalTopic(f.title ?? '') === wanted;
      // Feeds often share a title ("Top Stories", "World"): a title that names several is no choice of one.
      const titled = channel.feeds.filter(byTitle);
      if (titled.length > 1 && !channel.feeds.some(byUrl))
        return {
          reply: fail(
            `${titled.length} feeds here are titled "${target}"; give the URL of the one to drop:\n` +
              titled.map((f) => `• ${f.url}`).join('\n'),
          ),
        };
      const feeds = channel.feeds.filter((f) => !byUrl(f) && !byTitle(f));
      const topics = channel.topics.filter((t) => t !== wanted);
      if (feeds.length === channel.feeds.length && topics.length === channel.topics.length)
        return { reply: fail(`this channel does not follow "${target}"; see the subscriptions list`) };
      const topicSince =
        channel.topicSince &&
        Object.fromEntries(Object.entries(channel.topicSince).filter(([t]) => topics.includes(t)));
      return { next: { ...channel, feeds, topics, topicSince }, reply: ok(`Unsubscribed from "${target}".`) };
    });
  }

  async list(ctx: CommandContext): Promise<CommandReply> {
    const channel = await this.load(ctx);
    const lines: string[] = [];
    if (channel.paused)
      lines.push(`Deliveries are paused: ${channel.paused.reason}. Any settings command resumes them.`);
    lines.push(channel.feeds.length ? `Feeds (${channel.feeds.length}):` : 'Feeds: none');
    for (const f of channel.feeds) lines.push(`• ${f.title ?? f.url} — ${f.url}`);
    lines.push(
      channel.topics.length ? `Topics: ${channel.topics.map(showTopic).join(', ')}` : 'Topics: none',
    );
    lines.push(this.modeSummary(channel));
    return ok(lines.join('\n'));
  }

  async setDigest(
    ctx: CommandContext,
    opts: { time?: string; timezone?: string; mode?: string; minSources?: number; dailyIfOff?: boolean },
  ): Promise<CommandReply> {
    const set: Partial<ChannelSettings> = {};
    if (opts.time !== undefined) {
      const clock = parseClockTime(opts.time);
      if (!clock) return fail(`"${opts.time}" is not a time: use HH:MM, for example 08:00`);
      set.digestTime = `${String(clock.hour).padStart(2, '0')}:${String(clock.minute).padStart(2, '0')}`;
    }
    if (opts.timezone !== undefined) {
      if (!isValidTimeZone(opts.timezone))
        return fail(`"${opts.timezone}" is not an IANA time zone, such as Europe/Berlin`);
      set.timezone = canonicalTimeZone(opts.timezone);
    }
    if (opts.mode !== undefined) {
      if (!['realtime', 'daily', 'both'].includes(opts.mode)) return fail('mode is realtime, daily or both');
      set.mode = opts.mode as DeliveryMode;
    }
    if (opts.minSources !== undefined) {
      if (!Number.isInteger(opts.minSources) || opts.minSources < 1 || opts.minSources > 20) {
        return fail('minimum sources is a whole number from 1 to 20');
      }
      set.minSources = opts.minSources;
    }
    return this.edit(ctx, (channel) => {
      const next = { ...channel, ...set };
      if (set.mode === undefined && opts.dailyIfOff && next.mode === 'realtime') next.mode = 'daily';
      // Turning daily digests on: the first one covers what happens from now on, not the whole archive or the
      // time they were off, and goes out at the next digest time, today's if it is still ahead.
      if (
        next.mode !== 'realtime' &&
        (channel.mode === 'realtime' || (!channel.lastDigestAt && !channel.dailySince))
      )
        next.dailySince = this.now().toISOString();
      return { next, reply: ok(this.modeSummary(next)) };
    });
  }

  /** How the channel gets its stories; `followed`: said of something just followed, whose past is not posted. */
  private modeSummary(channel: ChannelSettings, followed = false): string {
    const daily = `a daily digest at ${channel.digestTime} ${channel.timezone}`;
    const realtime = `stories as soon as ${channel.minSources} outlets cover them`;
    const past = followed ? pastNotPosted(channel) : '';
    if (channel.mode === 'daily') return `Delivery: ${daily}.`;
    if (channel.mode === 'both') return `Delivery: ${realtime}, and ${daily}.${past}`;
    return `Delivery: ${realtime}.${past}`;
  }

  /**
   * Every story as search sees it, from story metadata: no digest is built until one is picked, and a story's
   * text is read only when it is new to the search or has changed (another item, a merge, a new headline).
   */
  private searchable(): readonly SearchableStory[] {
    const from = this.stories.stories();
    if (this.searchableOf?.from === from) return this.searchableOf.list;
    const list = from.map((s) => ({
      id: s.id,
      headline: s.headline,
      text: () =>
        this.stories
          .storyItems(s.id)
          .map((i) => `${i.title} ${i.description ?? ''}`)
          .join(' '),
      outletCount: () => publisherCount(this.stories.storyItems(s.id)),
      lastUpdated: s.lastUpdated,
      version: `${s.itemIds.length}|${s.itemIds[s.itemIds.length - 1]}|${s.headline}`,
    }));
    this.searchableOf = { from, list };
    return list;
  }

  /**
   * Indexes for `story` and `suggest` the stories that are new or changed since the last call or search, so
   * that the first search after a start (or after a busy pass) need not read them while a user waits.
   */
  indexStories(): void {
    this.search.index(this.searchable());
  }

  /** Stories the story search holds. */
  get indexedStories(): number {
    return this.search.size;
  }

  /** The best matching story's digest, or why there is none. */
  story(query: string): { digest: StoryDigest } | { error: string } {
    const found = this.findStory(query);
    return 'error' in found ? found : { digest: found.digest() };
  }

  /**
   * The best matching story, or why there is none: the quick half of `story`, for a platform that must
   * acknowledge a command before the digest is built. `digest` builds it from the story as found, so that a
   * pass that drops or changes the story meanwhile leaves nothing to refuse once the answer is under way.
   */
  findStory(query: string): { storyId: string; digest: () => StoryDigest } | { error: string } {
    if (!query.trim()) return { error: 'give a few words about the story, for example: ukraine security' };
    if (query.length > MAX_QUERY) return { error: `a story search is at most ${MAX_QUERY} characters` };
    const [best] = this.search.search(query, this.searchable(), 1);
    const digest = best && this.stories.digestLater(best.id);
    return best && digest ? { storyId: best.id, digest } : { error: noMatch(query) };
  }

  /** Headline suggestions for autocomplete: matches for the typed text, or the latest stories. */
  suggest(query: string, limit = 25): { name: string; value: string }[] {
    if (query.length > MAX_QUERY) return [];
    const all = this.searchable();
    // Stories come most recently updated first.
    const found = query.trim() ? this.search.search(query, all, limit) : all.slice(0, limit);
    return found.map((s) => ({ name: s.headline, value: s.headline }));
  }

  async importOpml(ctx: CommandContext, text: string): Promise<CommandReply> {
    let listed: { url: string; title?: string }[];
    const unusable: string[] = [];
    try {
      listed = parseOpml(text, unusable);
    } catch (err) {
      return fail((err as Error).message);
    }
    if (!listed.length && !unusable.length) return fail('the OPML file lists no feeds');
    // The same guard as a subscription, before anything is saved: a refused address is never stored or shown.
    const refused = unusable.map((url) => ({ url, why: 'not an http or https address' }));
    const usable = listed.filter((f) => {
      const why = urlRefusal(f.url, this.fetchPolicy.allowPrivate);
      if (why) refused.push({ url: f.url, why });
      return !why;
    });
    if (!usable.length) return fail(`no feed in the OPML file can be followed: ${refusals(refused)}`);
    // Addresses fetched before (here or by another channel) are known by where they lead as well.
    const leads = await this.redirected([
      ...new Set([...(await this.load(ctx)).feeds.map((f) => f.url), ...usable.map((f) => f.url)]),
    ]);
    const leadsTo = (url: string) => leads.get(url) ?? url;
    // A file that lists a feed under an old address and under the one it now leads to lists one feed: the
    // new address is kept, since the old one only redirects there.
    const listedAt = new Map<string, { url: string; title?: string }>();
    for (const f of usable) {
      const to = leadsTo(f.url);
      if (!listedAt.has(to) || f.url === to) listedAt.set(to, f);
    }
    const once = usable.filter((f) => listedAt.get(leadsTo(f.url)) === f);
    const twice = usable.length - once.length;
    const since = this.now().toISOString();
    return this.edit(ctx, (channel) => {
      const known = new Set(channel.feeds.flatMap((f) => [f.url, leadsTo(f.url)]));
      const unknown = once.filter((f) => !known.has(f.url) && !known.has(leadsTo(f.url)));
      const room = Math.max(0, MAX_FEEDS_PER_CHANNEL - channel.feeds.length);
      const fresh = unknown.slice(0, room);
      const over = unknown.slice(room).map((f) => f.url);
      const followed = once.length - unknown.length;
      const notes = [
        followed ? `${followed} already followed` : '',
        twice ? `${twice} listed under an old address as well as its new one` : '',
        over.length
          ? `${over.length} over the limit of ${MAX_FEEDS_PER_CHANNEL} feeds a channel can follow: ${urlList(over)}`
          : '',
        refused.length ? `${refused.length} refused: ${refusals(refused)}` : '',
      ].filter(Boolean);
      return {
        next: { ...channel, feeds: [...channel.feeds, ...fresh.map((f) => ({ ...f, since }))] },
        reply: ok(
          `Imported ${fresh.length} feeds${notes.length ? ` (${notes.join('; ')})` : ''}. ` +
            'Each is fetched at the next poll; feeds that keep failing are paused with a notice here.' +
            (fresh.length ? pastNotPosted(channel) : ''),
        ),
      };
    });
  }

  /** The channel's feeds as OPML; undefined when it follows none (each platform says where its topics are). */
  async exportOpml(ctx: CommandContext): Promise<string | undefined> {
    const channel = await this.load(ctx);
    if (!channel.feeds.length) return undefined;
    return toOpml('Threadline feeds', channel.feeds);
  }
}
