import { FNV_OFFSET, FNV_PRIME, fnv1a } from './fnv.js';
import { IdTable } from './id-table.js';
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
    'today yesterday tomorrow man woman people many much way well even ever every here know want see sees ' +
    // Words that name a roundup's format ("Monday Briefing", "Tuesday briefing: …") say nothing of its story.
    'briefing newsletter podcast'
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
  /** How many matching terms the word has: none for a stopword, several for a hyphenated compound. */
  termCount: number;
  /** The first matching term and its surface form ('' when there is none). */
  term: string;
  surface: string;
  /**
   * The terms after the first, each followed by its surface form. Nearly every word has one term and shares an
   * empty array here: the cache holds some 200k words, and two arrays each were four objects for every full
   * garbage collection to trace.
   */
  moreTerms: string[];
  number: boolean;
  cap: boolean;
  acronym: boolean;
  /** Counts for Title-Case detection: a longer word that is not a number. */
  long: boolean;
  hasLower: boolean;
  /** Sweep period of the last sighting, for the word cache. */
  used?: number;
}

const NO_MORE_TERMS: string[] = Object.freeze([]) as unknown as string[];

/** Term `j` of a word (`j < termCount`). */
export function termAt(word: WordInfo, j: number): string {
  return j === 0 ? word.term : word.moreTerms[2 * (j - 1)]!;
}

/** Surface form of term `j` of a word. */
export function surfaceAt(word: WordInfo, j: number): string {
  return j === 0 ? word.surface : word.moreTerms[2 * j - 1]!;
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

/** Lower case without accents, for words outside ASCII (ASCII words need only lower-casing). */
function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Word flags, as kept in the word cache's table. */
export const W_NUMBER = 1;
export const W_CAP = 2;
export const W_ACRONYM = 4;
export const W_LONG = 8;
export const W_LOWER = 16;

function flagsOf(info: WordInfo): number {
  return (
    (info.number ? W_NUMBER : 0) |
    (info.cap ? W_CAP : 0) |
    (info.acronym ? W_ACRONYM : 0) |
    (info.long ? W_LONG : 0) |
    (info.hasLower ? W_LOWER : 0)
  );
}

/** The hot table grows with the words in use, two slots per word, up to 16 MB. */
const HOT_MIN_BITS = 12;
const HOT_MAX_BITS = 18;
/**
 * Ints per hot entry (one cache line): hash, length (0: empty), vocabulary stamp, flags with the sweep period
 * of the last sighting above them (`FLAG_BITS`), term count (-1: more than three), three ids, then the spelling
 * itself, two UTF-16 units per int, for words of up to 16.
 */
const HOT_STRIDE = 16;
const HOT_CHARS = 16;
const FLAG_BITS = 8;
const FLAG_MASK = (1 << FLAG_BITS) - 1;

/** True when `raw` spells `text[start, end)`. */
function spells(raw: string, text: string, start: number, end: number): boolean {
  if (raw.length !== end - start) return false;
  for (let k = 0; k < raw.length; k++) if (raw.charCodeAt(k) !== text.charCodeAt(start + k)) return false;
  return true;
}

/** True when the hot entry at `at`, holding a word of the same length, spells `text[start, end)`. */
function sameWord(hot: Int32Array, at: number, text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k += 2) {
    const pair = hot[at + 8 + ((k - start) >> 1)]!;
    if ((pair & 0xffff) !== text.charCodeAt(k)) return false;
    if (k + 1 < end && pair >>> 16 !== text.charCodeAt(k + 1)) return false;
  }
  return true;
}

/** True for a thousands separator at `i` in `text[.., to)`: "37,000". */
function isThousands(text: string, i: number, to: number): boolean {
  return (
    i + 3 < to &&
    isDigit(text.charCodeAt(i - 1)) &&
    isDigit(text.charCodeAt(i + 1)) &&
    isDigit(text.charCodeAt(i + 2)) &&
    isDigit(text.charCodeAt(i + 3)) &&
    (i + 4 >= to || !isDigit(text.charCodeAt(i + 4)))
  );
}

/**
 * One text's words as the feature extractor reads them: flat arrays, reused from text to text. A word's
 * `WordInfo` is looked up only when asked for (`WordCache.info`), as most words need none of it.
 */
