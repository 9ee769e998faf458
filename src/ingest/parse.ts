/** Feed bytes → normalised items. XML goes through rss-parser after repair; JSON Feed is read here. */
import { createRequire } from 'node:module';
import Parser from 'rss-parser';
import type { Item } from '../model.js';
import { outletFromUrl } from '../util/outlet.js';
import { balanceTags, decodeBody, repairXml, rootElementName, wrapXhtmlContent } from './decode.js';
import { FeedParseError } from './errors.js';
import { articleAltId, canonicalUrl, resolveUrl, shortHash, urlIdentity } from './normalize.js';
import {
  cleanLine,
  clipParagraphs,
  decodeEntities,
  htmlToText,
  inlineText,
  NAME_MAX,
  truncate,
} from './text.js';

// rss-parser derives a `contentSnippet` for every item with regexes that take quadratic time on markup whose
// tags never close (seconds for 64 KB of "<p "). Items are made from the content itself, so the snippet is
// never read: it is not computed.
createRequire(import.meta.url)('rss-parser/lib/utils.js').getSnippet = () => '';

// sax reads a markup declaration other than a comment, CDATA section or doctype (a stray `<!ENTITY …>` or
// `<![if …]>`) a character at a time and at each one tests all it has read so far: 25 s for one of 64 KB. Those
// tests need only its first characters and nothing reads the rest (xml2js ignores declarations), so sax keeps
// only the start. On the prototype: an accessor on each parser would slow every parse by half.
const sax = createRequire(createRequire(import.meta.url).resolve('xml2js'))('sax');
Object.defineProperty(sax.SAXParser.prototype, 'sgmlDecl', {
  configurable: true,
  get(this: { declStart?: string }) {
    return this.declStart ?? '';
  },
  set(this: { declStart?: string }, v: string) {
    this.declStart = v.length > 16 ? v.slice(0, 16) : v;
  },
});

export interface ParsedFeed {
  title: string;
  link?: string;
  /** RSS <ttl>: how long the publisher asks readers to cache the feed. */
  ttlMinutes?: number;
  format: 'rss' | 'atom' | 'rdf' | 'json';
  items: Item[];
}

export interface ParseOptions {
  contentType?: string;
  /** The feed's own URL: base for relative links and part of item ids when an item has no link. */
  url?: string;
  /** Configured outlet name; wins over the feed title as `source`. */
  name?: string;
  now?: Date;
  kind?: 'report' | 'opinion' | 'analysis';
}

const DESCRIPTION_MAX = 1000;
/** Caps on one-line fields: no real headline, outlet, byline or tag comes near them. */
const TITLE_MAX = 300;
const CATEGORY_MAX = 100;
const CATEGORIES_MAX = 20;

// biome-ignore lint/suspicious/noExplicitAny: rss-parser output is loosely typed xml2js data
type Raw = any;

const FIELDS = {
  feed: [
    ['$', 'attrs', { keepArray: true }],
    ['link', 'linksRaw', { keepArray: true }],
    ['subtitle', 'subtitle'],
    ['tagline', 'subtitle'],
    ['title', 'titleRaw', { keepArray: true }],
  ],
  item: [
    ['$', 'attrs', { keepArray: true }],
    ['link', 'linksRaw', { keepArray: true }],
    ['title', 'titleRaw', { keepArray: true }],
    ['guid', 'guidRaw', { keepArray: true }],
    ['author', 'authorRaw', { keepArray: true }],
    ['category', 'categoryRaw', { keepArray: true }],
    ['dc:subject', 'dcSubject', { keepArray: true }],
    ['media:content', 'mediaContent', { keepArray: true }],
    ['media:thumbnail', 'mediaThumbnail', { keepArray: true }],
    ['media:group', 'mediaGroup', { keepArray: true }],
    ['itunes:image', 'itunesImage', { keepArray: true }],
    ['enclosure', 'enclosures', { keepArray: true }],
    ['description', 'descriptionRaw', { keepArray: true }],
    ['content', 'contentRaw', { keepArray: true }],
    ['summary', 'summaryRaw', { keepArray: true }],
    ['published', 'published'],
    ['updated', 'updated'],
    ['issued', 'issued'],
    ['modified', 'modified'],
    ['created', 'created'],
    ['dc:date', 'dcDate'],
    ['dc:description', 'dcDescription'],
    ['itunes:summary', 'itunesSummary'],
  ],
} as const;

