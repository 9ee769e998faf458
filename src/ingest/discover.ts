/** Feed auto-discovery from an HTML page's <link rel="alternate"> (and <a> links that plainly name a feed). */
import { resolveUrl } from './normalize.js';
import { decodeEntities } from './text.js';

const FEED_TYPES = /^(application|text)\/(rss|atom|rdf|feed)\+(xml|json)\b|^application\/(rss|atom)$/i;

function attrsOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_:][\w:.-]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const name = m[1]!.toLowerCase();
    if (!(name in out)) out[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** Feed URLs a page advertises, absolute, in page order, without duplicates. Honours <base href>. */
export function discoverFeeds(html: string, pageUrl: string): string[] {
  const head = html.length > 2_000_000 ? html.slice(0, 2_000_000) : html;
  const baseHref = /<base\b[^>]*>/i.exec(head);
  const base = resolveUrl(baseHref ? attrsOf(baseHref[0]).href : undefined, pageUrl) ?? pageUrl;
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (href: string | undefined) => {
    const abs = resolveUrl(href, base);
    if (abs && !seen.has(abs)) {
      seen.add(abs);
      found.push(abs);
    }
  };
  for (const m of head.matchAll(/<link\b[^>]*>/gi)) {
    const a = attrsOf(m[0].slice(5));
    const rel = (a.rel ?? '').toLowerCase().split(/\s+/);
    const type = (a.type ?? '').toLowerCase();
    const hint = /\b(rss|atom|feed)\b/i.test(`${a.title ?? ''} ${a.href ?? ''}`);
    // Generic XML/JSON alternates (oEmbed, sitemaps) are feeds only when their name says so.
    const feedType = FEED_TYPES.test(type) || (/^(application|text)\/(xml|json)$/.test(type) && hint);
    if (!((rel.includes('alternate') && feedType) || rel.includes('feed'))) continue;
    add(a.href);
  }
  return found;
}
