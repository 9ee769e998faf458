/**
 * Text features for the digest: content terms with a light stemmer, quotations as token runs, and sparse
 * TF-IDF vectors. Everything here is deterministic and allocation-light, since a digest is rebuilt on every
 * update of a story.
 */

import { isClauseVerb, type TaggedToken, tagSentence } from '../classify/pos.js';
import { quoteSpans } from '../classify/sentences.js';
import { TRAILING_ELLIPSIS } from '../classify/summary.js';

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

/** Adds to `out` the runs of `n` words of `tokens` that hold at least `content` content words. */
function addRuns(out: Set<string>, tokens: readonly string[], n: number, content: number): void {
  for (let i = 0; i + n <= tokens.length; i++) {
    const run = tokens.slice(i, i + n);
    if (run.filter((w) => !STOPWORDS.has(w)).length >= content) out.add(run.join(' '));
  }
}

/** Runs of `n` quoted words with at least two content words: the same quotation worded into different sentences. */
export function quoteShingles(quotes: Quotation[], n = 5): string[] {
  const out = new Set<string>();
  for (const q of quotes) addRuns(out, q.tokens, n, 2);
  return [...out];
}

/**
 * Runs of `n` words of a whole sentence with at least three content words, to find the quotation a reporter's
 * sentence follows word for word ("Witkoff said the United States could offer Ukraine …" of "the United
 * States could offer Article 5-like protection"). Stricter than quotation runs: prose repeats stock phrases.
 */
export function proseShingles(sentence: string, n = 5): string[] {
  const out = new Set<string>();
  addRuns(out, wordTokens(sentence), n, 3);
  return [...out];
}

/** The text with its quotations blanked out: what the writer says in their own voice. */
export function outsideQuotes(text: string): string {
  let out = '';
  let last = 0;
  for (const [start, end] of quoteSpans(text).sort((a, b) => a[0] - b[0])) {
    if (start < last) continue;
    out += `${text.slice(last, start)} `;
    last = end;
  }
  return out + text.slice(last);
}

/**
 * The reader addressed ("you", "your") or the outlet speaking of itself ("we", "our", "us"; not "US"). A
 * capital is only taken at the start: inside a sentence, "Your" and "Our" open a title ("Windmills of Your
 * Mind", "Our Wives Under the Sea").
 */
const READER_OR_WRITER =
  /\b(?:you|your|yours|yourself|yourselves|we|our|ours|ourselves|us)\b|^(?:You|Your|We|Our)\b/u;
/** Verbs that prompt a reader when they open a sentence bare: "Shop our …", "Call or text …", "Sign up …". */
const PROMPT_VERBS = new Set(
  (
    'shop buy order save get grab call text visit click tap download subscribe sign join follow read watch ' +
    'listen see check find discover explore learn register enter book try take share stay contact email donate ' +
    'browse tune apply send submit'
  ).split(' '),
);
/**
 * Whether a sentence has a finite verb after its first word: an auxiliary, a verb in the past, or a present verb
 * after its subject. "Save the Children staff were evacuated", "Call of Duty sales rose" and "Watch parties start
 * at noon" have one; "Shop Black Friday discounts on bedding" and "Stay tuned for updates" (a participle right
 * after the first word) do not.
 */
function finiteAfterFirst(text: string): boolean {
  const tokens = tagSentence(text);
  return tokens.some((t, i) => {
    if (i === 0) return false;
    if (t.pos === 'AUX') return true;
    const previous = tokens[i - 1]!;
    if (!isClauseVerb(t, previous)) return false;
    if (t.lower !== t.lemma) return !(i === 1 && /(?:ed|en)$/.test(t.lower));
    return previous.pos === 'NOUN' || previous.pos === 'PROPN' || previous.pos === 'PRON';
  });
}

/**
 * A call to action: a prompting verb, bare, opening the sentence or after a short place or time ("In the US, call …"),
 * in a sentence with no other finite verb. A name that starts with such a verb opens a sentence that has its own
 * verb ("Save the Children staff were evacuated", "Get Out director Jordan Peele announced …").
 */
function callToAction(text: string): boolean {
  const lead =
    /^(?:(?:in|on|at|for|across|outside|within)\s[^,;:]{1,30},\s+)?(?:(?:please|so|now)\s+)?/i.exec(text)![0];
  const rest = text.slice(lead.length);
  const verb = /^\p{L}+/u.exec(rest)?.[0] ?? '';
  return PROMPT_VERBS.has(verb.toLowerCase()) && !finiteAfterFirst(rest);
}

/**
 * A sentence that speaks to the reader or for the outlet rather than reporting: a call to action or an
 * advertisement ("Shop our top rated deals"), a helpline prompt ("call or text the hotline"), a promotion of
 * the outlet's own coverage ("Every week we wrap up …"). Quoted words are someone's speech and do not count.
 */
