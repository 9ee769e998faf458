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

const WORD = /[\p{L}\p{N}]+(?:['’.\-&][\p{L}\p{N}]+)*\.?/gu;
const UPPER = /^\p{Lu}/u;
const HAS_LOWER = /\p{Ll}/u;
const DIGIT = /^\p{N}/u;

function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/**
 * Splits a text into tokens. Sentence-initial words and Title-Case segments (most headlines) are marked
 * case-blind, because there a capital letter is typography, not a sign of a name.
 */
export function tokenizeText(text: string): Token[] {
  const words: { raw: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(WORD)) {
    let raw = m[0];
    // A trailing dot belongs to the word only for abbreviations like "U.S."
    if (raw.endsWith('.') && !/^(?:\p{L}\.)+$/u.test(raw)) raw = raw.slice(0, -1);
    words.push({ raw, start: m.index, end: m.index + raw.length });
  }
  // Title Case: most longer words capitalised, so capitals carry no information in this text.
  let long = 0;
  let capLong = 0;
  for (const w of words) {
    if (w.raw.length >= 4 && !DIGIT.test(w.raw)) {
      long++;
      if (UPPER.test(w.raw)) capLong++;
    }
  }
  const titleCase = long >= 3 && capLong / long > 0.6;
  const allCaps = !HAS_LOWER.test(text);
  const out: Token[] = [];
  let prevEnd = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const gap = text.slice(prevEnd, w.start);
    const sentenceStart = i === 0 || /[.!?:;"“”|]\s*$|[\n]/.test(gap) || /\s[-–—]\s*$/.test(gap);
    prevEnd = w.end;
    const isNumber = DIGIT.test(w.raw);
    const acronym =
      !isNumber && !allCaps && (/^(?:\p{Lu}\.){2,}$/u.test(w.raw) || /^\p{Lu}{2,5}s?$/u.test(w.raw));
    let surface = fold(w.raw);
    let term: string;
    if (isNumber) {
      // "37,000" and "37000" are one number; "1.8" keeps its point.
      term = surface.replace(/(\d),(?=\d{3}\b)/g, '$1');
      if (!/^\d+(?:[.,]\d+)?[a-z]{0,3}$/.test(term)) term = term.replace(/[^a-z0-9.]/g, '');
    } else {
      surface = surface.replace(/['’](?:s)?$/, '').replace(/['’.]/g, '');
      if (acronym) term = surface.replace(/s$/, '');
      else if (surface.includes('-') || surface.includes('&')) {
        // Hyphenated compounds count as their parts ("half-baked" -> half, baked).
        for (const part of surface.split(/[-&]/)) {
          if (part.length < 2 || STOPWORDS.has(part)) continue;
          out.push({
            term: stem(part),
            surface: part,
            raw: w.raw,
            number: false,
            cap: UPPER.test(w.raw),
            acronym: false,
            caseBlind: sentenceStart || titleCase || allCaps,
            pos: i,
          });
        }
        continue;
      } else term = stem(surface);
      if (surface.length < 2 || (!acronym && STOPWORDS.has(surface))) continue;
    }
    if (!term) continue;
    out.push({
      term,
      surface,
      raw: w.raw,
      number: isNumber,
      cap: UPPER.test(w.raw),
      acronym,
      caseBlind: sentenceStart || titleCase || allCaps,
      pos: i,
    });
  }
  return out;
}

/** Matching terms of a text (stemmed, stopwords dropped), in order. */
export function tokenize(text: string): string[] {
  return tokenizeText(text).map((t) => t.term);
}