export class WordRun {
  text = '';
  count = 0;
  /** Title Case or ALL CAPS: capitals carry no information anywhere in this text. */
  typographic = false;
  /** Some lower case in the text. */
  lower = false;
  flags = new Int32Array(64);
  /** Sentence or segment start. */
  initial = new Uint8Array(64);
  /** Term ids, up to three per word inline (`nIds`); a longer compound has -1 there and reads its info. */
  nIds = new Int32Array(64);
  ids = new Int32Array(192);
  /** Where each word starts and ends in `text`, its hash, and the set of the word cache's table it is in. */
  start = new Int32Array(64);
  end = new Int32Array(64);
  hash = new Int32Array(64);
  slot = new Int32Array(64);

  /** Makes room for `words` words. */
  reserve(words: number): void {
    if (words <= this.flags.length) return;
    let size = this.flags.length;
    while (size < words) size *= 2;
    this.flags = new Int32Array(size);
    this.initial = new Uint8Array(size);
    this.nIds = new Int32Array(size);
    this.ids = new Int32Array(size * 3);
    this.start = new Int32Array(size);
    this.end = new Int32Array(size);
    this.hash = new Int32Array(size);
    this.slot = new Int32Array(size);
  }
}

/** What the word cache needs of a vocabulary: ids for terms, and a stamp that changes when ids may be reused. */
export interface TermResolver {
  readonly stamp: number;
  intern(term: string, surface: string): number;
  /** The term with id `id` now ('' for a free id). */
  term(id: number): string;
}

/**
 * Analysed words by spelling. News vocabulary repeats heavily, so most words are analysed (and stemmed) once.
 * Owned by one feature extractor and swept as its vocabulary is pruned: it holds the words of the recent past,
 * not every word the process has seen.
 */
export class WordCache {
  /** Analysed words, found by spelling through `bySpelling`; freed places are reused. */
  private readonly words: (WordInfo | undefined)[] = [];
  private readonly freePlaces: number[] = [];
  private readonly bySpelling = new IdTable((k) => this.words[k]!.raw);
  /** Sweeps so far: a period runs from one sweep to the next. */
  private period = 0;
  /** The clock at the start of each period. */
  private readonly periodStart: number[] = [Number.NEGATIVE_INFINITY];
  /**
   * A table in front of `bySpelling`, keyed by a hash of the characters, holding what the extractor needs of the
   * commonest words (stopwords, the names of the day) in one cache line each: they are found without cutting a
   * string out of the text or probing a map of every recent word, which misses the cache on nearly every
   * lookup. Each hash picks a set of two adjacent entries (two-way, so that two common words whose hashes
   * collide do not evict each other), the one used last first. An entry with length 0 is empty.
   */
  private hotBits = HOT_MIN_BITS;
  private hot = new Int32Array(HOT_STRIDE << HOT_MIN_BITS);
  private hotInfo: (WordInfo | undefined)[] = new Array(1 << HOT_MIN_BITS).fill(undefined);
  /** Sum of reads made only to start cache misses early; kept so that the reads are not optimised away. */
  prefetched = 0;
  private readonly idScratch: number[] = [];

  constructor(private readonly vocab: TermResolver) {}

  get size(): number {
    return this.bySpelling.size;
  }

  /**
   * Term ids of a word, in an array reused by the next call. Not kept on the word: the table keeps those of the
   * words in use, and an array per cached word would be two more objects for every collection to trace.
   */
  idsOf(word: WordInfo): number[] {
    const vocab = this.vocab;
    const ids = this.idScratch;
    ids.length = word.termCount;
    for (let j = 0; j < word.termCount; j++) ids[j] = vocab.intern(termAt(word, j), surfaceAt(word, j));
    return ids;
  }

  /** The analysis of word `i` of the last text scanned into `run`. */
  info(run: WordRun, i: number): WordInfo {
    const start = run.start[i]!;
    const end = run.end[i]!;
    // The word may have moved to the other way of its set, or out, for a later word of the same text.
    const slot = run.slot[i]!;
    for (let way = slot; way < slot + 2; way++) {
      if (this.holds(way, run.hash[i]!, run.text, start, end)) return this.hotInfo[way]!;
    }
    return this.get(run.text.slice(start, end));
  }

