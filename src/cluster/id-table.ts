import { fnv1a } from './fnv.js';

const MIN_BITS = 6;
const EMPTY = -1;

/** FNV-1a of the string's UTF-16 units, finished so that its high bits (which pick the place) mix every unit. */
function hashOf(key: string): number {
  let h = fnv1a(key);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Strings (item ids, story ids, terms) to non-negative ints: an open-addressing table that keeps each key's
 * hash beside its value. A `Map` of hundreds of thousands of keys walks a chain of entries and reads their key
 * strings to find out that a key is new, a cache miss each; here one read of the place, and of a key only when
 * its hash matches, answers. Linear probing; a removal moves later keys of the run back, so no tombstones
 * build up.
 *
 * Given `keyOf`, the table keeps no keys of its own: the key of a value is `keyOf(value)` (a term is found from
 * its id), which must hold from `set` until `delete`. Growing then copies ints only.
 */
export class IdTable {
  private bits = MIN_BITS;
  /** Per place: the key's hash and its value (`EMPTY`: a free place). */
  private places = new Int32Array(2 << MIN_BITS).fill(EMPTY);
  private keys: (string | undefined)[] = new Array(1 << MIN_BITS).fill(undefined);
  private count = 0;

  constructor(private readonly keyOf?: (value: number) => string) {
    if (keyOf) this.keys = [];
  }

  get size(): number {
    return this.count;
  }

  /** The value of `key`, or -1. */
  get(key: string): number {
    const at = this.find(key, hashOf(key));
    return at < 0 ? -1 : this.places[2 * at + 1]!;
  }

  has(key: string): boolean {
    return this.find(key, hashOf(key)) >= 0;
  }

  /** Sets the value (a non-negative int) of `key`. */
  set(key: string, value: number): void {
    if (!(value >= 0 && value <= 0x7fffffff && Number.isInteger(value)))
      throw new RangeError(`IdTable value must be a non-negative int, got ${value}`);
    const h = hashOf(key);
    const at = this.find(key, h);
    if (at >= 0) {
      this.places[2 * at + 1] = value;
      return;
    }
    if ((this.count + 1) * 2 > 1 << this.bits) this.resize(this.bits + 1);
    this.put(~this.find(key, h), key, h, value);
    this.count++;
  }

  /** Removes `key`; true when it was there. */
  delete(key: string): boolean {
    const at = this.find(key, hashOf(key));
    if (at < 0) return false;
    this.removeAt(at);
    this.count--;
    // Memory follows the ids held: a table an eighth full halves.
    if (this.bits > MIN_BITS && this.count * 8 < 1 << this.bits) this.resize(this.bits - 1);
    return true;
  }

  /** The place holding `key`, or the complement of the free place where it would go. */
  private find(key: string, h: number): number {
    const places = this.places;
    const mask = (1 << this.bits) - 1;
    let at = h >>> (32 - this.bits);
    for (;;) {
      if (places[2 * at + 1] === EMPTY) return ~at;
      if (places[2 * at] === h && this.keyAt(at) === key) return at;
      at = (at + 1) & mask;
    }
  }

  private keyAt(at: number): string | undefined {
    return this.keyOf ? this.keyOf(this.places[2 * at + 1]!) : this.keys[at];
  }

  private put(at: number, key: string | undefined, h: number, value: number): void {
    this.places[2 * at] = h;
    this.places[2 * at + 1] = value;
    if (!this.keyOf) this.keys[at] = key;
  }

  /** Empties place `at`, moving back each later key of its run that the gap would cut off from its home. */
  private removeAt(at: number): void {
    const places = this.places;
    const mask = (1 << this.bits) - 1;
    const shift = 32 - this.bits;
    let gap = at;
    let next = (gap + 1) & mask;
    while (places[2 * next + 1] !== EMPTY) {
      const home = places[2 * next]! >>> shift;
      // The key at `next` may fill the gap when its home is not in the cyclic range (gap, next].
      if (((next - home) & mask) >= ((next - gap) & mask)) {
        this.put(gap, this.keys[next], places[2 * next]!, places[2 * next + 1]!);
        gap = next;
      }
      next = (next + 1) & mask;
    }
    places[2 * gap + 1] = EMPTY;
    if (!this.keyOf) this.keys[gap] = undefined;
  }

  private resize(bits: number): void {
    const oldPlaces = this.places;
    const oldKeys = this.keys;
    this.bits = bits;
    this.places = new Int32Array(2 << bits).fill(EMPTY);
    if (!this.keyOf) this.keys = new Array(1 << bits).fill(undefined);
    const mask = (1 << bits) - 1;
    for (let k = 0; k < oldPlaces.length >> 1; k++) {
      if (oldPlaces[2 * k + 1] === EMPTY) continue;
      const h = oldPlaces[2 * k]!;
      let at = h >>> (32 - bits);
      while (this.places[2 * at + 1] !== EMPTY) at = (at + 1) & mask;
      this.put(at, oldKeys[k], h, oldPlaces[2 * k + 1]!);
    }
  }
}
