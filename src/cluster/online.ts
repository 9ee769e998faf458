import { DEFAULT_FEATURE_WEIGHTS, FeatureExtractor, type FeatureWeights } from './features.js';
import type { Assignment, ClusterInput, OnlineClusterer, StoryInfo } from './types.js';
import { grownF64, grownI32, Vocabulary } from './vocabulary.js';

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
  /** Newest postings read per query term; each term keeps at most twice this many. */
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
  queryTerms: 8,
  postingScan: 64,
  candidates: 16,
  features: DEFAULT_FEATURE_WEIGHTS,
};

const HOUR = 3_600_000;
const HEADLINE_POOL = 5;
const ENTITY_POOL = 24;

/**
 * Fixed-width blocks carved from chunked typed arrays, recycled through a free list. Stories' centroids and
 * terms' postings live here rather than in per-story objects: the heap holds a few large arrays the garbage
 * collector need not trace, and an item that joins a story writes in place instead of allocating.
 */
class BlockPool {
  readonly shift: number;
  readonly mask: number;
  readonly ids: Int32Array[] = [];
  readonly w: Float32Array[] = [];
  private readonly free: number[] = [];
  private next = 0;

  constructor(
    readonly width: number,
    private readonly weighted: boolean,
  ) {
    this.shift = Math.max(0, Math.floor(Math.log2(65_536 / width)));
    this.mask = (1 << this.shift) - 1;
  }

  alloc(): number {
    const h = this.free.pop();
    if (h !== undefined) return h;
    const n = this.next++;
    if (n >> this.shift === this.ids.length) {
      const size = (this.mask + 1) * this.width;
      this.ids.push(new Int32Array(size));
      this.w.push(new Float32Array(this.weighted ? size : 0));
    }
    return n;
  }

  release(h: number): void {
    this.free.push(h);
  }
}

interface TitleCandidate {
  title: string;
  /** Shouts, asks or trails off: ranked a little lower. */
  loud: boolean;
  /** The title's item vector (ids ascending), to rescore against the centroid as the story grows. */
  ids: number[];
  w: number[];
  score: number;
  seq: number;
}

/** What a story keeps besides its centroid: cold data, read when the story is shown or merged. */
class StoryMeta {
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

  constructor(readonly id: string) {}
}

/** Titles that shout, ask or trail off make poor headlines for a thread. */
function sensational(title: string): boolean {
  return /[!?]|\.\.\.|…|^[^a-z]*$/.test(title);
}

/**
 * Online story clusterer. Each item is compared, through an inverted index over the stories' heaviest terms,
 * with the centroids of recently active stories; it joins the most similar one above the threshold or starts
 * a story. Everything depends only on the sequence of `add()` calls, so replaying a log rebuilds the same state.
 *
 * Stories live in numbered slots: hot per-story fields are typed arrays indexed by slot, centroids are blocks
 * of (term id, weight) pairs sorted by id, and each term's postings are a bounded list of slots.
 */
export class StoryClusterer implements OnlineClusterer {
  readonly opts: ClusterOptions;
  private readonly vocab: Vocabulary;
  private readonly features: FeatureExtractor;
  private readonly byId = new Map<string, number>();
  private readonly itemStory = new Map<string, number>();
  /** Merged-away story id -> surviving story id (always the final survivor). */
  private readonly mergedInto = new Map<string, string>();
  private readonly forgetQueue: { at: number; ids: string[] }[] = [];
  private forgetHead = 0;

  // Per story slot.
  private slots = 0;
  private live = 0;
  private readonly freeSlots: number[] = [];
  /** Bumped when a slot's story goes, so that expiry records of an earlier story in the slot are ignored. */
  private gen = new Int32Array(1024);
  private alive = new Uint8Array(1024);
  private serialOf = new Float64Array(1024);
  private firstMs = new Float64Array(1024);
  private lastMs = new Float64Array(1024);
  private norm2 = new Float64Array(1024);
  private cls = new Int32Array(1024);
  private blk = new Int32Array(1024);
  private len = new Int32Array(1024);
  private meta: (StoryMeta | undefined)[] = [];
  /** Centroid pools by size class; a centroid moves up a class when it outgrows its block. */
  private readonly cpools: BlockPool[] = [];

  /**
   * The current item's weights in a small open-addressing table keyed by term id, for scoring candidates
   * without merging sparse vectors; small enough to stay in cache while centroids stream past.
   */
  private qKeys = new Int32Array(256).fill(-1);
  private qVals = new Float64Array(256);
  private qShift = 24;
  private qAt = new Int32Array(64);

  /**
   * Per term id, four ints: posting block (-1 for none), its size class, entries in use, and the number of
   * live stories whose centroid holds the term (a held term is never forgotten).
   */
  private post = new Int32Array(4096).map((_, k) => ((k & 3) === 0 ? -1 : 0));
  /** Posting pools: class c holds lists of 2^(c+1) entries (two ints each), up to `postingCap`. */
  private readonly ppools: BlockPool[] = [];
  private readonly postingCap: number;

