import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { htmlToText } from '../ingest/text.js';
import { cleanText } from './clean.js';

export interface ExtractedPage {
  title?: string;
  /** Main text, plain, one paragraph or heading per line with blank lines between, boilerplate removed. */
  text: string;
  /** schema.org type of the article from JSON-LD, e.g. "OpinionNewsArticle". */
  pageType?: string;
  /** Section from article:section or JSON-LD articleSection. */
  section?: string;
  canonicalUrl?: string;
  /** ISO-8601 when the page states it. */
  publishedAt?: string;
  byline?: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const ARTICLE_TYPE = /(Article|BlogPosting|Report|Review|Editorial)$/i;

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typesOf(o: JsonObject): string[] {
  const t = o['@type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

/** Every object in the JSON-LD blocks, including those nested in @graph and arrays. */
function flattenJsonLd(values: Json[]): JsonObject[] {
  const out: JsonObject[] = [];
  const visit = (v: Json | undefined, depth: number) => {
    if (depth > 4 || v === undefined) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
    } else if (isObject(v)) {
      out.push(v);
      if (v['@graph'] !== undefined) visit(v['@graph'], depth + 1);
    }
  };
  for (const v of values) visit(v, 0);
  return out;
}

/** The most specific article type: "OpinionNewsArticle" beats "NewsArticle" beats "Article". */
function typeRank(t: string): number {
  if (/^(Opinion|Analysis|Reportage|Background|Review|Satirical|AskPublic)NewsArticle$/i.test(t)) return 3;
  if (/NewsArticle$/i.test(t)) return 2;
  return ARTICLE_TYPE.test(t) ? 1 : 0;
}

function firstString(v: Json | undefined): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (Array.isArray(v)) for (const x of v) if (typeof x === 'string' && x.trim()) return x.trim();
  return undefined;
}

function authorName(v: Json | undefined): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  const names = list
    .map((a) => (typeof a === 'string' ? a : isObject(a) ? firstString(a.name) : undefined))
    .filter((x): x is string => !!x);
  return names.length ? names.join(', ') : undefined;
}

function urlOf(v: Json | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (isObject(v)) return firstString(v['@id']) ?? firstString(v.url);
  return undefined;
}

