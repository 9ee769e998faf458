import { continuesName, ItemEntities, possessiveLength } from './entities.js';
import { surfaceAt, W_ACRONYM, W_CAP, W_NUMBER, WordCache, WordRun } from './tokenize.js';
import type { Vocabulary } from './vocabulary.js';

export interface FeatureWeights {
  /** Weight of the description relative to the title. */
  description: number;
  /** Weight of the article lead relative to the title. */
  text: number;
  /** Words of the description and of the article text used: the lead says what the story is, the rest drifts. */
  leadWords: number;
  /** Multiplier for names (learned from capitalisation) and abbreviations. */
  name: number;
  /** Multiplier for numbers. */
  number: number;
  /** Weight of two-word name features ("sam altman") relative to their words. */
  namePair: number;
}

export const DEFAULT_FEATURE_WEIGHTS: FeatureWeights = {
  description: 0.5,
  text: 0.5,
  leadWords: 30,
  name: 1.5,
  number: 1.25,
  namePair: 0.5,
};

/** A sparse vector: term ids ascending, unit length. */
export interface SparseVector {
  ids: number[];
  w: number[];
}

export interface ItemFeatures {
  vec: SparseVector;
  /** Names (runs of capitalised words) and numbers, as written. */
  entities: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', nbsp: ' ' };

/** Feeds often put markup in summaries (images, links, entities); only the words count. */
function plain(text: string): string {
  let t = text;
  if (t.includes('<')) t = t.replace(/<[^>]*>/g, ' ');
  if (t.includes('&')) {
    t = t.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
      const code =
        e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    });
  }
  return t;
}

/** Where the lead of `text` (its first `words` words, as split by white space) ends. */
function leadEnd(text: string, words: number): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord && ++count > words) return i;
    inWord = !space;
  }
  return text.length;
}

/** Name-pair slots in the cache; it is emptied when half full, so its memory stays fixed. */
const PAIR_BITS = 15;
const PAIR_SLOTS = 1 << PAIR_BITS;

/**
 * Turns an item's text into a unit TF-IDF vector using the document frequencies known so far (the item itself
 * included), and records the item in the vocabulary. Holds scratch arrays, so one extractor serves one clusterer.
 */
export class FeatureExtractor {
  /**
   * The item's term frequencies and boosts in a small open-addressing table keyed by term id: it stays in
   * cache, where arrays indexed by id over the whole vocabulary would miss on nearly every term.
   */
  private tKeys = new Int32Array(128).fill(-1);
  private tf = new Float64Array(128);
  private boost = new Float64Array(128);
  private tShift = 25;
  /** Output of the last `run`: `n` term ids ascending with their unit-vector weights. */
  ids = new Int32Array(256);
  w = new Float64Array(256);
  /** Per output term, 1 for a plain word (neither a name nor a number). */
  plain = new Uint8Array(256);
  n = 0;
  /** Where each output term sits in the term table, for clearing it. */
  private at = new Int32Array(256);
  /** Names and numbers of the last `run`. */
  readonly entities: ItemEntities;
  private readonly words: WordCache;
  private readonly scanned = new WordRun();
  /**
   * Term ids of name pairs by the ids of their two names, valid while the vocabulary's stamp holds: most
   * pairs recur, and building the pair's key string to look it up costs more than the rest of the name.
   */
  private readonly pairKeys = new Int32Array(2 * PAIR_SLOTS).fill(-1);
  private readonly pairIds = new Int32Array(PAIR_SLOTS);
  private pairCount = 0;
  private pairStamp = -1;
  /** Sum of reads made only to start cache misses early; kept so that the reads are not optimised away. */
  prefetched = 0;

  constructor(
    private readonly vocab: Vocabulary,
    private readonly weights: FeatureWeights,
  ) {
    this.words = new WordCache(vocab);
    this.entities = new ItemEntities(this.words);
  }

  /** Words analysed and kept for reuse. */
  get cachedWords(): number {
    return this.words.size;
  }

  /** Lets the word cache forget words not seen within `keepMs` before `nowMs`; call when the vocabulary is pruned. */
  sweep(nowMs: number, keepMs: number): void {
    this.words.sweep(nowMs, keepMs);
  }

  extract(input: { title: string; description?: string; text?: string }, nowMs: number): ItemFeatures {
    const n = this.run(input, nowMs);
    return {
      vec: { ids: Array.from(this.ids.subarray(0, n)), w: Array.from(this.w.subarray(0, n)) },
      entities: Array.from({ length: this.entities.count }, (_, e) => this.entities.name(e)),
    };
  }

