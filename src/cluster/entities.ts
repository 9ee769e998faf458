import { FNV_OFFSET, FNV_PRIME, fnv1a } from './fnv.js';
import type { WordCache, WordRun } from './tokenize.js';
import { grownI32 } from './vocabulary.js';

function lowerAscii(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

const DOT = 46;

/** An entity's key: its name in lower case without dots, so that "U.S." and "US" are one entity. */
export function entityKey(name: string): string {
  const key = name.toLowerCase();
  return key.includes('.') ? key.replaceAll('.', '') : key;
}

/** Hash of an entity's key (see `entityKey`), the same whether taken from the key or from a text. */
export function keyHash(key: string): number {
  return fnv1a(key);
}

/** True when `name` has the key `key`; without building the key when both are ASCII and `name` has no dot. */
export function hasKey(name: string, key: string): boolean {
  if (name.length === key.length) {
    let k = 0;
    for (; k < name.length; k++) {
      const c = name.charCodeAt(k);
      if (c >= 128 || c === DOT || key.charCodeAt(k) >= 128) break;
      if (lowerAscii(c) !== key.charCodeAt(k)) return false;
    }
    if (k === name.length) return true;
  }
  return entityKey(name) === key;
}

/** Length of the possessive ending ("'s", "’s") of the word `text[start, end)`, or 0. */
export function possessiveLength(text: string, start: number, end: number): number {
  if (end - start < 3) return 0;
  const s = text.charCodeAt(end - 1);
  const apostrophe = text.charCodeAt(end - 2);
  return (s === 115 || s === 83) && (apostrophe === 39 || apostrophe === 0x2019) ? 2 : 0;
}

/**
 * True when the words ending at `prevEnd` and starting at `start` can belong to one name: only spaces between
 * them, or the dot of a title's abbreviation ("Gen. Smith", "Dr. Ruth"). A comma, a colon, a question mark or
 * the full stop after an acronym ends the name: "Javier Milei, Argentina's president" names Javier Milei and
 * Argentina, "talks at the UN. Guterres said" names the UN and Guterres.
 */
export function continuesName(text: string, prevStart: number, prevEnd: number, start: number): boolean {
  let k = prevEnd;
  if (text.charCodeAt(k) === DOT && isTitleAbbreviation(text, prevStart, prevEnd)) k++;
  for (; k < start; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 0xa0) return false;
  }
  return true;
}

