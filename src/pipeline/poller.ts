import type { Config, FeedConfig } from '../config/schema.js';
import { type FeedState, isDue, pollFeed } from '../ingest/index.js';
import type { Logger } from '../log.js';
import type { Item } from '../model.js';
import type { Store } from '../store/index.js';
import { loggableUrl, withLoggableUrls } from '../util/redact.js';

export interface PollSummary {
  feeds: number;
  polled: number;
  notModified: number;
  failed: number;
  items: Item[];
  paused: string[];
  /** Feeds that answered again, with when they were paused if known. */
  resumed: { url: string; pausedSince?: string }[];
  /**
   * Persists the feeds' new states (ETag, Last-Modified, backoff). Call it only after the items are safely
   * stored: saving a new ETag first would let a crash turn the next poll into a 304 and lose the items.
   */
  commit: () => Promise<void>;
}

/**
 * A feed state is rewritten at every poll, at least weekly (the longest interval or back-off allowed): one
 * left this long belongs to a feed nobody follows any more, and is deleted. A feed followed again afterwards
 * starts afresh, as a new subscription does.
 */
export const FEED_STATE_TTL_MS = 90 * 86_400_000;

/** Where each feed address's redirects ended when it was last polled (undefined: not polled lately). */
export function feedDestinations(store: Store): (urls: string[]) => Promise<(string | undefined)[]> {
  const states = store.ns<FeedState>('feeds');
  return async (urls) => (urls.length ? await states.getMany(urls) : []).map((s) => s?.finalUrl);
}

/** Runs `fn` over `inputs` with at most `limit` running at once, keeping result order. */
export async function mapLimit<T, R>(inputs: T[], limit: number, fn: (input: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(inputs.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, inputs.length) }, async () => {
    while (next < inputs.length) {
      const i = next++;
      results[i] = await fn(inputs[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * One polling pass: every due feed is fetched (conditionally) and the items returned in feed order, with
 * the feeds' new states ready to commit. Feed failures never stop the pass; they are counted, backed off and, after repeated
 * failures, paused by the ingest layer.
 */
export async function pollFeeds(
  feeds: FeedConfig[],
  store: Store,
  policy: Config['fetch'],
  logger: Logger,
  now: () => Date = () => new Date(),
  force = false,
): Promise<PollSummary> {
  const states = store.ns<FeedState>('feeds');
  let outcomes: ({ feed: FeedConfig; outcome: Awaited<ReturnType<typeof pollFeed>> } | undefined)[] = [];
  const summary: PollSummary = {
    feeds: feeds.length,
    polled: 0,
    notModified: 0,
    failed: 0,
    items: [],
    paused: [],
    resumed: [],
    commit: async () => {
      for (const polled of outcomes)
        if (polled) await states.set(polled.feed.url, polled.outcome.state, FEED_STATE_TTL_MS);
    },
  };
  outcomes = await mapLimit(feeds, policy.concurrency, async (feed) => {
    const state = await states.get(feed.url);
    const at = now();
    if (!force && !isDue(state, at)) return undefined;
    const outcome = await pollFeed(feed, state, { policy, now: at });
    return { feed, outcome };
  });
  for (const polled of outcomes) {
    if (!polled) continue;
    const { feed, outcome } = polled;
    summary.polled++;
    if (outcome.status === 'not-modified') summary.notModified++;
    if (outcome.status === 'error') {
      summary.failed++;
      // Feed addresses can carry access keys in their query: logs get them without.
      logger.warn(
        { feed: loggableUrl(feed.url), error: outcome.error && withLoggableUrls(outcome.error) },
        'feed poll failed',
      );
    }
    if (outcome.pausedNow) summary.paused.push(feed.url);
    if (outcome.resumedNow) summary.resumed.push({ url: feed.url, pausedSince: outcome.pausedSince });
    summary.items.push(...outcome.items);
  }
  return summary;
}