/**
 * A parser for one document. xml2js keeps its sax state between documents and only resets it on an error it
 * reports: junk after one feed's root element left the next feed's errors ignored. A parser costs microseconds.
 */
function newParser(): Parser {
  return new Parser({
    defaultRSS: 2,
    // biome-ignore lint/suspicious/noExplicitAny: rss-parser's customFields typing does not admit keepArray tuples
    customFields: FIELDS as any,
  });
}

/** Text of an xml2js node: string, {_: text}, or nested markup rebuilt by rss-parser. */
function nodeText(v: Raw): string | undefined {
  if (v == null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return nodeText(v[0]);
  if (typeof v === 'object') {
    if (typeof v._ === 'string' && Object.keys(v).every((k) => k === '_' || k === '$')) {
      return v.$?.mode === 'base64' ? Buffer.from(v._, 'base64').toString('utf8') : v._;
    }
    // xhtml content: collect all text children
    const parts: string[] = [];
    const walk = (n: Raw): void => {
      if (n == null) return;
      if (typeof n === 'string') parts.push(n);
      else if (Array.isArray(n)) n.forEach(walk);
      else if (typeof n === 'object') {
        for (const [k, c] of Object.entries(n)) if (k !== '$') walk(c);
      }
    };
    walk(v);
    return parts.length ? parts.join(' ') : undefined;
  }
  return undefined;
}

function attr(v: Raw, name: string): string | undefined {
  const a = v && typeof v === 'object' && v.$ ? v.$[name] : undefined;
  return typeof a === 'string' ? a : undefined;
}

const MONTHS = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i;

/**
 * Zone abbreviations feeds use that the date parser does not know (it knows UT, UTC, GMT, Z and the North
 * American ones). Ambiguous ones are left out: AST (Atlantic or Arabia), CST beyond the US, BDT. IST is taken for
 * India's, which news feeds use far more than Ireland's or Israel's.
 */
const ZONE_OFFSETS: Record<string, string> = {
  WET: '+0000',
  WEST: '+0100',
  BST: '+0100',
  CET: '+0100',
  CEST: '+0200',
  MET: '+0100',
  MEST: '+0200',
  EET: '+0200',
  EEST: '+0300',
  MSK: '+0300',
  SAST: '+0200',
  CAT: '+0200',
  EAT: '+0300',
  WAT: '+0100',
  GST: '+0400',
  PKT: '+0500',
  IST: '+0530',
  NPT: '+0545',
  ICT: '+0700',
  WIB: '+0700',
  HKT: '+0800',
  SGT: '+0800',
  PHT: '+0800',
  AWST: '+0800',
  JST: '+0900',
  KST: '+0900',
  ACST: '+0930',
  ACDT: '+1030',
  AEST: '+1000',
  AEDT: '+1100',
  NZST: '+1200',
  NZDT: '+1300',
  HST: '-1000',
  AKST: '-0900',
  AKDT: '-0800',
  NST: '-0330',
  NDT: '-0230',
  ADT: '-0300',
};

const ZONE_AT_END = /\s\(?([A-Z]{2,5})\)?$/;
const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?$/;
const TIME_AT_END = /\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AaPp]\.?[Mm]\.?)?$/;

/**
 * Parses feed dates (RFC 822 in its many real-world forms, ISO 8601, W3CDTF); undefined when hopeless. A date
 * with no zone, or one not known, is read as UTC, never as the host's local time: the same feed gives the
 * same times on every machine.
 */
