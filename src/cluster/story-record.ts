import { entityKey, hasKey, type ItemEntities, keyHash } from './entities.js';
import { hasAsciiLower } from './tokenize.js';

/**
 * What a story keeps besides its centroid, in one array: the cold data, read when the story is shown or
 * merged. A live story's own objects are most of what a full garbage collection traces, and one array is
 * two of them (the array and its store) where a record object with a list per kind of value was a dozen.
 *
 * Layout: a header, then four sections of fixed-width entries, in this order:
 * - titles: the few closest to the centroid, best first (`TITLE_SLOTS` each: title, vector, score, arrival,
 *   weight);
 * - outlets, in order of first coverage, each with the arrival number of its first item;
 * - names counted by key (`ENTITY_SLOTS` each: the name as first spelt, the key's `smallHash`, the count);
 * - item ids in arrival order, each with its arrival number, by which merged stories keep that order.
 * The header holds the story id, the ids of stories merged into it, and where each section after the titles
 * starts. Items come last because they grow most: a new item is a push.
 */
export type StoryRecord = RecordValue[];
type RecordValue = string | number | number[] | readonly string[] | undefined;

const ID = 0;
const ABSORBED = 1;
/** Header slots holding where the outlets, the names and the items start. */
const SOURCES_AT = 2;
const ENTITIES_AT = 3;
const ITEMS_AT = 4;
const HEADER = 5;

/** Sections that grow in the middle of the record, by the header slot holding where each ends. */
const TITLES = SOURCES_AT;
const SOURCES = ENTITIES_AT;
const ENTITIES = ITEMS_AT;

export const TITLE_SLOTS = 5;
export const T_TITLE = 0;
/**
 * The title's item vector as (term id, weight) pairs, ids ascending, to rescore against the centroid as the
 * story grows. Absent while the story holds only this title's item: its centroid is that vector, and most
 * stories never get a second.
 */
export const T_VECTOR = 1;
/**
 * The title's headline score: its cosine with the centroid in millionths times its weight. An integer, so that
 * the array holds it inline where a fraction would be a number object of its own.
 */
export const T_SCORE = 2;
export const T_SEQ = 3;
/** 10, or 9 for a title that shouts, asks or trails off: such a title ranks a tenth lower. */
export const T_WEIGHT = 4;
const SOURCE_SLOTS = 2;
const ENTITY_SLOTS = 3;
const E_HASH = 1;
const E_COUNT = 2;
const ITEM_SLOTS = 2;
const ENTITY_POOL = 24;

/** Shared by every story that has absorbed none: never written to. */
const NO_IDS: readonly string[] = Object.freeze([]);

/**
 * A story of one item so far, at its exact length: its title of weight `weight` (to be scored, see
 * `scoreFirstTitle`), its outlet and the item, and no names yet.
 */
export function newRecord(
  id: string,
  itemId: string,
  seq: number,
  source: string | undefined,
  title: string,
  weight: number,
): StoryRecord {
  const at = HEADER + TITLE_SLOTS;
  const items = source ? at + SOURCE_SLOTS : at;
  return source
    ? [id, NO_IDS, at, items, items, title, undefined, 0, seq, weight, source, seq, itemId, seq]
    : [id, NO_IDS, at, items, items, title, undefined, 0, seq, weight, itemId, seq];
}

/** Scores the title a story was made with, from its cosine with the centroid in millionths. */
export function scoreFirstTitle(r: StoryRecord, micros: number): void {
  r[HEADER + T_SCORE] = micros * (r[HEADER + T_WEIGHT] as number);
}

export function storyIdOf(r: StoryRecord): string {
  return r[ID] as string;
}

/** Ids of the stories merged into this one, earliest first. */
export function absorbedOf(r: StoryRecord): readonly string[] {
  return r[ABSORBED] as readonly string[];
}

/** Where a section starts and ends. */
function from(r: StoryRecord, endSlot: number): number {
  return endSlot === TITLES ? HEADER : (r[endSlot - 1] as number);
}

function to(r: StoryRecord, endSlot: number): number {
  return r[endSlot] as number;
}

export function titleCount(r: StoryRecord): number {
  return ((r[SOURCES_AT] as number) - HEADER) / TITLE_SLOTS;
}

/** Where title `k` (0 the best) starts. */
export function titleAt(k: number): number {
  return HEADER + k * TITLE_SLOTS;
}

export function itemCount(r: StoryRecord): number {
  return (r.length - (r[ITEMS_AT] as number)) / ITEM_SLOTS;
}

export function sourceCount(r: StoryRecord): number {
  return ((r[ENTITIES_AT] as number) - (r[SOURCES_AT] as number)) / SOURCE_SLOTS;
}

export function hasSource(r: StoryRecord, source: string): boolean {
  return listsSource(r, r[SOURCES_AT] as number, r[ENTITIES_AT] as number, source);
}

