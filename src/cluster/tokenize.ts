import { stem } from './stem.js';

const STOPWORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between ' +
    'both but by can could did do does doing down during each few for from further had has have having he her here ' +
    'hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other ' +
    'our out over own same she should so some such than that the their them then there these they this those through ' +
    'to too under until up very was we were what when where which while who whom why will with would you your says ' +
    'said say new news report reports update updates live video videos watch us via amid get gets got may might ' +
    'must one two first last year years week day days time make makes made take takes like back still ' +
    'today yesterday tomorrow man woman people many much way well even ever every here know want see sees'
  ).split(' '),
);

/** One word of a text, with what the clusterer needs to weigh it. */
export interface Token {
  /** Matching form: stemmed lower-case word, or a normalised number. */
  term: string;
  /** Lower-case surface form, for showing keywords. */
  surface: string;
  /** Original spelling (case kept), for entity names. */
  raw: string;
  number: boolean;
  /** Starts with a capital letter. */
  cap: boolean;
  /** An all-capitals abbreviation such as "ECB" or "U.S.". */
  acronym: boolean;
  /** Capitalisation says nothing here: sentence start, or a segment written in Title Case. */
  caseBlind: boolean;
  /** Index of the word in its text; gaps mark dropped words, which break entity names. */
  pos: number;
}

/** What a word is, independent of where it stands; cached because news vocabulary repeats heavily. */
export interface WordInfo {
  raw: string;
  /** Matching terms (none for a stopword, several for a hyphenated compound), with their surface forms. */
  terms: string[];
  surfaces: string[];
  number: boolean;
  cap: boolean;
  acronym: boolean;
  /** Counts for Title-Case detection: a longer word that is not a number. */
  long: boolean;
  hasLower: boolean;
  /** Term ids in the vocabulary that stamped them (a cache owned by the feature extractor). */
  ids?: number[];
  stamp?: number;
}

/** Letters and digits of the Basic Multilingual Plane, as a lookup table: scanning by table beats a regex. */
const WORD_CHAR = (() => {
  const table = new Uint8Array(65536);
  const re = /[\p{L}\p{N}\p{M}]/u;
  for (let c = 0; c < 65536; c++)
    if (c < 0xd800 || c > 0xdfff) table[c] = re.test(String.fromCharCode(c)) ? 1 : 0;
  return table;
})();

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Joins two runs of word characters into one word: apostrophes, dots, hyphens, ampersands ("AT&T"). */
function isJoiner(code: number): boolean {
  return code === 39 || code === 0x2019 || code === 46 || code === 45 || code === 38;
}

const UPPER = /^\p{Lu}/u;
const DIGIT = /^\p{N}/u;

const ACRONYM = /^(?:(?:\p{Lu}\.)+\p{Lu}\.?|\p{Lu}{2,5}s?)$/u;

function fold(s: string): string {
  // ASCII needs no decomposition; most news words are ASCII.
  return /^[\x00-\x7f]*$/.test(s)
    ? s.toLowerCase()
    : s
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase();
}

const wordCache = new Map<string, WordInfo>();
const WORD_CACHE_MAX = 200_000;

function analyse(raw: string): WordInfo {
  const hit = wordCache.get(raw);
  if (hit) return hit;
  const info = analyseUncached(raw);
  if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
  wordCache.set(raw, info);
  return info;
}

function analyseUncached(raw: string): WordInfo {
  const number = DIGIT.test(raw);
  const cap = UPPER.test(raw);
  const acronym = !number && ACRONYM.test(raw);
  const info: WordInfo = {
    raw,
    terms: [],
    surfaces: [],
    number,
    cap,
    acronym,
    long: raw.length >= 4 && !number,
    hasLower: raw !== raw.toUpperCase(),
  };
  let surface = fold(raw);
  if (number) {
    // "37,000" and "37000" are one number; "1.8" keeps its point.
    let term = surface.replace(/(\d),(?=\d{3}\b)/g, '$1');
    if (!/^\d+(?:[.,]\d+)?[a-z]{0,3}$/.test(term)) term = term.replace(/[^a-z0-9.]/g, '');
    if (term) {
      info.terms.push(term);
      info.surfaces.push(surface);
    }
    return info;
  }
  surface = surface.replace(/['’](?:s)?$/, '').replace(/['’.]/g, '');
  if (acronym) {
    // Abbreviations skip the stopword list: "US" the country is not "us".
    info.terms.push(/\p{Lu}s$/u.test(raw) ? surface.slice(0, -1) : surface);
    info.surfaces.push(surface);
    return info;
  }
  // Hyphenated compounds count as their parts ("half-baked" -> half, baked).
  for (const part of surface.split(/[-&]/)) {
    if (part.length < 2 || STOPWORDS.has(part)) continue;
    info.terms.push(stem(part));
    info.surfaces.push(part);
  }
  return info;
}

