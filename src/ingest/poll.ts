/** One feed poll: conditional fetch, parse, new-item detection, adaptive interval, backoff and pause. */
import { hash } from 'node:crypto';
import type { Item } from '../model.js';
import { FeedParseError, FetchError } from './errors.js';
import { type FetchPolicy, HostLimiter, parseRetryAfter, safeFetch } from './fetch.js';
import { type ParsedFeed, type ParseOptions, parseFeed } from './parse.js';
import { type ParsePool, sharedParsePool } from './parse-pool.js';

/** Per-feed polling state: plain JSON, persisted by the worker between polls. */
export interface FeedState {
  url: string;
  etag?: string;
  lastModified?: string;
  lastPolledAt?: string;
  lastSuccessAt?: string;
  nextPollAt?: string;
  /** Consecutive failures; 0 after any success. */
  failures: number;
  paused: boolean;
  pausedAt?: string;
  lastError?: string;
  lastStatus?: number;
  title?: string;
  link?: string;
  /** Current adaptive interval between successful polls. */
  intervalMinutes?: number;
  /** Hash of the last parsed body, to skip re-parsing when a server ignores conditional GET. */
  bodyHash?: string;
  /** Ids of recently seen items (newest first), so each poll returns only new items. */
  seen?: string[];
  /** Where the last redirect chain ended. */
  finalUrl?: string;
}

export interface PollFeedInput {
  url: string;
  name?: string;
  kind?: 'report' | 'opinion' | 'analysis';
}

export interface PollContext {
  policy: FetchPolicy;
  now: Date;
  limiter?: HostLimiter;
  /** Where bodies of at least the pool's minBytes are parsed: the shared pool by default; null: all inline. */
  parsePool?: ParsePool | null;
}

export interface PollOutcome {
  state: FeedState;
  /** Items not returned by an earlier poll of this feed. */
  items: Item[];
  status: 'ok' | 'not-modified' | 'error' | 'skipped';
  error?: string;
  /** The feed was paused by this poll: tell each subscribed channel once. */
  pausedNow?: boolean;
  /** A paused feed answered again. */
  resumedNow?: boolean;
  /** With `resumedNow`: when the feed was paused, if known. */
  pausedSince?: string;
}

const DEFAULTS = {
  minIntervalMinutes: 5,
  maxIntervalMinutes: 360,
  maxBackoffMinutes: 1440,
  pauseAfterFailures: 5,
  perHostConcurrency: 2,
};
const SEEN_CAP = 1000;
const MINUTE = 60_000;

export function isDue(state: FeedState | undefined, now: Date): boolean {
  if (!state?.nextPollAt) return true;
  const t = Date.parse(state.nextPollAt);
  return Number.isNaN(t) || t <= now.getTime();
}

const sharedLimiters = new Map<number, HostLimiter>();
function defaultLimiter(perHost: number): HostLimiter {
  let l = sharedLimiters.get(perHost);
  if (!l) {
    l = new HostLimiter(perHost);
    sharedLimiters.set(perHost, l);
  }
  return l;
}

function tuning(policy: FetchPolicy) {
  const min = Math.max(1, policy.minIntervalMinutes ?? DEFAULTS.minIntervalMinutes);
  return {
    min,
    max: Math.max(min, policy.maxIntervalMinutes ?? DEFAULTS.maxIntervalMinutes),
    maxBackoff: Math.max(min, policy.maxBackoffMinutes ?? DEFAULTS.maxBackoffMinutes),
    pauseAfter: Math.max(1, policy.pauseAfterFailures ?? DEFAULTS.pauseAfterFailures),
    perHost: Math.max(1, policy.perHostConcurrency ?? DEFAULTS.perHostConcurrency),
  };
}

