/**
 * Text features for the digest: content terms with a light stemmer, quotations as token runs, and sparse
 * TF-IDF vectors. Everything here is deterministic and allocation-light, since a digest is rebuilt on every
 * update of a story.
 */

import { quoteSpans } from '../classify/sentences.js';

const STOPWORDS = new Set(
  (
    'a about above after again against all almost also although always am among an and any are around as at ' +
    'be because been before being below between both but by can cannot could did do does doing done down ' +
    'during each either else even ever every few for from further had has have having he her here hers ' +
    'herself him himself his how however i if in into is it its itself just least less like may me might ' +
    'more most much must my myself neither no nor not now of off often on once one only or other others ' +
    'our ours ourselves out over own per quite rather same shall she should since so some still such than ' +
    'that the their theirs them themselves then there these they this those though through thus to too ' +
    'under until up upon us very was we were what whatever when where whether which while who whom whose ' +
    'why will with within without would yet you your yours yourself ' +
    // Reporting verbs say who spoke, not what happened; attribution is compared separately.
    'said say says saying told tell tells telling wrote write writes writing according added adding ' +
    'stated claimed noted explained described reported announced ' +
    // Contraction remnants once the apostrophe part is cut.
    'don doesn didn isn aren wasn weren won wouldn couldn shouldn hasn haven hadn ll ve re'
  ).split(' '),
);
// "like" is a stopword in prose but part of quotes such as "Article 5-like"; quote matching keeps every token.

/** Lower-case word tokens, accents folded; hyphens and apostrophes split words, possessives are dropped. */
export function wordTokens(text: string): string[] {
  const out: string[] = [];
  const folded = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
  for (const m of folded.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)) {
    const w = m[0].replace(/['’]\p{L}*$/u, '');
    if (w.length > 1 || /\d/.test(w)) out.push(w);
  }
  return out;
}

/** British and transliteration variants that differ only in spelling. */
function foldSpelling(w: string): string {
  if (w.endsWith('iy') || w.endsWith('yy')) return `${w.slice(0, -2)}y`;
  if (w === 'defence' || w === 'offence' || w === 'licence') return `${w.slice(0, -2)}se`;
  return w;
}

/** Crude suffix stripping and truncation: close enough to group "agreed"/"agree", "Russian"/"Russia". */
export function stem(word: string): string {
  let w = foldSpelling(word);
  if (/^\d/.test(w)) return w;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w.slice(0, 6);
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Stemmed content terms, in text order, repeats kept (they are term frequencies). */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  for (const w of wordTokens(text)) if (!STOPWORDS.has(w)) out.push(stem(w));
  return out;
}

export interface Quotation {
  /** Character range of the quotation, quote marks included. */
  start: number;
  end: number;
  /** Its words, lower-case, every word kept. */
  tokens: string[];
}

/** Double-quoted passages of a sentence; single quotes are too often apostrophes to trust. */
export function quotations(sentence: string): Quotation[] {
  return quoteSpans(sentence)
    .sort((a, b) => a[0] - b[0])
    .map(([start, end]) => ({ start, end, tokens: wordTokens(sentence.slice(start, end)) }))
    .filter((q) => q.tokens.length > 0);
}

/** Runs of `n` quoted words with at least two content words: the same quotation worded into different sentences. */
export function quoteShingles(quotes: Quotation[], n = 5): string[] {
  const out = new Set<string>();
  for (const q of quotes) {
    for (let i = 0; i + n <= q.tokens.length; i++) {
      const run = q.tokens.slice(i, i + n);
      if (run.filter((w) => !STOPWORDS.has(w)).length >= 2) out.add(run.join(' '));
    }
  }
  return [...out];
}

/** Text reduced to lower-case words, for keys and equality checks that ignore punctuation and case. */
export function normalise(text: string): string {
  return wordTokens(text).join(' ');
}

export type Vector = Map<string, number>;

/** How often each term occurs. */
export function termCounts(terms: readonly string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

/** Number of documents each term occurs in. */
export function documentFrequencies(documents: Iterable<ReadonlySet<string>>): Map<string, number> {
  const df = new Map<string, number>();
  for (const terms of documents) for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
  return df;
}

/**
 * Inverse document frequency from per-part document frequencies summed over `documents` documents, smoothed so
 * a term in every document still weighs a little.
 */
export function idfFromCounts(parts: readonly Map<string, number>[], documents: number): Map<string, number> {
  const df = new Map<string, number>();
  for (const part of parts) for (const [t, d] of part) df.set(t, (df.get(t) ?? 0) + d);
  const idf = new Map<string, number>();
  for (const [t, d] of df) idf.set(t, Math.log(1 + documents / d));
  return idf;
}

export function idfTable(documents: readonly (readonly string[])[]): Map<string, number> {
  return idfFromCounts([documentFrequencies(documents.map((d) => new Set(d)))], documents.length);
}

/** Unit-length TF-IDF vector from term counts. */
export function weigh(tf: ReadonlyMap<string, number>, idf: Map<string, number>): Vector {
  const v: Vector = new Map();
  let norm = 0;
  for (const [t, n] of tf) {
    const x = n * (idf.get(t) ?? 0);
    if (x > 0) {
      v.set(t, x);
      norm += x * x;
    }
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [t, x] of v) v.set(t, x / norm);
  return v;
}

/** Unit-length TF-IDF vector of some terms. */
export function tfidf(terms: readonly string[], idf: Map<string, number>): Vector {
  return weigh(termCounts(terms), idf);
}

/** Cosine of the TF-IDF vector of `tf` with a unit vector, without building the vector. */
export function cosineWith(tf: ReadonlyMap<string, number>, idf: Map<string, number>, unit: Vector): number {
  let dot = 0;
  let norm = 0;
  for (const [t, n] of tf) {
    const x = n * (idf.get(t) ?? 0);
    norm += x * x;
    const y = unit.get(t);
    if (y !== undefined) dot += x * y;
  }
  return norm > 0 ? dot / Math.sqrt(norm) : 0;
}

export function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, x] of small) {
    const y = large.get(t);
    if (y !== undefined) dot += x * y;
  }
  return dot;
}

/** Mean of vectors, renormalised to unit length. */
export function centroid(vectors: readonly Vector[]): Vector {
  const sum: Vector = new Map();
  for (const v of vectors) for (const [t, x] of v) sum.set(t, (sum.get(t) ?? 0) + x);
  let norm = 0;
  for (const x of sum.values()) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [t, x] of sum) sum.set(t, x / norm);
  return sum;
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Ends like a finished sentence: terminal punctuation, possibly inside closing quotes or brackets. */
export function isComplete(text: string): boolean {
  return /[.!?…]["'”’»)\]]*$/.test(text.trim());
}