export function parseDate(s: string | undefined | null): Date | undefined {
  if (!s || typeof s !== 'string') return undefined;
  let t = s.trim().replace(/\s+/g, ' ');
  if (!t) return undefined;
  const zone = ZONE_AT_END.exec(t);
  if (zone && ZONE_OFFSETS[zone[1]!]) t = `${t.slice(0, zone.index)} ${ZONE_OFFSETS[zone[1]!]}`;
  if (ISO_WITHOUT_ZONE.test(t)) t = `${t.replace(' ', 'T').replace(',', '.')}Z`;
  else if (TIME_AT_END.test(t) && MONTHS.test(t)) t = `${t} GMT`;
  else if (!/\d:\d/.test(t) && MONTHS.test(t) && /\b\d{4}\b/.test(t)) t = `${t} 00:00 GMT`;
  let d = new Date(t);
  if (Number.isNaN(d.getTime())) {
    const cleaned = t
      .replace(/^[A-Za-z]{2,}\.?,?\s*/, '')
      .replace(/\b(UT|UTC|Z)\b/, 'GMT')
      .replace(/([+-]\d{2}):?(\d{2})\s*$/, ' $1$2');
    d = new Date(cleaned);
    // A zone the parser does not know is dropped, and the time read as UTC.
    if (Number.isNaN(d.getTime()) && MONTHS.test(cleaned))
      d = new Date(cleaned.replace(/\s[A-Z]{3,5}$/, ' GMT'));
  }
  const ms = d.getTime();
  if (Number.isNaN(ms) || d.getUTCFullYear() < 1970 || d.getUTCFullYear() > 2200) return undefined;
  return d;
}

function describeParseError(err: unknown): string {
  const msg = (err as Error)?.message ?? String(err);
  const m = /^([^\n]+)\nLine: (\d+)\nColumn: (\d+)/.exec(msg);
  if (m) return `malformed XML: ${m[1]!.trim()} at line ${Number(m[2]) + 1}, column ${m[3]}`;
  if (/not recognized as RSS/i.test(msg)) return 'not a feed: XML is not RSS, Atom or RDF';
  return `malformed feed: ${msg.split('\n')[0]}`;
}

