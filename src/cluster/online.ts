import {
  DEFAULT_FEATURE_WEIGHTS,
  dot,
  FeatureExtractor,
  type FeatureWeights,
  type SparseVector,
} from './features.js';
import type { Assignment, ClusterInput, OnlineClusterer, StoryInfo } from './types.js';
import { Vocabulary } from './vocabulary.js';

export interface ClusterOptions {
  /** An item joins a story when its (time-decayed) cosine similarity to the story's centroid reaches this. */
  threshold: number;
  /** Two stories an item matches are merged when their centroids are at least this similar. */
  mergeThreshold: number;
  /** A merge needs one of the two stories to have at most this many items. */
  mergeMaxSize: number;
  /** Stories idle longer than this stop being candidates and are dropped from memory. */
  windowHours: number;
  /** Similarity to a story halves for every this many hours it has been idle. */
  decayHalfLifeHours: number;
  /** Half-life of document frequencies; defaults to the window. */
  idfHalfLifeHours?: number;
  /** How long ids of merged-away stories still resolve after their survivor left memory; default 4 windows. */
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
  mergeMaxSize: 8,
  windowHours: 72,
  decayHalfLifeHours: 12,
  centroidTerms: 64,
  queryTerms: 6,
  postingScan: 64,
  candidates: 16,
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
  /** Sum of the unit vectors of the story's items, heaviest terms only, ids ascending. */
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
  /** Lower-cased names, for matching spellings that differ only in case. */
  entityKeys: string[] = [];
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

/** Titles that shout, ask or trail off make poor headlines for a thread. */
function sensational(title: string): boolean {
  return /[!?]|\.\.\.|…|^[^a-z]*$/.test(title);
}

interface Match {
  story: Story;
  score: number;
}

/**
 * Online story clusterer. Each item is compared, through an inverted index over the stories' heaviest terms,
 * with the centroids of recently active stories; it joins the most similar one above the threshold or starts
 * a story. Everything depends only on the sequence of `add()` calls, so replaying a log rebuilds the same state.
 */
export class StoryClusterer implements OnlineClusterer {
  readonly opts: ClusterOptions;
  private readonly vocab: Vocabulary;
  private readonly features: FeatureExtractor;
  private readonly live = new Map<number, Story>();
  private readonly byId = new Map<string, Story>();
  private readonly itemStory = new Map<string, Story>();
  /** term id -> stories whose centroid holds it, oldest first (dropped stories linger until swept). */
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
  /** The current item's weights by term id, for scoring candidates without merging sparse vectors. */
  private query = new Float64Array(1024);
  private readonly windowMs: number;
  private readonly decayLambda: number;
  private readonly pruneAt: number;
  private readonly keepTerms: number;

  constructor(options: Partial<ClusterOptions> = {}) {
    this.opts = {
      ...DEFAULT_CLUSTER_OPTIONS,
      ...options,
      features: { ...DEFAULT_FEATURE_WEIGHTS, ...options.features },
    };
    this.windowMs = this.opts.windowHours * HOUR;
    this.decayLambda = Math.LN2 / (this.opts.decayHalfLifeHours * HOUR);
    this.keepTerms = this.opts.centroidTerms;
    // Centroids may overshoot by half before being cut back, so the cut (a sort) is not paid on every item.
    this.pruneAt = Math.ceil(this.opts.centroidTerms * 1.5);
    this.vocab = new Vocabulary(this.opts.idfHalfLifeHours ?? this.opts.windowHours);
    this.features = new FeatureExtractor(this.vocab, this.opts.features);
  }

  /** Stories currently held in memory (active within the window). */
  get activeStories(): number {
    return this.live.size;
  }

  get vocabularySize(): number {
    return this.vocab.size;
  }

