import cron, { type ScheduledTask } from 'node-cron';
import { createClusterer } from './cluster/index.js';
import { type Config, type FeedConfig, quietHoldMinutes } from './config/schema.js';
import { ChannelCommands } from './deliver/channel-commands.js';
import { ChannelSink } from './deliver/channel-sink.js';
import { type ChannelSettings, ChannelStore, type Platform } from './deliver/channels.js';
import { DailyDigests } from './deliver/daily.js';
import { Deliverer, recordsKeptFor } from './deliver/deliverer.js';
import type { ChatAdapter } from './deliver/platform.js';
import type { Sink } from './deliver/sink.js';
import { closeParsePool, type FeedState } from './ingest/index.js';
import type { Logger } from './log.js';
import { type IngestSummary, StoryEngine } from './pipeline/engine.js';
import { ItemEnricher } from './pipeline/enrich.js';
import { feedDestinations, type PollSummary, pollFeeds } from './pipeline/poller.js';
import { ConsoleSink } from './platforms/console/sink.js';
import { openStore, type Store } from './store/index.js';
import { StoreLease } from './store/lease.js';
import { loggableUrl } from './util/redact.js';

export interface AppOptions {
  logger: Logger;
  /** Chat platforms to deliver to (Discord, Slack); channels of other platforms are skipped. */
  adapters?: ChatAdapter[];
  /** Extra sinks (tests); the console sink is added when enabled in config. */
  sinks?: Sink[];
  now?: () => Date;
  write?: (text: string) => void;
  /** Told when another worker has taken the store from this one (see `StoreLease`), after passes have stopped. */
  onStoreLost?: (message: string) => void;
}

export interface PassSummary {
  poll: Omit<PollSummary, 'items' | 'commit'> & { items: number };
  ingest: IngestSummary;
}

/** A feed's pause or return, owed to its channels until sent. */
interface FeedNotice {
  url: string;
  event: 'paused' | 'resumed';
  /** When the state flipped; it names the notice, so a retry is recognised. */
  at: string;
  /** Of a return: when the feed was paused, if known. */
  pausedSince?: string;
}

const FEED_NOTICES = 'feed-notices';
/** How long a notice a channel failed to take is tried again. */
const NOTICE_RETRY_MS = 86_400_000;

/** Composition root: the only place that wires config, store, ingest, engine, channels and platforms. */
export class App {
  readonly store: Store;
  /** One worker per store; none for a throw-away memory store. */
  private readonly lease?: StoreLease;
  readonly engine: StoryEngine;
  readonly channels: ChannelStore;
  readonly deliverer: Deliverer;
  readonly daily: DailyDigests;
  /** What the chat commands do: one for every platform, so that they share one story search. */
  readonly commands: ChannelCommands;
  private readonly enricher: ItemEnricher;
  private readonly staticSinks: Sink[];
  private readonly adapters = new Map<Platform, ChatAdapter>();
  private tasks: ScheduledTask[] = [];
  private running?: Promise<unknown>;
  /** Another worker has taken the store: this one starts nothing more. */
  private lost = false;

  constructor(
    readonly config: Config,
    private readonly opts: AppOptions,
  ) {
    this.store = openStore(config.store);
    if (!config.store.startsWith('memory:'))
      this.lease = new StoreLease(this.store, { onLost: (message) => this.storeLost(message) });
    this.channels = new ChannelStore(this.store);
    this.deliverer = new Deliverer(this.store, {
      keepMs: recordsKeptFor(config.cluster.retentionDays * 86_400_000),
    });
    this.enricher = new ItemEnricher(config.fetch, opts.logger, this.store);
    for (const adapter of opts.adapters ?? []) this.adapters.set(adapter.platform, adapter);
    this.staticSinks = [...(opts.sinks ?? [])];
    if (config.sinks.console.enabled) {
      this.staticSinks.unshift(
        new ConsoleSink({ minSources: config.sinks.console.minSources, write: opts.write }),
      );
    }
    const maxStoryAgeMs = config.updates.maxStoryAgeHours * 3_600_000;
    this.engine = new StoryEngine({
      store: this.store,
      sinks: () => this.sinks(),
      logger: opts.logger,
      clusterer: (onExpire) => createClusterer({ windowHours: config.cluster.windowHours, onExpire }),
      retentionMs: config.cluster.retentionDays * 86_400_000,
      quietHoldMs: quietHoldMinutes(config) * 60_000,
      maxStoryAgeMs,
      now: opts.now,
    });
    this.commands = new ChannelCommands(
      this.channels,
      this.engine,
      config.fetch,
      () => this.now(),
      feedDestinations(this.store),
    );
    this.daily = new DailyDigests({
      channels: this.channels,
      deliverer: this.deliverer,
      stories: this.engine,
      adapter: (channel) => this.adapters.get(channel.platform),
      logger: opts.logger,
      mayPost: () => this.mayPost(),
      maxStoryAgeMs,
    });
  }

