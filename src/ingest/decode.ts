/** Bytes → text for feeds: charset detection (BOM, Content-Type, XML declaration) and XML repair before parsing. */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { HTML_ENTITIES } from './text.js';

/** Lower-cased charset label → what iconv-lite understands; WHATWG treats latin1/ascii labels as windows-1252. */
function normaliseCharset(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const l = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (!l) return undefined;
  if (l === 'utf8' || l === 'utf-8' || l === 'unicode-1-1-utf-8') return 'utf-8';
  if (/^(iso[-_]?8859[-_]1|latin-?1|l1|us-ascii|ascii|ansi_x3\.4-1968|cp819|iso_8859-1:1987)$/.test(l)) {
    return 'windows-1252';
  }
  if (l === 'utf-16' || l === 'utf16') return 'utf-16le';
  return iconv.encodingExists(l) ? l : undefined;
}

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const m = contentType ? /charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType) : null;
  return m?.[1];
}

/** The encoding an XML declaration names, in the document's first bytes read as Latin-1. */
function xmlDeclared(head: string): string | undefined {
  return /^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1];
}

/** The encoding an HTML page names in `<meta charset>` or `<meta http-equiv="Content-Type" content="…">`. */
function metaDeclared(head: string): string | undefined {
  return /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head)?.[1];
}

/** Decodes an HTML page as `decodeBody` does a feed, with the page's `<meta>` charset in place of a declaration. */
export function decodeHtml(body: Buffer, contentType?: string): string {
  return decodeBody(body, contentType, metaDeclared, 2048);
}

/** Decodes a feed body to a string without BOM, choosing the charset from BOM, headers, the XML declaration or the bytes. */
export function decodeBody(
  body: Buffer,
  contentType?: string,
  declaration: (head: string) => string | undefined = xmlDeclared,
  headBytes = 512,
): string {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return body.toString('utf8', 3);
  }
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe)
    return iconv.decode(body.subarray(2), 'utf-16le');
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff)
    return iconv.decode(body.subarray(2), 'utf-16be');
  if (body.length >= 4 && body[0] === 0x3c && body[1] === 0 && body[2] === 0x3f && body[3] === 0) {
    return iconv.decode(body, 'utf-16le');
  }
  if (body.length >= 4 && body[0] === 0 && body[1] === 0x3c && body[2] === 0 && body[3] === 0x3f) {
    return iconv.decode(body, 'utf-16be');
  }
  const head = body.toString('latin1', 0, Math.min(body.length, headBytes));
  const declared = declaration(head);
  const fromDecl = normaliseCharset(declared);
  const fromHeader = normaliseCharset(charsetFromContentType(contentType));
  let charset = fromHeader ?? fromDecl;
  // Latin-1 in Content-Type is most often a server's default, not the document's: a document that names its
  // own encoding knows better.
  if (fromHeader === 'windows-1252' && fromDecl) charset = fromDecl;
  // A UTF-16 or UTF-32 label on bytes that read as ASCII ("<?xml" with no zero bytes, as .NET writers declare
  // "utf-16" over UTF-8 output) is wrong: the label names the writer's string type, not these bytes.
  if (charset && /^utf-?(16|32)/.test(charset) && !body.subarray(0, 4).includes(0)) charset = undefined;
  if (charset && /^utf-?(16|32)/.test(charset)) return withoutBom(iconv.decode(body, charset));
  // Labels, in the header or the document, are often wrong; the bytes are not. Text beyond ASCII that is
  // valid UTF-8 is UTF-8 (legacy text almost never is), and text whose bytes beyond ASCII form no UTF-8
  // sequence at all is not, whatever the labels say.
  const evidence = utf8Evidence(body);
  if (evidence === 'valid') return body.toString('utf8');
  if (evidence === 'legacy' && charset === 'utf-8') charset = fromDecl !== 'utf-8' ? fromDecl : undefined;
  // Unlabelled: XML's default, UTF-8, unless the bytes rule it out; then the web's usual legacy encoding.
  charset ??= evidence === 'legacy' ? 'windows-1252' : 'utf-8';
  if (charset === 'utf-8') return body.toString('utf8');
  return withoutBom(iconv.decode(body, charset));
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * What the bytes say about UTF-8: all ASCII; valid UTF-8 with bytes beyond ASCII; beyond-ASCII bytes none of
 * which form a valid UTF-8 sequence (a legacy encoding); or a mix (UTF-8 with a few broken bytes).
 */
