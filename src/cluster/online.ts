import { DEFAULT_FEATURE_WEIGHTS, dot, type FeatureWeights, itemFeatures, type SparseVector } from './features.js';
import type { Assignment, ClusterInput, OnlineClusterer, StoryInfo } from './types.js';
import { Vocabulary } from './vocabulary.js';

export interface ClusterOptions {
  /** An item joins a story when its (time-decayed) cosine similarity to the story's centroid reaches this. */
  threshold: number;
  /** Two stories an item matches are merged when their centroids are at least this similar. */
  mergeThreshold: number;
  /** Stories idle longer than this stop being candidates and are dropped from memory. */
  windowHours: number;
  /** Similarity to a story halves for every this many hours it has been idle. */
  decayHalfLifeHours: number;
  /** Half-life of document frequencies; defaults to the window. */
  idfHalfLifeHours?: number;
  /** How long ids of merged-away stories still resolve after their survivor left memory. */
  mergeMemoryHours?: number;
  /** Most terms kept in a story centroid (the heaviest ones). */
  centroidTerms: number;
  /** Query terms (the item's heaviest) used to look up candidate stories. */
  queryTerms: number;
  /** Newest postings read per query term. */
  postingScan: number;
  /** Candidates scored exactly, after ranking by overlap. */
  candidates: number;
  features: FeatureWeights;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = {
  threshold: 0.18,
  mergeThreshold: 0.25,
  windowHours: 72,
  decayHalfLifeHours: 24,
  centroidTerms: 64,
  queryTerms: 10,
  postingScan: 256,
  candidates: 32,
  features: DEFAULT_FEATURE_WEIGHTS,
};

const HOUR = 3_600_000;
const HEADLINE_POOL = 5;
const ENTITY_POOL = 24;

interface TitleCandidate {
  title: string;
  vec: SparseVector;
  score: number;
  seq: number;
}

class Story {
  /** Sum of the unit vectors of the story's items, heaviest `centroidTerms` terms, ids ascending. */
  ids: number[] = [];
  w: number[] = [];
  norm2 = 0;
  lastMs: number;
  itemIds: string[] = [];
  itemSeqs: number[] = [];
  sources: string[] = [];
  sourceSeqs: number[] = [];
  titles: TitleCandidate[] = [];
  entityNames: string[] = [];
  entityCounts: number[] = [];
  /** Ids of stories merged into this one. */
  absorbed: string[] = [];
  alive = true;
  /** Scratch for candidate retrieval. */
  epoch = -1;
  termMark = -1;
  acc = 0;

  constructor(
    readonly serial: number,
    readonly id: string,
    public firstMs: number,
  ) {
    this.lastMs = firstMs;
  }

  get size(): number {
    return this.itemIds.length;
  }

  has(termId: number): boolean {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = ids[mid]!;
      if (v === termId) return true;
      if (v < termId) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  cosine(vec: SparseVector): number {
    return this.norm2 > 0 ? dot(vec.ids, vec.w, this.ids, this.w) / Math.sqrt(this.norm2) : 0;
  }
}

function sensational(title: string): boolean {
  return /[!?]|\.\.\.|…|^[^a-z]*$/.test(title);
}

/**
 * Online story clusterer. Each item is compared, through an inverted index over the stories' heaviest terms,
 * with the centroids of recently active stories; it joins the most similar one above the threshold or starts
 * a story. Everything depends only on the sequence of `add()` calls, so replaying a log rebuilds the same state.
 */
export class StoryClusterer implements OnlineClusterer {
  readonly opts: ClusterOptions;
  private readonly vocab: Vocabulary;
  private readonly live = new Map<number, Story>();
  private readonly byId = new Map<string, Story>();
  private readonly itemStory = new Map<string, Story>();
  private postings: (Story[] | undefined)[] = [];
  private stale: number[] = [];
  /** Merged-away story id -> surviving story id (always the final survivor). */
  private readonly mergedInto = new Map<string, string>();
  private readonly forgetQueue: { at: number; ids: string[] }[] = [];
  private forgetHead = 0;
  private evictSerials: number[] = [];
  private evictMs: number[] = [];
  private evictHead = 0;
  private serial = 0;
  private seq = 0;
  private epoch = 0;
  private clock = Number.NEGATIVE_INFINITY;
  private nextPruneMs = Number.NEGATIVE_INFINITY;
  private readonly windowMs: number;
  private readonly decayLambda: number;

  constructor(options: Partial<ClusterOptions> = {}) {
    this.opts = {
      ...DEFAULT_CLUSTER_OPTIONS,
      ...options,
      features: { ...DEFAULT_FEATURE_WEIGHTS, ...options.features },
    };
    this.windowMs = this.opts.windowHours * HOUR;
    this.decayLambda = Math.LN2 / (this.opts.decayHalfLifeHours * HOUR);
    this.vocab = new Vocabulary(this.opts.idfHalfLifeHours ?? this.opts.windowHours);
  }