  /** The word `text[start, end)` as the cache's own string, not a slice that would keep all of `text`. */
  spelling(text: string, start: number, end: number): string {
    const h = fnv1a(text, start, end);
    const set = (h >>> (32 - this.hotBits)) & ~1;
    for (let way = set; way < set + 2; way++)
      if (this.holds(way, h, text, start, end)) return this.hotInfo[way]!.raw;
    return this.get(text.slice(start, end)).raw;
  }

  /** Scans `text[from, to)` into `run`, with term ids from the vocabulary. */
  scan(text: string, run: WordRun, from = 0, to = text.length): void {
    // Sized between texts: a table outgrown by the words in use would miss on most of them.
    if (this.size * 2 > 1 << this.hotBits && this.hotBits < HOT_MAX_BITS) this.resizeHot(this.size * 2);
    // Words are at least one character apart.
    run.reserve((to - from + 1) >> 1);
    run.text = text;
    const hot = this.hot;
    const hotShift = 32 - this.hotBits;
    const stamp = this.vocab.stamp;
    const period = this.period;
    const { flags, initial, nIds, ids, start: starts, end: ends, hash: hashes, slot: slots } = run;
    // First find the words and their hashes, then fetch their entries: the fetches (cache misses, in a
    // table of megabytes) are independent of one another and overlap instead of waiting in turn.
    let words = 0;
    let i = from;
    while (i < to) {
      let c = text.charCodeAt(i);
      if (WORD_CHAR[c] === 0) {
        i++;
        continue;
      }
      const start = i;
      // Find the end of the word (runs of word characters, joined by apostrophes, dots and the like) and
      // hash its characters in the same pass.
      let h = FNV_OFFSET;
      for (;;) {
        for (;;) {
          h = Math.imul(h ^ c, FNV_PRIME);
          if (++i === to) break;
          c = text.charCodeAt(i);
          if (WORD_CHAR[c] === 0) break;
        }
        if (i + 1 >= to || WORD_CHAR[text.charCodeAt(i + 1)] === 0) break;
        if (!isJoiner(c) && !(c === 44 && isThousands(text, i, to))) break;
        h = Math.imul(h ^ c, FNV_PRIME);
        c = text.charCodeAt(++i);
      }
      starts[words] = start;
      ends[words] = i;
      hashes[words++] = h;
    }
    let touched = 0;
    for (let k = 0; k < words; k++) touched |= hot[((hashes[k]! >>> hotShift) & ~1) * HOT_STRIDE]!;
    this.prefetched = touched;
    let count = 0;
    let prevEnd = from;
    let long = 0;
    let capLong = 0;
    let lower = false;
    for (; count < words; count++) {
      const start = starts[count]!;
      const end = ends[count]!;
      const h = hashes[count]!;
      // The word's set of two ways; the way used last comes first.
      const slot = (h >>> hotShift) & ~1;
      const at = slot * HOT_STRIDE;
      if (!this.holds(slot, h, text, start, end)) {
        if (this.holds(slot + 1, h, text, start, end)) this.swapWays(slot);
        else {
          const info = this.get(text.slice(start, end));
          hot.copyWithin(at + HOT_STRIDE, at, at + HOT_STRIDE);
          this.hotInfo[slot + 1] = this.hotInfo[slot];
          this.hotInfo[slot] = info;
          hot[at] = h;
          hot[at + 1] = end - start;
          hot[at + 2] = stamp - 1;
          hot[at + 3] = flagsOf(info) | (period << FLAG_BITS);
          // No ids yet: the entry's ids are those of the word it replaced.
          hot[at + 4] = 0;
          for (let k = 0; k < HOT_CHARS && start + k < end; k += 2) {
            const hi = start + k + 1 < end ? text.charCodeAt(start + k + 1) : 0;
            hot[at + 8 + (k >> 1)] = text.charCodeAt(start + k) | (hi << 16);
          }
        }
      }
      if (hot[at + 2] !== stamp) {
        const word = this.hotInfo[slot]!;
        if (!this.idsStillHold(at, word)) {
          const wordIds = this.idsOf(word);
          hot[at + 4] = wordIds.length <= 3 ? wordIds.length : -1;
          for (let k = 0; k < 3 && k < wordIds.length; k++) hot[at + 5 + k] = wordIds[k]!;
        }
        hot[at + 2] = stamp;
      }
      const marked = hot[at + 3]!;
      const f = marked & FLAG_MASK;
      if (marked >>> FLAG_BITS !== period) hot[at + 3] = f | (period << FLAG_BITS);
      const nt = hot[at + 4]!;
      flags[count] = f;
      nIds[count] = nt;
      for (let k = 0; k < nt; k++) ids[count * 3 + k] = hot[at + 5 + k]!;
      slots[count] = slot;
      initial[count] = count === 0 || startsSentence(text, prevEnd, start) ? 1 : 0;
      prevEnd = end;
      if (f & W_LONG) {
        long++;
        if (f & W_CAP) capLong++;
      }
      if (f & W_LOWER) lower = true;
    }
    run.count = count;
    run.typographic = (long >= 3 && capLong / long > 0.6) || !lower;
    run.lower = lower;
  }

