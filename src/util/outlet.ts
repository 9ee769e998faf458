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