function utf8Evidence(body: Buffer): 'ascii' | 'valid' | 'legacy' | 'mixed' {
  let i = 0;
  while (i < body.length && body[i]! < 0x80) i++;
  if (i === body.length) return 'ascii';
  if (isUtf8(body)) return 'valid';
  let sequences = 0;
  while (i < body.length) {
    const b = body[i]!;
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = len > 0 && i + len <= body.length;
    for (let k = 1; ok && k < len; k++) ok = (body[i + k]! & 0xc0) === 0x80;
    if (ok) sequences++;
    i += ok ? len : 1;
  }
  return sequences > 0 ? 'mixed' : 'legacy';
}

const XML_PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const AMP_RE = /&(?:(#\d{1,7};|#[xX][0-9a-fA-F]{1,6};)|([A-Za-z_][\w.-]{0,31});)?/g;
// Control characters that XML 1.0 forbids; feeds carry them from pasted text.
const INVALID_CHARS_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** An element that may hold inline XHTML; its attributes end at the next `<`, so a scan never runs away. */
const XHTML_OPEN_RE = /<((?:\w+:)?(?:content|summary|title|subtitle|rights))\b([^<>]*)>/g;
const XHTML_TYPE_RE = /\btype\s*=\s*["']xhtml["']/;

/**
 * xml2js loses the order of mixed content, so inline XHTML is handed over as text. One pass: each element's
 * close is searched for once, and a name found unclosed is not searched for again (nothing later closes it).
 */
export function wrapXhtmlContent(xml: string): string {
  const parts: string[] = [];
  const unclosed = new Set<string>();
  let done = 0;
  XHTML_OPEN_RE.lastIndex = 0;
  for (let m = XHTML_OPEN_RE.exec(xml); m; m = XHTML_OPEN_RE.exec(xml)) {
    const name = m[1]!;
    if (!XHTML_TYPE_RE.test(m[2]!) || unclosed.has(name)) continue;
    const start = XHTML_OPEN_RE.lastIndex;
    const close = new RegExp(`</${name.replace(/[.]/g, '\\.')}\\s*>`, 'g');
    close.lastIndex = start;
    const end = close.exec(xml);
    if (!end) {
      unclosed.add(name);
      continue;
    }
    const inner = xml.slice(start, end.index);
    if (inner.indexOf('<![CDATA[') < 0) {
      parts.push(xml.slice(done, start), `<![CDATA[${inner.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`);
      done = end.index;
    }
    XHTML_OPEN_RE.lastIndex = close.lastIndex;
  }
  if (!parts.length) return xml;
  parts.push(xml.slice(done));
  return parts.join('');
}

/**
 * Internal entities a doctype declares with a literal value (`<!ENTITY pub "Daily Planet">`), which the XML
 * parser does not expand: they are put in as text. A value is read as plain text, never as markup or further
 * entities, and the text they add is capped at the document's own length, so no declaration can blow it up.
 */
class DeclaredEntities {
  private readonly values = new Map<string, string>();
  private budget: number;

  constructor(doctype: string | undefined, documentLength: number) {
    this.budget = documentLength;
    if (!doctype) return;
    for (const m of doctype.matchAll(/<!ENTITY\s+([\w.-]+)\s+(?:"([^"]{0,256})"|'([^']{0,256})')\s*>/g)) {
      const value = m[2] ?? m[3] ?? '';
      this.values.set(m[1]!, value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    }
  }

  /** The escaped text for `&name;`, or undefined if it is not declared with a literal or the budget is spent. */
  expand(name: string): string | undefined {
    const v = this.values.get(name);
    if (v === undefined || v.length > this.budget) return undefined;
    this.budget -= v.length;
    return v;
  }
}

function repairSegment(s: string, declared: DeclaredEntities): string {
  let out =
    s.indexOf('&') >= 0
      ? s.replace(AMP_RE, (m, num?: string, name?: string) => {
          if (num) {
            const cp =
              num[1] === 'x' || num[1] === 'X'
                ? Number.parseInt(num.slice(2), 16)
                : Number.parseInt(num.slice(1), 10);
            return cp === 9 ||
              cp === 10 ||
              cp === 13 ||
              (cp >= 0x20 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff))
              ? m
              : '';
          }
          if (name) {
            if (XML_PREDEFINED.has(name)) return m;
            const value = declared.expand(name);
            if (value !== undefined) return value;
            const cp = HTML_ENTITIES.get(name);
            return cp !== undefined ? `&#${cp};` : `&amp;${name};`;
          }
          // A bare ampersand, or a legacy entity without its semicolon: literal text.
          return '&amp;';
        })
      : s;
  INVALID_CHARS_RE.lastIndex = 0;
  if (INVALID_CHARS_RE.test(out)) out = out.replace(INVALID_CHARS_RE, '');
  return out;
}

/**
 * Searches made while scanning a document from left to right. An answer is kept while it is still ahead of the
 * scan, so a terminator that never comes is looked for once, not once for each opener: a run of unclosed `<?`
 * would otherwise be rescanned from every one of them.
 */
class Ahead {
  private readonly found = new Map<string, { from: number; at: number }>();
  private subset = { from: 0, close: -2, end: -1 };

  constructor(private readonly s: string) {}

  /** `s.indexOf(needle, from)`. */
  indexOf(needle: string, from: number): number {
    const f = this.found.get(needle);
    if (f && from >= f.from && (f.at < 0 || f.at >= from)) return f.at;
    const at = this.s.indexOf(needle, from);
    this.found.set(needle, { from, at });
    return at;
  }

  /** `subsetClose(s, from).end`. */
  subsetEnd(from: number): number {
    const c = this.subset;
    if (from >= c.from && (c.close === -1 || c.close >= from)) return c.end;
    this.subset = { from, ...subsetClose(this.s, from) };
    return this.subset.end;
  }

  /** End of `<!DOCTYPE …>` whose keyword ends at `from`, with an internal subset if it has one; -1 if none. */
  doctypeEnd(from: number): number {
    const bracket = this.indexOf('[', from);
    const gt = this.indexOf('>', from);
    if (gt >= 0 && (bracket < 0 || gt < bracket)) return gt + 1;
    return bracket < 0 ? -1 : this.subsetEnd(bracket + 1);
  }
}

const SPACES_RE = /\s+/y;

/** End of the `>` that only whitespace separates from the `]` at `bracket`, or -1 when something else follows. */
function endAfterBracket(s: string, bracket: number): number {
  SPACES_RE.lastIndex = bracket + 1;
  const gt = SPACES_RE.test(s) ? SPACES_RE.lastIndex : bracket + 1;
  return s[gt] === '>' ? gt + 1 : -1;
}

/**
 * The first `]` at or after `from` that optional whitespace and a `>` follow (`close`), and the end of that `>`
 * (`end`); both -1 if there is none.
 */
function subsetClose(s: string, from: number): { close: number; end: number } {
  for (let close = s.indexOf(']', from); close >= 0; close = s.indexOf(']', close + 1)) {
    const end = endAfterBracket(s, close);
    if (end >= 0) return { close, end };
  }
  return { close: -1, end: -1 };
}
const NAME_AT_RE = /<([A-Za-z_][\w:.-]*)/y;
const DOCTYPE_AT_RE = /<!DOCTYPE/iy;
const SUBSET_OPEN_RE = /[[>]/g;
const SUBSET_PART_RE = /["']|<!--|<\?|\]/g;

/**
 * End of a doctype whose keyword ends at `from`: its first `>`, or with an internal subset, the `>` after the first
 * `]` outside quoted values, comments and processing instructions that only whitespace separates from one (or,
 * when a quote or comment in the subset never closes, after the first `]` followed by `>` at all); -1 if none.
 */
function prologDoctypeEnd(s: string, from: number): number {
  SUBSET_OPEN_RE.lastIndex = from;
  const open = SUBSET_OPEN_RE.exec(s);
  if (!open) return -1;
  if (open[0] === '>') return open.index + 1;
  const end = subsetEndOutsideQuotes(s, open.index + 1);
  return end >= 0 ? end : subsetClose(s, open.index + 1).end;
}

function subsetEndOutsideQuotes(s: string, from: number): number {
  SUBSET_PART_RE.lastIndex = from;
  for (let m = SUBSET_PART_RE.exec(s); m; m = SUBSET_PART_RE.exec(s)) {
    if (m[0] === ']') {
      const end = endAfterBracket(s, m.index);
      if (end >= 0) return end;
      continue;
    }
    const close = m[0] === '<!--' ? '-->' : m[0] === '<?' ? '?>' : m[0];
    const end = s.indexOf(close, SUBSET_PART_RE.lastIndex);
    if (end < 0) return -1;
    SUBSET_PART_RE.lastIndex = end + close.length;
  }
  return -1;
}

/**
 * Name of the first element of an XML document (in its first 50,000 characters), after whitespace, the
 * declaration, processing instructions, comments and the doctype, each ending at its first possible close. A
 * scan: a single pattern had many ways to split a run of these and tried them all when no element followed
 * (seconds for thirty processing instructions).
 */
export function rootElementName(xml: string): string | undefined {
  const s = xml.slice(0, 50_000);
  let i = 0;
  while (i < s.length) {
    SPACES_RE.lastIndex = i;
    if (SPACES_RE.test(s)) {
      i = SPACES_RE.lastIndex;
      continue;
    }
    let end: number;
    DOCTYPE_AT_RE.lastIndex = i;
    if (s.startsWith('<?', i)) {
      end = s.indexOf('?>', i + 2);
      if (end >= 0) end += 2;
    } else if (s.startsWith('<!--', i)) {
      end = s.indexOf('-->', i + 4);
      if (end >= 0) end += 3;
    } else if (DOCTYPE_AT_RE.test(s)) {
      end = prologDoctypeEnd(s, i + 9);
    } else {
      NAME_AT_RE.lastIndex = i;
      return NAME_AT_RE.exec(s)?.[1];
    }
    if (end < 0) return undefined;
    i = end;
  }
  return undefined;
}

/**
 * Makes common broken XML well-formed where the intent is unambiguous: bare ampersands, HTML named entities,
 * forbidden control characters, junk before the first tag and after the root element. CDATA and comments are kept.
 */
export function repairXml(xml: string): string {
  let s = xml;
  const first = s.indexOf('<');
  if (first > 0) s = s.slice(first);
  const doctype = /<!DOCTYPE[^[>]*\[([\s\S]*?)\]\s*>/i.exec(s.slice(0, 20000));
  const declared = new DeclaredEntities(doctype?.[1], s.length);
  const parts: string[] = [];
  // A document of comments and no CDATA (or the reverse) would otherwise be searched to its end for the missing
  // one from every section.
  const ahead = new Ahead(s);
  let i = 0;
  while (i < s.length) {
    const c = ahead.indexOf('<![CDATA[', i);
    const k = ahead.indexOf('<!--', i);
    const next = c < 0 ? k : k < 0 ? c : Math.min(c, k);
    if (next < 0) {
      parts.push(repairSegment(s.slice(i), declared));
      break;
    }
    parts.push(repairSegment(s.slice(i, next), declared));
    const isCdata = next === c;
    const end = s.indexOf(isCdata ? ']]>' : '-->', next + (isCdata ? 9 : 4));
    const stop = end < 0 ? s.length : end + 3;
    let chunk = s.slice(next, stop);
    if (end < 0) chunk += isCdata ? ']]>' : '-->';
    INVALID_CHARS_RE.lastIndex = 0;
    if (INVALID_CHARS_RE.test(chunk)) chunk = chunk.replace(INVALID_CHARS_RE, '');
    parts.push(chunk);
    i = stop;
  }
  s = parts.join('');
  if (s.indexOf('xhtml') >= 0) s = wrapXhtmlContent(s);
  // Drop anything after the root element closes (trailing scripts, tracking pixels, a second document).
  const root = rootElementName(s);
  if (root) {
    const close = `</${root}`;
    const at = s.lastIndexOf(close);
    if (at > 0) {
      const gt = s.indexOf('>', at);
      if (gt > 0 && gt < s.length - 1 && s.slice(gt + 1).trim()) s = s.slice(0, gt + 1);
    }
  }
  return s;
}

/**
 * An element tag at a known `<`. The name takes every name character before the attributes start, so a long
 * name that never reaches a `>` is not retried at each shorter length.
 */
const TAG_AT_RE = /<(\/?)([A-Za-z_][\w:.-]*)(?![\w:.-])((?:[^<>"']|"[^"<]*"|'[^'<]*')*?)(\/?)>/y;

/**
 * End of the token at `at` (a `<`) that is a CDATA section, comment, processing instruction or doctype; -1 for
 * one of those never closed (its `<` is then text), 0 for anything else.
 */
function skippedMarkupEnd(xml: string, at: number, ahead: Ahead): number {
  let end: number;
  if (xml.startsWith('<![CDATA[', at)) {
    end = ahead.indexOf(']]>', at + 9);
    return end < 0 ? -1 : end + 3;
  }
  if (xml.startsWith('<!--', at)) {
    end = ahead.indexOf('-->', at + 4);
    return end < 0 ? -1 : end + 3;
  }
  if (xml.startsWith('<?', at)) {
    end = ahead.indexOf('?>', at + 2);
    return end < 0 ? -1 : end + 2;
  }
  if (xml.startsWith('<!DOCTYPE', at)) return ahead.doctypeEnd(at + 9);
  return 0;
}

/**
 * Second-chance repair for mismatched tags, used only after a strict parse failed: a close tag that matches
 * an open element further up closes the ones in between; a stray close tag of a different name closes the
 * current element when that element holds only text (a misspelt close tag); other stray close tags are
 * dropped; elements still open at the end (a truncated download) are closed. CDATA sections, comments,
 * processing instructions and the doctype pass through untouched.
 */
export function balanceTags(xml: string): string {
  const out: string[] = [];
  const stack: { name: string; hasChild: boolean }[] = [];
  // Open elements by name, so a stray close tag is known to match nothing without searching the whole stack.
  const openCount = new Map<string, number>();
  const pop = () => {
    const top = stack.pop()!;
    openCount.set(top.name, openCount.get(top.name)! - 1);
    return top;
  };
  const ahead = new Ahead(xml);
  let last = 0;
  let at = xml.indexOf('<');
  while (at >= 0) {
    const skipped = skippedMarkupEnd(xml, at, ahead);
    let m: RegExpExecArray | null = null;
    if (skipped === 0) {
      TAG_AT_RE.lastIndex = at;
      m = TAG_AT_RE.exec(xml);
    }
    at = xml.indexOf('<', m ? TAG_AT_RE.lastIndex : skipped > 0 ? skipped : at + 1);
    if (!m) continue;
    const [tok, slash, name = '', , selfClose] = m;
    out.push(xml.slice(last, m.index));
    last = m.index + tok.length;
    if (!slash) {
      const top = stack[stack.length - 1];
      if (top) top.hasChild = true;
      out.push(tok);
      if (!selfClose) {
        stack.push({ name, hasChild: false });
        openCount.set(name, (openCount.get(name) ?? 0) + 1);
      }
      continue;
    }
    if (openCount.get(name)) {
      for (let top = pop(); top.name !== name; top = pop()) out.push(`</${top.name}>`);
      out.push(tok);
    } else {
      const top = stack[stack.length - 1];
      if (top && !top.hasChild) {
        pop();
        out.push(`</${top.name}>`);
      }
    }
  }
  out.push(xml.slice(last));
  while (stack.length) out.push(`</${stack.pop()!.name}>`);
  return out.join('');
}