  /**
   * True when the ids the table's entry at `at` holds for `word` are still its terms' ids, after the vocabulary
   * freed some and may have given them to other terms: reading the term at an id is cheaper than looking the
   * term up, and a pruning leaves most ids in use as they were.
   */
  private idsStillHold(at: number, word: WordInfo): boolean {
    const hot = this.hot;
    const nt = hot[at + 4]!;
    if (nt <= 0 || nt !== word.termCount) return false;
    for (let k = 0; k < nt; k++) if (this.vocab.term(hot[at + 5 + k]!) !== termAt(word, k)) return false;
    return true;
  }

  /** True when the table's entry `slot` holds the word `text[start, end)` of hash `h`. */
  private holds(slot: number, h: number, text: string, start: number, end: number): boolean {
    const hot = this.hot;
    const at = slot * HOT_STRIDE;
    if (hot[at] !== h || hot[at + 1] !== end - start) return false;
    return end - start > HOT_CHARS
      ? spells(this.hotInfo[slot]!.raw, text, start, end)
      : sameWord(hot, at, text, start, end);
  }

  /** Swaps the two ways of the set at `slot`. */
  private swapWays(slot: number): void {
    const hot = this.hot;
    const at = slot * HOT_STRIDE;
    for (let k = at; k < at + HOT_STRIDE; k++) {
      const x = hot[k]!;
      hot[k] = hot[k + HOT_STRIDE]!;
      hot[k + HOT_STRIDE] = x;
    }
    const info = this.hotInfo[slot];
    this.hotInfo[slot] = this.hotInfo[slot + 1];
    this.hotInfo[slot + 1] = info;
  }

  get(raw: string): WordInfo {
    const k = this.bySpelling.get(raw);
    let info: WordInfo;
    if (k < 0) {
      info = analyse(ownCopy(raw));
      const place = this.freePlaces.pop() ?? this.words.length;
      this.words[place] = info;
      this.bySpelling.set(info.raw, place);
    } else info = this.words[k]!;
    info.used = this.period;
    return info;
  }

  /**
   * Forgets words not seen within `keepMs` before `nowMs` (by the periods they were seen in); a word is analysed
   * again if it comes back. The clusterer keeps words for a window, as it keeps their terms: forgotten sooner,
   * two words in five that a real stream brings were known before and are analysed (and stemmed) again, which
   * costs more than the rest of reading them.
   */
  sweep(nowMs: number, keepMs: number): void {
    // The oldest period to keep is the oldest that ended within `keepMs`; the current one ends now.
    let keep = this.period;
    while (keep > 0 && this.periodStart[keep]! > nowMs - keepMs) keep--;
    // A word found through the table was last seen in the period its entry records, not in its `used`.
    const hot = this.hot;
    for (let slot = 0; slot < this.hotInfo.length; slot++) {
      const info = this.hotInfo[slot];
      if (info === undefined) continue;
      const at = slot * HOT_STRIDE;
      const seen = hot[at + 3]! >>> FLAG_BITS;
      if (seen < keep) {
        hot[at + 1] = 0;
        this.hotInfo[slot] = undefined;
      } else if (seen > info.used!) info.used = seen;
    }
    const words = this.words;
    for (let k = 0; k < words.length; k++) {
      const info = words[k];
      if (info === undefined || info.used! >= keep) continue;
      this.bySpelling.delete(info.raw);
      words[k] = undefined;
      this.freePlaces.push(k);
    }
    this.period++;
    this.periodStart.push(nowMs);
    this.resizeHot(this.size * 2);
  }