  /** Stories currently held in memory (active within the window). */
  get activeStories(): number {
    return this.live.size;
  }

  get vocabularySize(): number {
    return this.vocab.size;
  }

  add(item: ClusterInput): Assignment {
    const seen = this.itemStory.get(item.id);
    if (seen?.alive) return { id: item.id, storyId: seen.id, merged: [], score: 1 };

    const t = item.publishedAt ? Date.parse(item.publishedAt) : Number.NaN;
    // The clock never runs backwards: a late item is placed at the latest time seen.
    const itemMs = Number.isFinite(t) ? t : this.clock;
    const now = Number.isFinite(itemMs) ? Math.max(this.clock, itemMs) : 0;
    this.clock = now;
    this.expire(now);
    const seq = this.seq++;

    const { vec, entities } = itemFeatures(this.vocab, item, now, this.opts.features);
    const matches = this.match(vec, now);
    const best = matches[0];
    let story: Story;
    let score: number;
    const merged: string[] = [];
    if (best) {
      story = best.story;
      score = best.score;
      for (let i = 1; i < matches.length; i++) {
        const other = matches[i]!.story;
        if (!other.alive || !story.alive) continue;
        const sim = dot(story.ids, story.w, other.ids, other.w) / Math.sqrt(story.norm2 * other.norm2 || 1);
        if (sim < this.opts.mergeThreshold) continue;
        const [older, younger] = other.serial < story.serial ? [other, story] : [story, other];
        this.merge(older, younger);
        merged.push(younger.id);
        story = older;
      }
    } else {
      story = this.createStory(item.id, now);
      score = 1;
    }
    this.join(story, item, vec, entities, seq, now);
    return { id: item.id, storyId: story.id, merged, score };
  }

  resolve(storyId: string): string {
    return this.mergedInto.get(storyId) ?? storyId;
  }

  story(storyId: string): StoryInfo | undefined {
    const s = this.byId.get(this.resolve(storyId));
    return s ? this.info(s) : undefined;
  }

  *stories(): Iterable<StoryInfo> {
    for (const s of this.live.values()) yield this.info(s);
  }

  /** Candidate stories above the threshold, best first (ties: older story first). */
  private match(vec: SparseVector, now: number): { story: Story; score: number }[] {
    const epoch = ++this.epoch;
    const horizon = now - this.windowMs;
    // Heaviest query terms first: rare words and names find the right stories; common words only add noise.
    const order = vec.ids.map((_, i) => i).sort((a, b) => vec.w[b]! - vec.w[a]! || vec.ids[a]! - vec.ids[b]!);
    const cands: Story[] = [];
    const q = Math.min(order.length, this.opts.queryTerms);
    for (let k = 0; k < q; k++) {
      const i = order[k]!;
      const term = vec.ids[i]!;
      const posting = this.postings[term];
      if (!posting) continue;
      const qw = vec.w[i]!;
      const stop = Math.max(0, posting.length - this.opts.postingScan);
      for (let p = posting.length - 1; p >= stop; p--) {
        const s = posting[p]!;
        if (!s.alive || s.lastMs < horizon) continue;
        if (s.epoch !== epoch) {
          s.epoch = epoch;
          s.acc = 0;
          s.termMark = -1;
          cands.push(s);
        }
        // A story can sit twice in one posting (term dropped from its centroid, then regained).
        if (s.termMark === term) continue;
        s.termMark = term;
        s.acc += qw;
      }
    }
    if (cands.length > this.opts.candidates) {
      cands.sort((a, b) => b.acc - a.acc || a.serial - b.serial);
      cands.length = this.opts.candidates;
    }
    const out: { story: Story; score: number }[] = [];
    for (const s of cands) {
      const decay = Math.exp(-this.decayLambda * Math.max(0, now - s.lastMs));
      const score = s.cosine(vec) * decay;
      if (score >= this.opts.threshold) out.push({ story: s, score });
    }
    out.sort((a, b) => b.score - a.score || a.story.serial - b.story.serial);
    return out;
  }

  private createStory(itemId: string, now: number): Story {
    let id = `s-${itemId}`;
    // A repeated item id must not reuse a story id that is (or was merged into) another story.
    for (let n = 2; this.byId.has(id) || this.mergedInto.has(id); n++) id = `s-${itemId}~${n}`;
    const s = new Story(this.serial++, id, now);
    this.live.set(s.serial, s);
    this.byId.set(id, s);
    return s;
  }

