/**
 * Term dictionary with integer ids and incremental, time-decayed document frequencies.
 *
 * Document frequencies decay with a half-life so that IDF reflects what the news is saying lately, and so
 * that terms nobody uses any more can be forgotten: memory follows the retention window, not the age of
 * the process.
 */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  private terms: string[] = [];
  /** Lower-case unstemmed form first seen, for display. */
  surface: string[] = [];
  private df: number[] = [];
  private seen: number[] = [];
  /** Capitalised / lower-case sightings where case is informative: learns which words are names. */
  private capEv: number[] = [];
  private lowEv: number[] = [];
  /** Live stories whose centroid holds the term; a referenced term is never forgotten. */
  refs: number[] = [];
  private readonly free: number[] = [];
  private docs = 0;
  private docsMs = 0;
  private readonly lambda: number;

  constructor(halfLifeHours: number) {
    this.lambda = Math.LN2 / (halfLifeHours * 3_600_000);
  }

  get size(): number {
    return this.ids.size;
  }

  lookup(term: string): number | undefined {
    return this.ids.get(term);
  }

  intern(term: string, surface: string): number {
    let id = this.ids.get(term);
    if (id !== undefined) return id;
    id = this.free.pop() ?? this.terms.length;
    this.ids.set(term, id);
    this.terms[id] = term;
    this.surface[id] = surface;
    this.df[id] = 0;
    this.seen[id] = 0;
    this.capEv[id] = 0;
    this.lowEv[id] = 0;
    this.refs[id] = 0;
    return id;
  }

  term(id: number): string {
    return this.terms[id]!;
  }

  private decay(value: number, fromMs: number, nowMs: number): number {
    return nowMs > fromMs ? value * Math.exp(-this.lambda * (nowMs - fromMs)) : value;
  }

  /** Counts one document containing `termIds` (distinct) at time `nowMs`. */
  observe(termIds: Iterable<number>, nowMs: number): void {
    this.docs = this.decay(this.docs, this.docsMs, nowMs) + 1;
    this.docsMs = nowMs;
    for (const id of termIds) {
      this.df[id] = this.decay(this.df[id]!, this.seen[id]!, nowMs) + 1;
      this.seen[id] = nowMs;
    }
  }

  idf(id: number, nowMs: number): number {
    const n = this.decay(this.docs, this.docsMs, nowMs);
    const df = this.decay(this.df[id]!, this.seen[id]!, nowMs);
    return Math.log((n + 1) / (df + 0.5));
  }

  noteCase(id: number, capitalised: boolean): void {
    if (capitalised) this.capEv[id]!++;
    else this.lowEv[id]!++;
  }

  /** True when, where case tells, the word is mostly written with a capital: a name. */
  isName(id: number): boolean {
    const cap = this.capEv[id]!;
    return cap >= 1 && (cap + 0.5) / (cap + this.lowEv[id]! + 1) >= 0.7;
  }

  /**
   * Forgets terms no live story holds whose decayed document frequency fell below one half. Returns the
   * ids freed, so that the caller can drop their postings.
   */
  prune(nowMs: number): number[] {
    const freed: number[] = [];
    for (const [term, id] of this.ids) {
      if (this.refs[id]! > 0) continue;
      if (this.decay(this.df[id]!, this.seen[id]!, nowMs) >= 0.5) continue;
      this.ids.delete(term);
      this.terms[id] = '';
      this.surface[id] = '';
      freed.push(id);
    }
    // Reuse low ids first; sorted so that reuse does not depend on anything but the input sequence.
    freed.sort((a, b) => b - a);
    this.free.push(...freed);
    this.free.sort((a, b) => b - a);
    return freed;
  }
}