/** A capital and one to three small letters: "Gen", "Dr", "Mrs", "Prof". */
function isTitleAbbreviation(text: string, start: number, end: number): boolean {
  if (end - start < 2 || end - start > 4) return false;
  const first = text.charCodeAt(start);
  if (first < 65 || first > 90) return false;
  for (let k = start + 1; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** True when `text[start, end)` is the name of a weekday, in any case: a date, not a name of the story. */
function isWeekday(text: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 6 || n > 9) return false;
  next: for (const day of WEEKDAYS) {
    if (day.length !== n) continue;
    for (let k = 0; k < n; k++)
      if (lowerAscii(text.charCodeAt(start + k)) !== day.charCodeAt(k)) continue next;
    return true;
  }
  return false;
}

/**
 * The names and numbers of an item (its entities), kept as the words of the texts they were read from, joined
 * by single spaces: most of them only add to a count in a story that has them already, which needs no string.
 * Strings are built for the few a story takes in.
 */
export class ItemEntities {
  count = 0;
  /** Per entity, the hash of its key (see `keyHash`), and whether it is all ASCII (lower-cased by table). */
  hashes = new Int32Array(16);
  ascii = new Uint8Array(16);
  private texts: string[] = [];
  /** Per entity, its first word (an index into `spans`, which holds each word's start and end) and words. */
  private first = new Int32Array(16);
  private words = new Int32Array(16);
  private length = new Int32Array(16);
  private spans = new Int32Array(64);
  private used = 0;

  constructor(private readonly cache: WordCache) {}

  /** Forgets the entities; their texts are overwritten rather than let go, so that the array keeps its room. */
  clear(): void {
    this.count = 0;
    this.used = 0;
  }

  /**
   * Adds words `a` to `b` of the text last scanned into `run`, unless the item has the same spelling already.
   * A possessive ending is left off ("Argentina's" is Argentina), and so is a weekday in front ("On Sunday
   * Argentina voted"); a lone weekday is not taken.
   */
  add(run: WordRun, from: number, b: number): void {
    const text = run.text;
    const a = from < b && isWeekday(text, run.start[from]!, run.end[from]!) ? from + 1 : from;
    const words = b - a + 1;
    const lastEnd = run.end[b]! - possessiveLength(text, run.start[b]!, run.end[b]!);
    if (words === 1 && isWeekday(text, run.start[a]!, lastEnd)) return;
    if (this.used + 2 * words > this.spans.length)
      this.spans = grownI32(this.spans, 2 * (this.used + 2 * words));
    const first = this.used;
    let h = FNV_OFFSET;
    let length = words - 1;
    let ascii = 1;
    for (let i = a; i <= b; i++) {
      if (i > a) h = Math.imul(h ^ 32, FNV_PRIME);
      const start = run.start[i]!;
      const end = i === b ? lastEnd : run.end[i]!;
      this.spans[this.used++] = start;
      this.spans[this.used++] = end;
      length += end - start;
      for (let k = start; k < end; k++) {
        const c = text.charCodeAt(k);
        if (c >= 128) ascii = 0;
        if (c !== DOT) h = Math.imul(h ^ lowerAscii(c), FNV_PRIME);
      }
    }
    for (let e = 0; e < this.count; e++) {
      if (this.hashes[e] === h && this.length[e] === length && this.sameSpelling(e, text, first, words)) {
        this.used = first;
        return;
      }
    }
    const e = this.count++;
    if (e === this.first.length) {
      this.first = grownI32(this.first, e * 2);
      this.words = grownI32(this.words, e * 2);
      this.length = grownI32(this.length, e * 2);
      this.hashes = grownI32(this.hashes, e * 2);
      const wider = new Uint8Array(e * 2);
      wider.set(this.ascii);
      this.ascii = wider;
    }
    this.texts[e] = text;
    this.first[e] = first;
    this.words[e] = words;
    this.length[e] = length;
    this.hashes[e] = h;
    this.ascii[e] = ascii;
  }

  /**
   * The entity as written: its words joined by single spaces. A one-word name is the word cache's own string,
   * shared with the cache; a longer one is a new string anyway, built from the text, which is at hand, where
   * reaching each word's string in the cache is a cache miss or two.
   */
  name(e: number): string {
    const text = this.texts[e]!;
    let at = this.first[e]!;
    const words = this.words[e]!;
    if (words === 1) return this.cache.spelling(text, this.spans[at]!, this.spans[at + 1]!);
    // Joined rather than concatenated, so that a story keeps one flat string that holds no part of the text
    // (see `ownCopy`).
    const parts = new Array<string>(words);
    for (let w = 0; w < words; w++, at += 2) parts[w] = text.slice(this.spans[at]!, this.spans[at + 1]!);
    return parts.join(' ');
  }

  /** True when entity `e` is written with some lower case (not shouted, nor a number). */
  hasLower(e: number): boolean {
    const text = this.texts[e]!;
    const end = this.first[e]! + 2 * this.words[e]!;
    for (let at = this.first[e]!; at < end; at += 2) {
      for (let k = this.spans[at]!; k < this.spans[at + 1]!; k++) {
        const c = text.charCodeAt(k);
        if (c >= 97 && c <= 122) return true;
      }
    }
    return false;
  }

  /** True when `name` has the key of entity `e`, an ASCII one (see `entityKey`). */
  hasKey(e: number, name: string): boolean {
    const text = this.texts[e]!;
    let at = this.first[e]!;
    let k = 0;
    for (let w = 0; w < this.words[e]!; w++, at += 2) {
      if (w > 0 && name.charCodeAt(k++) !== 32) return false;
      for (let i = this.spans[at]!; i < this.spans[at + 1]!; i++, k++) {
        const c = name.charCodeAt(k);
        const d = text.charCodeAt(i);
        // Outside ASCII, lower-casing may change the length or map to ASCII, and dots do not count: compare
        // the keys.
        if (c >= 128 || c === DOT || d === DOT) return entityKey(name) === entityKey(this.name(e));
        if (lowerAscii(c) !== lowerAscii(d)) return false;
      }
    }
    if (k === name.length) return true;
    return entityKey(name) === entityKey(this.name(e));
  }

  /** True when entity `e` is spelt as the `words` words from `spans[first]` of `text`. */
  private sameSpelling(e: number, text: string, first: number, words: number): boolean {
    if (this.words[e] !== words) return false;
    const other = this.texts[e]!;
    const spans = this.spans;
    for (let w = 0; w < 2 * words; w += 2) {
      const a = spans[this.first[e]! + w]!;
      const b = spans[first + w]!;
      const n = spans[first + w + 1]! - b;
      if (spans[this.first[e]! + w + 1]! - a !== n) return false;
      for (let k = 0; k < n; k++) if (other.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
    }
    return true;
  }
}