const ATOM_PREFIX_RE =
  /xmlns:([A-Za-z_][\w.-]*)\s*=\s*["']http:\/\/(?:www\.w3\.org\/2005\/Atom|purl\.org\/atom\/ns#)["']/g;

/**
 * Atom elements written with a prefix (`<a:feed xmlns:a="…Atom">`, or `<p0:entry xmlns:p0="…Atom">` inside a
 * plain `<feed>`) → unprefixed, since rss-parser keys on element names.
 */
function unprefixAtom(xml: string): string {
  const prefixes = new Set(Array.from(xml.matchAll(ATOM_PREFIX_RE), (m) => m[1]!));
  if (!prefixes.size) return xml;
  const names = [...prefixes].map((p) => p.replace(/[.]/g, '\\.')).join('|');
  return xml.replace(new RegExp(`<(/?)(?:${names}):`, 'g'), '<$1');
}

export async function parseFeed(body: Buffer | string, opts: ParseOptions = {}): Promise<ParsedFeed> {
  const now = opts.now ?? new Date();
  if (typeof body !== 'string') {
    if (body.length === 0) throw new FeedParseError('empty document');
    if (body[0] === 0x1f && body[1] === 0x8b) throw new FeedParseError('not a feed: gzip-compressed bytes');
  }
  const text = typeof body === 'string' ? body.replace(/^\uFEFF/, '') : decodeBody(body, opts.contentType);
  const start = text.search(/\S/);
  if (start < 0) throw new FeedParseError('empty document');
  const c = text[start];
  if (c === '{' || c === '[') return parseJsonFeed(text, opts, now);
  if (c !== '<') {
    throw new FeedParseError(
      /[\u0000-\u0008\ufffd]/.test(text.slice(0, 512))
        ? 'not a feed: binary data'
        : 'not a feed: neither XML nor JSON',
    );
  }
  let xml = text.slice(start);
  const root = rootElementName(xml);
  if (!root) {
    if (/^<!DOCTYPE\s+html/i.test(xml)) throw new FeedParseError('not a feed: HTML page');
    throw new FeedParseError('not a feed: no root element');
  }
  const rootLc = root.toLowerCase();
  if (rootLc === 'html' || rootLc === 'body' || rootLc === 'head')
    throw new FeedParseError('not a feed: HTML page');
  const local = rootLc.includes(':') ? rootLc.slice(rootLc.indexOf(':') + 1) : rootLc;
  if (local === 'feed') xml = unprefixAtom(xml);
  else if (local !== 'rss' && local !== 'rdf') {
    throw new FeedParseError(`not a feed: XML root <${root}> is not RSS, Atom or RDF`);
  }
  // Well-formed feeds (most of them) go straight to the parser; the repairs run only when it fails.
  const first = xml.indexOf('<');
  let repaired = first > 0 ? xml.slice(first) : xml;
  if (repaired.indexOf('xhtml') >= 0) repaired = wrapXhtmlContent(repaired);
  // rss-parser needs a <channel>; an RSS or RDF document without one is an empty feed, not an error.
  if (local !== 'feed' && !/<channel[\s>/]/.test(repaired)) {
    repaired = repaired.replace(
      /(<(?:\w+:)?(?:rss|rdf)\b(?:[^<>"']|"[^"<]*"|'[^'<]*')*?)(\/?)>/i,
      (_m, open: string, self: string) =>
        self ? `${open}><channel></channel></${root}>` : `${open}><channel></channel>`,
    );
  }
  let raw: Raw = await tryParse(repaired);
  if (raw instanceof Error) {
    repaired = repairXml(repaired);
    raw = await tryParse(repaired);
  }
  if (
    raw instanceof Error &&
    /Unexpected close tag|Unclosed root tag|Unmatched closing tag/i.test(raw.message)
  ) {
    const again = await tryParse(balanceTags(repaired));
    if (!(again instanceof Error)) raw = again;
  }
  if (raw instanceof Error) throw new FeedParseError(describeParseError(raw));
  // rss-parser drops the root element's attributes; its xml:base is the outermost base.
  const rootBase = /^[^>]*?\sxml:base\s*=\s*["']([^"']*)["']/.exec(
    repaired.slice(repaired.indexOf(`<${root}`)),
  )?.[1];
  if (rootBase && !raw.attrs?.['xml:base']) raw.attrs = { ...(raw.attrs ?? {}), 'xml:base': rootBase };
  const format = local === 'feed' ? 'atom' : local === 'rdf' ? 'rdf' : 'rss';
  return normaliseXmlFeed(raw, format, opts, now);
}

async function tryParse(xml: string): Promise<Raw | Error> {
  try {
    return await newParser().parseString(xml);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function firstString(...vals: Raw[]): string | undefined {
  for (const v of vals) {
    const t = nodeText(v);
    if (t?.trim()) return t;
  }
  return undefined;
}

function pickAtomLink(links: Raw[] | undefined): string | undefined {
  if (!Array.isArray(links)) return undefined;
  let fallback: string | undefined;
  for (const l of links) {
    if (typeof l === 'string') {
      fallback ??= l;
      continue;
    }
    const href = attr(l, 'href') ?? (typeof l?._ === 'string' ? l._ : undefined);
    if (!href) continue;
    const rel = attr(l, 'rel') ?? 'alternate';
    const type = attr(l, 'type');
    if (rel === 'alternate' && (!type || /html/i.test(type))) return href;
    if (rel === 'alternate') fallback ??= href;
    else if (
      !/^(self|enclosure|replies|edit|edit-media|hub|next|previous|prev|first|last|license|via)$/.test(rel)
    ) {
      fallback ??= href;
    }
  }
  return fallback;
}

/** Longest byline read as "email (Name)" or "Name <email>": an email and a name as long as names are kept. */
const MAX_BYLINE = 500;

function authorName(raw: Raw, fallback?: Raw): string | undefined {
  const a = Array.isArray(raw) ? raw[0] : raw;
  let name: string | undefined;
  if (a && typeof a === 'object' && !('_' in a) && (a.name || a.email))
    name = nodeText(a.name) ?? nodeText(a.email);
  else name = nodeText(a);
  name ??= nodeText(fallback);
  if (!name) return undefined;
  name = inlineText(name);
  // RSS author is "email (Name)" by spec; keep just the name. Only a byline of sane length is read that way:
  // these patterns take time with the square of the length on a long run of "@" or "(".
  if (name.length <= MAX_BYLINE) {
    const m = /^\S+@\S+\s*\(([^)]+)\)$/.exec(name) ?? /^([^<]+?)\s*<\S+@\S+>$/.exec(name);
    if (m) name = m[1]!.trim();
  }
  return name || undefined;
}

function categoriesOf(it: Raw): string[] | undefined {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (v: string | undefined) => {
    const t = v ? inlineText(v) : '';
    if (!t || t.length > 100) return;
    const k = t.toLowerCase();
    if (seen.has(k)) return;
    seen.add(k);
    out.push(t);
  };
  for (const c of [...(it.categoryRaw ?? []), ...(it.dcSubject ?? [])]) {
    if (typeof c === 'string') add(c);
    else if (c && typeof c === 'object') add(attr(c, 'label') ?? attr(c, 'term') ?? nodeText(c));
  }
  return out.length ? out : undefined;
}

const IMAGE_EXT = /\.(jpe?g|png|gif|webp|avif)(\?|$)/i;

function imageOf(it: Raw, html: string | undefined): string | undefined {
  let best: { url: string; w: number } | undefined;
  const consider = (node: Raw) => {
    const url = attr(node, 'url');
    if (!url) return;
    const medium = attr(node, 'medium');
    const type = attr(node, 'type');
    if (medium && medium !== 'image') return;
    if (!medium && type && !type.startsWith('image/')) return;
    if (!medium && !type && !IMAGE_EXT.test(url) && !node?.$?.width) return;
    const w = Number(attr(node, 'width') ?? 0) || 0;
    if (!best || w > best.w) best = { url, w };
  };
  for (const m of it.mediaContent ?? []) consider(m);
  for (const g of it.mediaGroup ?? []) for (const m of g?.['media:content'] ?? []) consider(m);
  if (best) return best.url;
  for (const t of [...(it.mediaThumbnail ?? []), ...(it.mediaGroup?.[0]?.['media:thumbnail'] ?? [])]) {
    const url = attr(t, 'url');
    if (url) return url;
  }
  for (const e of it.enclosures ?? []) {
    const url = attr(e, 'url');
    const type = attr(e, 'type');
    if (url && (type?.startsWith('image/') || (!type && IMAGE_EXT.test(url)))) return url;
  }
  const itunes = attr(it.itunesImage?.[0], 'href');
  if (itunes) return itunes;
  if (html && html.indexOf('<img') >= 0) {
    // An attribute value in markup: `&amp;` in its query is `&`.
    const src = firstImageSrc(html);
    if (src && !/\b(pixel|tracker|feedburner|1x1|spacer)\b/i.test(src)) return decodeEntities(src);
  }
  return undefined;
}

const IMG_RE = /<img\b/gi;
const IMG_SRC_AT_RE = /<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']/iy;

/**
 * The address in the first `<img … src="…">`, as /<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']/i finds it. Tried
 * at one `<img` at a time: a tag without a usable src fails the same way from every `<img` before its `>`, so
 * the search goes on after that `>` rather than rescanning the tag from each of them.
 */
function firstImageSrc(html: string): string | undefined {
  IMG_RE.lastIndex = 0;
  for (let m = IMG_RE.exec(html); m; m = IMG_RE.exec(html)) {
    IMG_SRC_AT_RE.lastIndex = m.index;
    const src = IMG_SRC_AT_RE.exec(html);
    if (src) return src[1];
    const gt = html.indexOf('>', m.index);
    if (gt < 0) return undefined;
    IMG_RE.lastIndex = gt + 1;
  }
  return undefined;
}

function titleText(raw: Raw, fallback?: string): string {
  const node = Array.isArray(raw) ? raw[0] : raw;
  const t = nodeText(node) ?? fallback;
  if (!t) return '';
  // Atom type="text" is literal; anything else may carry markup or entities.
  return attr(node, 'type') === 'text' ? t.replace(/\s+/g, ' ').trim() : inlineText(t);
}

interface Draft {
  guid?: string;
  link?: string;
  /** The base an `xml:base` on the item or the feed sets, for relative addresses in the item's markup. */
  base?: string;
  title: string;
  descriptionHtml?: string;
  contentHtml?: string;
  published?: Date;
  author?: string;
  categories?: string[];
  image?: string;
}

function normaliseXmlFeed(raw: Raw, format: ParsedFeed['format'], opts: ParseOptions, now: Date): ParsedFeed {
  const rootXmlBase = attr({ $: raw.attrs }, 'xml:base');
  const feedBase = resolveUrl(rootXmlBase, opts.url) ?? opts.url;
  const feedLinkRaw =
    format === 'atom' ? (pickAtomLink(raw.linksRaw) ?? raw.link) : firstString(raw.linksRaw, raw.link);
  const feedLink = resolveUrl(feedLinkRaw, feedBase);
  const title = titleText(raw.titleRaw, raw.title);
  const ttl = Number.parseInt(String(nodeText(raw.ttl) ?? ''), 10);
  const drafts: Draft[] = [];
  for (const it of (raw.items ?? []) as Raw[]) {
    if (!it || typeof it !== 'object') continue;
    const itemXmlBase = attr({ $: it.attrs }, 'xml:base');
    const itemBase = resolveUrl(itemXmlBase, feedBase) ?? feedBase;
    let guid = firstString(it.guidRaw, it.id, it.guid);
    if (guid) guid = guid.trim();
    const isPermaLink = attr(it.guidRaw?.[0], 'isPermaLink') !== 'false';
    let link =
      format === 'atom'
        ? pickAtomLink(it.linksRaw)
        : (firstString(it.linksRaw, it.link) ?? attr(it.linksRaw?.[0], 'href'));
    if (!link && guid && isPermaLink && /^https?:\/\//i.test(guid)) link = guid;
    if (!link && format === 'rdf') link = it['rdf:about'];
    const resolved = canonicalUrl(link?.trim(), itemBase ?? feedLink);
    // rss-parser rebuilds Atom xhtml content as markup in `content`/`summary`; raw nodes are the fallback.
    const contentHtml =
      format === 'atom' ? firstString(it.content, it.contentRaw) : firstString(it['content:encoded']);
    const descriptionHtml =
      format === 'atom'
        ? firstString(it.summary, it.summaryRaw)
        : firstString(
            it.descriptionRaw,
            it.summary,
            it.contentRaw,
            it.dcDescription,
            it.itunes?.summary,
            it.itunesSummary,
          );
    drafts.push({
      guid,
      link: resolved,
      base: itemXmlBase || rootXmlBase ? itemBase : undefined,
      title: titleText(it.titleRaw, it.title),
      descriptionHtml,
      contentHtml,
      published: parseDate(
        firstString(
          it.published,
          it.pubDate,
          it.dcDate,
          it.issued,
          it.created,
          it.updated,
          it.modified,
          it.isoDate,
        ),
      ),
      author: authorName(it.authorRaw, it.creator ?? it['dc:creator'] ?? it.itunes?.author),
      categories: categoriesOf(it),
      image: imageOf(it, contentHtml ?? descriptionHtml),
    });
  }
  return {
    title: cleanLine(title || (feedLink ? new URL(feedLink).host : ''), NAME_MAX),
    link: feedLink,
    ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : undefined,
    format,
    items: finishItems(drafts, title, feedLink, opts, now),
  };
}

/** Drafts → Items: plain text, ids, source, dates; drops duplicates within the feed. */
function finishItems(
  drafts: Draft[],
  feedTitle: string,
  feedLink: string | undefined,
  opts: ParseOptions,
  now: Date,
): Item[] {
  const feedKey = opts.url ?? feedLink ?? feedTitle;
  const source =
    (opts.name && cleanLine(opts.name, NAME_MAX)) ||
    cleanLine(feedTitle, NAME_MAX) ||
    outletFromUrl(opts.url ?? feedLink) ||
    'unknown';
  // A link shared by several items (often the site's home page) cannot identify any one of them.
  const linkCount = new Map<string, number>();
  for (const d of drafts) if (d.link) linkCount.set(d.link, (linkCount.get(d.link) ?? 0) + 1);
  const homeId = feedLink ? urlIdentity(canonicalUrl(feedLink) ?? feedLink) : undefined;
  // So can a guid several items share (a feed that puts its home page in every guid), or the home page alone.
  const guidCount = new Map<string, number>();
  for (const d of drafts) if (d.guid) guidCount.set(d.guid, (guidCount.get(d.guid) ?? 0) + 1);
  const isHome = (u: string) => homeId !== undefined && /^https?:\/\//i.test(u) && urlIdentity(u) === homeId;
  const latest = now.getTime() + 24 * 3600_000;
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const d of drafts) {
    const linkOk = d.link && linkCount.get(d.link) === 1 && urlIdentity(d.link) !== homeId;
    const guidOk = d.guid && guidCount.get(d.guid) === 1 && !isHome(d.guid);
    const guidKey = guidOk ? `g:${feedKey}|${d.guid}` : undefined;
    const key = linkOk
      ? `u:${urlIdentity(d.link!)}`
      : (guidKey ??
        `t:${feedKey}|${d.published?.toISOString() ?? ''}|${d.title || htmlToText(d.descriptionHtml).slice(0, 200)}`);
    const id = shortHash(key);
    // While its link is unique the item goes by it, but a sibling sharing the link (now or at another poll)
    // makes it go by its guid: the guid is the identity both polls know. A shared link identifies nothing.
    const other = linkOk ? guidKey : undefined;
    if (seen.has(id)) continue;
    seen.add(id);
    const description = d.descriptionHtml
      ? truncate(htmlToText(d.descriptionHtml), DESCRIPTION_MAX)
      : undefined;
    const fullText = d.contentHtml ? clipParagraphs(htmlToText(d.contentHtml)) : undefined;
    // An item without a title (a short post) is named by its opening words.
    const opening = description || fullText;
    const title = cleanLine(d.title, TITLE_MAX) || (opening ? cleanLine(opening, 120) : '') || '(untitled)';
    const published = d.published && d.published.getTime() <= latest ? d.published : now;
    const item: Item = {
      id,
      title,
      source,
      publishedAt: published.toISOString(),
    };
    // The same article filed under another path is the same item.
    const article = linkOk ? articleAltId(d.link!) : undefined;
    const altIds = [other && shortHash(other), article].filter((k) => k !== undefined);
    if (altIds.length) item.altIds = altIds;
    if (description || fullText) item.description = description || truncate(fullText!, DESCRIPTION_MAX);
    if (fullText && fullText !== item.description) item.text = fullText;
    if (d.link) item.url = d.link;
    if (opts.url) item.feedUrl = opts.url;
    const author = d.author && cleanLine(d.author, NAME_MAX);
    if (author) item.author = author;
    const categories = d.categories
      ?.map((c) => cleanLine(c, CATEGORY_MAX))
      .filter(Boolean)
      .slice(0, CATEGORIES_MAX);
    if (categories?.length) item.categories = categories;
    // Relative to the declared base, else to the item's page, else the feed's: one of them, not all chained.
    const img = resolveUrl(d.image, d.base ?? d.link ?? feedLink ?? opts.url);
    if (img) item.imageUrl = img;
    if (opts.kind === 'opinion' || opts.kind === 'analysis') item.kindHint = opts.kind;
    items.push(item);
  }
  return items;
}

function hostOf(u: string | undefined): string | undefined {
  if (!u) return undefined;
  try {
    return new URL(u).host;
  } catch {
    return undefined;
  }
}

function parseJsonFeed(text: string, opts: ParseOptions, now: Date): ParsedFeed {
  let doc: Raw;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new FeedParseError(`malformed JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new FeedParseError('not a feed: JSON but not a JSON Feed');
  const version = typeof doc.version === 'string' ? doc.version : '';
  // Strictly JSON Feed carries a jsonfeed.org version; in the wild "1.0"/"1.1" and missing versions occur.
  const looksLikeFeed =
    /^https?:\/\/jsonfeed\.org\/version\/1/.test(version) ||
    (Array.isArray(doc.items) &&
      (!!version || typeof doc.title === 'string' || typeof doc.home_page_url === 'string'));
  if (!looksLikeFeed) throw new FeedParseError('not a feed: JSON but not a JSON Feed');
  if (doc.items !== undefined && !Array.isArray(doc.items))
    throw new FeedParseError('malformed JSON Feed: items is not an array');
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
  const base = resolveUrl(str(doc.feed_url), opts.url) ?? opts.url;
  const feedLink = resolveUrl(str(doc.home_page_url), base);
  const title = inlineText(str(doc.title));
  const drafts: Draft[] = [];
  for (const it of (doc.items ?? []) as Raw[]) {
    if (!it || typeof it !== 'object') continue;
    const authors = Array.isArray(it.authors)
      ? it.authors
      : it.author
        ? [it.author]
        : (doc.authors ?? (doc.author ? [doc.author] : []));
    const contentHtml =
      str(it.content_html) ?? (str(it.content_text) ? escapeText(it.content_text) : undefined);
    drafts.push({
      guid: it.id != null ? String(it.id) : undefined,
      link: canonicalUrl(str(it.url) ?? str(it.external_url), feedLink ?? base),
      title: inlineText(str(it.title)),
      descriptionHtml: str(it.summary) ? escapeText(it.summary) : undefined,
      contentHtml,
      published: parseDate(str(it.date_published) ?? str(it.date_modified)),
      author: str(authors?.[0]?.name) ? inlineText(authors[0].name) : undefined,
      categories: Array.isArray(it.tags)
        ? it.tags.filter((t: unknown) => typeof t === 'string' && t.trim()).map(inlineText)
        : undefined,
      image: str(it.image) ?? str(it.banner_image) ?? (contentHtml ? imageOf({}, contentHtml) : undefined),
    });
  }
  for (const d of drafts) if (d.categories && !d.categories.length) d.categories = undefined;
  return {
    title: cleanLine(title || hostOf(feedLink) || '', NAME_MAX),
    link: feedLink,
    format: 'json',
    items: finishItems(drafts, title, feedLink, opts, now),
  };
}

/** Plain text → HTML-safe text, so it can share the HTML → text path with paragraphs kept. */
function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\n\s*\n/g, '<p>');
}