export function addressesReader(text: string): boolean {
  const own = outsideQuotes(text).trim();
  const start = own.replace(/^[^\p{L}\p{N}]+/u, '');
  return READER_OR_WRITER.test(start) || callToAction(start);
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

/** "…", "...", "[…]", "[...]" opening or closing the text, outside any quotes or brackets around it. */
const LEADING_ELLIPSIS = /^["'“‘«([]*(?:…|\.{3}|\[(?:…|\.{3})\])/;

/**
 * Ends like a finished sentence: terminal punctuation, possibly inside closing quotes or brackets. A text
 * that ends or starts with an ellipsis is an excerpt cut short by a feed, not a sentence; an ellipsis inside
 * one ("and then … nothing.") is fine.
 */
export function isComplete(text: string): boolean {
  const t = text.trim();
  return /[.!?…]["'”’»)\]]*$/.test(t) && !TRAILING_ELLIPSIS.test(t) && !LEADING_ELLIPSIS.test(t);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** "Nov. 16, 2023", "September 13, 2023", "NOVEMBER 23, 2023": a date with day and year. */
const FULL_DATE =
  /(\S+\s+)?\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.? ?(\d{1,2}),? ((?:19|20)\d\d)\b/giu;
/** Words that make a date part of a noun phrase ("the Jan. 6, 2021, riot") rather than when a photo was taken. */
const ATTRIBUTIVE =
  /^(the|a|an|its|his|her|their|this|that|since|until|by|before|for|from|[\p{L}]+['’]s)\s+$/iu;
/** Participles that say a picture was taken: "pictured at", "is seen", "are shown". */
const PHOTO_WORD = /^(pictured|seen|shown|displayed|photographed|visible)$/;
/** Present-tense verbs that report or announce rather than describe a scene: "says", "plans", "faces". */
const NOT_A_SCENE =
  /^(say|tell|write|claim|argue|report|warn|announce|believe|think|plan|face|expect|hope|want|need|intend|aim|seek|remain|continue|begin|start|end|open|close|mark|become|have|be|do|will|would|can|could|may|might|must|shall|should)$/;
/** Verbs whose past tense is their base form: "set", "put" read as past in a report. */
const SAME_IN_PAST = /^(put|set|cut|hit|shut|let|quit|spread|cost|hurt|read|beat|cast|split|upset|bet)$/;

/**
 * A sentence that names itself a photo's caption: "In this photo …", "In the photo, …", "File photo of …",
 * "… in a file photo.", "… in an undated photo.", "…, file photo." A report about a file photo ("Police released a file photo of …") is none.
 */
const PHOTO_CUE =
  /^(?:in this (?:file )?(?:photo|photograph|image|picture)|in the (?:photo|photograph)|(?:an? )?(?:undated )?file (?:photo|photograph|image|picture))\b|\bin an? (?:undated )?file (?:photo|photograph|image|picture)\b|\bin an? undated (?:photo|photograph|image|picture)\.?$|,\s*file (?:photo|photograph|image|picture)\.?$/i;

/**
 * A participle that describes the noun after it ("rows of terraced houses", "the destroyed buildings"): it
 * follows a preposition, an article or an adjective, so it is not the verb of the clause.
 */
function isAttributive(
  t: TaggedToken,
  previous: TaggedToken | undefined,
  next: TaggedToken | undefined,
): boolean {
  return (
    t.pos === 'VERB' &&
    /(?:ed|en)$/.test(t.lower) &&
    (previous?.pos === 'ADP' || previous?.pos === 'DET' || previous?.pos === 'ADJ') &&
    (next?.pos === 'NOUN' || next?.pos === 'PROPN' || next?.pos === 'ADJ')
  );
}

/**
 * A photo caption: what a picture shows, in the present tense, with the date it was taken ("Jane Doe speaks
 * at a rally in Lyon, France, on March 3, 2021."). Reports are in the past tense, so a sentence with a full
 * date (not inside a noun phrase, not after the item was published) is a caption when its first verb is in
 * the present simple ("speaks", "stand", "is seen") or a photo word ("pictured"), or when it has no verb.
 */
export function isPhotoCaption(sentence: string, publishedAt?: string): boolean {
  // Captions that say so: "In this photo …", "… is seen in a file photograph."
  if (PHOTO_CUE.test(sentence)) return true;
  const published = publishedAt ? Date.parse(publishedAt) : Number.NaN;
  let dated = false;
  for (const m of sentence.matchAll(FULL_DATE)) {
    if (m[1] && ATTRIBUTIVE.test(m[1])) continue;
    const when = Date.UTC(Number(m[4]), MONTHS.indexOf(m[2]!.slice(0, 3).toLowerCase()), Number(m[3]));
    // A photo is of something that has happened; a future date is an event being announced.
    if (!Number.isNaN(published) && when > published + 86_400_000) continue;
    dated = true;
  }
  if (!dated) return false;
  const tokens = tagSentence(sentence);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // Names the tagger takes for verbs ("Niagara Falls"), participles and infinitives do not count.
    if (!isClauseVerb(t, tokens[i - 1]) || isAttributive(t, tokens[i - 1], tokens[i + 1])) continue;
    const next = tokens.slice(i + 1, i + 3).map((x) => x.lower);
    if (PHOTO_WORD.test(t.lower)) return next[0] !== 'by';
    if (t.lower === 'is' || t.lower === 'are') return next.some((w) => PHOTO_WORD.test(w));
    if (NOT_A_SCENE.test(t.lemma) || SAME_IN_PAST.test(t.lower)) return false;
    const thirdPerson = [`${t.lemma}s`, `${t.lemma}es`, `${t.lemma.replace(/y$/, '')}ies`].includes(t.lower);
    return thirdPerson || t.lower === t.lemma;
  }
  return true;
}

/**
 * A wire dateline: a city in capitals, perhaps a region and an agency, then a dash; or a city, perhaps a region
 * or the day of the month, and a colon ("KUALA LUMPUR, Malaysia:", "JAKARTA 22:"). The sentence after it starts
 * with a capital or a figure.
 */
const DATELINE =
  /^(?:\p{Lu}[\p{Lu} .'’-]{1,40}(?:, \p{Lu}[\p{L} .'’-]{1,30})?\s*(?:\([\p{L} .]{1,20}\))?\s*[—–-]|\p{Lu}[\p{Lu} .'’-]{1,30}(?:, \p{Lu}[\p{L} .'’-]{1,30})?(?: \d{1,2})? ?:|\((?:AP|Reuters|AFP|UPI|dpa)\)\s*[—–-])\s+(?=[\p{Lu}\p{N}"“‘'])/u;

/** The sentence without a leading wire dateline ("HONOLULU (AP) — ", "DUBAI: ", "TIRANA, Albania: "), or as it is. */
export function withoutDateline(sentence: string): string {
  const m = DATELINE.exec(sentence);
  // A capitalised first word alone ("A —") is no dateline; the city needs two letters in a row.
  if (!m || !/\p{Lu}{2}|\(/u.test(m[0])) return sentence;
  return sentence.slice(m[0].length);
}

/**
 * Spacing a page's markup leaves around punctuation: a link's text followed by " ," or " .", a full stop doubled
 * after an abbreviation ("4:45 p.m..") or after a space ("Texas. ."). An ellipsis (" ... a fire pit") stays.
 */
export function tidyPunctuation(sentence: string): string {
  return sentence
    .replace(/(\S)\s+([,;:!?]|\.(?!\.))(?=\s|["'”’)]*$)/g, '$1$2')
    .replace(/(?<!\.)([.!?])\s*\.$/, '$1');
}

/**
 * "But", "And" or "Yet" opening a sentence ties it to the sentence before, which a list of facts does not show:
 * "But the talks failed." reads "The talks failed." The rest must still be a sentence of five words or more.
 */
const LEADING_CONNECTIVE = /^(?:But|And|Yet),?\s+(?=\S)/;

export function withoutLeadingConnective(sentence: string): string {
  const m = LEADING_CONNECTIVE.exec(sentence);
  if (!m) return sentence;
  const rest = sentence.slice(m[0].length);
  if (wordCount(rest) < 5) return sentence;
  // "eBay", "iPhone": a word written with a capital inside keeps its small first letter.
  return /^\p{Ll}+\p{Lu}/u.test(rest) ? rest : rest.charAt(0).toUpperCase() + rest.slice(1);
}

/**
 * Where a text points at its pictures: "(pictured)", "(left)", ", pictured,". The digest shows no picture, so
 * the pointer goes: "Jeremy Hunt (pictured) will …" reads "Jeremy Hunt will …".
 */
const PLACE_IN_PICTURE =
  '(?:(?:far|second|third|top|bottom|back|front) )?(?:left|right|centre|center|above|below|inset)';
const PICTURE_POINTER = new RegExp(
  `\\s*\\((?:pictured\\b[^()]{0,60}|${PLACE_IN_PICTURE}(?:(?:, | to | and )${PLACE_IN_PICTURE})*)\\)` +
    '|,\\s*pictured(?:\\s+(?:left|right|above|below|centre|center))?\\s*,',
  'g',
);

/** The sentence without its pointers at pictures. */
export function withoutPicturePointers(sentence: string): string {
  if (!sentence.includes('(') && !sentence.includes('pictured')) return sentence;
  return sentence.replace(PICTURE_POINTER, '');
}
