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

/**
 * Who published an item, for counting outlets: the registrable domain of its link, so that one publisher's
 * several feeds ("CBC | Top Stories", "CBC | Canada") count once, and hosted blogs (x.substack.com) stay
 * apart. An item without a web link, or with an address such as 127.0.0.1, is known by its source name.
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
  return `name:${source.trim().toLowerCase()}`;
}

/** Distinct publishers among some items or coverage entries (see `publisherKey`). */
export function publisherCount(items: readonly { source: string; url?: string }[]): number {
  return new Set(items.map((i) => publisherKey(i.source, i.url))).size;
}
