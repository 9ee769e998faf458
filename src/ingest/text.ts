/** HTML entities and HTML → plain text, kept dependency-free and regex-based for speed on hot paths. */

const LATIN1 =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute ' +
  'micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig ' +
  'Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash ' +
  'Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc ' +
  'euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml ' +
  'yacute thorn yuml';
const GREEK_UPPER = 'Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho';
const GREEK_UPPER2 = 'Sigma Tau Upsilon Phi Chi Psi Omega';
const GREEK_LOWER =
  'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigmaf sigma tau upsilon ' +
  'phi chi psi omega';
const OTHERS: Record<string, number> = {
  quot: 34,
  amp: 38,
  apos: 39,
  lt: 60,
  gt: 62,
  OElig: 338,
  oelig: 339,
  Scaron: 352,
  scaron: 353,
  Yuml: 376,
  fnof: 402,
  circ: 710,
  tilde: 732,
  thetasym: 977,
  upsih: 978,
  piv: 982,
  ensp: 8194,
  emsp: 8195,
  thinsp: 8201,
  zwnj: 8204,
  zwj: 8205,
  lrm: 8206,
  rlm: 8207,
  ndash: 8211,
  mdash: 8212,
  lsquo: 8216,
  rsquo: 8217,
  sbquo: 8218,
  ldquo: 8220,
  rdquo: 8221,
  bdquo: 8222,
  dagger: 8224,
  Dagger: 8225,
  bull: 8226,
  hellip: 8230,
  permil: 8240,
  prime: 8242,
  Prime: 8243,
  lsaquo: 8249,
  rsaquo: 8250,
  oline: 8254,
  frasl: 8260,
  euro: 8364,
  image: 8465,
  weierp: 8472,
  real: 8476,
  trade: 8482,
  alefsym: 8501,
  larr: 8592,
  uarr: 8593,
  rarr: 8594,
  darr: 8595,
  harr: 8596,
  crarr: 8629,
  lArr: 8656,
  uArr: 8657,
  rArr: 8658,
  dArr: 8659,
  hArr: 8660,
  forall: 8704,
  part: 8706,
  exist: 8707,
  empty: 8709,
  nabla: 8711,
  isin: 8712,
  notin: 8713,
  ni: 8715,
  prod: 8719,
  sum: 8721,
  minus: 8722,
  lowast: 8727,
  radic: 8730,
  prop: 8733,
  infin: 8734,
  ang: 8736,
  and: 8743,
  or: 8744,
  cap: 8745,
  cup: 8746,
  int: 8747,
  there4: 8756,
  sim: 8764,
  cong: 8773,
  asymp: 8776,
  ne: 8800,
  equiv: 8801,
  le: 8804,
  ge: 8805,
  sub: 8834,
  sup: 8835,
  nsub: 8836,
  sube: 8838,
  supe: 8839,
  oplus: 8853,
  otimes: 8855,
  perp: 8869,
  sdot: 8901,
  lceil: 8968,
  rceil: 8969,
  lfloor: 8970,
  rfloor: 8971,
  lang: 9001,
  rang: 9002,
  loz: 9674,
  spades: 9824,
  clubs: 9827,
  hearts: 9829,
  diams: 9830,
  hyphen: 8208,
  dash: 8208,
  nbhy: 8209,
  laquo: 171,
  raquo: 187,
  check: 10003,
  star: 9734,
  starf: 9733,
  commat: 64,
  num: 35,
  dollar: 36,
  percnt: 37,
  lpar: 40,
  rpar: 41,
  ast: 42,
  plus: 43,
  comma: 44,
  period: 46,
  sol: 47,
  colon: 58,
  semi: 59,
  equals: 61,
  quest: 63,
  lsqb: 91,
  rsqb: 93,
  bsol: 92,
  lowbar: 95,
  grave: 96,
  lcub: 123,
  rcub: 125,
  verbar: 124,
  vert: 124,
  Tab: 9,
  NewLine: 10,
};

