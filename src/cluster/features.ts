import { type Token, tokenizeText } from './tokenize.js';
import type { Vocabulary } from './vocabulary.js';

export interface FeatureWeights {
  /** Weight of the description relative to the title. */
  description: number;
  /** Weight of the article lead relative to the title. */
  text: number;
  /** Words of the article text used (its lead says what the story is; the rest drifts). */
  textWords: number;
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
  textWords: 150,
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

interface Field {
  tokens: Token[];
  weight: number;
}

function leadWords(text: string, words: number): string {
  let count = 0;
  let i = 0;
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (++count > words) break;
    i = m.index + m[0].length;
  }
  return text.slice(0, i);
}

/**
 * Turns an item's text into a unit TF-IDF vector using the document frequencies known so far (the item
 * itself included), and records the item in the vocabulary.
 */
export function itemFeatures(
  vocab: Vocabulary,
  input: { title: string; description?: string; text?: string },
  nowMs: number,
  weights: FeatureWeights,
): ItemFeatures {
  const fields: Field[] = [{ tokens: tokenizeText(input.title), weight: 1 }];
  if (input.description && weights.description > 0) {
    fields.push({ tokens: tokenizeText(input.description), weight: weights.description });
  }
  if (input.text && weights.text > 0) {
    fields.push({ tokens: tokenizeText(leadWords(input.text, weights.textWords)), weight: weights.text });
  }

  const tf = new Map<number, number>();
  const boost = new Map<number, number>();
  const entities: string[] = [];
  const entitySeen = new Set<string>();
  const addEntity = (name: string) => {
    const key = name.toLowerCase();
    if (entitySeen.has(key)) return;
    entitySeen.add(key);
    entities.push(name);
  };

  for (const field of fields) {
    const ids = field.tokens.map((t) => vocab.intern(t.term, t.surface));
    // Learn capitalisation first, so that this text's own evidence counts.
    field.tokens.forEach((t, i) => {
      if (!t.caseBlind && !t.number) vocab.noteCase(ids[i]!, t.cap || t.acronym);
    });
    const names = field.tokens.map(
      (t, i) => !t.number && (t.acronym || (t.caseBlind ? vocab.isName(ids[i]!) : t.cap)),
    );
    let run: string[] = [];
    let runEnd = -2;
    const flush = () => {
      if (run.length > 0) addEntity(run.join(' '));
      run = [];
    };
    field.tokens.forEach((t, i) => {
      const id = ids[i]!;
      tf.set(id, (tf.get(id) ?? 0) + field.weight);
      const b = names[i] ? weights.name : t.number ? weights.number : 1;
      if (b > (boost.get(id) ?? 1)) boost.set(id, b);
      if (t.number && t.raw.length >= 2) addEntity(t.raw);
      if (names[i]) {
        if (t.pos !== runEnd + 1) flush();
        if (run.length === 0 || run[run.length - 1] !== t.raw) run.push(t.raw);
        runEnd = t.pos;
        // Adjacent names form a name of their own: "sam altman" is more specific than "sam" and "altman".
        const prev = field.tokens[i - 1];
        if (weights.namePair > 0 && prev && names[i - 1] && prev.pos === t.pos - 1 && prev.term !== t.term) {
          const pid = vocab.intern(`${prev.term}_${t.term}`, `${prev.surface} ${t.surface}`);
          tf.set(pid, (tf.get(pid) ?? 0) + field.weight * weights.namePair);
          if (weights.name > (boost.get(pid) ?? 1)) boost.set(pid, weights.name);
        }
      } else flush();
    });
    flush();
  }

  vocab.observe(tf.keys(), nowMs);
  const ids = [...tf.keys()].sort((a, b) => a - b);
  const w: number[] = [];
  let norm = 0;
  for (const id of ids) {
    const f = tf.get(id)!;
    const x = (f <= 1 ? f : 1 + Math.log(f)) * vocab.idf(id, nowMs) * (boost.get(id) ?? 1);
    w.push(x);
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < w.length; i++) w[i]! /= norm;
  return { vec: { ids, w }, entities };
}

/** Dot product of two sparse vectors with ascending ids. */
export function dot(aIds: number[], aW: number[], bIds: number[], bW: number[]): number {
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
