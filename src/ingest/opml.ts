/** OPML import/export of feed subscriptions. */

import { resolveUrl, unwrapFeedScheme, withoutFragment } from './normalize.js';
import { cleanLine, decodeEntities, NAME_MAX } from './text.js';

export class OpmlError extends Error {
  override name = 'OpmlError';
}

function attrsOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  // A name starts only where a word does, so a long run of name characters is not rescanned from each letter.
  for (const m of tag.matchAll(/(?<![\w:.-])([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    out[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? '');
  }
  return out;
}

/**
 * Feeds listed in an OPML document, at any depth of nesting, without duplicates. Outlines without an
 * http(s) `xmlUrl` (folders, notes) are skipped; those whose feed address is not an http(s) URL are added
 * to `unusable`, as written (cut at 200 characters). Throws OpmlError when the text is not OPML.
 */
export function parseOpml(text: string, unusable?: string[]): { url: string; title?: string }[] {
  const s = String(text ?? '').replace(/^\uFEFF/, '');
  if (!/<opml\b/i.test(s.slice(0, 5000))) {
    throw new OpmlError(
      /<html\b/i.test(s.slice(0, 5000)) ? 'not OPML: this is an HTML page' : 'not OPML: no <opml> element',
    );
  }
  if (!/<body\b/i.test(s)) throw new OpmlError('malformed OPML: no <body> element');
  const out: { url: string; title?: string }[] = [];
  const seen = new Set<string>();
  // Comments must not contribute outlines. Attributes end at the next `<` (XML allows none in them), so an
  // unclosed tag is not scanned to the end of the document from each of its letters.
  const clean = withoutComments(s);
  for (const m of clean.matchAll(/<outline\b((?:[^<>"']|"[^"<]*"|'[^'<]*')*)\/?>/gi)) {
    const a = attrsOf(m[1]!);
    const raw = a.xmlurl ?? (a.type && /rss|atom/i.test(a.type) ? a.url : undefined);
    const resolved = raw === undefined ? undefined : resolveUrl(unwrapFeedScheme(raw));
    const url = resolved && withoutFragment(resolved);
    if (!url && raw?.trim()) unusable?.push(cleanLine(raw, NAME_MAX));
    if (!url || seen.has(url)) continue;
    seen.add(url);
    // An empty title is no title: the text names the feed then.
    const title = cleanLine(a.title ?? '', NAME_MAX) || cleanLine(a.text ?? '', NAME_MAX);
    out.push(title ? { url, title } : { url });
  }
  return out;
}

/** The text without `<!-- … -->` comments; an unclosed one runs to the end. One pass, whatever the input. */
function withoutComments(s: string): string {
  const parts: string[] = [];
  let at = 0;
  for (let open = s.indexOf('<!--'); open >= 0; open = s.indexOf('<!--', at)) {
    parts.push(s.slice(at, open));
    const close = s.indexOf('-->', open + 4);
    if (close < 0) return parts.join('');
    at = close + 3;
  }
  parts.push(s.slice(at));
  return parts.join('');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An OPML 2.0 document listing `feeds` as flat RSS outlines. */
export function toOpml(title: string, feeds: { url: string; title?: string }[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${esc(title)}</title>`,
    '  </head>',
    '  <body>',
  ];
  for (const f of feeds) {
    const t = esc(f.title ?? f.url);
    lines.push(`    <outline type="rss" text="${t}" title="${t}" xmlUrl="${esc(f.url)}"/>`);
  }
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}
