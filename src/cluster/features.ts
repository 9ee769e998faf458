import { W_ACRONYM, W_CAP, W_NUMBER, WordCache, WordRun } from './tokenize.js';
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

function lead(text: string, words: number): string {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord && ++count > words) return text.slice(0, i);
    inWord = !space;
  }
  return text;
}

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
  n = 0;
  /** Where each output term sits in the term table, for clearing it. */
  private at = new Int32Array(256);
  /** Names and numbers of the last `run`, as written. */
  entities: string[] = [];
  private readonly words: WordCache;
  private readonly scanned = new WordRun();

  constructor(
    private readonly vocab: Vocabulary,
    private readonly weights: FeatureWeights,
  ) {
    this.words = new WordCache(vocab);
  }

  /** Words analysed and kept for reuse. */
  get cachedWords(): number {
    return this.words.size;
  }

  /** Lets the word cache forget words not seen lately; call when the vocabulary is pruned. */
  sweep(): void {
    this.words.sweep();
  }

  extract(input: { title: string; description?: string; text?: string }, nowMs: number): ItemFeatures {
    const n = this.run(input, nowMs);
    return {
      vec: { ids: Array.from(this.ids.subarray(0, n)), w: Array.from(this.w.subarray(0, n)) },
      entities: [...this.entities],
    };
  }

  /** Extracts into `ids`, `w` and `entities` (overwritten by the next call); returns the number of terms. */
  run(input: { title: string; description?: string; text?: string }, nowMs: number): number {
    const wts = this.weights;
    this.vocab.advance(nowMs);
    this.entities = [];
    this.n = 0;
    this.field(plain(input.title), 1);
    if (input.description && wts.description > 0) {
      this.field(lead(plain(input.description), wts.leadWords), wts.description);
    }
    if (input.text && wts.text > 0) this.field(lead(plain(input.text), wts.leadWords), wts.text);

    const n = this.n;
    const ids = this.ids;
    if (n > 1) ids.subarray(0, n).sort();
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

  private field(text: string, weight: number): void {
    const wts = this.weights;
    const vocab = this.vocab;
    const entities = this.entities;
    const run = this.scanned;
    this.words.scan(text, run);
    const { count, typographic, lower, flags, initial, nIds, ids: runIds, info } = run;
    let name = '';
    let prevNameTerm = -1;
    let prevNameSurface = '';
    for (let i = 0; i < count; i++) {
      const f = flags[i]!;
      const number = (f & W_NUMBER) !== 0;
      let ids: ArrayLike<number> = runIds;
      let base = i * 3;
      let nt = nIds[i]!;
      if (nt < 0) {
        ids = info[i]!.ids!;
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
      if (number && info[i]!.raw.length >= 2) pushEntity(entities, info[i]!.raw);
      if (isName) {
        const word = info[i]!;
        const last = ids[base + nt - 1]!;
        name = name ? `${name} ${word.raw}` : word.raw;
        const surface = word.surfaces[word.surfaces.length - 1]!;
        // Adjacent names form a name of their own: "sam altman" is more specific than "sam" and "altman".
        if (wts.namePair > 0 && prevNameTerm >= 0 && prevNameTerm !== last) {
          const key = `${vocab.term(prevNameTerm)}_${vocab.term(last)}`;
          // Most pairs are known already: their surface need not be built.
          const pair = vocab.lookup(key) ?? vocab.intern(key, `${prevNameSurface} ${surface}`);
          this.add(pair, weight * wts.namePair, wts.name);
        }
        prevNameTerm = last;
        prevNameSurface = surface;
      } else {
        if (name) pushEntity(entities, name);
        name = '';
        // Stopwords between names break the run ("Bank of England" stays two names; good enough).
        prevNameTerm = -1;
      }
    }
    if (name) pushEntity(entities, name);
  }
}

function pushEntity(entities: string[], name: string): void {
  if (!entities.includes(name)) entities.push(name);
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