function toIso(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function resolveUrl(href: string | undefined, base: string): string | undefined {
  if (!href) return undefined;
  try {
    const u = new URL(href, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const BLOCK_TAGS = new Set([
  'P',
  'DIV',
  'SECTION',
  'ARTICLE',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'LI',
  'BLOCKQUOTE',
  'PRE',
  'TR',
  'UL',
  'OL',
  'TABLE',
  'FIGURE',
  'HEADER',
  'FOOTER',
  'ASIDE',
  'MAIN',
  'DL',
  'DT',
  'DD',
  'HR',
  'BR',
]);
/** Never article prose; a caption ("Leaders in Geneva. Photograph: …") would read as a reported fact. */
const SKIP_TAGS = new Set([
  'FIGCAPTION',
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'SVG',
  'IFRAME',
  'BUTTON',
  'FORM',
  'NAV',
]);

/** The slice of the DOM this module reads; linkedom provides it (the project compiles without lib "dom"). */
interface DomElement {
  textContent: string | null;
  innerHTML?: string;
  getAttribute(name: string): string | null;
}
interface DomDocument {
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  body: DomNode | null;
}

interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  firstChild: DomNode | null;
  nextSibling: DomNode | null;
}

/**
 * Visits `root`'s subtree in document order without recursion (a page nested thousands deep must not overflow
 * the stack), following sibling links (linkedom builds a fresh `childNodes` array on every read). `enter` says
 * whether to go into a node's children; `leave` runs once they are done.
 */
function walkTree(
  root: DomNode,
  enter: (node: DomNode, depth: number) => boolean,
  leave?: (node: DomNode) => void,
) {
  const path: DomNode[] = [];
  let node: DomNode | null = root;
  while (node) {
    let next: DomNode | null = enter(node, path.length) ? node.firstChild : null;
    if (next) {
      path.push(node);
      node = next;
      continue;
    }
    leave?.(node);
    // No child to go into: the next sibling, or that of the nearest ancestor that has one.
    next = node === root ? null : node.nextSibling;
    while (!next && path.length) {
      const parent = path.pop()!;
      leave?.(parent);
      next = parent === root ? null : parent.nextSibling;
    }
    node = next;
  }
}

/** Plain text with one paragraph per line: block elements end lines, inline text runs together. */
function blockText(root: DomNode): string {
  const lines: string[] = [];
  let current = '';
  const flush = () => {
    const t = current.replace(/\s+/g, ' ').trim();
    if (t) lines.push(t);
    current = '';
  };
  const isBlock = (node: DomNode) => node.nodeType === 1 && BLOCK_TAGS.has(node.nodeName.toUpperCase());
  walkTree(
    root,
    (node) => {
      if (node.nodeType === 3) {
        current += node.textContent ?? '';
        return false;
      }
      if (node.nodeType !== 1 || SKIP_TAGS.has(node.nodeName.toUpperCase())) return false;
      if (isBlock(node)) flush();
      return true;
    },
    (node) => {
      if (isBlock(node)) flush();
    },
  );
  flush();
  return lines.join('\n\n');
}

/** Deepest nesting of tags a page may have to be parsed into a DOM at all. */
const MAX_PARSE_DEPTH = 5_000;

const VOID_TAGS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

/**
 * The deepest the tags of `html` nest, counted in one pass: opening tags minus closing ones, void and
 * self-closing tags aside. Unclosed tags (`<p>`, `<li>`) make it an overestimate, which only errs safe.
 */
function openTagDepth(html: string): number {
  let depth = 0;
  let deepest = 0;
  // The next ">" (-2: not looked for yet, -1: there is none), looked for again only once passed, so that tags
  // without one do not each scan to the end.
  let gt = -2;
  for (let at = html.indexOf('<'); at >= 0; at = html.indexOf('<', at + 1)) {
    const next = html.charCodeAt(at + 1);
    if (next === 47 /* / */) {
      if (depth > 0) depth--;
      continue;
    }
    // Letters only: comments, doctypes and stray "<" open nothing.
    if (!((next >= 65 && next <= 90) || (next >= 97 && next <= 122))) continue;
    let end = at + 1;
    while (end < html.length && /[A-Za-z0-9-]/.test(html[end]!)) end++;
    if (gt !== -1 && gt < end) gt = html.indexOf('>', end);
    const selfClosing = gt > 0 && html[gt - 1] === '/';
    if (selfClosing || VOID_TAGS.has(html.slice(at + 1, end).toLowerCase())) continue;
    if (++depth > deepest) deepest = depth;
  }
  return deepest;
}

/** Deepest nesting and most elements a page may have for Readability, whose cost climbs steeply with both. */
const READABLE_DEPTH = 200;
const READABLE_ELEMENTS = 50_000;

/** Whether the page is of a shape Readability handles in reasonable time; no real article page is near. */
function readableShape(root: DomNode): boolean {
  let elements = 0;
  let ok = true;
  walkTree(root, (node, depth) => {
    if (!ok || node.nodeType !== 1) return false;
    if (++elements > READABLE_ELEMENTS || depth > READABLE_DEPTH) ok = false;
    return ok;
  });
  return ok;
}

function meta(document: DomDocument, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const el =
      document.querySelector(`meta[property="${key}"]`) ?? document.querySelector(`meta[name="${key}"]`);
    const v = el?.getAttribute('content')?.trim();
    if (v) return v;
  }
  return undefined;
}

/** linkedom needs a whole document: fragments and plain text get wrapped so documentElement exists. */
function parseDocument(html: string): DomDocument {
  const whole = /<html[\s>]/i.test(html)
    ? html
    : `<!doctype html><html><head></head><body>${html}</body></html>`;
  return (parseHTML(whole) as unknown as { document: DomDocument }).document;
}

type ReadabilityDocument = ConstructorParameters<typeof Readability>[0];

/** The block text of a whole page, the fallback when Readability finds no article. */
function bodyText(document: DomDocument): string {
  return document.body ? blockText(document.body) : '';
}

/** Text shorter than this is not the article: a teaser, a consent notice, a "loading" line. */
const SHORT_TEXT = 200;
/** <noscript> blocks read, longest first, when a page gives no article otherwise. */
const NOSCRIPT_BLOCKS = 3;

/**
 * The main text of `document` by Readability, with the title and byline it found; empty text when it finds no
 * article or the page is not fit for it. Readability takes the document apart as it reads.
 */
function readArticle(document: DomDocument): { text: string; title?: string; byline?: string } {
  try {
    // A page too deep or too large for Readability (hostile, or broken) is read as plain block text instead.
    if (!document.body || !readableShape(document.body)) return { text: '' };
    const parsed = new Readability(document as unknown as ReadabilityDocument, {
      charThreshold: SHORT_TEXT,
      maxElemsToParse: READABLE_ELEMENTS,
    }).parse();
    if (!parsed?.content) return { text: '' };
    return {
      text: bodyText(parseDocument(`<!doctype html><html><body>${parsed.content}</body></html>`)),
      title: parsed.title ?? undefined,
      byline: parsed.byline?.trim() || undefined,
    };
  } catch {
    // Readability throws on some malformed documents; the caller falls back to the body text.
    return { text: '' };
  }
}

/**
 * The article a page gives inside <noscript>, for readers without scripts, when the page itself builds it in
 * the browser: the longest such block, read as a page of its own and cleaned. Empty when there is none.
 */
function noscriptArticle(document: DomDocument, title: string | undefined): string {
  let best = '';
  // Most <noscript> blocks hold a tracking pixel or a line asking for JavaScript. The longest few are read,
  // so that a page of thousands of them costs no more than one of a few.
  const blocks = Array.from(document.querySelectorAll('noscript'), (block) => block.innerHTML ?? '')
    .filter((inner) => inner.length >= SHORT_TEXT)
    .sort((a, b) => b.length - a.length)
    .slice(0, NOSCRIPT_BLOCKS);
  for (const inner of blocks) {
    const page = `<!doctype html><html><body>${inner}</body></html>`;
    const text = readArticle(parseDocument(page)).text || bodyText(parseDocument(page));
    const cleaned = cleanText(text, title ? { title } : {});
    if (cleaned.length > best.length) best = cleaned;
  }
  return best;
}

/**
 * Extracts an article from an HTML page: main text with @mozilla/readability over a linkedom DOM, and the
 * page's own description of itself from JSON-LD (type, section, dates, author, canonical URL) and meta tags.
 * Pure: no network. The text falls back to the whole body when Readability finds no article.
 */
export function extractPage(html: string, url: string): ExtractedPage {
  // The HTML parser's work grows with the square of the nesting depth (seconds at tens of thousands): a page
  // nested that deep is read as plain text, without a DOM.
  if (openTagDepth(html) > MAX_PARSE_DEPTH) return { text: cleanText(htmlToText(html)) };
  const document = parseDocument(html);

  // Metadata first: Readability mutates the document and drops scripts.
  const jsonLd: Json[] = [];
  for (const s of Array.from(document.querySelectorAll('script[type="application/ld+json"]'))) {
    try {
      jsonLd.push(JSON.parse(s.textContent ?? '') as Json);
    } catch {
      // Broken JSON-LD is common on real pages; the rest of the page still counts.
    }
  }
  let article: JsonObject | undefined;
  let articleType: string | undefined;
  let bestRank = 0;
  for (const o of flattenJsonLd(jsonLd)) {
    for (const t of typesOf(o)) {
      const r = typeRank(t);
      if (r > bestRank) {
        bestRank = r;
        article = o;
        articleType = t;
      }
    }
  }

  const canonicalHref = document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? undefined;
  const canonicalUrl =
    resolveUrl(canonicalHref, url) ??
    resolveUrl(meta(document, 'og:url'), url) ??
    resolveUrl(article ? (urlOf(article.mainEntityOfPage) ?? firstString(article.url)) : undefined, url);
  const section =
    meta(document, 'article:section') ?? (article ? firstString(article.articleSection) : undefined);
  const publishedAt = toIso(
    meta(document, 'article:published_time', 'og:published_time', 'datePublished', 'date') ??
      (article ? firstString(article.datePublished) : undefined),
  );
  const metaTitle =
    (article ? firstString(article.headline) : undefined) ?? meta(document, 'og:title', 'twitter:title');
  const metaAuthor =
    (article ? authorName(article.author) : undefined) ?? meta(document, 'author', 'article:author');

  let title = metaTitle ?? document.querySelector('title')?.textContent?.trim() ?? undefined;
  const read = readArticle(document);
  let text = read.text;
  title ??= read.title;
  const byline = metaAuthor ?? read.byline;
  // Parsed afresh: Readability has taken the first document apart.
  const fresh = text.trim() ? undefined : parseDocument(html);
  if (fresh) text = bodyText(fresh);

  let cleaned = cleanText(text, title ? { title } : {});
  // A page that builds its article in the browser may still state it in its JSON-LD, or give it whole to
  // readers without scripts inside <noscript>.
  const body = article ? firstString(article.articleBody) : undefined;
  if (body && cleaned.length < SHORT_TEXT && body.length > cleaned.length) cleaned = cleanText(body);
  if (cleaned.length < SHORT_TEXT) {
    const fallback = noscriptArticle(fresh ?? parseDocument(html), title);
    if (fallback.length > cleaned.length) cleaned = fallback;
  }
  const result: ExtractedPage = { text: cleaned };
  if (title) result.title = title.replace(/\s+/g, ' ').trim();
  if (articleType) result.pageType = articleType;
  if (section) result.section = section;
  if (canonicalUrl) result.canonicalUrl = canonicalUrl;
  if (publishedAt) result.publishedAt = publishedAt;
  if (byline) result.byline = byline;
  return result;
}