/** Cache-Control max-age in minutes, when the server sets one. */
function maxAgeMinutes(headers: Record<string, string>): number | undefined {
  const cc = headers['cache-control'];
  if (!cc || /no-store|no-cache/i.test(cc)) return undefined;
  const m = /(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*"?(\d+)/i.exec(cc);
  return m ? Number(m[1]) / 60 : undefined;
}

/**
 * Next interval after a successful poll. Busy feeds (many recent items) are polled about twice per
 * typical gap between items; quiet ones drift towards the maximum. The publisher's cache hints
 * (Cache-Control max-age, RSS <ttl>) are a floor, never exceeding the configured maximum.
 */
export function nextInterval(
  prev: number | undefined,
  t: { min: number; max: number },
  signal: {
    newItems: number;
    itemTimes: number[];
    now: number;
    floorMinutes?: number;
    notModified?: boolean;
  },
): number {
  let interval: number;
  const base = prev ?? t.min * 3;
  if (signal.notModified) {
    interval = base * 1.25;
  } else {
    const week = signal.now - 7 * 24 * 60 * MINUTE;
    const recent = signal.itemTimes.filter((x) => x >= week && x <= signal.now).sort((a, b) => a - b);
    if (recent.length >= 3) {
      const spanMin = Math.max(60, (signal.now - recent[0]!) / MINUTE);
      const gap = spanMin / recent.length;
      interval = gap / 2;
    } else {
      interval = signal.newItems > 0 ? base * 0.75 : base * 1.5;
    }
    // Nothing new although items look busy (dates far from poll times): don't speed up.
    if (signal.newItems === 0 && prev !== undefined) interval = Math.max(interval, prev);
  }
  if (signal.floorMinutes) interval = Math.max(interval, Math.min(signal.floorMinutes, t.max));
  return Math.round(Math.min(t.max, Math.max(t.min, interval)) * 10) / 10;
}

function backoffMinutes(failures: number, t: { min: number; maxBackoff: number }): number {
  return Math.min(t.maxBackoff, t.min * 2 ** Math.min(20, failures - 1));
}

function addMinutes(now: Date, minutes: number): string {
  return new Date(now.getTime() + minutes * MINUTE).toISOString();
}

const hostCache = new Map<string, string>();
const HOST_CACHE_MAX = 10_000;

/** Host of a feed URL for the per-host limiter; feed URLs recur every poll, so the parse is memoised. */
function hostOf(url: string): string {
  let host = hostCache.get(url);
  if (host === undefined) {
    try {
      host = new URL(url).host;
    } catch {
      // checked again, with a clear error, by safeFetch
      host = url;
    }
    if (hostCache.size >= HOST_CACHE_MAX) hostCache.clear();
    hostCache.set(url, host);
  }
  return host;
}

/**
 * Polls one feed. Network and parse failures never throw: they come back as status 'error' with the
 * state backed off, and the feed pauses (pausedNow, once) after the configured run of failures.
 */
export async function pollFeed(
  feed: PollFeedInput,
  state: FeedState | undefined,
  ctx: PollContext,
): Promise<PollOutcome> {
  const { policy, now } = ctx;
  const t = tuning(policy);
  const prev: FeedState = state ? { ...state, url: feed.url } : { url: feed.url, failures: 0, paused: false };
  prev.failures ??= 0;
  prev.paused ??= false;
  const headers: Record<string, string> = {};
  if (prev.etag) headers['if-none-match'] = prev.etag;
  if (prev.lastModified) headers['if-modified-since'] = prev.lastModified;
  const host = hostOf(feed.url);
  const limiter = ctx.limiter ?? defaultLimiter(t.perHost);
  const nowIso = now.toISOString();
  const base: FeedState = { ...prev, lastPolledAt: nowIso };

  const fail = (message: string, opts: { status?: number; retryAfterSec?: number } = {}): PollOutcome => {
    const failures = prev.failures + 1;
    let wait = backoffMinutes(failures, t);
    if (opts.retryAfterSec !== undefined) wait = Math.min(t.maxBackoff, Math.max(opts.retryAfterSec / 60, 1));
    const next: FeedState = {
      ...base,
      failures,
      lastError: message,
      lastStatus: opts.status,
      nextPollAt: addMinutes(now, wait),
    };
    let pausedNow = false;
    if (!prev.paused && failures >= t.pauseAfter) {
      next.paused = true;
      next.pausedAt = nowIso;
      pausedNow = true;
    }
    return { state: next, items: [], status: 'error', error: message, ...(pausedNow ? { pausedNow } : {}) };
  };

  const succeed = (
    next: FeedState,
  ): Pick<PollOutcome, 'resumedNow' | 'pausedSince'> & { state: FeedState } => {
    next.failures = 0;
    next.lastSuccessAt = nowIso;
    delete next.lastError;
    if (!prev.paused) return { state: next };
    next.paused = false;
    delete next.pausedAt;
    return { state: next, resumedNow: true, ...(prev.pausedAt ? { pausedSince: prev.pausedAt } : {}) };
  };

  let res: Awaited<ReturnType<typeof safeFetch>>;
  try {
    res = await limiter.run(host, () => safeFetch(feed.url, policy, { headers }));
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const floor = maxAgeMinutes(res.headers);
  // Nothing new (a 304, or the same body again): the feed is polled less often, within the server's max-age.
  const unchanged = (state: Partial<FeedState>) => {
    const interval = nextInterval(prev.intervalMinutes, t, {
      newItems: 0,
      itemTimes: [],
      now: now.getTime(),
      floorMinutes: floor,
      notModified: true,
    });
    const next: FeedState = {
      ...base,
      ...state,
      intervalMinutes: interval,
      nextPollAt: addMinutes(now, interval),
    };
    return { ...succeed(next), items: [], status: 'not-modified' as const };
  };
  if (res.status === 304)
    return unchanged(res.headers.etag ? { lastStatus: 304, etag: res.headers.etag } : { lastStatus: 304 });
  if (res.status === 429 || res.status === 503) {
    const retryAfterSec = parseRetryAfter(res.headers['retry-after'], now.getTime());
    return fail(
      `HTTP ${res.status}${retryAfterSec !== undefined ? ` (retry after ${retryAfterSec} s)` : ''}`,
      {
        status: res.status,
        retryAfterSec,
      },
    );
  }
  if (res.status < 200 || res.status >= 300) return fail(`HTTP ${res.status}`, { status: res.status });

  const bodyHash = hash('sha1', res.body, 'base64url');
  const cacheHeaders: Partial<FeedState> = { lastStatus: res.status, finalUrl: res.finalUrl };
  if (res.headers.etag) cacheHeaders.etag = res.headers.etag;
  else delete base.etag;
  if (res.headers['last-modified']) cacheHeaders.lastModified = res.headers['last-modified'];
  else delete base.lastModified;
  if (bodyHash === prev.bodyHash) return unchanged(cacheHeaders);

  let parsed: ParsedFeed;
  try {
    const opts: ParseOptions = {
      contentType: res.headers['content-type'],
      url: feed.url,
      name: feed.name,
      now,
      kind: feed.kind,
    };
    const pool = ctx.parsePool === undefined ? sharedParsePool() : ctx.parsePool;
    // The pool takes the body's memory (res.body is unusable afterwards); nothing below reads it.
    parsed =
      pool && res.body.length >= pool.minBytes
        ? await pool.parse(res.body, opts)
        : await parseFeed(res.body, opts);
  } catch (err) {
    const msg =
      err instanceof FeedParseError || err instanceof FetchError
        ? err.message
        : `cannot parse feed: ${String(err)}`;
    return fail(msg, { status: res.status });
  }
  const seen = new Set(prev.seen ?? []);
  const fresh = parsed.items.filter((i) => !seen.has(i.id) && !i.altIds?.some((a) => seen.has(a)));
  // An undated item is dated when it is polled (see `parseFeed`): right for one that appears between two polls,
  // but what a feed lists undated at its first poll may be of any age.
  if (prev.lastSuccessAt === undefined)
    for (const i of fresh) if (Date.parse(i.publishedAt) === now.getTime()) i.ageUnknown = true;
  const ttlFloor = parsed.ttlMinutes;
  const interval = nextInterval(prev.intervalMinutes, t, {
    newItems: fresh.length,
    itemTimes: parsed.items.map((i) => Date.parse(i.publishedAt)).filter((x) => x !== now.getTime()),
    now: now.getTime(),
    floorMinutes: Math.max(floor ?? 0, ttlFloor ?? 0) || undefined,
  });
  const currentIds = parsed.items.flatMap((i) => [i.id, ...(i.altIds ?? [])]);
  const keep = new Set(currentIds);
  const seenNext = [...currentIds, ...(prev.seen ?? []).filter((id) => !keep.has(id))].slice(
    0,
    Math.max(SEEN_CAP, currentIds.length),
  );
  const next: FeedState = {
    ...base,
    ...cacheHeaders,
    bodyHash,
    seen: seenNext,
    title: parsed.title || prev.title,
    link: parsed.link ?? prev.link,
    intervalMinutes: interval,
    nextPollAt: addMinutes(now, interval),
  };
  return { ...succeed(next), items: fresh, status: 'ok' };
}