/** True when the outlets in `r[start, end)` include `source`. */
function listsSource(r: StoryRecord, start: number, end: number, source: string): boolean {
  for (let k = start; k < end; k += SOURCE_SLOTS) if (r[k] === source) return true;
  return false;
}

export function itemIds(r: StoryRecord): string[] {
  return firstSlots(r, r[ITEMS_AT] as number, r.length, ITEM_SLOTS);
}

export function sourceNames(r: StoryRecord): string[] {
  return firstSlots(r, r[SOURCES_AT] as number, r[ENTITIES_AT] as number, SOURCE_SLOTS);
}

/** Names with their counts, in the order first seen. */
export function entityCounts(r: StoryRecord): { name: string; count: number }[] {
  const out: { name: string; count: number }[] = [];
  for (let k = r[ENTITIES_AT] as number; k < (r[ITEMS_AT] as number); k += ENTITY_SLOTS)
    out.push({ name: r[k] as string, count: r[k + E_COUNT] as number });
  return out;
}

function firstSlots(r: StoryRecord, start: number, end: number, width: number): string[] {
  const out = new Array<string>((end - start) / width);
  for (let k = 0; k < out.length; k++) out[k] = r[start + k * width] as string;
  return out;
}

export function addItem(r: StoryRecord, itemId: string, seq: number): void {
  r.push(itemId, seq);
}

/** Adds an outlet the story has not had, covered first by the item of arrival number `seq`. */
export function addSource(r: StoryRecord, source: string, seq: number): void {
  const at = open(r, SOURCES, to(r, SOURCES), SOURCE_SLOTS);
  r[at] = source;
  r[at + 1] = seq;
}

/**
 * Makes room for `n` slots at `at`, the end of (or a place in) the section ending at header slot `endSlot`,
 * and moves the later sections along. Moved by hand: `splice` allocates an array for what it removes.
 */
function open(r: StoryRecord, endSlot: number, at: number, n: number): number {
  const len = r.length;
  for (let k = 0; k < n; k++) r.push(undefined);
  for (let k = len - 1; k >= at; k--) r[k + n] = r[k];
  for (let h = endSlot; h <= ITEMS_AT; h++) (r[h] as number) += n;
  return at;
}

/** Removes `n` slots at `at`, in the section ending at header slot `endSlot`. */
function close(r: StoryRecord, endSlot: number, at: number, n: number): void {
  for (let k = at + n; k < r.length; k++) r[k - n] = r[k];
  r.length -= n;
  for (let h = endSlot; h <= ITEMS_AT; h++) (r[h] as number) -= n;
}

/** Puts a title at rank `k`, moving later ones down; the caller keeps the pool's size. */
export function insertTitle(
  r: StoryRecord,
  k: number,
  title: string,
  vector: number[] | undefined,
  score: number,
  seq: number,
  weight: number,
): void {
  open(r, TITLES, titleAt(k), TITLE_SLOTS);
  replaceTitle(r, k, title, vector, score, seq, weight);
}

/**
 * Puts a title in place of the one at rank `k`: nothing moves, where dropping that one and inserting would move
 * the rest of the record twice.
 */
export function replaceTitle(
  r: StoryRecord,
  k: number,
  title: string,
  vector: number[] | undefined,
  score: number,
  seq: number,
  weight: number,
): void {
  const at = titleAt(k);
  r[at + T_TITLE] = title;
  r[at + T_VECTOR] = vector;
  r[at + T_SCORE] = score;
  r[at + T_SEQ] = seq;
  r[at + T_WEIGHT] = weight;
}

/** One title's slots while it moves. */
const moving: RecordValue[] = new Array(TITLE_SLOTS).fill(undefined);

/** Best score first, then the earliest; by insertion, as the pool holds a handful. */
export function sortTitles(r: StoryRecord): void {
  const n = titleCount(r);
  for (let k = 1; k < n; k++) {
    const at = titleAt(k);
    const score = r[at + T_SCORE] as number;
    const seq = r[at + T_SEQ] as number;
    let p = k;
    for (; p > 0; p--) {
      const u = titleAt(p - 1);
      const uScore = r[u + T_SCORE] as number;
      if (uScore > score || (uScore === score && (r[u + T_SEQ] as number) < seq)) break;
    }
    if (p === k) continue;
    for (let j = 0; j < TITLE_SLOTS; j++) moving[j] = r[at + j];
    const dest = titleAt(p);
    for (let q = at - 1; q >= dest; q--) r[q + TITLE_SLOTS] = r[q];
    for (let j = 0; j < TITLE_SLOTS; j++) r[dest + j] = moving[j];
  }
  moving.fill(undefined);
}

/**
 * A 32-bit hash cut to 30 bits, so that the record holds it as a small integer rather than as a number
 * object of its own.
 */
function smallHash(h: number): number {
  return h >> 2;
}