  add(item: ClusterInput): Assignment {
    // The same item again (a re-polled feed) keeps its story.
    const seen = this.itemStory.get(item.id);
    if (seen?.alive) return { id: item.id, storyId: seen.id, merged: [], score: 1 };

    const t = item.publishedAt ? Date.parse(item.publishedAt) : Number.NaN;
    // The clock never runs backwards: a late item is placed at the latest time seen.
    const itemMs = Number.isFinite(t) ? t : this.clock;
    const now = Number.isFinite(itemMs) ? Math.max(this.clock, itemMs) : 0;
    this.clock = now;
    this.expire(now);
    const seq = this.seq++;

    const { vec, entities } = this.features.extract(item, now);
    this.load(vec);
    const matches = this.match(vec, now);
    let story: Story;
    let score = 1;
    const merged: string[] = [];
    const best = matches[0];
    if (best) {
      story = best.story;
      score = best.score;
      // The item bridges other stories too: if those are about the same thing, they were one story all along.
      for (let i = 1; i < matches.length; i++) {
        const other = matches[i]!.story;
        if (!other.alive || !story.alive) continue;
        // Only fragments are folded in: two stories that each grew on their own are kept apart.
        if (Math.min(story.size, other.size) > this.opts.mergeMaxSize) continue;
        const sim = dot(story.ids, story.w, other.ids, other.w) / Math.sqrt(story.norm2 * other.norm2 || 1);
        if (sim < this.opts.mergeThreshold) continue;
        const [older, younger] = other.serial < story.serial ? [other, story] : [story, other];
        this.merge(older, younger);
        merged.push(younger.id);
        story = older;
      }
    } else {
      story = this.createStory(item.id, now);
    }
    this.join(story, item, vec, entities, seq, now);
    this.unload(vec);
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

  private load(vec: SparseVector): void {
    const last = vec.ids[vec.ids.length - 1] ?? 0;
    if (last >= this.query.length) {
      const q = new Float64Array(Math.max(last + 1, this.query.length * 2));
      q.set(this.query);
      this.query = q;
    }
    for (let k = 0; k < vec.ids.length; k++) this.query[vec.ids[k]!] = vec.w[k]!;
  }

  private unload(vec: SparseVector): void {
    for (const id of vec.ids) this.query[id] = 0;
  }

  /** Cosine of the loaded item with a story's centroid. */
  private similarity(s: Story): number {
    if (s.norm2 <= 0) return 0;
    const q = this.query;
    const ids = s.ids;
    const w = s.w;
    let d = 0;
    for (let k = 0; k < ids.length; k++) d += q[ids[k]!]! * w[k]!;
    return d / Math.sqrt(s.norm2);
  }

  /** Candidate stories above the threshold, best first (ties: older story first). */
  private match(vec: SparseVector, now: number): Match[] {
    const epoch = ++this.epoch;
    const horizon = now - this.windowMs;
    // Heaviest query terms first: rare words and names find the right stories; common words only add noise.
    const n = vec.ids.length;
    const order: number[] = new Array(n);
    for (let k = 0; k < n; k++) order[k] = k;
    order.sort((a, b) => vec.w[b]! - vec.w[a]! || a - b);
    const cands: Story[] = [];
    const q = Math.min(n, this.opts.queryTerms);
    const scan = this.opts.postingScan;
    for (let k = 0; k < q; k++) {
      const i = order[k]!;
      const term = vec.ids[i]!;
      const posting = this.postings[term];
      if (!posting) continue;
      const qw = vec.w[i]!;
      const stop = Math.max(0, posting.length - scan);
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
    const out: Match[] = [];
    for (const s of cands) {
      const decay = Math.exp(-this.decayLambda * Math.max(0, now - s.lastMs));
      const score = this.similarity(s) * decay;
      if (score >= this.opts.threshold) out.push({ story: s, score });
    }
    if (out.length > 1) out.sort((a, b) => b.score - a.score || a.story.serial - b.story.serial);
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

  private join(
    s: Story,
    item: ClusterInput,
    vec: SparseVector,
    entities: string[],
    seq: number,
    now: number,
  ): void {
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
    this.offerTitle(s, { title: item.title, vec, score: this.similarity(s), seq });
    s.lastMs = Math.max(s.lastMs, now);
    this.evictSerials.push(s.serial);
    this.evictMs.push(s.lastMs);
  }

  /** Adds `ids/w` (ascending ids) into the story's centroid, keeping its heaviest terms and the index in step. */
  private addToCentroid(s: Story, ids: readonly number[], w: readonly number[]): void {
    const outIds: number[] = [];
    const outW: number[] = [];
    let i = 0;
    let j = 0;
    const sIds = s.ids;
    const sW = s.w;
    while (i < sIds.length || j < ids.length) {
      const a = i < sIds.length ? sIds[i]! : Number.POSITIVE_INFINITY;
      const b = j < ids.length ? ids[j]! : Number.POSITIVE_INFINITY;
      if (a === b) {
        outIds.push(a);
        outW.push(sW[i++]! + w[j++]!);
      } else if (a < b) {
        outIds.push(a);
        outW.push(sW[i++]!);
      } else {
        outIds.push(b);
        outW.push(w[j++]!);
        this.index(b, s);
      }
    }
    if (outIds.length > this.pruneAt) {
      // Keep the heaviest terms; at the cut, lower ids win, so the choice is reproducible.
      const sorted = Float64Array.from(outW).sort();
      const cut = sorted[sorted.length - this.keepTerms]!;
      let above = 0;
      for (const x of outW) if (x > cut) above++;
      let ties = this.keepTerms - above;
      const keptIds: number[] = [];
      const keptW: number[] = [];
      for (let k = 0; k < outIds.length; k++) {
        const x = outW[k]!;
        if (x > cut || (x === cut && ties-- > 0)) {
          keptIds.push(outIds[k]!);
          keptW.push(x);
        } else this.unindex(outIds[k]!);
      }
      s.ids = keptIds;
      s.w = keptW;
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

  /** Folds the younger story into the older one; the younger id resolves to the older from now on. */
  private merge(older: Story, younger: Story): void {
    this.addToCentroid(older, younger.ids, younger.w);
    older.itemIds = mergeBySeq(
      older.itemIds,
      older.itemSeqs,
      younger.itemIds,
      younger.itemSeqs,
      (ids, seqs) => {
        older.itemSeqs = seqs;
        return ids;
      },
    );
    for (const itemId of younger.itemIds) this.itemStory.set(itemId, older);
    older.sources = mergeBySeq(
      older.sources,
      older.sourceSeqs,
      younger.sources,
      younger.sourceSeqs,
      (src, seqs) => {
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
      },
    );
    younger.entityNames.forEach((e, k) => {
      this.countEntity(older, e, younger.entityCounts[k]!);
    });
    for (const t of younger.titles) this.offerTitle(older, { ...t, score: older.cosine(t.vec) });
    this.rescoreTitles(older);
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
    // Forget unused vocabulary a few times per window.
    if (now >= this.nextPruneMs) {
      if (this.nextPruneMs !== Number.NEGATIVE_INFINITY) {
        for (const id of this.vocab.prune()) {
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
    const k = s.entityKeys.indexOf(key);
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
      s.entityKeys.splice(min, 1);
      s.entityCounts.splice(min, 1);
    }
    s.entityNames.push(name);
    s.entityKeys.push(key);
    s.entityCounts.push(n);
  }

  /**
   * Keeps the few titles closest to the centroid, to pick the headline from. Scores of kept titles are
   * refreshed as the story grows (each time it doubles, and every 16 items), not on every item.
   */
  private offerTitle(s: Story, cand: TitleCandidate): void {
    if (sensational(cand.title)) cand.score *= 0.9;
    const pool = s.titles;
    if (pool.length < HEADLINE_POOL) pool.push(cand);
    else if (cand.score > pool[pool.length - 1]!.score) pool[pool.length - 1] = cand;
    else return;
    pool.sort((a, b) => b.score - a.score || a.seq - b.seq);
    const n = s.size;
    if ((n & (n - 1)) === 0 || n % 16 === 0) this.rescoreTitles(s);
  }

  private rescoreTitles(s: Story): void {
    for (const t of s.titles) t.score = s.cosine(t.vec) * (sensational(t.title) ? 0.9 : 1);
    s.titles.sort((a, b) => b.score - a.score || a.seq - b.seq);
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
