import { type Scan, scan, type WordInfo } from './tokenize.js';
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
  private tf = new Float64Array(1024);
  private boost = new Float64Array(1024);
  private touched: number[] = [];

  constructor(
    private readonly vocab: Vocabulary,
    private readonly weights: FeatureWeights,
  ) {}

  extract(input: { title: string; description?: string; text?: string }, nowMs: number): ItemFeatures {
    const wts = this.weights;
    this.vocab.advance(nowMs);
    const entities: string[] = [];
    this.field(scan(plain(input.title)), 1, entities);
    if (input.description && wts.description > 0) {
      this.field(scan(lead(plain(input.description), wts.leadWords)), wts.description, entities);
    }
    if (input.text && wts.text > 0)
      this.field(scan(lead(plain(input.text), wts.leadWords)), wts.text, entities);

    const ids = this.touched.sort((a, b) => a - b);
    this.touched = [];
    this.vocab.observe(ids);
    const w: number[] = new Array(ids.length);
    let norm = 0;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const f = this.tf[id]!;
      const x = (f <= 1 ? f : 1 + Math.log(f)) * this.vocab.idf(id) * this.boost[id]!;
      w[k] = x;
      norm += x * x;
      this.tf[id] = 0;
      this.boost[id] = 0;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < w.length; k++) w[k] = w[k]! / norm;
    return { vec: { ids, w }, entities };
  }

  private idsOf(word: WordInfo): number[] {
    if (word.stamp === this.vocab.stamp && word.ids) return word.ids;
    const ids = word.terms.map((t, j) => this.vocab.intern(t, word.surfaces[j]!));
    word.ids = ids;
    word.stamp = this.vocab.stamp;
    return ids;
  }

  private add(id: number, amount: number, boost: number): void {
    if (id >= this.tf.length) {
      const size = Math.max(id + 1, this.tf.length * 2);
      const tf = new Float64Array(size);
      tf.set(this.tf);
      this.tf = tf;
      const b = new Float64Array(size);
      b.set(this.boost);
      this.boost = b;
    }
    if (this.tf[id] === 0) this.touched.push(id);
    this.tf[id]! += amount;
    if (boost > this.boost[id]!) this.boost[id] = boost;
  }

  private field(text: Scan, weight: number, entities: string[]): void {
    const wts = this.weights;
    const vocab = this.vocab;
    const { words, initial, typographic, lower } = text;
    let run = '';
    let prevNameTerm = -1;
    let prevNameSurface = '';
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      const ids = this.idsOf(word);
      const blind = typographic || initial[i]!;
      const acronym = word.acronym && lower;
      let name = false;
      if (!word.number && ids.length > 0) {
        // Learn capitalisation where it is informative, then decide from this text or from what was learned.
        if (!blind) for (const id of ids) vocab.noteCase(id, word.cap || acronym);
        name = acronym || (blind ? vocab.isName(ids[ids.length - 1]!) : word.cap);
      }
      const boost = name ? wts.name : word.number ? wts.number : 1;
      for (const id of ids) this.add(id, weight, boost);
      if (word.number && word.raw.length >= 2) pushEntity(entities, word.raw);
      if (name) {
        const last = ids[ids.length - 1]!;
        run = run ? `${run} ${word.raw}` : word.raw;
        // Adjacent names form a name of their own: "sam altman" is more specific than "sam" and "altman".
        if (wts.namePair > 0 && prevNameTerm >= 0 && prevNameTerm !== last) {
          const pair = vocab.intern(
            `${vocab.term(prevNameTerm)}_${vocab.term(last)}`,
            `${prevNameSurface} ${word.surfaces[word.surfaces.length - 1]}`,
          );
          this.add(pair, weight * wts.namePair, wts.name);
        }
        prevNameTerm = last;
        prevNameSurface = word.surfaces[word.surfaces.length - 1]!;
      } else {
        if (run) pushEntity(entities, run);
        run = '';
        // Stopwords between names break the run ("Bank of England" stays two names; good enough).
        prevNameTerm = -1;
      }
    }
    if (run) pushEntity(entities, run);
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