  /** The worker's clock: digest slots, and the settings commands stamp (when daily digests were turned on). */
  now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** The chat platforms this worker delivers to. */
  platforms(): Iterable<Platform> {
    return this.adapters.keys();
  }

  adapterFor(channel: ChannelSettings): ChatAdapter | undefined {
    return this.adapters.get(channel.platform);
  }

  /** Sinks for this pass: the static ones plus every unpaused realtime channel of a connected platform. */
  async sinks(): Promise<Sink[]> {
    const live: Sink[] = [];
    for (const channel of await this.channels.list()) {
      const adapter = this.adapters.get(channel.platform);
      if (!adapter || channel.paused || channel.mode === 'daily') continue;
      live.push(new ChannelSink(channel, adapter, this.channels, this.sinkOptions));
    }
    return [...this.staticSinks, ...live];
  }

  /** Feeds to poll: the configured ones and every feed a channel subscribes to. */
  async feeds(): Promise<FeedConfig[]> {
    const feeds = new Map(this.config.feeds.map((f) => [f.url, f]));
    for (const f of await this.channels.subscribedFeeds()) {
      if (!feeds.has(f.url))
        feeds.set(f.url, { url: f.url, name: f.title, kind: 'report', fetchArticles: true });
    }
    return [...feeds.values()];
  }

  /**
   * Opens the store and rebuilds the stories. What a previous run owed (stories, feed notices) goes out with
   * the first pass, by when the chat platforms have connected: sent before, it would fail, or be recovered
   * against a story that has moved on since.
   */
  async init(): Promise<void> {
    await this.store.open();
    await this.lease?.acquire();
    await this.engine.init({ deliver: false });
    // As after each pass: the first /story after a restart need not read every story while its user waits.
    if (this.adapters.size) this.commands.indexStories();
  }

  private get feedNotices() {
    return this.store.ns<FeedNotice[]>('meta');
  }

  /** One pass: poll due feeds, complete and store new items, then persist feed states, cluster and deliver. */
  async pollOnce(force = false): Promise<PassSummary> {
    const feeds = await this.feeds();
    const poll = await pollFeeds(
      feeds,
      this.store,
      this.config.fetch,
      this.opts.logger,
      () => this.now(),
      force,
    );
    const enriched = await this.enricher.enrich(poll.items, feeds);
    // A feed's pause or return is told once, when its state flips; the flip is saved with the feed states
    // below, so the notices it owes are recorded first, or a crash in between would lose them.
    const at = this.now().toISOString();
    const events: FeedNotice[] = [
      ...poll.paused.map((url) => ({ url, event: 'paused' as const, at })),
      ...poll.resumed.map(({ url, pausedSince }) => ({ url, event: 'resumed' as const, at, pausedSince })),
    ];
    if (events.length) {
      const owed = (await this.feedNotices.get(FEED_NOTICES)) ?? [];
      // A pass cut short before the feed states were saved leaves its flip owed, and the next pass flips the
      // feed again: the same event, told once under the first one's time, which names it.
      const last = new Map(owed.map((n) => [n.url, n.event]));
      const fresh = events.filter((e) => last.get(e.url) !== e.event);
      // A new flip supersedes the feed's notice still owed: a channel that missed "paused" while the feed came
      // back is told it is back (which says it was paused, and for how long), and a pause after that is a new
      // one to tell everyone.
      const superseded = new Set(fresh.map((e) => e.url));
      if (fresh.length)
        await this.feedNotices.set(FEED_NOTICES, [...owed.filter((n) => !superseded.has(n.url)), ...fresh]);
    }
    const ingest = await this.engine.ingest(enriched, poll.commit);
    await this.sendFeedNotices();
    await this.engine.prune();
    // The pass's new coverage is indexed for /story now, between passes, rather than on a user's first search.
    if (this.adapters.size) this.commands.indexStories();
    const { items, commit: _commit, ...counts } = poll;
    const summary = { poll: { ...counts, items: items.length }, ingest };
    const logged = {
      ...summary.poll,
      paused: counts.paused.map(loggableUrl),
      resumed: counts.resumed.map((r) => loggableUrl(r.url)),
    };
    this.opts.logger.info({ ...summary, poll: logged }, 'poll pass done');
    return summary;
  }

