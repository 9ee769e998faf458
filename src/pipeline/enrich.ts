import { classifyItemKind } from '../classify/index.js';
import type { Config, FeedConfig } from '../config/schema.js';
import { ArticleFetcher, needsArticleFetch } from '../extract/index.js';
import { decodeHtml } from '../ingest/decode.js';
import { HostLimiter, safeFetch } from '../ingest/index.js';
import type { Logger } from '../log.js';
import type { Item } from '../model.js';
import type { Store } from '../store/index.js';
import { mapLimit } from './poller.js';

/**
 * Completes items before they enter the log: the article text when the feed gave only a summary (through the
 * same guarded fetcher as feeds, cached), and the item's kind from its feed, URL, categories and page type.
 */
export class ItemEnricher {
  private readonly fetcher?: ArticleFetcher;
  /** Article pages are fetched as politely as feeds: a few at a time from one host. */
  private readonly limiter: HostLimiter;

  constructor(
    private readonly policy: Config['fetch'],
    private readonly logger: Logger,
    store?: Store,
  ) {
    this.limiter = new HostLimiter(policy.perHostConcurrency ?? 2);
    if (store) {
      this.fetcher = new ArticleFetcher(async (url) => {
        const res = await safeFetch(url, policy, { headers: { accept: 'text/html,application/xhtml+xml' } });
        const contentType = res.headers['content-type'];
        return {
          status: res.status,
          body: decodeHtml(res.body, contentType),
          finalUrl: res.finalUrl,
          contentType,
        };
      }, store.ns('articles'));
    }
  }

  /**
   * Adds article text and kinds. The pass waits on article pages for one fetch time-out at most: a page not
   * started by then (its host slow, or too many pages) is left, and its item goes on with the feed's summary,
   * rather than every item of the pass waiting on one stalled site.
   */
  async enrich(items: Item[], feeds: FeedConfig[]): Promise<Item[]> {
    const byUrl = new Map(feeds.map((f) => [f.url, f]));
    const startBy = Date.now() + this.policy.timeoutMs;
    let skipped = 0;
    const enriched = await mapLimit(items, this.policy.concurrency, async (item) => {
      const feed = item.feedUrl ? byUrl.get(item.feedUrl) : undefined;
      let enriched = item;
      const fetcher = this.fetcher;
      const url = item.url;
      if (fetcher && url && needsArticleFetch(item, feed?.fetchArticles ?? true)) {
        const article = await this.limiter.run(hostOf(url), async () =>
          Date.now() <= startBy ? fetcher.get(url) : undefined,
        );
        // Only a page with more to say than the feed replaces what the feed gave.
        const feedText = Math.max(item.text?.length ?? 0, item.description?.length ?? 0);
        if (!article) skipped++;
        else if (article.ok && article.page.text.length > feedText) {
          const { page } = article;
          enriched = { ...item, text: page.text, pageType: page.pageType, section: page.section };
        } else if (article.ok) {
          enriched = { ...item, pageType: article.page.pageType, section: article.page.section };
        } else {
          this.logger.debug(
            { url: item.url, error: article.error },
            'article page not read; keeping the summary',
          );
        }
      }
      const kind = classifyItemKind({
        url: enriched.url,
        categories: enriched.categories,
        feedKind: feed?.kind,
        pageType: enriched.pageType,
        section: enriched.section,
        title: enriched.title,
        source: enriched.source,
      });
      return kind === 'report' ? enriched : { ...enriched, kindHint: kind };
    });
    if (skipped) {
      this.logger.info(
        { skipped },
        'article pages left for lack of time in this pass; their items keep the summary',
      );
    }
    return enriched;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