/** Named HTML entity → code point. */
export const HTML_ENTITIES: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (const [i, n] of LATIN1.split(' ').entries()) m.set(n, 160 + i);
  for (const [i, n] of GREEK_UPPER.split(' ').entries()) m.set(n, 913 + i);
  for (const [i, n] of GREEK_UPPER2.split(' ').entries()) m.set(n, 931 + i);
  for (const [i, n] of GREEK_LOWER.split(' ').entries()) m.set(n, 945 + i);
  for (const [k, v] of Object.entries(OTHERS)) m.set(k, v);
  return m;
})();

function fromCodePoint(cp: number): string | undefined {
  if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  // Numeric references to C1 controls almost always mean windows-1252 (e.g. &#146; for a right quote).
  if (cp >= 0x80 && cp <= 0x9f) return CP1252_C1[cp - 0x80] ?? undefined;
  return String.fromCodePoint(cp);
}

const CP1252_C1: (string | undefined)[] = [
  '€',
  undefined,
  '‚',
  'ƒ',
  '„',
  '…',
  '†',
  '‡',
  'ˆ',
  '‰',
  'Š',
  '‹',
  'Œ',
  undefined,
  'Ž',
  undefined,
  undefined,
  '‘',
  '’',
  '“',
  '”',
  '•',
  '–',
  '—',
  '˜',
  '™',
  'š',
  '›',
  'œ',
  undefined,
  'ž',
  'Ÿ',
];

const ENTITY_RE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

/** Decodes HTML character references; unknown names are left as written. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY_RE, (m, dec?: string, hex?: string, name?: string) => {
    if (dec) return fromCodePoint(Number.parseInt(dec, 10)) ?? '';
    if (hex) return fromCodePoint(Number.parseInt(hex, 16)) ?? '';
    const cp = HTML_ENTITIES.get(name!);
    return cp === undefined ? m : String.fromCodePoint(cp);
  });
}

const BLOCK_RE =
  /<\/?(?:p|div|br|hr|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|section|article|header|footer|figure|figcaption|aside|nav|main|tbody|thead)\b[^<>]*>/gi;
const CELL_RE = /<\/?(?:td|th|img)\b[^<>]*>/gi;
const DROP_NAMES = ['script', 'style', 'noscript', 'iframe', 'object', 'svg', 'template', 'head'];
const DROP_OPEN_RE = new RegExp(`<(${DROP_NAMES.join('|')})\\b[^<>]*>`, 'gi');
const DROP_CLOSE_RE = new Map(DROP_NAMES.map((n) => [n, new RegExp(`</${n}\\s*>`, 'gi')]));

/**
 * Script, style and the like removed with their content, each up to the first close tag of its name (as
 * /<(script|…)\b[^<>]*>[\s\S]*?<\/\1\s*>/gi would). Where each name closes next is remembered: an element that
 * never closes made that pattern search the rest of the text again from each of its open tags.
 */
function dropElements(s: string): string {
  const parts: string[] = [];
  const closes = new Map<string, { from: number; at: number; end: number }>();
  let done = 0;
  DROP_OPEN_RE.lastIndex = 0;
  for (let m = DROP_OPEN_RE.exec(s); m; m = DROP_OPEN_RE.exec(s)) {
    const name = m[1]!.toLowerCase();
    const from = DROP_OPEN_RE.lastIndex;
    let close = closes.get(name);
    if (!close || from < close.from || (close.at >= 0 && close.at < from)) {
      const re = DROP_CLOSE_RE.get(name)!;
      re.lastIndex = from;
      const found = re.exec(s);
      close = { from, at: found ? found.index : -1, end: re.lastIndex };
      closes.set(name, close);
    }
    if (close.at < 0) {
      DROP_OPEN_RE.lastIndex = m.index + 1;
      continue;
    }
    parts.push(s.slice(done, m.index), ' ');
    done = DROP_OPEN_RE.lastIndex = close.end;
  }
  if (!parts.length) return s;
  parts.push(s.slice(done));
  return parts.join('');
}