  /** Extracts into `ids`, `w` and `entities` (overwritten by the next call); returns the number of terms. */
  run(input: { title: string; description?: string; text?: string }, nowMs: number): number {
    const wts = this.weights;
    this.vocab.advance(nowMs);
    this.entities.clear();
    this.n = 0;
    const title = plain(input.title);
    this.field(title, title.length, 1);
    if (input.description && wts.description > 0) {
      const text = plain(input.description);
      this.field(text, leadEnd(text, wts.leadWords), wts.description);
    }
    if (input.text && wts.text > 0) {
      const text = plain(input.text);
      this.field(text, leadEnd(text, wts.leadWords), wts.text);
    }

    const n = this.n;
    const ids = this.ids;
    sortIds(ids, n);
    this.vocab.observe(ids, n);
    const w = this.w;
    const keys = this.tKeys;
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const id = ids[k]!;
      const at = this.slot(id);
      const f = this.tf[at]!;
      const x = (f <= 1 ? f : 1 + Math.log(f)) * this.vocab.idf(id) * this.boost[at]!;
      w[k] = x;
      norm += x * x;
      this.plain[k] = this.boost[at] === 1 ? 1 : 0;
      // Remember the place: clearing entries one by one would break the probe chains of those after.
      this.at[k] = at;
    }
    for (let k = 0; k < n; k++) keys[this.at[k]!] = -1;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < n; k++) w[k] = w[k]! / norm;
    return n;
  }

  /** Where `id` sits in the term table, or the empty place it would take. */
  private slot(id: number): number {
    const keys = this.tKeys;
    const mask = keys.length - 1;
    let at = Math.imul(id, 0x9e3779b1) >>> this.tShift;
    while (keys[at] !== id && keys[at] !== -1) at = (at + 1) & mask;
    return at;
  }

  private add(id: number, amount: number, boost: number): void {
    let at = this.slot(id);
    if (this.tKeys[at] === -1) {
      if (this.n * 4 >= this.tKeys.length) {
        // Keep the table at most a quarter full; rebuilt from the ids seen so far.
        const size = this.tKeys.length * 2;
        const oldKeys = this.tKeys;
        const oldTf = this.tf;
        const oldBoost = this.boost;
        this.tKeys = new Int32Array(size).fill(-1);
        this.tf = new Float64Array(size);
        this.boost = new Float64Array(size);
        this.tShift--;
        for (let k = 0; k < oldKeys.length; k++) {
          if (oldKeys[k] === -1) continue;
          const to = this.slot(oldKeys[k]!);
          this.tKeys[to] = oldKeys[k]!;
          this.tf[to] = oldTf[k]!;
          this.boost[to] = oldBoost[k]!;
        }
        at = this.slot(id);
      }
      if (this.n === this.ids.length) {
        const ids = new Int32Array(this.n * 2);
        ids.set(this.ids);
        this.ids = ids;
        this.w = new Float64Array(this.n * 2);
        this.plain = new Uint8Array(this.n * 2);
        this.at = new Int32Array(this.n * 2);
      }
      this.ids[this.n++] = id;
      this.tKeys[at] = id;
      this.tf[at] = 0;
      this.boost[at] = 0;
    }
    this.tf[at]! += amount;
    if (boost > this.boost[at]!) this.boost[at] = boost;
  }

  /** Adds the words of `text[0, to)`, weighted by `weight`. */
  private field(text: string, to: number, weight: number): void {
    const wts = this.weights;
    const vocab = this.vocab;
    const entities = this.entities;
    const run = this.scanned;
    const words = this.words;
    words.scan(text, run, 0, to);
    const { count, typographic, lower, flags, initial, nIds, ids: runIds } = run;
    // Each term's vocabulary record is a cache miss: read them all first, so that the misses overlap.
    let touched = 0;
    for (let i = 0; i < count; i++) if (nIds[i]! > 0) touched += vocab.docFreq(runIds[i * 3]!);
    this.prefetched = touched;
    // First word of the name being read (a run of names), or -1.
    let nameFirst = -1;
    let prevNameTerm = -1;
    let prevNameWord = -1;
    for (let i = 0; i < count; i++) {
      const f = flags[i]!;
      const number = (f & W_NUMBER) !== 0;
      let ids: ArrayLike<number> = runIds;
      let base = i * 3;
      let nt = nIds[i]!;
      if (nt < 0) {
        ids = words.idsOf(words.info(run, i));
        base = 0;
        nt = ids.length;
      }
      const blind = typographic || initial[i] === 1;
      const acronym = (f & W_ACRONYM) !== 0 && lower;
      let isName = false;
      if (!number && nt > 0) {
        // Learn capitalisation where it is informative, then decide from this text or from what was learned.
        const cap = (f & W_CAP) !== 0;
        if (!blind) for (let k = 0; k < nt; k++) vocab.noteCase(ids[base + k]!, cap || acronym);
        isName = acronym || (blind ? vocab.isName(ids[base + nt - 1]!) : cap);
      }
      const boost = isName ? wts.name : number ? wts.number : 1;
      for (let k = 0; k < nt; k++) this.add(ids[base + k]!, weight, boost);
      if (number && run.end[i]! - run.start[i]! >= 2) entities.add(run, i, i);
      if (isName) {
        const last = ids[base + nt - 1]!;
        if (nameFirst >= 0 && !continuesName(run.text, run.start[i - 1]!, run.end[i - 1]!, run.start[i]!)) {
          entities.add(run, nameFirst, i - 1);
          nameFirst = -1;
        }
        if (nameFirst < 0) nameFirst = i;
        // Adjacent names form a name of their own: "sam altman" is more specific than "sam" and "altman".
        if (wts.namePair > 0 && prevNameTerm >= 0 && prevNameTerm !== last) {
          this.add(this.pair(prevNameTerm, prevNameWord, last, i), weight * wts.namePair, wts.name);
        }
        prevNameTerm = last;
        prevNameWord = i;
        // A possessive ends the name: "OpenAI's Sam Altman" names OpenAI and Sam Altman.
        if (possessiveLength(run.text, run.start[i]!, run.end[i]!) > 0) {
          entities.add(run, nameFirst, i);
          nameFirst = -1;
        }
      } else {
        if (nameFirst >= 0) entities.add(run, nameFirst, i - 1);
        nameFirst = -1;
        // Stopwords between names break the run ("Bank of England" stays two names; good enough).
        prevNameTerm = -1;
      }
    }
    if (nameFirst >= 0) entities.add(run, nameFirst, count - 1);
  }

  /** Term id of the name pair of term `a` (last term of word `wordA`) and term `b` (of word `wordB`). */
  private pair(a: number, wordA: number, b: number, wordB: number): number {
    const vocab = this.vocab;
    const keys = this.pairKeys;
    if (this.pairStamp !== vocab.stamp || this.pairCount * 2 >= PAIR_SLOTS) {
      keys.fill(-1);
      this.pairCount = 0;
      this.pairStamp = vocab.stamp;
    }
    const mask = PAIR_SLOTS - 1;
    let at = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> (32 - PAIR_BITS);
    for (;;) {
      const k = keys[2 * at]!;
      if (k === -1) break;
      if (k === a && keys[2 * at + 1] === b) return this.pairIds[at]!;
      at = (at + 1) & mask;
    }
    // Joined, not concatenated: a join is one flat string, which the vocabulary can keep as it is for as long
    // as the pair is used (see `ownCopy`), and which is hashed without being flattened first.
    const key = [vocab.term(a), vocab.term(b)].join('_');
    // Most pairs are known already: their surface need not be built.
    let id = vocab.lookup(key);
    if (id === undefined) {
      const words = this.words;
      const run = this.scanned;
      const infoA = words.info(run, wordA);
      const infoB = words.info(run, wordB);
      id = vocab.add(
        key,
        [surfaceAt(infoA, infoA.termCount - 1), surfaceAt(infoB, infoB.termCount - 1)].join(' '),
      );
    }
    keys[2 * at] = a;
    keys[2 * at + 1] = b;
    this.pairIds[at] = id;
    this.pairCount++;
    return id;
  }
}

/** Sorts the first `n` ids ascending: by insertion when few, which beats the library sort's overhead. */
function sortIds(ids: Int32Array, n: number): void {
  if (n > 64) {
    ids.subarray(0, n).sort();
    return;
  }
  for (let k = 1; k < n; k++) {
    const x = ids[k]!;
    let p = k;
    while (p > 0 && ids[p - 1]! > x) {
      ids[p] = ids[p - 1]!;
      p--;
    }
    ids[p] = x;
  }
}

/** Dot product of two sparse vectors with ascending ids. */
export function dot(
  aIds: readonly number[],
  aW: readonly number[],
  bIds: readonly number[],
  bW: readonly number[],
): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < aIds.length && j < bIds.length) {
    const a = aIds[i]!;
    const b = bIds[j]!;
    if (a === b) s += aW[i++]! * bW[j++]!;
    else if (a < b) i++;
    else j++;
  }
  return s;
}
