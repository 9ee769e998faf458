import { IdTable } from './id-table.js';

let stamps = 0;

/** Ints in a term's record, and where the record keeps its holders and the owner's link. */
export const TERM_INTS = 8;
export const HELD = 6;
export const LINK = 7;

/** A copy of `a` in a larger array (typed arrays cannot grow in place). */
export function grownF64(a: Float64Array, size: number) {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

export function grownI32(a: Int32Array, size: number) {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/**
 * Term dictionary with integer ids and incremental, time-decayed document frequencies.
 *
 * Document frequencies decay with a half-life so that IDF reflects what the news is saying lately, and so
 * that terms nobody uses any more can be forgotten: memory follows the retention window, not the age of
 * the process. Counts are kept in units that grow with time (each new document adds exp(λ(t - t₀))), so
 * decaying them costs nothing per term. Per-term data sits in typed arrays indexed by id.
 */
export class Vocabulary {
  private terms: string[] = [];
  /** Terms to ids; a term is read from `terms`, so the table holds no strings of its own. */
  private readonly ids = new IdTable((id) => this.terms[id]!);
  /** Lower-case unstemmed form first seen, for display. */
  surface: string[] = [];
  /**
   * One record of `TERM_INTS` ints (32 bytes) per term, so that one cache line serves every lookup of a term:
   * as doubles, the decayed document frequency, then capitalised and lower-case sightings where case is
   * informative (which learns the words that are names); as ints at `HELD` and `LINK`, the live stories whose
   * centroid holds the term (a held term is never forgotten) and an int kept for the owner (0 when new).
   */
  private stats = new Float64Array((TERM_INTS / 2) * 1024);
  ints = new Int32Array(this.stats.buffer);
  private readonly free: number[] = [];
  private docs = 0;
  private readonly lambda: number;
  private refMs = Number.NaN;
  private unit = 1;
  /** Changes whenever ids may have been reused, so that caches of ids know to refresh. */
  stamp = ++stamps;

  /**
   * `priorDocs` pseudo-documents that contain no term keep IDF sane at cold start: after five articles about
   * one story, the words they share are still informative, not weightless.
   */
  constructor(
    halfLifeHours: number,
    private readonly priorDocs = 50,
  ) {
    this.lambda = Math.LN2 / (halfLifeHours * 3_600_000);
  }

  get size(): number {
    return this.ids.size;
  }

  lookup(term: string): number | undefined {
    const id = this.ids.get(term);
    return id < 0 ? undefined : id;
  }

  intern(term: string, surface: string): number {
    const id = this.ids.get(term);
    return id < 0 ? this.add(term, surface) : id;
  }

  /** Gives a new id to `term`, which must not have one. */
  add(term: string, surface: string): number {
    const id = this.free.pop() ?? this.terms.length;
    if ((id + 1) * TERM_INTS > this.ints.length) this.grow(id + 1);
    this.terms[id] = term;
    this.ids.set(term, id);
    this.surface[id] = surface;
    const ints = this.ints;
    for (let k = id * TERM_INTS; k < (id + 1) * TERM_INTS; k++) ints[k] = 0;
    return id;
  }

  private grow(min: number): void {
    const size = Math.max(min, (this.ints.length / TERM_INTS) * 2);
    this.stats = grownF64(this.stats, size * (TERM_INTS / 2));
    this.ints = new Int32Array(this.stats.buffer);
  }

  /** Live stories whose centroid holds the term. */
  held(id: number): number {
    return this.ints[id * TERM_INTS + HELD]!;
  }

  /** Counts `n` more (or, negative, fewer) live stories holding the term. */
  hold(id: number, n: number): void {
    this.ints[id * TERM_INTS + HELD]! += n;
  }

  term(id: number): string {
    return this.terms[id]!;
  }

  /** Moves the clock (never backwards); counts added from now on weigh exp(λ(now - t₀)). */
  advance(nowMs: number): void {
    if (Number.isNaN(this.refMs)) this.refMs = nowMs;
    this.unit = Math.exp(this.lambda * Math.max(0, nowMs - this.refMs));
    if (this.unit > 1e100) this.rebase(nowMs);
  }

  private rebase(nowMs: number): void {
    const k = 1 / this.unit;
    const n = this.terms.length;
    for (let id = 0; id < n; id++) this.stats[id << 2]! *= k;
    this.docs *= k;
    this.refMs = nowMs;
    this.unit = 1;
  }

  /** Counts one document containing `termIds` (distinct), at the current clock. */
  observe(termIds: ArrayLike<number>, count = termIds.length): void {
    this.docs += this.unit;
    const stats = this.stats;
    const u = this.unit;
    for (let k = 0; k < count; k++) stats[termIds[k]! << 2]! += u;
  }

  /** Decayed document frequency at the current clock. */
  docFreq(id: number): number {
    return this.stats[id << 2]! / this.unit;
  }

  idf(id: number): number {
    // ln((N + prior + 1) / (df + 0.5)) with N and df both decayed to the current clock.
    return Math.log(
      (this.docs + (this.priorDocs + 1) * this.unit) / (this.stats[id << 2]! + 0.5 * this.unit),
    );
  }

  noteCase(id: number, capitalised: boolean): void {
    this.stats[(id << 2) + (capitalised ? 1 : 2)]!++;
  }

  /** True when, where case tells, the word is mostly written with a capital: a name. */
  isName(id: number): boolean {
    const cap = this.stats[(id << 2) + 1]!;
    return cap >= 1 && (cap + 0.5) / (cap + this.stats[(id << 2) + 2]! + 1) >= 0.7;
  }

  /**
   * Forgets terms no live story holds whose decayed document frequency fell below one half. Returns the
   * ids freed.
   */
  prune(): number[] {
    const freed: number[] = [];
    const limit = 0.5 * this.unit;
    for (let id = 0; id < this.terms.length; id++) {
      const term = this.terms[id]!;
      // A free id holds no term.
      if (term === '' || this.stats[id << 2]! >= limit || this.held(id) > 0) continue;
      this.ids.delete(term);
      this.terms[id] = '';
      this.surface[id] = '';
      freed.push(id);
    }
    if (freed.length > 0) {
      // Reuse low ids first, in an order that depends only on the input sequence.
      for (const id of freed) this.free.push(id);
      this.free.sort((a, b) => b - a);
      this.stamp = ++stamps;
    }
    return freed;
  }
}