function isBreak(code: number): boolean {
  // . ! ? : ; " | newline and curly quotes end a sentence or a headline segment.
  return (
    code === 46 ||
    code === 33 ||
    code === 63 ||
    code === 58 ||
    code === 59 ||
    code === 34 ||
    code === 124 ||
    code === 10 ||
    code === 0x201c ||
    code === 0x201d
  );
}

/** True when the text between two words starts a new sentence or segment. */
function startsSentence(text: string, from: number, to: number): boolean {
  for (let k = to - 1; k >= from; k--) {
    const code = text.charCodeAt(k);
    if (code === 32 || code === 9 || code === 13) continue;
    if (isBreak(code)) return true;
    // A spaced dash separates headline segments ("Markets - Stocks fall").
    if ((code === 45 || code === 0x2013 || code === 0x2014) && k > from) {
      const before = text.charCodeAt(k - 1);
      return before === 32 || before === 9;
    }
    return false;
  }
  return false;
}

/** The words of a text, and which of them stand where capitals carry no information. */
export interface Scan {
  words: WordInfo[];
  /** Sentence or segment start. */
  initial: boolean[];
  /** Title Case or ALL CAPS: capitals carry no information anywhere in this text. */
  typographic: boolean;
  /** Some lower case in the text (else abbreviations cannot be told from shouting). */
  lower: boolean;
}

export function scan(text: string): Scan {
  const words: WordInfo[] = [];
  const initial: boolean[] = [];
  let prevEnd = 0;
  let long = 0;
  let capLong = 0;
  let lower = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (WORD_CHAR[text.charCodeAt(i)] === 0) {
      i++;
      continue;
    }
    const start = i;
    for (;;) {
      while (i < n && WORD_CHAR[text.charCodeAt(i)] === 1) i++;
      if (i + 1 >= n || WORD_CHAR[text.charCodeAt(i + 1)] === 0) break;
      const c = text.charCodeAt(i);
      if (isJoiner(c)) {
        i++;
        continue;
      }
      // Thousands separators: "37,000".
      if (
        c === 44 &&
        isDigit(text.charCodeAt(i - 1)) &&
        isDigit(text.charCodeAt(i + 1)) &&
        isDigit(text.charCodeAt(i + 2)) &&
        isDigit(text.charCodeAt(i + 3)) &&
        !isDigit(text.charCodeAt(i + 4))
      ) {
        i++;
        continue;
      }
      break;
    }
    const raw = text.slice(start, i);
    const info = analyse(raw);
    initial.push(words.length === 0 || startsSentence(text, prevEnd, start));
    words.push(info);
    prevEnd = i;
    if (info.long) {
      long++;
      if (info.cap) capLong++;
    }
    if (info.hasLower) lower = true;
  }
  return { words, initial, typographic: (long >= 3 && capLong / long > 0.6) || !lower, lower };
}

/**
 * Splits a text into tokens. Sentence-initial words and Title-Case segments (most headlines) are marked
 * case-blind, because there a capital letter is typography, not a sign of a name.
 */
export function tokenizeText(text: string): Token[] {
  const { words, initial, typographic, lower } = scan(text);
  const out: Token[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    for (let j = 0; j < w.terms.length; j++) {
      out.push({
        term: w.terms[j]!,
        surface: w.surfaces[j]!,
        raw: w.raw,
        number: w.number,
        cap: w.cap,
        acronym: w.acronym && lower,
        caseBlind: initial[i]! || typographic,
        pos: i,
      });
    }
  }
  return out;
}

/** Matching terms of a text (stemmed, stopwords dropped), in order. */
export function tokenize(text: string): string[] {
  return tokenizeText(text).map((t) => t.term);
}