  /**
   * Sends the recorded feed notices and keeps those a channel failed to take for the next pass, for a day;
   * each goes out once per channel however often it is tried.
   */
  private async sendFeedNotices(): Promise<void> {
    const owed = (await this.feedNotices.get(FEED_NOTICES)) ?? [];
    if (!owed.length) return;
    // A flip recorded by a pass cut short before the feed's state was saved may never have happened (the feed
    // answered when polled again): a feed's latest notice goes out only if its saved state agrees.
    const latest = [...new Map(owed.map((n) => [n.url, n])).values()];
    const saved = await this.store.ns<FeedState>('feeds').getMany(latest.map((n) => n.url));
    const stale = new Set(latest.filter((n, k) => !!saved[k]?.paused !== (n.event === 'paused')));
    const still: FeedNotice[] = [];
    const horizon = this.now().getTime() - NOTICE_RETRY_MS;
    for (const n of owed) {
      if (stale.has(n)) continue;
      if (!(await this.noticeFeedHealth(n)) && Date.parse(n.at) > horizon) still.push(n);
    }
    await this.feedNotices.set(FEED_NOTICES, still);
  }

  /** Tells each channel subscribed to a feed, once per event, that it was paused or is back. */
  private async noticeFeedHealth({ url, event, at, pausedSince }: FeedNotice): Promise<boolean> {
    let told = true;
    // A return says what it ends: a channel may have missed the pause notice.
    const span = pausedSince ? ` for ${spanOf(Date.parse(at) - Date.parse(pausedSince))}` : '';
    const text =
      event === 'paused'
        ? `Feed ${url} keeps failing, so it is paused; polling resumes by itself once it answers again.`
        : `Feed ${url} was paused${span} because it kept failing; it answers again, and its stories are back.`;
    for (const channel of await this.channels.list()) {
      const adapter = this.adapters.get(channel.platform);
      if (!adapter || channel.paused || !channel.feeds.some((f) => f.url === url)) continue;
      const sink = new ChannelSink(channel, adapter, this.channels, this.sinkOptions);
      try {
        await this.deliverer.once(
          `${channel.key}|feed-${event}|${url}|${at.slice(0, 13)}`,
          text,
          (key, sent) => sink.notice(sent, key),
          (key, since, sent) => sink.recover(key, since, sent),
        );
      } catch (err) {
        told = false;
        this.opts.logger.warn({ err, channel: channel.key, feed: loggableUrl(url) }, 'feed notice failed');
      }
    }
    return told;
  }

  /** Sends the daily digests that are due now. */
  dailyTick(): Promise<number> {
    return this.daily.tick(this.now());
  }

  /** Runs the worker: a pass now, then on the poll schedule, never two passes at once; daily digests each minute. */
  start(): void {
    const pass = () => {
      if (this.running || this.lost) return;
      this.running = this.pollOnce()
        .then(() => this.dailyTick())
        .catch((err) => this.opts.logger.error({ err }, 'worker pass failed'))
        .finally(() => {
          this.running = undefined;
        });
    };
    const daily = () => {
      if (this.running || this.lost) return;
      this.running = this.dailyTick()
        .catch((err) => this.opts.logger.error({ err }, 'daily digest tick failed'))
        .finally(() => {
          this.running = undefined;
        });
    };
    this.tasks = [
      cron.schedule(this.config.pollCron, pass, { noOverlap: true, name: 'poll' }),
      cron.schedule('* * * * *', daily, { noOverlap: true, name: 'daily-digests' }),
    ];
    pass();
  }

  /** Channel sinks log through the worker's logger, and post nothing once another worker has the store. */
  private get sinkOptions() {
    return { logger: this.opts.logger, mayPost: () => this.mayPost() };
  }

  /**
   * Whether this worker may post: no other worker has taken the store, and its own hold on it has not run out
   * since its last renewal (after a stall, it waits for the next one).
   */
  private mayPost(): boolean {
    return !this.lost && (this.lease?.held ?? true);
  }

  /** Whether another worker has taken the store from this one; it must stop. */
  get storeTaken(): boolean {
    return this.lost;
  }

  private storeLost(message: string): void {
    this.lost = true;
    this.opts.logger.error(`${message}; this worker stops so that stories are not posted twice`);
    for (const task of this.tasks) void task.stop();
    this.opts.onStoreLost?.(message);
  }

  /** Stops scheduling passes and waits for the one under way, which still has the platforms to deliver to. */
  async finish(): Promise<void> {
    for (const task of this.tasks) await task.stop();
    this.tasks = [];
    await this.running;
  }

  /** Stops scheduling, waits for the pass under way, and closes the store. */
  async stop(): Promise<void> {
    await this.finish();
    await closeParsePool();
    await this.lease?.release();
    await this.store.close();
  }
}

/** A stretch of time in words, to the minute, hour or day: "5 minutes", "3 hours", "2 days". */
function spanOf(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const [n, unit] =
    minutes < 90
      ? [minutes, 'minute']
      : minutes < 48 * 60
        ? [Math.round(minutes / 60), 'hour']
        : [Math.round(minutes / 1440), 'day'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
