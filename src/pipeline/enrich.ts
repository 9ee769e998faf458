import { classifyItemKind } from '../classify/index.js';
import type { Config, FeedConfig } from '../config/schema.js';
import { ArticleFetcher, needsArticleFetch } from '../extract/index.js';
import { decodeBody } from '../ingest/decode.js';
import { safeFetch } from '../ingest/index.js';
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

  constructor(
    private readonly policy: Config['fetch'],
    private readonly logger: Logger,
    store?: Store,
  ) {
    if (store) {
      this.fetcher = new ArticleFetcher(async (url) => {
        const res = await safeFetch(url, policy, { headers: { accept: 'text/html,application/xhtml+xml' } });
        const contentType = res.headers['content-type'];
        return {
          status: res.status,
          body: decodeBody(res.body, contentType),
          finalUrl: res.finalUrl,
          contentType,
        };
      }, store.ns('articles'));
    }
  }

  async enrich(items: Item[], feeds: FeedConfig[]): Promise<Item[]> {
    const byUrl = new Map(feeds.map((f) => [f.url, f]));
    return mapLimit(items, this.policy.concurrency, async (item) => {
      const feed = item.feedUrl ? byUrl.get(item.feedUrl) : undefined;
      let enriched = item;
      if (this.fetcher && item.url && needsArticleFetch(item, feed?.fetchArticles ?? true)) {
        const article = await this.fetcher.get(item.url);
        if (article.ok) {
          const { page } = article;
          enriched = { ...item, text: page.text, pageType: page.pageType, section: page.section };
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
      });
      return kind === 'report' ? enriched : { ...enriched, kindHint: kind };
    });
  }
}