  /**
   * Sizes the hot table to about `slots` slots, so that its memory follows the words in use, keeping the words
   * it holds: refilling it would look up every word in use again.
   */
  private resizeHot(slots: number): void {
    let bits = HOT_MIN_BITS;
    while (bits < HOT_MAX_BITS && 1 << bits < slots) bits++;
    if (bits === this.hotBits) return;
    const oldHot = this.hot;
    const oldInfo = this.hotInfo;
    const hot = new Int32Array(HOT_STRIDE << bits);
    const hotInfo: (WordInfo | undefined)[] = new Array(1 << bits).fill(undefined);
    // In slot order each set's way used last comes first, so a set that fills keeps the more recent words.
    for (let slot = 0; slot < oldInfo.length; slot++) {
      const from = slot * HOT_STRIDE;
      if (oldHot[from + 1] === 0) continue;
      const set = (oldHot[from]! >>> (32 - bits)) & ~1;
      const way =
        hot[set * HOT_STRIDE + 1] === 0 ? set : hot[(set + 1) * HOT_STRIDE + 1] === 0 ? set + 1 : -1;
      if (way < 0) continue;
      hot.set(oldHot.subarray(from, from + HOT_STRIDE), way * HOT_STRIDE);
      hotInfo[way] = oldInfo[slot];
    }
    this.hotBits = bits;
    this.hot = hot;
    this.hotInfo = hotInfo;
  }
}