  private join(s: Story, item: ClusterInput, vec: SparseVector, entities: string[], seq: number, now: number): void {
    this.addToCentroid(s, vec.ids, vec.w);
    s.itemIds.push(item.id);
    s.itemSeqs.push(seq);
    this.itemStory.set(item.id, s);
    const source = item.source;
    if (source && !s.sources.includes(source)) {
      s.sources.push(source);
      s.sourceSeqs.push(seq);
    }
    for (const e of entities) this.countEntity(s, e, 1);
    this.offerTitle(s, { title: item.title, vec, score: 0, seq });
    s.lastMs = Math.max(s.lastMs, now);
    this.evictSerials.push(s.serial);
    this.evictMs.push(s.lastMs);
  }

  /** Adds `ids/w` (ascending ids) into the story's centroid, keeping its heaviest terms and the index in step. */
  private addToCentroid(s: Story, ids: number[], w: number[]): void {
    const outIds: number[] = [];
    const outW: number[] = [];
    let i = 0;
    let j = 0;
    while (i < s.ids.length || j < ids.length) {
      const a = i < s.ids.length ? s.ids[i]! : Number.POSITIVE_INFINITY;
      const b = j < ids.length ? ids[j]! : Number.POSITIVE_INFINITY;
      if (a === b) {
        outIds.push(a);
        outW.push(s.w[i++]! + w[j++]!);
      } else if (a < b) {
        outIds.push(a);
        outW.push(s.w[i++]!);
      } else {
        outIds.push(b);
        outW.push(w[j++]!);
        this.index(b, s);
      }
    }
    if (outIds.length > this.opts.centroidTerms) {
      // Keep the heaviest terms; ties go to the lower id so that the choice is reproducible.
      const order = outIds.map((_, k) => k).sort((x, y) => outW[y]! - outW[x]! || outIds[x]! - outIds[y]!);
      const keep = order.slice(0, this.opts.centroidTerms).sort((x, y) => x - y);
      for (const k of order.slice(this.opts.centroidTerms)) this.unindex(outIds[k]!);
      s.ids = keep.map((k) => outIds[k]!);
      s.w = keep.map((k) => outW[k]!);
    } else {
      s.ids = outIds;
      s.w = outW;
    }
    let n2 = 0;
    for (const x of s.w) n2 += x * x;
    s.norm2 = n2;
  }

  private index(term: number, s: Story): void {
    let posting = this.postings[term];
    if (!posting) {
      posting = [];
      this.postings[term] = posting;
      this.stale[term] = 0;
    }
    posting.push(s);
    this.vocab.refs[term]!++;
  }

  /** A story stopped holding `term`: its posting entry goes stale and is swept out in bulk later. */
  private unindex(term: number): void {
    this.vocab.refs[term]!--;
    const stale = (this.stale[term] ?? 0) + 1;
    this.stale[term] = stale;
    const posting = this.postings[term];
    if (posting && stale > 8 && stale * 2 > posting.length) this.compact(term, posting);
  }

  private compact(term: number, posting: Story[]): void {
    const kept: Story[] = [];
    const seen = new Set<Story>();
    for (const s of posting) {
      if (!s.alive || seen.has(s) || !s.has(term)) continue;
      seen.add(s);
      kept.push(s);
    }
    this.postings[term] = kept.length > 0 ? kept : undefined;
    this.stale[term] = 0;
  }

  private merge(older: Story, younger: Story): void {
    // Re-adding the younger centroid indexes its terms under the survivor.
    this.addToCentroid(older, younger.ids, younger.w);
    older.itemIds = mergeBySeq(older.itemIds, older.itemSeqs, younger.itemIds, younger.itemSeqs, (ids, seqs) => {
      older.itemSeqs = seqs;
      return ids;
    });
    for (const itemId of younger.itemIds) this.itemStory.set(itemId, older);
    older.sources = mergeBySeq(older.sources, older.sourceSeqs, younger.sources, younger.sourceSeqs, (src, seqs) => {
      const out: string[] = [];
      const outSeqs: number[] = [];
      src.forEach((x, k) => {
        if (!out.includes(x)) {
          out.push(x);
          outSeqs.push(seqs[k]!);
        }
      });
      older.sourceSeqs = outSeqs;
      return out;
    });
    younger.entityNames.forEach((e, k) => {
      this.countEntity(older, e, younger.entityCounts[k]!);
    });
    for (const t of younger.titles) this.offerTitle(older, t);
    older.firstMs = Math.min(older.firstMs, younger.firstMs);
    older.lastMs = Math.max(older.lastMs, younger.lastMs);
    const moved = [younger.id, ...younger.absorbed];
    for (const id of moved) this.mergedInto.set(id, older.id);
    older.absorbed.push(...moved);
    younger.absorbed = [];
    this.drop(younger);
  }

  /** Removes a story from memory and the index (its postings go stale). */
  private drop(s: Story): void {
    s.alive = false;
    for (const term of s.ids) this.unindex(term);
    // Postings may still point at the object until swept; let its bulk go now.
    s.ids = [];
    s.w = [];
    s.titles = [];
    this.live.delete(s.serial);
    this.byId.delete(s.id);
  }