const TAG_RE = /<\/?[A-Za-z][^<>]*>|<!--[\s\S]*?-->|<!\[CDATA\[|\]\]>/g;
const TAG_NO_COMMENT_RE = /<\/?[A-Za-z][^<>]*>|<!\[CDATA\[|\]\]>/g;

/**
 * Tags, comments and CDATA markers removed. After the last "-->" no comment can close, and an unclosed "<!--"
 * stays as text; that part goes through a pattern without comments, which otherwise searched the rest of the
 * text from each such "<!--". No tag or comment spans the split, which falls just after a ">".
 */
function stripTags(s: string): string {
  const split = s.lastIndexOf('-->') + 3;
  if (split < 3) return s.replace(TAG_NO_COMMENT_RE, '');
  return s.slice(0, split).replace(TAG_RE, '') + s.slice(split).replace(TAG_NO_COMMENT_RE, '');
}

/**
 * HTML fragment → plain text. Paragraphs are separated by one blank line; whitespace inside a paragraph collapses.
 * Plain text input passes through with entities decoded.
 */
export function htmlToText(html: string | undefined | null): string {
  if (!html) return '';
  let s = String(html);
  if (s.indexOf('<') >= 0) {
    s = stripTags(dropElements(s).replace(BLOCK_RE, '\n\n').replace(CELL_RE, ' '));
  }
  s = decodeEntities(s);
  if (s.indexOf('\u00a0') >= 0) s = s.replace(/\u00a0/g, ' ');
  // One pass over whitespace runs: a run holding two or more line feeds separates paragraphs, any other run is
  // one space. (Splitting on /\s*\n\s*\n\s*/ first was quadratic on long runs without a blank line.)
  return s.replace(WS_RUN_RE, paragraphOrSpace).trim();
}

const WS_RUN_RE = /\s+/g;

function paragraphOrSpace(ws: string): string {
  return ws.indexOf('\n') !== ws.lastIndexOf('\n') ? '\n\n' : ' ';
}

/** One-line plain text (titles, names). */
export function inlineText(s: string | undefined | null): string {
  if (!s) return '';
  const str = String(s);
  const t = str.indexOf('<') >= 0 || str.indexOf('&') >= 0 ? htmlToText(str) : str;
  return t.replace(/\s+/g, ' ').trim();
}

/** C0 and C1 control characters: feeds carry them in titles and names, where they can only do harm. */
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Bidirectional embeddings, overrides and isolates: a name holding U+202E shows the rest of its line reversed,
 * which can make a reply seem to name another feed or URL.
 */
export const BIDI_CONTROL_RE = /[\u202a-\u202e\u2066-\u2069]/g;

/** Longest name (of a feed or an outlet) kept, from a feed, an OPML file or the configuration. */
export const NAME_MAX = 200;

/** One line of feed text (a title, a name, a tag): control characters gone, whitespace collapsed, cut at `max`. */
export function cleanLine(s: string, max: number): string {
  return truncate(s.replace(BIDI_CONTROL_RE, '').replace(CONTROL_RE, ' ').replace(/\s+/g, ' ').trim(), max);
}

/** Cuts text at a word boundary, adding an ellipsis when something was cut. */
/**
 * Longest article text kept: ten times a long feature. A page or feed item beyond it is mostly something else
 * (a live blog's whole history, an archive page), and would weigh on every digest built from it.
 */
const ARTICLE_TEXT_MAX = 100_000;

/** The paragraphs of `text` that fit in `max` characters (at least the first `max` characters of it). */
export function clipParagraphs(text: string, max = ARTICLE_TEXT_MAX): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max);
  return (cut > max / 2 ? text.slice(0, cut) : truncate(text, max)).trimEnd();
}

export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const sp = cut.lastIndexOf(' ');
  return `${(sp > max * 0.6 ? cut.slice(0, sp) : cut).trimEnd()}…`;
}