  // Stories to check for expiry, in order of their last activity.
  private evSlot = new Int32Array(1024);
  private evGen = new Int32Array(1024);
  private evMs = new Float64Array(1024);
  private evHead = 0;
  private evTail = 0;

  // Scratch.
  private cands = new Int32Array(256);
  private cAcc = new Float64Array(256);
  /** Per candidate, the squared item weight of the fully listed query terms it was found through. */
  private cHeld = new Float64Array(256);
  private cSerial = new Int32Array(256);
  /**
   * The item's candidates by slot, in an open-addressing table stamped with the item's epoch (so it never
   * needs clearing); small enough to stay in cache, where per-slot marks would miss on every posting.
   */
  private cKey = new Int32Array(1024);
  private cStamp = new Int32Array(1024);
  private cIdx = new Int32Array(1024);
  private cShift = 22;
  private top = new Int32Array(16);
  private cDecay = new Float64Array(16);
  private topIdx = new Int32Array(16);
  private mSlot = new Int32Array(16);
  private mScore = new Float64Array(16);
  private mergeIds = new Int32Array(256);
  private mergeW = new Float64Array(256);
  private otherIds = new Int32Array(128);
  private otherW = new Float64Array(128);
  private sortBuf = new Float64Array(256);

  private serial = 0;
  private seq = 0;
  private epoch = 0;
  private clock = Number.NEGATIVE_INFINITY;
  private nextPruneMs = Number.NEGATIVE_INFINITY;
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
    // Size classes grow by about half, so a block wastes at most a third of itself.
    for (let width = 8; ; width = Math.ceil((width * 1.5) / 4) * 4) {
      const w = Math.min(width, this.pruneAt);
      this.cpools.push(new BlockPool(w, true));
      if (w >= this.pruneAt) break;
    }
    // Twice the scan, so that entries of stories gone since do not crowd out the newest live ones.
    const cap = Math.min(2 ** 30, Math.max(2, this.opts.postingScan * 2));
    this.postingCap = 2 ** Math.ceil(Math.log2(cap));
    for (let n = 2; n <= this.postingCap; n *= 2) this.ppools.push(new BlockPool(2 * n, false));
  }

  /** Stories currently held in memory (active within the window). */
  get activeStories(): number {
    return this.live;
  }

  get vocabularySize(): number {
    return this.vocab.size;
  }

  /** Words held by the tokenizer's cache (bounded by the window, like the vocabulary). */
  get cachedWords(): number {
    return this.features.cachedWords;
  }

  add(item: ClusterInput): Assignment {
    // The same item again (a re-polled feed) keeps its story.
    const seen = this.itemStory.get(item.id);
    if (seen !== undefined) return { id: item.id, storyId: this.meta[seen]!.id, merged: [], score: 1 };

    const t = item.publishedAt ? Date.parse(item.publishedAt) : Number.NaN;
    // The clock never runs backwards: a late item is placed at the latest time seen.
    const itemMs = Number.isFinite(t) ? t : this.clock;
    const now = Number.isFinite(itemMs) ? Math.max(this.clock, itemMs) : 0;
    this.clock = now;
    this.expire(now);
    const seq = this.seq++;

    const fx = this.features;
    const n = fx.run(item, now);
    this.load(fx.ids, fx.w, n);
    const found = this.match(fx.ids, fx.w, n, now);
    let story: number;
    let score = 1;
    const merged: string[] = [];
    if (found > 0) {
      story = this.mSlot[0]!;
      score = this.mScore[0]!;
      // The item bridges other stories too: if those are about the same thing, they were one story all along.
      for (let i = 1; i < found; i++) {
        const other = this.mSlot[i]!;
        if (!this.alive[other] || !this.alive[story]) continue;
        // Only fragments are folded in: two stories that each grew on their own are kept apart.
        if (
          Math.min(this.meta[story]!.itemIds.length, this.meta[other]!.itemIds.length) >
          this.opts.mergeMaxSize
        )
          continue;
        const sim = this.storyDot(story, other) / Math.sqrt(this.norm2[story]! * this.norm2[other]! || 1);
        if (sim < this.opts.mergeThreshold) continue;
        const otherOlder = this.serialOf[other]! < this.serialOf[story]!;
        const older = otherOlder ? other : story;
        const younger = otherOlder ? story : other;
        merged.push(this.meta[younger]!.id);
        this.merge(older, younger);
        story = older;
      }
    } else {
      story = this.createStory(item.id, now);
    }
    this.join(story, item, fx.ids, fx.w, n, fx.entities, seq, now);
    this.unload(n);
    return { id: item.id, storyId: this.meta[story]!.id, merged, score };
  }

  resolve(storyId: string): string {
    return this.mergedInto.get(storyId) ?? storyId;
  }

  story(storyId: string): StoryInfo | undefined {
    const slot = this.byId.get(this.resolve(storyId));
    return slot === undefined ? undefined : this.info(slot);
  }

  *stories(): Iterable<StoryInfo> {
    // Oldest story first, as they were created.
    const order: number[] = [];
    for (let s = 0; s < this.slots; s++) if (this.alive[s]) order.push(s);
    order.sort((a, b) => this.serialOf[a]! - this.serialOf[b]!);
    for (const s of order) if (this.alive[s]) yield this.info(s);
  }

  private load(ids: Int32Array, w: Float64Array, n: number): void {
    const cap = this.vocab.capacity;
    if (cap * 4 > this.post.length) this.growTerms(cap);
    if (n * 4 > this.qKeys.length) {
      // At most a quarter full, so that a probe for a term the item lacks ends at once.
      let size = this.qKeys.length;
      while (n * 4 > size) size *= 2;
      this.qKeys = new Int32Array(size).fill(-1);
      this.qVals = new Float64Array(size);
      this.qShift = 32 - Math.log2(size);
    }
    if (n > this.qAt.length) this.qAt = new Int32Array(n * 2);
    const keys = this.qKeys;
    const mask = keys.length - 1;
    for (let k = 0; k < n; k++) {
      const id = ids[k]!;
      let at = Math.imul(id, 0x9e3779b1) >>> this.qShift;
      while (keys[at] !== -1) at = (at + 1) & mask;
      keys[at] = id;
      this.qVals[at] = w[k]!;
      this.qAt[k] = at;
    }
  }

  private unload(n: number): void {
    for (let k = 0; k < n; k++) this.qKeys[this.qAt[k]!] = -1;
  }

  private growTerms(min: number): void {
    const size = Math.max(min, this.post.length / 2);
    const post = new Int32Array(size * 4).map((_, k) => ((k & 3) === 0 ? -1 : 0));
    post.set(this.post);
    this.post = post;
  }

  /** Cosine of the loaded item with a story's centroid. */
  private similarity(slot: number): number {
    const n2 = this.norm2[slot]!;
    if (n2 <= 0) return 0;
    const pool = this.cpools[this.cls[slot]!]!;
    const h = this.blk[slot]!;
    const ids = pool.ids[h >> pool.shift]!;
    const w = pool.w[h >> pool.shift]!;
    const off = (h & pool.mask) * pool.width;
    const end = off + this.len[slot]!;
    const keys = this.qKeys;
    const vals = this.qVals;
    const mask = keys.length - 1;
    const shift = this.qShift;
    let d = 0;
    for (let k = off; k < end; k++) {
      const id = ids[k]!;
      let at = Math.imul(id, 0x9e3779b1) >>> shift;
      for (;;) {
        const key = keys[at]!;
        if (key === id) {
          d += vals[at]! * w[k]!;
          break;
        }
        if (key === -1) break;
        at = (at + 1) & mask;
      }
    }
    return d / Math.sqrt(n2);
  }

  /** Dot product of two stories' centroids. */
  private storyDot(a: number, b: number): number {
    const pa = this.cpools[this.cls[a]!]!;
    const pb = this.cpools[this.cls[b]!]!;
    const ha = this.blk[a]!;
    const hb = this.blk[b]!;
    const aIds = pa.ids[ha >> pa.shift]!;
    const aW = pa.w[ha >> pa.shift]!;
    const bIds = pb.ids[hb >> pb.shift]!;
    const bW = pb.w[hb >> pb.shift]!;
    let i = (ha & pa.mask) * pa.width;
    let j = (hb & pb.mask) * pb.width;
    const iEnd = i + this.len[a]!;
    const jEnd = j + this.len[b]!;
    let s = 0;
    while (i < iEnd && j < jEnd) {
      const x = aIds[i]!;
      const y = bIds[j]!;
      if (x === y) s += aW[i++]! * bW[j++]!;
      else if (x < y) i++;
      else j++;
    }
    return s;
  }

  /** True when candidate `a` ranks before candidate `b`: more overlap, then the older story. */
  private accBefore(a: number, b: number): boolean {
    const x = this.cAcc[a]!;
    const y = this.cAcc[b]!;
    // Serials are kept to 32 bits; live stories are never 2^31 stories apart, so the difference orders them.
    return x > y || (x === y && ((this.cSerial[a]! - this.cSerial[b]!) | 0) < 0);
  }

  /**
   * Fills `mSlot`/`mScore` with the stories above the threshold, best first (ties: older story first), and
   * returns how many there are.
   */
  private match(ids: Int32Array, w: Float64Array, n: number, now: number): number {
    // Expired stories were dropped before matching, so every story still tagged is within the window.
    this.epoch = (this.epoch + 1) | 0;
    const epoch = this.epoch;
    // Heaviest query terms first: rare words and names find the right stories; common words only add noise.
    const q = Math.min(n, this.opts.queryTerms);
    if (this.topIdx.length < q) this.topIdx = new Int32Array(q);
    const topIdx = this.topIdx;
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const x = w[k]!;
      // Ids ascend, so among equal weights the earlier index (lower id) ranks first.
      if (kept === q && x <= w[topIdx[q - 1]!]!) continue;
      let p = kept < q ? kept++ : q - 1;
      while (p > 0 && w[topIdx[p - 1]!]! < x) {
        topIdx[p] = topIdx[p - 1]!;
        p--;
      }
      topIdx[p] = k;
    }

    const scan = this.opts.postingScan;
    let cands = this.cands;
    let cAcc = this.cAcc;
    let cHeld = this.cHeld;
    let nc = 0;
    // Squared item weight of the query terms whose holders were all read: a candidate not found through
    // such a term does not hold it, which bounds its cosine before it is scored.
    let listed = 0;
    for (let t = 0; t < q; t++) {
      const i = topIdx[t]!;
      const term = ids[i]!;
      const h = this.post[term << 2]!;
      const qw = w[i]!;
      if (h < 0) {
        listed += qw * qw;
        continue;
      }
      const pool = this.ppools[this.post[(term << 2) + 1]!]!;
      const list = pool.ids[h >> pool.shift]!;
      const off = (h & pool.mask) * pool.width;
      // Postings hold live stories only, each once: the newest `scan` entries are read as they are.
      const len = this.post[(term << 2) + 2]!;
      // Entries can be forgotten at the cap; all holders were read only if every one is still listed.
      const all = len <= scan && len === this.post[(term << 2) + 3]!;
      const held = all ? qw * qw : 0;
      listed += held;
      const stop = off + 2 * Math.max(0, len - scan);
      for (let p = off + 2 * (len - 1); p >= stop; p -= 2) {
        const slot = list[p]!;
        if ((nc + 1) * 2 > this.cKey.length) this.growCandidateTable(nc);
        const keys = this.cKey;
        const stamps = this.cStamp;
        const mask = keys.length - 1;
        let at = Math.imul(slot, 0x9e3779b1) >>> this.cShift;
        while (stamps[at] === epoch && keys[at] !== slot) at = (at + 1) & mask;
        if (stamps[at] === epoch) {
          const c = this.cIdx[at]!;
          cAcc[c]! += qw;
          cHeld[c]! += held;
          continue;
        }
        stamps[at] = epoch;
        keys[at] = slot;
        const c = nc++;
        this.cIdx[at] = c;
        if (c === cands.length) {
          this.cands = cands = grownI32(cands, c * 2);
          this.cAcc = cAcc = grownF64(cAcc, c * 2);
          this.cHeld = cHeld = grownF64(cHeld, c * 2);
          this.cSerial = grownI32(this.cSerial, c * 2);
        }
        cands[c] = slot;
        cAcc[c] = qw;
        cHeld[c] = held;
        this.cSerial[c] = list[p + 1]!;
      }
    }

    // The best-overlapping candidates are scored exactly; keep them by insertion into a short sorted list.
    const limit = Math.min(nc, this.opts.candidates);
    if (this.top.length < limit) {
      this.top = new Int32Array(limit);
      this.cDecay = new Float64Array(limit);
    }
    const top = this.top;
    let nt = 0;
    for (let c = 0; c < nc; c++) {
      const last = top[limit - 1]!;
      if (nt === limit && (cAcc[c]! < cAcc[last]! || !this.accBefore(c, last))) continue;
      let p = nt < limit ? nt++ : limit - 1;
      while (p > 0 && this.accBefore(c, top[p - 1]!)) {
        top[p] = top[p - 1]!;
        p--;
      }
      top[p] = c;
    }
    let mass = 0;
    for (let k = 0; k < n; k++) mass += w[k]! * w[k]!;
    const open = mass - listed;
    const threshold = this.opts.threshold;
    // Slack for rounding, so that the bound never drops a candidate exact scoring would keep.
    const bar = threshold * (1 - 1e-9);
    const lastMs = this.lastMs;
    let kept2 = 0;
    for (let c = 0; c < nt; c++) {
      const k = top[c]!;
      const s = cands[k]!;
      // Cosine is at most the norm of the item's weights on terms the story may hold; decay only lowers it.
      const decay = Math.exp(-this.decayLambda * Math.max(0, now - lastMs[s]!));
      if (Math.sqrt(Math.max(0, open + cHeld[k]!) + 1e-12) * decay < bar) continue;
      top[kept2] = s;
      this.cDecay[kept2++] = decay;
    }
    nt = kept2;

    if (this.mSlot.length < nt) {
      this.mSlot = new Int32Array(nt);
      this.mScore = new Float64Array(nt);
    }
    const mSlot = this.mSlot;
    const mScore = this.mScore;
    let found = 0;
    for (let c = 0; c < nt; c++) {
      const s = top[c]!;
      const score = this.similarity(s) * this.cDecay[c]!;
      if (score < threshold) continue;
      let p = found++;
      while (
        p > 0 &&
        (mScore[p - 1]! < score ||
          (mScore[p - 1] === score && this.serialOf[mSlot[p - 1]!]! > this.serialOf[s]!))
      ) {
        mSlot[p] = mSlot[p - 1]!;
        mScore[p] = mScore[p - 1]!;
        p--;
      }
      mSlot[p] = s;
      mScore[p] = score;
    }
    return found;
  }

  /** Doubles the candidate table, re-entering the first `nc` candidates of the current item. */
  private growCandidateTable(nc: number): void {
    const size = this.cKey.length * 2;
    this.cKey = new Int32Array(size);
    this.cStamp = new Int32Array(size);
    this.cIdx = new Int32Array(size);
    this.cShift--;
    const mask = size - 1;
    for (let c = 0; c < nc; c++) {
      const slot = this.cands[c]!;
      let at = Math.imul(slot, 0x9e3779b1) >>> this.cShift;
      while (this.cStamp[at] === this.epoch) at = (at + 1) & mask;
      this.cStamp[at] = this.epoch;
      this.cKey[at] = slot;
      this.cIdx[at] = c;
    }
  }

  private createStory(itemId: string, now: number): number {
    let id = `s-${itemId}`;
    // A repeated item id must not reuse a story id that is (or was merged into) another story.
    for (let n = 2; this.byId.has(id) || this.mergedInto.has(id); n++) id = `s-${itemId}~${n}`;
    let s = this.freeSlots.pop();
    if (s === undefined) {
      s = this.slots++;
      if (s >= this.gen.length) this.growSlots(s + 1);
    }
    this.alive[s] = 1;
    this.serialOf[s] = this.serial++;
    this.firstMs[s] = now;
    this.lastMs[s] = now;
    this.norm2[s] = 0;
    this.len[s] = 0;
    this.cls[s] = 0;
    this.blk[s] = this.cpools[0]!.alloc();
    this.meta[s] = new StoryMeta(id);
    this.live++;
    this.byId.set(id, s);
    return s;
  }

  private growSlots(min: number): void {
    const size = Math.max(min, this.gen.length * 2);
    this.gen = grownI32(this.gen, size);
    const alive = new Uint8Array(size);
    alive.set(this.alive);
    this.alive = alive;
    this.serialOf = grownF64(this.serialOf, size);
    this.firstMs = grownF64(this.firstMs, size);
    this.lastMs = grownF64(this.lastMs, size);
    this.norm2 = grownF64(this.norm2, size);
    this.cls = grownI32(this.cls, size);
    this.blk = grownI32(this.blk, size);
    this.len = grownI32(this.len, size);
  }

  private join(
    s: number,
    item: ClusterInput,
    ids: Int32Array,
    w: Float64Array,
    n: number,
    entities: string[],
    seq: number,
    now: number,
  ): void {
    this.addToCentroid(s, ids, w, n);
    const m = this.meta[s]!;
    m.itemIds.push(item.id);
    m.itemSeqs.push(seq);
    this.itemStory.set(item.id, s);
    const source = item.source;
    if (source && !m.sources.includes(source)) {
      m.sources.push(source);
      m.sourceSeqs.push(seq);
    }
    for (const e of entities) this.countEntity(m, e, 1);
    const score = this.similarity(s);
    // Only a title that enters the pool needs its own copy of the vector.
    const pool = m.titles;
    const loud = sensational(item.title);
    const rank = loud ? score * 0.9 : score;
    if (pool.length < HEADLINE_POOL || rank > pool[pool.length - 1]!.score) {
      // Exact-length copies: arrays grown by push keep slack, and a story may hold its titles for weeks.
      const tIds = copyOf(ids, n);
      const tW = copyOf(w, n);
      this.offerTitle(s, { title: item.title, loud, ids: tIds, w: tW, score, seq });
    }
    if (m.itemIds.length === 1) {
      // A new story's arrays were built by push, which reserves room for about sixteen more; most stories
      // never grow, so exact-length copies hold their few entries for the whole window.
      m.itemIds = m.itemIds.slice();
      m.itemSeqs = m.itemSeqs.slice();
      m.sources = m.sources.slice();
      m.sourceSeqs = m.sourceSeqs.slice();
      m.titles = m.titles.slice();
      m.entityNames = m.entityNames.slice();
      m.entityKeys = m.entityKeys.slice();
      m.entityCounts = m.entityCounts.slice();
    }
    this.lastMs[s] = Math.max(this.lastMs[s]!, now);
    this.pushEvict(s);
  }

  private pushEvict(s: number): void {
    if (this.evTail === this.evSlot.length) {
      if (this.evHead * 2 > this.evTail) {
        // Most of the queue is consumed: slide the rest down instead of growing.
        this.evSlot.copyWithin(0, this.evHead, this.evTail);
        this.evGen.copyWithin(0, this.evHead, this.evTail);
        this.evMs.copyWithin(0, this.evHead, this.evTail);
        this.evTail -= this.evHead;
        this.evHead = 0;
      } else {
        const size = this.evSlot.length * 2;
        this.evSlot = grownI32(this.evSlot, size);
        this.evGen = grownI32(this.evGen, size);
        this.evMs = grownF64(this.evMs, size);
      }
    }
    this.evSlot[this.evTail] = s;
    this.evGen[this.evTail] = this.gen[s]!;
    this.evMs[this.evTail++] = this.lastMs[s]!;
  }

  /**
   * Adds `ids/w` (ascending ids) into the story's centroid, keeping its heaviest terms and the index in step.
   * The sum is built in scratch arrays and written back into the story's block (a larger one if needed).
   */
  private addToCentroid(s: number, ids: Int32Array, w: Float64Array, n: number): void {
    const len = this.len[s]!;
    if (this.mergeIds.length < len + n) {
      this.mergeIds = new Int32Array((len + n) * 2);
      this.mergeW = new Float64Array((len + n) * 2);
      this.sortBuf = new Float64Array((len + n) * 2);
    }
    const outIds = this.mergeIds;
    const outW = this.mergeW;
    let pool = this.cpools[this.cls[s]!]!;
    let h = this.blk[s]!;
    let sIds = pool.ids[h >> pool.shift]!;
    let sW = pool.w[h >> pool.shift]!;
    let off = (h & pool.mask) * pool.width;
    const end = off + len;
    let i = off;
    let j = 0;
    let o = 0;
    while (i < end || j < n) {
      const a = i < end ? sIds[i]! : 2147483647;
      const b = j < n ? ids[j]! : 2147483647;
      if (a === b) {
        outIds[o] = a;
        outW[o++] = sW[i++]! + w[j++]!;
      } else if (a < b) {
        outIds[o] = a;
        outW[o++] = sW[i++]!;
      } else {
        outIds[o] = b;
        outW[o++] = w[j++]!;
        this.index(b, s);
      }
    }
    if (o > this.pruneAt) {
      // Keep the heaviest terms; at the cut, lower ids win, so the choice is reproducible.
      const sorted = this.sortBuf.subarray(0, o);
      sorted.set(outW.subarray(0, o));
      sorted.sort();
      const cut = sorted[o - this.keepTerms]!;
      let above = 0;
      for (let k = 0; k < o; k++) if (outW[k]! > cut) above++;
      let ties = this.keepTerms - above;
      let kept = 0;
      for (let k = 0; k < o; k++) {
        const x = outW[k]!;
        if (x > cut || (x === cut && ties-- > 0)) {
          outIds[kept] = outIds[k]!;
          outW[kept++] = x;
        } else this.unindex(outIds[k]!, s);
      }
      o = kept;
    }
    if (o > pool.width) {
      let c = this.cls[s]!;
      while (this.cpools[c]!.width < o) c++;
      pool.release(h);
      pool = this.cpools[c]!;
      h = pool.alloc();
      this.cls[s] = c;
      this.blk[s] = h;
      sIds = pool.ids[h >> pool.shift]!;
      sW = pool.w[h >> pool.shift]!;
      off = (h & pool.mask) * pool.width;
    }
    let n2 = 0;
    for (let k = 0; k < o; k++) {
      sIds[off + k] = outIds[k]!;
      sW[off + k] = outW[k]!;
      // The norm is that of the stored (single-precision) weights, so that cosines stay within [0, 1].
      const x = sW[off + k]!;
      n2 += x * x;
    }
    this.len[s] = o;
    this.norm2[s] = n2;
  }

  /** Lists story `s` under `term`: two ints per entry, the slot and the story's serial (to break ties). */
  private index(term: number, s: number): void {
    const r = term << 2;
    this.post[r + 3]!++;
    let h = this.post[r]!;
    if (h < 0) {
      h = this.ppools[0]!.alloc();
      this.post[r] = h;
      this.post[r + 1] = 0;
      this.post[r + 2] = 0;
    }
    let pool = this.ppools[this.post[r + 1]!]!;
    let list = pool.ids[h >> pool.shift]!;
    let off = (h & pool.mask) * pool.width;
    let n = this.post[r + 2]!;
    if (2 * n === pool.width) {
      // Full: grow, or at the cap forget the older half (only the newest entries are ever read).
      if (pool.width < 2 * this.postingCap) {
        const c = this.post[r + 1]! + 1;
        const bigger = this.ppools[c]!;
        const h2 = bigger.alloc();
        const list2 = bigger.ids[h2 >> bigger.shift]!;
        const off2 = (h2 & bigger.mask) * bigger.width;
        list2.set(list.subarray(off, off + 2 * n), off2);
        pool.release(h);
        pool = bigger;
        list = list2;
        off = off2;
        this.post[r] = h2;
        this.post[r + 1] = c;
      } else {
        const keep = n >> 1;
        list.copyWithin(off, off + 2 * (n - keep), off + 2 * n);
        n = keep;
      }
    }
    list[off + 2 * n] = s;
    list[off + 2 * n + 1] = this.serialOf[s]! | 0;
    this.post[r + 2] = n + 1;
  }

  /**
   * Story `s` stopped holding `term`: its entry leaves the postings at once, so that a scan never meets a
   * story gone since; once no story holds the term, its postings are let go.
   */
  private unindex(term: number, s: number): void {
    const r = term << 2;
    const h = this.post[r]!;
    if (--this.post[r + 3]! <= 0) {
      if (h < 0) return;
      this.ppools[this.post[r + 1]!]!.release(h);
      this.post[r] = -1;
      this.post[r + 2] = 0;
      return;
    }
    if (h < 0) return;
    const pool = this.ppools[this.post[r + 1]!]!;
    const list = pool.ids[h >> pool.shift]!;
    const off = (h & pool.mask) * pool.width;
    const n = this.post[r + 2]!;
    // Not there if the entry was among an older half forgotten at the cap.
    for (let p = off + 2 * (n - 1); p >= off; p -= 2) {
      if (list[p] !== s) continue;
      list.copyWithin(p, p + 2, off + 2 * n);
      this.post[r + 2] = n - 1;
      return;
    }
  }

  /** Folds the younger story into the older one; the younger id resolves to the older from now on. */
  private merge(older: number, younger: number): void {
    const yLen = this.len[younger]!;
    if (this.otherIds.length < yLen) {
      this.otherIds = new Int32Array(yLen * 2);
      this.otherW = new Float64Array(yLen * 2);
    }
    const yPool = this.cpools[this.cls[younger]!]!;
    const yh = this.blk[younger]!;
    const yOff = (yh & yPool.mask) * yPool.width;
    const yIds = yPool.ids[yh >> yPool.shift]!;
    const yW = yPool.w[yh >> yPool.shift]!;
    for (let k = 0; k < yLen; k++) {
      this.otherIds[k] = yIds[yOff + k]!;
      this.otherW[k] = yW[yOff + k]!;
    }
    this.addToCentroid(older, this.otherIds, this.otherW, yLen);
    const o = this.meta[older]!;
    const y = this.meta[younger]!;
    const items = mergeBySeq(o.itemIds, o.itemSeqs, y.itemIds, y.itemSeqs);
    o.itemIds = items.values;
    o.itemSeqs = items.seqs;
    for (const itemId of y.itemIds) this.itemStory.set(itemId, older);
    const src = mergeBySeq(o.sources, o.sourceSeqs, y.sources, y.sourceSeqs);
    o.sources = [];
    o.sourceSeqs = [];
    src.values.forEach((x, k) => {
      if (!o.sources.includes(x)) {
        o.sources.push(x);
        o.sourceSeqs.push(src.seqs[k]!);
      }
    });
    y.entityNames.forEach((e, k) => {
      this.countEntity(o, e, y.entityCounts[k]!);
    });
    for (const t of y.titles) this.offerTitle(older, { ...t, score: this.titleCosine(older, t) });
    this.rescoreTitles(older);
    this.firstMs[older] = Math.min(this.firstMs[older]!, this.firstMs[younger]!);
    this.lastMs[older] = Math.max(this.lastMs[older]!, this.lastMs[younger]!);
    const moved = [y.id, ...y.absorbed];
    for (const id of moved) this.mergedInto.set(id, o.id);
    for (const id of moved) o.absorbed.push(id);
    y.absorbed = [];
    this.drop(younger);
  }

  /** Removes a story from memory and the index; its posting entries go stale with the slot's generation. */
  private drop(s: number): void {
    this.alive[s] = 0;
    this.gen[s] = (this.gen[s]! + 1) | 0;
    const pool = this.cpools[this.cls[s]!]!;
    const h = this.blk[s]!;
    const ids = pool.ids[h >> pool.shift]!;
    const off = (h & pool.mask) * pool.width;
    const end = off + this.len[s]!;
    for (let k = off; k < end; k++) this.unindex(ids[k]!, s);
    pool.release(h);
    this.len[s] = 0;
    this.byId.delete(this.meta[s]!.id);
    this.meta[s] = undefined;
    this.freeSlots.push(s);
    this.live--;
  }

  private expire(now: number): void {
    const horizon = now - this.windowMs;
    while (this.evHead < this.evTail && this.evMs[this.evHead]! < horizon) {
      const s = this.evSlot[this.evHead]!;
      const g = this.evGen[this.evHead]!;
      this.evHead++;
      if (this.gen[s] !== g || !this.alive[s] || this.lastMs[s]! >= horizon) continue;
      const m = this.meta[s]!;
      for (const itemId of m.itemIds) if (this.itemStory.get(itemId) === s) this.itemStory.delete(itemId);
      if (m.absorbed.length > 0) this.forgetQueue.push({ at: now + this.mergeMemoryMs(), ids: m.absorbed });
      this.drop(s);
    }
    if (this.evHead === this.evTail) {
      this.evHead = 0;
      this.evTail = 0;
    }
    while (this.forgetHead < this.forgetQueue.length && this.forgetQueue[this.forgetHead]!.at < now) {
      for (const id of this.forgetQueue[this.forgetHead]!.ids) this.mergedInto.delete(id);
      this.forgetHead++;
    }
    if (this.forgetHead > 1024 && this.forgetHead * 2 > this.forgetQueue.length) {
      this.forgetQueue.splice(0, this.forgetHead);
      this.forgetHead = 0;
    }
    // Forget unused vocabulary, and the words that spelled it, a few times per window.
    if (now >= this.nextPruneMs) {
      if (this.nextPruneMs !== Number.NEGATIVE_INFINITY) {
        for (const id of this.vocab.prune((id) => this.post[(id << 2) + 3]! > 0)) {
          // No live story holds a freed term, so its postings are already gone.
          this.post[id << 2] = -1;
          this.post[(id << 2) + 2] = 0;
        }
        this.features.sweep();
      }
      this.nextPruneMs = now + this.windowMs / 4;
    }
  }

  private mergeMemoryMs(): number {
    return (this.opts.mergeMemoryHours ?? this.opts.windowHours * 4) * HOUR;
  }

  private countEntity(m: StoryMeta, name: string, n: number): void {
    const key = name.toLowerCase();
    const k = m.entityKeys.indexOf(key);
    if (k >= 0) {
      m.entityCounts[k]! += n;
      return;
    }
    if (m.entityNames.length >= ENTITY_POOL) {
      // Full: a new name replaces the last of the rarest, which keeps the pool bounded and stable.
      let min = 0;
      for (let i = 1; i < m.entityCounts.length; i++) if (m.entityCounts[i]! <= m.entityCounts[min]!) min = i;
      if (m.entityCounts[min]! > n) return;
      m.entityNames.splice(min, 1);
      m.entityKeys.splice(min, 1);
      m.entityCounts.splice(min, 1);
    }
    m.entityNames.push(name);
    m.entityKeys.push(key);
    m.entityCounts.push(n);
  }

  /** Cosine of a kept title's vector with the story's centroid. */
  private titleCosine(s: number, t: TitleCandidate): number {
    const n2 = this.norm2[s]!;
    if (n2 <= 0) return 0;
    const pool = this.cpools[this.cls[s]!]!;
    const h = this.blk[s]!;
    const sIds = pool.ids[h >> pool.shift]!;
    const sW = pool.w[h >> pool.shift]!;
    let i = (h & pool.mask) * pool.width;
    const end = i + this.len[s]!;
    let j = 0;
    let d = 0;
    while (i < end && j < t.ids.length) {
      const a = sIds[i]!;
      const b = t.ids[j]!;
      if (a === b) d += sW[i++]! * t.w[j++]!;
      else if (a < b) i++;
      else j++;
    }
    return d / Math.sqrt(n2);
  }

  /**
   * Keeps the few titles closest to the centroid, to pick the headline from. Scores of kept titles are
   * refreshed as the story grows (each time it doubles, and every 16 items), not on every item.
   */
  private offerTitle(s: number, cand: TitleCandidate): void {
    if (cand.loud) cand.score *= 0.9;
    const pool = this.meta[s]!.titles;
    if (pool.length < HEADLINE_POOL) pool.push(cand);
    else if (cand.score > pool[pool.length - 1]!.score) pool[pool.length - 1] = cand;
    else return;
    pool.sort((a, b) => b.score - a.score || a.seq - b.seq);
    const n = this.meta[s]!.itemIds.length;
    if ((n & (n - 1)) === 0 || n % 16 === 0) this.rescoreTitles(s);
  }

  private rescoreTitles(s: number): void {
    const titles = this.meta[s]!.titles;
    for (const t of titles) t.score = this.titleCosine(s, t) * (t.loud ? 0.9 : 1);
    titles.sort((a, b) => b.score - a.score || a.seq - b.seq);
  }

  private info(s: number): StoryInfo {
    const m = this.meta[s]!;
    const pool = this.cpools[this.cls[s]!]!;
    const h = this.blk[s]!;
    const off = (h & pool.mask) * pool.width;
    const ids = Array.from(pool.ids[h >> pool.shift]!.subarray(off, off + this.len[s]!));
    const w = Array.from(pool.w[h >> pool.shift]!.subarray(off, off + this.len[s]!));
    const order = ids.map((_, k) => k).sort((a, b) => w[b]! - w[a]! || ids[a]! - ids[b]!);
    const keywords: string[] = [];
    for (const k of order) {
      if (keywords.length >= 8) break;
      const word = this.vocab.surface[ids[k]!];
      if (word && !keywords.includes(word)) keywords.push(word);
    }
    const size = m.itemIds.length;
    const entities = m.entityNames
      .map((name, k) => ({ name, count: m.entityCounts[k]!, k }))
      .filter((e) => e.count >= Math.min(2, size))
      .sort((a, b) => b.count - a.count || a.k - b.k)
      .slice(0, 10)
      .map((e) => e.name);
    return {
      id: m.id,
      headline: m.titles[0]?.title ?? '',
      itemIds: [...m.itemIds],
      sources: [...m.sources],
      keywords,
      entities,
      firstSeen: new Date(this.firstMs[s]!).toISOString(),
      lastUpdated: new Date(this.lastMs[s]!).toISOString(),
    };
  }
}

/** The first `n` values as an exact-length array; a plain loop, where `Array.from` walks an iterator. */
function copyOf(a: Int32Array | Float64Array, n: number): number[] {
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) out[k] = a[k]!;
  return out;
}

function mergeBySeq<T>(a: T[], aSeq: number[], b: T[], bSeq: number[]): { values: T[]; seqs: number[] } {
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
  return { values, seqs };
}