  private expire(now: number): void {
    const horizon = now - this.windowMs;
    while (this.evictHead < this.evictSerials.length && this.evictMs[this.evictHead]! < horizon) {
      const s = this.live.get(this.evictSerials[this.evictHead]!);
      this.evictHead++;
      if (!s || s.lastMs >= horizon) continue;
      this.drop(s);
      for (const itemId of s.itemIds) if (this.itemStory.get(itemId) === s) this.itemStory.delete(itemId);
      if (s.absorbed.length > 0) this.forgetQueue.push({ at: now + this.mergeMemoryMs(), ids: s.absorbed });
    }
    if (this.evictHead > 4096 && this.evictHead * 2 > this.evictSerials.length) {
      this.evictSerials = this.evictSerials.slice(this.evictHead);
      this.evictMs = this.evictMs.slice(this.evictHead);
      this.evictHead = 0;
    }
    while (this.forgetHead < this.forgetQueue.length && this.forgetQueue[this.forgetHead]!.at < now) {
      for (const id of this.forgetQueue[this.forgetHead]!.ids) this.mergedInto.delete(id);
      this.forgetHead++;
    }
    if (this.forgetHead > 1024 && this.forgetHead * 2 > this.forgetQueue.length) {
      this.forgetQueue.splice(0, this.forgetHead);
      this.forgetHead = 0;
    }
    // Forget unused vocabulary a few times per window; amortised over the items in between.
    if (now >= this.nextPruneMs) {
      if (this.nextPruneMs !== Number.NEGATIVE_INFINITY) {
        for (const id of this.vocab.prune(now)) {
          this.postings[id] = undefined;
          this.stale[id] = 0;
        }
      }
      this.nextPruneMs = now + this.windowMs / 4;
    }
  }

  private mergeMemoryMs(): number {
    return (this.opts.mergeMemoryHours ?? this.opts.windowHours * 4) * HOUR;
  }

  private countEntity(s: Story, name: string, n: number): void {
    const key = name.toLowerCase();
    const k = s.entityNames.findIndex((e) => e.toLowerCase() === key);
    if (k >= 0) {
      s.entityCounts[k]! += n;
      return;
    }
    if (s.entityNames.length >= ENTITY_POOL) {
      // Full: a new name replaces the last of the rarest, which keeps the pool bounded and stable.
      let min = 0;
      for (let i = 1; i < s.entityCounts.length; i++) if (s.entityCounts[i]! <= s.entityCounts[min]!) min = i;
      if (s.entityCounts[min]! > n) return;
      s.entityNames.splice(min, 1);
      s.entityCounts.splice(min, 1);
    }
    s.entityNames.push(name);
    s.entityCounts.push(n);
  }

  /** Keeps the few titles closest to the current centroid, to pick the headline from. */
  private offerTitle(s: Story, cand: TitleCandidate): void {
    const pool = [...s.titles, { ...cand }];
    for (const t of pool) t.score = s.cosine(t.vec) * (sensational(t.title) ? 0.9 : 1);
    pool.sort((a, b) => b.score - a.score || a.seq - b.seq);
    s.titles = pool.slice(0, HEADLINE_POOL);
  }

  private info(s: Story): StoryInfo {
    const order = s.ids.map((_, k) => k).sort((a, b) => s.w[b]! - s.w[a]! || s.ids[a]! - s.ids[b]!);
    const keywords: string[] = [];
    for (const k of order) {
      if (keywords.length >= 8) break;
      const word = this.vocab.surface[s.ids[k]!];
      if (word && !keywords.includes(word)) keywords.push(word);
    }
    const entities = s.entityNames
      .map((name, k) => ({ name, count: s.entityCounts[k]!, k }))
      .filter((e) => e.count >= Math.min(2, s.size))
      .sort((a, b) => b.count - a.count || a.k - b.k)
      .slice(0, 10)
      .map((e) => e.name);
    return {
      id: s.id,
      headline: s.titles[0]?.title ?? '',
      itemIds: [...s.itemIds],
      sources: [...s.sources],
      keywords,
      entities,
      firstSeen: new Date(s.firstMs).toISOString(),
      lastUpdated: new Date(s.lastMs).toISOString(),
    };
  }
}

function mergeBySeq<T>(
  a: T[],
  aSeq: number[],
  b: T[],
  bSeq: number[],
  done: (values: T[], seqs: number[]) => T[],
): T[] {
  const values: T[] = [];
  const seqs: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && aSeq[i]! <= bSeq[j]!)) {
      values.push(a[i]!);
      seqs.push(aSeq[i++]!);
    } else {
      values.push(b[j]!);
      seqs.push(bSeq[j++]!);
    }
  }
  return done(values, seqs);
}