/** Counts an entity of the item being added, without building its name if the story has its key. */
export function countItemEntity(r: StoryRecord, entities: ItemEntities, e: number): void {
  if (!entities.ascii[e]) {
    countEntity(r, entities.name(e), 1);
    return;
  }
  const hash = smallHash(entities.hashes[e]!);
  const end = r[ITEMS_AT] as number;
  for (let k = r[ENTITIES_AT] as number; k < end; k += ENTITY_SLOTS) {
    if (r[k + E_HASH] === hash && entities.hasKey(e, r[k] as string)) {
      (r[k + E_COUNT] as number) += 1;
      // A name first seen in a shouted headline takes the spelling of a report that writes it in lower case.
      if (!hasAsciiLower(r[k] as string) && entities.hasLower(e)) r[k] = entities.name(e);
      return;
    }
  }
  addEntity(r, entities.name(e), hash, 1);
}

/** Counts `n` mentions of `name`. */
export function countEntity(r: StoryRecord, name: string, n: number): void {
  const key = entityKey(name);
  const h = smallHash(keyHash(key));
  const end = r[ITEMS_AT] as number;
  for (let k = r[ENTITIES_AT] as number; k < end; k += ENTITY_SLOTS) {
    if (r[k + E_HASH] === h && hasKey(r[k] as string, key)) {
      (r[k + E_COUNT] as number) += n;
      if (!hasAsciiLower(r[k] as string) && hasAsciiLower(name)) r[k] = name;
      return;
    }
  }
  addEntity(r, name, h, n);
}

/** Adds a name to the story's pool; `hash` is its key's `smallHash`. */
function addEntity(r: StoryRecord, name: string, hash: number, n: number): void {
  const start = from(r, ENTITIES);
  const end = to(r, ENTITIES);
  if (end - start >= ENTITY_POOL * ENTITY_SLOTS) {
    // Full: a new name replaces the last of the rarest, which keeps the pool bounded and stable.
    let min = start;
    for (let k = start + ENTITY_SLOTS; k < end; k += ENTITY_SLOTS)
      if ((r[k + E_COUNT] as number) <= (r[min + E_COUNT] as number)) min = k;
    if ((r[min + E_COUNT] as number) > n) return;
    close(r, ENTITIES, min, ENTITY_SLOTS);
  }
  const at = open(r, ENTITIES, to(r, ENTITIES), ENTITY_SLOTS);
  r[at] = name;
  r[at + E_HASH] = hash;
  r[at + E_COUNT] = n;
}

/**
 * The record of `older` with what `younger` adds that is not a matter of scores: items in arrival order, each
 * outlet once at its first coverage, names counted together, and the absorbed ids with `younger`'s own. The
 * titles are `older`'s; the caller offers `younger`'s, scored against the merged centroid.
 */
export function mergedRecord(older: StoryRecord, younger: StoryRecord): StoryRecord {
  const out: StoryRecord = older.slice(0, to(older, TITLES));
  const oldAbsorbed = absorbedOf(older);
  out[ABSORBED] = [...oldAbsorbed, storyIdOf(younger), ...absorbedOf(younger)];
  // Outlets of both, by the arrival of their first item; an outlet both had keeps its earlier arrival.
  let i = from(older, SOURCES);
  let j = from(younger, SOURCES);
  const iEnd = to(older, SOURCES);
  const jEnd = to(younger, SOURCES);
  const sourcesStart = out.length;
  while (i < iEnd || j < jEnd) {
    const fromOlder = j >= jEnd || (i < iEnd && (older[i + 1] as number) <= (younger[j + 1] as number));
    const rec = fromOlder ? older : younger;
    const k = fromOlder ? i : j;
    if (!listsSource(out, sourcesStart, out.length, rec[k] as string)) out.push(rec[k], rec[k + 1]);
    if (fromOlder) i += SOURCE_SLOTS;
    else j += SOURCE_SLOTS;
  }
  out[SOURCES_AT] = sourcesStart;
  out[ENTITIES_AT] = out.length;
  for (let k = from(older, ENTITIES); k < to(older, ENTITIES); k++) out.push(older[k]);
  out[ITEMS_AT] = out.length;
  // Items of both in arrival order.
  i = older[ITEMS_AT] as number;
  j = younger[ITEMS_AT] as number;
  while (i < older.length || j < younger.length) {
    if (j >= younger.length || (i < older.length && (older[i + 1] as number) <= (younger[j + 1] as number))) {
      out.push(older[i], older[i + 1]);
      i += ITEM_SLOTS;
    } else {
      out.push(younger[j], younger[j + 1]);
      j += ITEM_SLOTS;
    }
  }
  for (let k = from(younger, ENTITIES); k < to(younger, ENTITIES); k += ENTITY_SLOTS)
    countEntity(out, younger[k] as string, younger[k + E_COUNT] as number);
  return out;
}
