import { getDomain, getHostname } from 'tldts';

/** Subdomains that name a feed server rather than the outlet: feeds.bbci.co.uk is the BBC's feed host. */
const FEED_HOST_PREFIX = /^(?:www\d*|feeds?|rss|rssfeeds?|syndication)\./;

/**
 * A readable outlet name for a source known only by a URL (a feed or article address): its host, without a
 * "www." or feed-server prefix. Undefined when `value` is not an http(s) URL.
 */
export function outletFromUrl(value: string | undefined): string | undefined {
  if (!value || !/^https?:\/\//i.test(value.trim())) return undefined;
  let host: string;
  try {
    host = new URL(value.trim()).host;
  } catch {
    return undefined;
  }
  const stripped = host.replace(FEED_HOST_PREFIX, '');
  // Keep the prefix when nothing but a top-level domain would be left ("rss.com").
  return stripped.includes('.') ? stripped : host;
}

/** Sites whose subdomains are separate publications, and which the public suffix list does not split. */
const HOSTED_PUBLICATIONS = new Set([
  'substack.com',
  'medium.com',
  'wordpress.com',
  'tumblr.com',
  'ghost.io',
  'beehiiv.com',
  'typepad.com',
  'livejournal.com',
]);

/** The key of a source name, as `publisherKey` gives it for an item without a usable link. */
function nameKey(source: string): string {
  return `name:${source.trim().toLowerCase()}`;
}

/**
 * The registrable domain of an item's link, with subdomains of hosted publications kept apart
 * (x.substack.com); for an item without a web link, or with an address such as 127.0.0.1, its source name.
 */
export function publisherKey(source: string, url?: string): string {
  if (url && /^https?:\/\//i.test(url)) {
    const domain = getDomain(url, { allowPrivateDomains: true })?.toLowerCase();
    if (domain && HOSTED_PUBLICATIONS.has(domain)) {
      const host = getHostname(url)
        ?.toLowerCase()
        .replace(/^www\./, '');
      if (host) return host;
    }
    if (domain) return domain;
  }
  return nameKey(source);
}

/**
 * Who published each item, as the index of the first item from the same publisher. Items share a publisher
 * when they share a source name or a `publisherKey`: one publisher's several feeds ("CBC | Top Stories",
 * "CBC | Canada") link to one domain, and one feed may link through a newsletter service as well as its site.
 */
export function publishersOf(items: readonly { source: string; url?: string }[]): number[] {
  const parent = items.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r]!;
    return r;
  };
  const firstWith = new Map<string, number>();
  items.forEach((item, i) => {
    for (const key of [nameKey(item.source), publisherKey(item.source, item.url)]) {
      const j = firstWith.get(key);
      if (j === undefined) firstWith.set(key, i);
      else {
        const a = root(i);
        const b = root(j);
        parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  return items.map((_, i) => root(i));
}

/** Distinct publishers among some items or coverage entries (see `publishersOf`). */
export function publisherCount(items: readonly { source: string; url?: string }[]): number {
  return new Set(publishersOf(items)).size;
}
