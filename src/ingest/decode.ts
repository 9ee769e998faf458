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

/** Decodes a feed body to a string without BOM, choosing the charset from BOM, headers, the XML declaration or the bytes. */
export function decodeBody(body: Buffer, contentType?: string): string {
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
  const head = body.toString('latin1', 0, Math.min(body.length, 512));
  const declared = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1];
  const fromDecl = normaliseCharset(declared);
  const fromHeader = normaliseCharset(charsetFromContentType(contentType));
  let charset = fromHeader ?? fromDecl;
  // A server-wide default in Content-Type often contradicts the document; valid UTF-8 bytes settle it.
  if (fromHeader && fromDecl && fromHeader !== fromDecl && (fromHeader === 'utf-8' || fromDecl === 'utf-8')) {
    charset = isUtf8(body) ? 'utf-8' : fromHeader === 'utf-8' ? fromDecl : fromHeader;
  }
  if (!charset || charset === 'utf-8') {
    if (charset === 'utf-8' || isUtf8(body)) return body.toString('utf8');
    // Undeclared and not UTF-8: the web's usual legacy encoding.
    return iconv.decode(body, 'windows-1252');
  }
  const text = iconv.decode(body, charset);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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

function repairSegment(s: string, declared: Set<string>): string {
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
            if (XML_PREDEFINED.has(name) || declared.has(name)) return m;
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
 * Makes common broken XML well-formed where the intent is unambiguous: bare ampersands, HTML named entities,
 * forbidden control characters, junk before the first tag and after the root element. CDATA and comments are kept.
 */
export function repairXml(xml: string): string {
  let s = xml;
  const first = s.indexOf('<');
  if (first > 0) s = s.slice(first);
  const declared = new Set<string>();
  const doctype = /<!DOCTYPE[^[>]*\[([\s\S]*?)\]\s*>/i.exec(s.slice(0, 20000));
  if (doctype) for (const m of doctype[1]!.matchAll(/<!ENTITY\s+([\w.-]+)/g)) declared.add(m[1]!);
  const parts: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s.indexOf('<![CDATA[', i);
    const k = s.indexOf('<!--', i);
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
  const root =
    /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)*<([A-Za-z_][\w:.-]*)/.exec(
      s.slice(0, 50_000),
    );
  if (root) {
    const close = `</${root[1]}`;
    const at = s.lastIndexOf(close);
    if (at > 0) {
      const gt = s.indexOf('>', at);
      if (gt > 0 && gt < s.length - 1 && s.slice(gt + 1).trim()) s = s.slice(0, gt + 1);
    }
  }
  return s;
}

const TOKEN_RE =
  /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>|<(\/?)([A-Za-z_][\w:.-]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*?)(\/?)>/g;

/**
 * Second-chance repair for mismatched tags, used only after a strict parse failed: a close tag that matches
 * an open element further up closes the ones in between; a stray close tag of a different name closes the
 * current element when that element holds only text (a misspelt close tag); other stray close tags are
 * dropped; elements still open at the end (a truncated download) are closed.
 */
export function balanceTags(xml: string): string {
  const out: string[] = [];
  const stack: { name: string; hasChild: boolean }[] = [];
  let last = 0;
  for (const m of xml.matchAll(TOKEN_RE)) {
    const [tok, slash, name, , selfClose] = m;
    if (!name) continue;
    out.push(xml.slice(last, m.index));
    last = m.index! + tok.length;
    if (!slash) {
      const top = stack[stack.length - 1];
      if (top) top.hasChild = true;
      out.push(tok);
      if (!selfClose) stack.push({ name, hasChild: false });
      continue;
    }
    let at = -1;
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i]!.name === name) {
        at = i;
        break;
      }
    }
    if (at >= 0) {
      while (stack.length > at + 1) out.push(`</${stack.pop()!.name}>`);
      stack.pop();
      out.push(tok);
    } else {
      const top = stack[stack.length - 1];
      if (top && !top.hasChild) {
        stack.pop();
        out.push(`</${top.name}>`);
      }
    }
  }
  out.push(xml.slice(last));
  while (stack.length) out.push(`</${stack.pop()!.name}>`);
  return out.join('');
}
