import type Keyv from 'keyv';
import { sharedParsePool } from '../ingest/parse-pool.js';
import { clipParagraphs } from '../ingest/text.js';
import { type ExtractedPage, extractPage } from './page.js';

/** The guarded HTTP client (SSRF checks, size and time caps live there); injected so this module has no network code. */
export type PageFetch = (
  url: string,
) => Promise<{ status: number; body: string; finalUrl: string; contentType?: string }>;

export interface ArticleSuccess {
  ok: true;
  url: string;
  finalUrl: string;
  page: ExtractedPage;
}
export interface ArticleFailure {
  ok: false;
  url: string;
  error: string;
  status?: number;
}
/** `cached` tells whether the answer came from the store rather than a fetch just now. */
export type ArticleResult = (ArticleSuccess | ArticleFailure) & { cached: boolean };

export interface ArticleFetcherOptions {
  /** How long a good extraction is reused, ms (default 7 days: articles rarely change after the first hours). */
  ttlMs?: number;
  /** How long a failure is remembered so a broken page is not refetched every poll, ms (default 1 hour). */
  errorTtlMs?: number;
  /** Extracted text shorter than this counts as a failure (paywalls, consent walls), characters (default 200). */
  minTextLength?: number;
  /** Extracts a page's article; by default `extractAnywhere`. */
  extract?: (html: string, url: string) => Promise<ExtractedPage>;
}

/**
 * Pages at least this long (characters) are extracted in the parse pool's workers. Extraction takes about a
 * second per megabyte of page; on the main thread a big page would hold up everything else meanwhile, chat
 * commands that must be answered within 3 s among them. Smaller pages cost less than the trip to a worker.
 */
const OFF_THREAD_CHARS = 64 * 1024;

/** A page's article, extracted in a worker of the shared parse pool when the page is big (time-limited there). */
export async function extractAnywhere(html: string, url: string): Promise<ExtractedPage> {
  return html.length >= OFF_THREAD_CHARS ? sharedParsePool().extract(html, url) : extractPage(html, url);
}

type Stored = ArticleSuccess | ArticleFailure;

const HTML_TYPE = /^(text\/html|application\/xhtml\+xml)\b/i;

/** What consent walls and paywalls say; an article that mentions one of these in passing is longer. */
const INTERSTITIAL =
  /we value your privacy|our \d+ (partners|vendors)|(accept|reject) all\b|cookie (policy|settings|preferences)|personali[sz]ed (ads|advertising)|subscribers? only|for subscribers\b|unlimited access|already a (subscriber|member)|(log ?in|sign in|subscribe|register) to (continue|keep) reading|continue reading this|create a free account/gi;
const INTERSTITIAL_MAX_LENGTH = 1500;

/** A consent wall or a paywall teaser in place of the article: short, and saying two such things. */
function isInterstitial(text: string): boolean {
  if (text.length >= INTERSTITIAL_MAX_LENGTH) return false;
  return new Set(Array.from(text.matchAll(INTERSTITIAL), (m) => m[0].toLowerCase())).size >= 2;
}

/**
 * Fetches article pages and extracts their main text and metadata, caching each URL's result (good or bad) in
 * the Keyv store it is given. Concurrent requests for one URL share a single fetch. Never throws: every failure
 * is returned as `{ ok: false, error }`.
 */
export class ArticleFetcher {
  private readonly inflight = new Map<string, Promise<Stored>>();
  private readonly ttlMs: number;
  private readonly errorTtlMs: number;
  private readonly minTextLength: number;
  private readonly extract: (html: string, url: string) => Promise<ExtractedPage>;

  constructor(
    private readonly fetchPage: PageFetch,
    private readonly cache: Keyv,
    options: ArticleFetcherOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 7 * 24 * 3600_000;
    this.errorTtlMs = options.errorTtlMs ?? 3600_000;
    this.minTextLength = options.minTextLength ?? 200;
    this.extract = options.extract ?? extractAnywhere;
  }

  private key(url: string): string {
    return `article:${url}`;
  }

  async get(url: string): Promise<ArticleResult> {
    let cachedValue: Stored | undefined;
    try {
      cachedValue = (await this.cache.get<Stored>(this.key(url))) ?? undefined;
    } catch {
      // A failing cache only costs a refetch.
    }
    if (cachedValue) return { ...cachedValue, cached: true };

    let pending = this.inflight.get(url);
    if (!pending) {
      pending = this.load(url).finally(() => this.inflight.delete(url));
      this.inflight.set(url, pending);
    }
    const result = await pending;
    return { ...result, cached: false };
  }

  private async load(url: string): Promise<Stored> {
    const result = await this.fetchAndExtract(url);
    try {
      await this.cache.set(this.key(url), result, result.ok ? this.ttlMs : this.errorTtlMs);
    } catch {
      // Not cached this time; the next call fetches again.
    }
    return result;
  }

  private async fetchAndExtract(url: string): Promise<Stored> {
    let res: Awaited<ReturnType<PageFetch>>;
    try {
      res = await this.fetchPage(url);
    } catch (err) {
      return { ok: false, url, error: `fetch failed: ${(err as Error)?.message ?? String(err)}` };
    }
    if (res.status < 200 || res.status >= 300) {
      return { ok: false, url, status: res.status, error: `HTTP ${res.status}` };
    }
    if (res.contentType && !HTML_TYPE.test(res.contentType.trim())) {
      return { ok: false, url, status: res.status, error: `not an HTML page (${res.contentType})` };
    }
    let page: ExtractedPage;
    try {
      page = await this.extract(res.body, res.finalUrl || url);
    } catch (err) {
      return { ok: false, url, status: res.status, error: `extraction failed: ${(err as Error).message}` };
    }
    if (page.text.length < this.minTextLength) {
      return {
        ok: false,
        url,
        status: res.status,
        error: `no article text found (${page.text.length} characters)`,
      };
    }
    if (isInterstitial(page.text)) {
      return { ok: false, url, status: res.status, error: 'a consent or subscription page, not the article' };
    }
    return {
      ok: true,
      url,
      finalUrl: res.finalUrl || url,
      page: { ...page, text: clipParagraphs(page.text) },
    };
  }
}

/**
 * Whether an item's page is worth fetching: the feed has article fetching on, the item links somewhere, and
 * the feed gave only a summary (no text, or text no longer than the description).
 */
export function needsArticleFetch(
  item: { url?: string; text?: string; description?: string },
  enabled: boolean,
  minTextLength = 600,
): boolean {
  if (!enabled || !item.url) return false;
  const text = item.text?.trim() ?? '';
  return text.length < minTextLength;
}