/**
 * A copy of `s` that holds only its own characters, as one flat string. A word of 13 or more characters cut out
 * of a text with `slice` is a view that keeps the whole text alive (an article, for a word of its lead) for as
 * long as the cache keeps the word, and a concatenation that long is a tree of its parts, three or more objects
 * for every collection to trace; V8 copies shorter slices and joins already.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

function isAscii(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) >= 128) return false;
  return true;
}

/** Some letter from a to z: a word or name not written all in capitals. */
export function hasAsciiLower(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

/** `ACRONYM` for ASCII: "U.S.", "E.U", or two to five capitals and perhaps a plural s. */
function asciiAcronym(raw: string): boolean {
  const n = raw.length;
  if (n >= 3 && raw.charCodeAt(1) === 46) {
    for (let k = 0; k < n; k++) {
      if ((k & 1) === 0 ? !isUpper(raw.charCodeAt(k)) : raw.charCodeAt(k) !== 46) return false;
    }
    return true;
  }
  const letters = raw.charCodeAt(n - 1) === 115 ? n - 1 : n;
  if (letters < 2 || letters > 5) return false;
  for (let k = 0; k < letters; k++) if (!isUpper(raw.charCodeAt(k))) return false;
  return true;
}

/** Without a possessive ('s or a trailing apostrophe), apostrophes and dots: ASCII words, without regexes. */
function asciiBare(surface: string): string {
  let s = surface;
  if (s.endsWith("'s")) s = s.slice(0, -2);
  else if (s.endsWith("'")) s = s.slice(0, -1);
  return s.includes("'") || s.includes('.') ? s.replace(/['.]/g, '') : s;
}

/** Most new words are ASCII, which is analysed by character tests rather than regular expressions. */
function analyse(raw: string): WordInfo {
  const ascii = isAscii(raw);
  const first = raw.charCodeAt(0);
  const number = ascii ? first >= 48 && first <= 57 : DIGIT.test(raw);
  const cap = ascii ? isUpper(first) : UPPER.test(raw);
  const acronym = !number && (ascii ? asciiAcronym(raw) : ACRONYM.test(raw));
  const info: WordInfo = {
    raw,
    termCount: 0,
    term: '',
    surface: '',
    moreTerms: NO_MORE_TERMS,
    number,
    cap,
    acronym,
    long: raw.length >= 4 && !number,
    hasLower: ascii ? hasAsciiLower(raw) : raw !== raw.toUpperCase(),
    // Filled in later by the cache; present from the start so every word has the same shape.
    used: 0,
  };
  let surface = ascii ? raw.toLowerCase() : fold(raw);
  if (number) {
    // "37,000" and "37000" are one number; "1.8" keeps its point.
    let term = surface.replace(/(\d),(?=\d{3}\b)/g, '$1');
    if (!/^\d+(?:[.,]\d+)?[a-z]{0,3}$/.test(term)) term = term.replace(/[^a-z0-9.]/g, '');
    if (term) setOneTerm(info, term, surface);
    return info;
  }
  surface = ascii ? asciiBare(surface) : surface.replace(/['’](?:s)?$/, '').replace(/['’.]/g, '');
  if (acronym) {
    // Abbreviations skip the stopword list: "US" the country is not "us".
    setOneTerm(info, /\p{Lu}s$/u.test(raw) ? surface.slice(0, -1) : surface, surface);
    return info;
  }
  // Hyphenated compounds count as their parts ("half-baked" -> half, baked).
  const parts = ascii && !surface.includes('-') && !surface.includes('&') ? [surface] : surface.split(/[-&]/);
  const more: string[] = [];
  for (const part of parts) {
    if (part.length < 2 || STOPWORDS.has(part)) continue;
    if (info.termCount === 0) setOneTerm(info, stemOf(part), part);
    else {
      more.push(stemOf(part), part);
      info.termCount++;
    }
  }
  // Set at its exact length: an array grown by push keeps room for some sixteen more, and the cache holds a
  // word's array as long as it holds the word.
  if (more.length > 0) info.moreTerms = more.slice();
  return info;
}

function setOneTerm(info: WordInfo, term: string, surface: string): void {
  info.termCount = 1;
  info.term = term;
  info.surface = surface;
}

/** Recent stems: the parts of a new compound are mostly words stemmed before. Emptied when full. */
const STEMS = new Map<string, string>();
const STEMS_MAX = 1 << 16;

function stemOf(word: string): string {
  let s = STEMS.get(word);
  if (s === undefined) {
    if (STEMS.size >= STEMS_MAX) STEMS.clear();
    s = stem(word);
    STEMS.set(word, s);
  }
  return s;
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

/** End of the word that starts at `i`: runs of word characters, joined by apostrophes, dots and the like. */
function wordEnd(text: string, from: number): number {
  const n = text.length;
  let i = from;
  for (;;) {
    while (i < n && WORD_CHAR[text.charCodeAt(i)] === 1) i++;
    if (i + 1 >= n || WORD_CHAR[text.charCodeAt(i + 1)] === 0) return i;
    const c = text.charCodeAt(i);
    if (!isJoiner(c) && !(c === 44 && isThousands(text, i, n))) return i;
    i++;
  }
}

/** The words of a text, and which of them stand where capitals carry no information. */
export interface Scan {
  words: WordInfo[];
  /** Sentence or segment start. */
  initial: boolean[];
  count: number;
  /** Title Case or ALL CAPS: capitals carry no information anywhere in this text. */
  typographic: boolean;
  /** Some lower case in the text (else abbreviations cannot be told from shouting). */
  lower: boolean;
}

export function scan(text: string): Scan {
  const out: Scan = { words: [], initial: [], count: 0, typographic: false, lower: false };
  const words = out.words;
  const initial = out.initial;
  let count = 0;
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
    i = wordEnd(text, i);
    const info = analyse(text.slice(start, i));
    initial[count] = count === 0 || startsSentence(text, prevEnd, start);
    words[count++] = info;
    prevEnd = i;
    if (info.long) {
      long++;
      if (info.cap) capLong++;
    }
    if (info.hasLower) lower = true;
  }
  out.count = count;
  out.typographic = (long >= 3 && capLong / long > 0.6) || !lower;
  out.lower = lower;
  return out;
}

/**
 * Splits a text into tokens. Sentence-initial words and Title-Case segments (most headlines) are marked
 * case-blind, because there a capital letter is typography, not a sign of a name.
 */
export function tokenizeText(text: string): Token[] {
  const { words, initial, count, typographic, lower } = scan(text);
  const out: Token[] = [];
  for (let i = 0; i < count; i++) {
    const w = words[i]!;
    for (let j = 0; j < w.termCount; j++) {
      out.push({
        term: termAt(w, j),
        surface: surfaceAt(w, j),
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
