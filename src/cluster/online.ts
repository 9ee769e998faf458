import type { ItemEntities } from './entities.js';
import { DEFAULT_FEATURE_WEIGHTS, FeatureExtractor, type FeatureWeights } from './features.js';
import { IdTable } from './id-table.js';
import {
  absorbedOf,
  addItem,
  addSource,
  countItemEntity,
  entityCounts,
  hasSource,
  insertTitle,
  itemCount,
  itemIds,
  mergedRecord,
  newRecord,
  replaceTitle,
  type StoryRecord,
  scoreFirstTitle,
  sortTitles,
  sourceCount,
  sourceNames,
  storyIdOf,
  T_SCORE,
  T_SEQ,
  T_TITLE,
  T_VECTOR,
  T_WEIGHT,
  titleAt,
  titleCount,
} from './story-record.js';
import type { Assignment, ClusterInput, OnlineClusterer, StoryInfo } from './types.js';
import { grownF64, grownI32, HELD, LINK, TERM_INTS, Vocabulary } from './vocabulary.js';

export interface ClusterOptions {
  /** An item joins a story when its (time-decayed) cosine similarity to the story's centroid reaches this. */
  threshold: number;
  /**
   * The bar for an item with a summary or text as well as its headline to join a story of one item, which it
   * would make a story of two outlets. Two such texts share a place or a name by chance, and against a
   * single item's words that one term lifts the cosine well above `threshold`.
   */
  summaryThreshold: number;
  /**
   * The bar for an item with a summary or text to join any story when one shared term gives more than half of
   * the similarity: a place or a name in common, which says little about the event.
   */
  oneTermThreshold: number;
  /**
   * The bar for an item with a summary or text to join a story on names and numbers alone: when plain words
   * (neither names nor numbers) give less than `namesOnlyShare` of the similarity, the item and the story share
   * who or where but not what happened, as two stories about one footballer or one city do. It holds for a
   * story of any size: a week of war coverage names the same sides in every report, and without it each report
   * of a new event there would join the running story instead of starting its own.
   */
  namesOnlyThreshold: number;
  /** The share of the similarity plain words must give for `namesOnlyThreshold` not to apply. */
  namesOnlyShare: number;
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
  /** Told of each story as it goes cold and leaves memory. */
  onExpire?: ExpireListener;
}

/**
 * Gets a story that goes cold: how many outlets covered it, and its final metadata, built only if asked for,
 * since most stories that go cold are single items nobody keeps.
 */
export type ExpireListener = (sources: number, story: () => StoryInfo) => void;

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = {
  threshold: 0.18,
  summaryThreshold: 0.22,
  oneTermThreshold: 0.3,
  namesOnlyThreshold: 0.35,
  namesOnlyShare: 0.1,
  mergeThreshold: 0.25,
  mergeMaxSize: 8,
  windowHours: 72,
  decayHalfLifeHours: 12,
  centroidTerms: 64,
  queryTerms: 8,
  postingScan: 32,
  candidates: 16,
  features: DEFAULT_FEATURE_WEIGHTS,
};

const HOUR = 3_600_000;
const HEADLINE_POOL = 5;

/** Ints per chunk of an arena, and the bits a block's place in its chunk takes in its name. */
const CHUNK = 65_536;
const PLACE_BITS = 16;
const PLACE_MASK = (1 << PLACE_BITS) - 1;

/**
 * Blocks of ints in a few size classes, carved from chunked typed arrays (each chunk serves one class) and
 * recycled through free lists. Stories' centroids and terms' postings live here rather than in per-story
 * objects: the heap holds a few large arrays the garbage collector need not trace, and an item that joins a
 * story writes in place instead of allocating. A block is named by one int, its chunk and its place there.
 */
class Arena {
  readonly chunks: Int32Array[] = [];
  /** The same chunks read as floats, for blocks that hold weights. */
  readonly floats: Float32Array[] = [];
  /** Class and block width of each chunk. */
  readonly chunkClass: number[] = [];
  readonly chunkWidth: number[] = [];
  private readonly free: number[][];
  /** Per class, the chunk being carved (-1: none yet) and how many of its blocks are handed out. */
  private readonly carving: number[];
  private readonly carved: number[];

  constructor(readonly widths: readonly number[]) {
    this.free = widths.map(() => []);
    this.carving = widths.map(() => -1);
    this.carved = widths.map(() => 0);
  }

  alloc(c: number): number {
    const h = this.free[c]!.pop();
    if (h !== undefined) return h;
    const width = this.widths[c]!;
    let chunk = this.carving[c]!;
    if (chunk < 0 || this.carved[c]! * width + width > Math.max(CHUNK, width)) {
      chunk = this.chunks.length;
      const ints = new Int32Array(Math.max(CHUNK, width));
      this.chunks.push(ints);
      this.floats.push(new Float32Array(ints.buffer));
      this.chunkClass.push(c);
      this.chunkWidth.push(width);
      this.carving[c] = chunk;
      this.carved[c] = 0;
    }
    return (chunk << PLACE_BITS) | this.carved[c]!++;
  }

  release(h: number): void {
    this.free[this.classOf(h)]!.push(h);
  }

  classOf(h: number): number {
    return this.chunkClass[h >>> PLACE_BITS]!;
  }

  /** Where block `h` starts in its chunk. */
  offset(h: number): number {
    return (h & PLACE_MASK) * this.chunkWidth[h >>> PLACE_BITS]!;
  }
}

/**
 * Per story slot, a record of four doubles (32 bytes, so one cache line) holding what scoring a candidate
 * reads: the last activity and the centroid's squared norm as doubles, then as ints (of eight) the centroid's
 * block and length, the slot's generation and whether it is live.
 */
const REC = 4;
const R_LAST = 0;
const R_NORM2 = 1;
const I_BLOCK = 4;
const I_LEN = 5;
/** Bumped when a slot's story goes, so that expiry records of an earlier story in the slot are ignored. */
const I_GEN = 6;
const I_ALIVE = 7;

/** Titles that shout, ask or trail off make poor headlines for a thread. */
function sensational(title: string): boolean {
  let lower = false;
  for (let k = 0; k < title.length; k++) {
    const c = title.charCodeAt(k);
    if (c === 33 || c === 63 || c === 0x2026) return true;
    if (c === 46 && title.charCodeAt(k + 1) === 46 && title.charCodeAt(k + 2) === 46) return true;
    if (c >= 97 && c <= 122) lower = true;
  }
  // No lower-case letter: all capitals, or no words at all.
  return !lower;
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
  private readonly byId = new IdTable();
  private readonly itemStory = new IdTable();
  /** Merged-away story id -> surviving story id (always the final survivor). */
  private readonly mergedInto = new Map<string, string>();
  private readonly forgetQueue: { at: number; ids: readonly string[] }[] = [];
  private forgetHead = 0;

  // Per story slot.
  private slots = 0;
  private live = 0;
  private readonly freeSlots: number[] = [];
  /** Slot records (see `REC`), as doubles and as ints. */
  private rec = new Float64Array(REC * 1024);
  private reci = new Int32Array(this.rec.buffer);
  private serialOf = new Float64Array(1024);
  private firstMs = new Float64Array(1024);
  private meta: (StoryRecord | undefined)[] = [];
  /**
   * Centroids: blocks of (term id, weight) pairs sorted by id, by size class; a centroid moves up a class
   * when it outgrows its block. `centroidCap` is each class's capacity in terms.
   */
  private readonly centroids: Arena;
  private readonly centroidCap: number[] = [];

  /**
   * The current item's weights in a small open-addressing table keyed by term id, for scoring candidates
   * without merging sparse vectors; small enough to stay in cache while centroids stream past.
   */
  private qKeys = new Int32Array(256).fill(-1);
  private qVals = new Float64Array(256);
  /** Per place in the table, 1 when the item's term there is a plain word (see `namesOnlyThreshold`). */
  private qPlain = new Uint8Array(256);
  private qShift = 24;
  private qAt = new Int32Array(64);

  /**
   * Postings: per term, the live stories whose centroid holds it, as a block of entries in use then two ints
   * per entry (the slot and the story's serial, to break ties), oldest first. Class c holds 2^(c+1) entries,
   * up to `postingCap`. A term's block is named in its vocabulary record (`LINK`, plus one; 0 for none),
   * next to the statistics that extracting the item's features has just read.
   */
  private readonly postings: Arena;
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
   * The item's candidates by slot: an open-addressing table of (slot + 1, candidate index) pairs, emptied
   * after each item. Small enough to stay in cache, where per-slot marks would miss on every posting.
   */
  private cTable = new Int32Array(2048);
  private cShift = 22;
  /** Where each candidate sits in `cTable`, for emptying it. */
  private cAt = new Int32Array(256);
  /** Squared item weight of the query terms whose holders `gather` read in full. */
  private listed = 0;
  private top = new Int32Array(16);
  private cDecay = new Float64Array(16);
  private topIdx = new Int32Array(16);
  private mSlot = new Int32Array(16);
  private mScore = new Float64Array(16);
  private mergeIds = new Int32Array(256);
  private mergeW = new Float64Array(256);
  private mergeQ = new Float64Array(256);
  private otherIds = new Int32Array(128);
  private otherW = new Float64Array(128);
  private cutBuf = new Float64Array(256);
  private cutIds = new Int32Array(256);

  /** Sum of reads made only to start cache misses early; kept so that the reads are not optimised away. */
  prefetched = 0;
  /** The item being added has a summary or text besides its headline (see `summaryThreshold`). */
  private summarised = false;
  /** Of the last `similarity`, the share its largest shared term gave (see `oneTermThreshold`). */
  private topShare = 0;
  /** Of the last `similarity`, the share plain words gave (see `namesOnlyThreshold`). */
  private plainShare = 0;
  private serial = 0;
  private seq = 0;
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
      this.centroidCap.push(w);
      if (w >= this.pruneAt) break;
    }
    this.centroids = new Arena(this.centroidCap.map((n) => 2 * n));
    // Twice the scan, so that entries of stories gone since do not crowd out the newest live ones.
    const cap = Math.min(2 ** 30, Math.max(2, this.opts.postingScan * 2));
    this.postingCap = 2 ** Math.ceil(Math.log2(cap));
    const widths: number[] = [];
    for (let n = 2; n <= this.postingCap; n *= 2) widths.push(1 + 2 * n);
    this.postings = new Arena(widths);
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

  add(item: ClusterInput, newStoryId?: string): Assignment {
    // The same item again (a re-polled feed) keeps its story.
    const seen = this.itemStory.get(item.id);
    if (seen >= 0) return { id: item.id, storyId: storyIdOf(this.meta[seen]!), merged: [], score: 1 };

    const t = item.publishedAt ? Date.parse(item.publishedAt) : Number.NaN;
    // The clock never runs backwards: a late item is placed at the latest time seen.
    const itemMs = Number.isFinite(t) ? t : this.clock;
    const now = Number.isFinite(itemMs) ? Math.max(this.clock, itemMs) : 0;
    this.clock = now;
    this.expire(now);
    const seq = this.seq++;

    const weights = this.opts.features;
    this.summarised = (!!item.description && weights.description > 0) || (!!item.text && weights.text > 0);
    const fx = this.features;
    const n = fx.run(item, now);
    this.load(fx.ids, fx.w, fx.plain, n);
    const found = this.match(fx.ids, fx.w, n, now);
    let story: number;
    let score = 1;
    const merged: string[] = [];
    if (found > 0) {
      story = found > 1 ? this.foldMatches(found, merged) : this.mSlot[0]!;
      score = this.mScore[0]!;
    } else {
      story = this.createStory(item, seq, now, newStoryId);
    }
    this.join(story, item, fx.ids, fx.w, n, fx.entities, seq, now, found === 0);
    this.unload(n);
    return { id: item.id, storyId: storyIdOf(this.meta[story]!), merged, score };
  }

  /**
   * The item bridges the stories it matched: those about the same thing were one story all along, and are
   * folded into the oldest. Returns the story the item joins; the ids of those folded in go to `merged`.
   */
  private foldMatches(found: number, merged: string[]): number {
    let story = this.mSlot[0]!;
    for (let i = 1; i < found; i++) {
      const other = this.mSlot[i]!;
      if (!this.alive(other) || !this.alive(story)) continue;
      // Only fragments are folded in: two stories that each grew on their own are kept apart.
      if (Math.min(itemCount(this.meta[story]!), itemCount(this.meta[other]!)) > this.opts.mergeMaxSize)
        continue;
      const rec = this.rec;
      const sim =
        this.storyDot(story, other) /
        Math.sqrt(rec[story * REC + R_NORM2]! * rec[other * REC + R_NORM2]! || 1);
      if (sim < this.opts.mergeThreshold) continue;
      const otherOlder = this.serialOf[other]! < this.serialOf[story]!;
      const older = otherOlder ? other : story;
      const younger = otherOlder ? story : other;
      merged.push(storyIdOf(this.meta[younger]!));
      this.merge(older, younger);
      story = older;
    }
    return story;
  }

  resolve(storyId: string): string {
    return this.mergedInto.get(storyId) ?? storyId;
  }

  storyOf(itemId: string): string | undefined {
    const slot = this.itemStory.get(itemId);
    const r = slot < 0 ? undefined : this.meta[slot];
    return r === undefined ? undefined : storyIdOf(r);
  }

  story(storyId: string): StoryInfo | undefined {
    const slot = this.byId.get(this.resolve(storyId));
    return slot < 0 ? undefined : this.info(slot);
  }

  *stories(): Iterable<StoryInfo> {
    // Oldest story first, as they were created.
    const order: number[] = [];
    for (let s = 0; s < this.slots; s++) if (this.alive(s)) order.push(s);
    order.sort((a, b) => this.serialOf[a]! - this.serialOf[b]!);
    for (const s of order) if (this.alive(s)) yield this.info(s);
  }

  private load(ids: Int32Array, w: Float64Array, plain: Uint8Array, n: number): void {
    if (n * 4 > this.qKeys.length) {
      // At most a quarter full, so that a probe for a term the item lacks ends at once.
      let size = this.qKeys.length;
      while (n * 4 > size) size *= 2;
      this.qKeys = new Int32Array(size).fill(-1);
      this.qVals = new Float64Array(size);
      this.qPlain = new Uint8Array(size);
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
      this.qPlain[at] = plain[k]!;
      this.qAt[k] = at;
    }
  }

  private unload(n: number): void {
    for (let k = 0; k < n; k++) this.qKeys[this.qAt[k]!] = -1;
  }

  private alive(s: number): boolean {
    return this.reci[s * 2 * REC + I_ALIVE] === 1;
  }

  /** Cosine of the loaded item with a story's centroid. */
  private similarity(s: number): number {
    const n2 = this.rec[s * REC + R_NORM2]!;
    this.topShare = 0;
    if (n2 <= 0) return 0;
    const h = this.reci[s * 2 * REC + I_BLOCK]!;
    const arena = this.centroids;
    const terms = arena.chunks[h >>> PLACE_BITS]!;
    const w = arena.floats[h >>> PLACE_BITS]!;
    const off = arena.offset(h);
    const end = off + 2 * this.reci[s * 2 * REC + I_LEN]!;
    const keys = this.qKeys;
    const vals = this.qVals;
    const mask = keys.length - 1;
    const shift = this.qShift;
    let d = 0;
    let top = 0;
    let plainDot = 0;
    const qPlain = this.qPlain;
    for (let k = off; k < end; k += 2) {
      const id = terms[k]!;
      let at = Math.imul(id, 0x9e3779b1) >>> shift;
      for (;;) {
        const key = keys[at]!;
        if (key === id) {
          const x = vals[at]! * w[k + 1]!;
          d += x;
          if (x > top) top = x;
          if (qPlain[at] === 1) plainDot += x;
          break;
        }
        if (key === -1) break;
        at = (at + 1) & mask;
      }
    }
    this.topShare = d > 0 ? top / d : 0;
    this.plainShare = d > 0 ? plainDot / d : 0;
    return d / Math.sqrt(n2);
  }

  /** Dot product of two stories' centroids. */
  private storyDot(a: number, b: number): number {
    const arena = this.centroids;
    const ha = this.reci[a * 2 * REC + I_BLOCK]!;
    const hb = this.reci[b * 2 * REC + I_BLOCK]!;
    const aTerms = arena.chunks[ha >>> PLACE_BITS]!;
    const aW = arena.floats[ha >>> PLACE_BITS]!;
    const bTerms = arena.chunks[hb >>> PLACE_BITS]!;
    const bW = arena.floats[hb >>> PLACE_BITS]!;
    let i = arena.offset(ha);
    let j = arena.offset(hb);
    const iEnd = i + 2 * this.reci[a * 2 * REC + I_LEN]!;
    const jEnd = j + 2 * this.reci[b * 2 * REC + I_LEN]!;
    let s = 0;
    while (i < iEnd && j < jEnd) {
      const x = aTerms[i]!;
      const y = bTerms[j]!;
      if (x === y) {
        s += aW[i + 1]! * bW[j + 1]!;
        i += 2;
        j += 2;
      } else if (x < y) i += 2;
      else j += 2;
    }
    return s;
  }

  /**
   * Fills `mSlot`/`mScore` with the stories above the threshold, best first (ties: older story first), and
   * returns how many there are.
   */
  private match(ids: Int32Array, w: Float64Array, n: number, now: number): number {
    const q = this.pickQueryTerms(w, n);
    const nc = this.gather(ids, w, q);
    const nt = this.rankCandidates(nc);
    let mass = 0;
    for (let k = 0; k < n; k++) mass += w[k]! * w[k]!;
    return this.score(this.keepPossible(nt, mass - this.listed, now));
  }

  /** Puts the indices of the item's heaviest terms, heaviest first, in `topIdx`; returns how many. */
  private pickQueryTerms(w: Float64Array, n: number): number {
    // Rare words and names find the right stories; common words only add noise.
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
    return q;
  }

  /**
   * Reads the newest postings of the `q` query terms into the candidates, each story once, with its overlap
   * (the summed weights of the query terms it was found through); returns how many there are.
   */
  private gather(ids: Int32Array, w: Float64Array, q: number): number {
    const topIdx = this.topIdx;
    // Expired stories were dropped before matching, so every story the postings list is within the window.
    const scan = this.opts.postingScan;
    const terms = this.vocab.ints;
    const arena = this.postings;
    let most = 0;
    let touched = 0;
    for (let t = 0; t < q; t++) {
      const link = terms[ids[topIdx[t]!]! * TERM_INTS + LINK]!;
      if (link === 0) continue;
      const list = arena.chunks[(link - 1) >>> PLACE_BITS]!;
      const off = arena.offset(link - 1);
      const len = list[off]!;
      most += Math.min(len, scan);
      // The entries to be read span several cache lines (of 16 ints): start them all now, so that the misses
      // overlap.
      const end = off + 1 + 2 * len;
      for (let p = off + 1 + 2 * Math.max(0, len - scan); p < end; p += 16) touched += list[p]!;
    }
    this.prefetched = touched;
    this.reserveCandidates(most);
    const table = this.cTable;
    const mask = table.length - 1;
    const shift = this.cShift;
    const cands = this.cands;
    const cAcc = this.cAcc;
    const cHeld = this.cHeld;
    const cSerial = this.cSerial;
    const cAt = this.cAt;
    let nc = 0;
    // Squared item weight of the query terms whose holders were all read: a candidate not found through
    // such a term does not hold it, which bounds its cosine before it is scored.
    let listed = 0;
    for (let t = 0; t < q; t++) {
      const i = topIdx[t]!;
      const r = ids[i]! * TERM_INTS;
      const link = terms[r + LINK]!;
      const qw = w[i]!;
      if (link === 0) {
        listed += qw * qw;
        continue;
      }
      const list = arena.chunks[(link - 1) >>> PLACE_BITS]!;
      const off = arena.offset(link - 1);
      // Postings hold live stories only, each once: the newest `scan` entries are read as they are.
      const len = list[off]!;
      // Entries can be forgotten at the cap; all holders were read only if every one is still listed.
      const all = len <= scan && len === terms[r + HELD]!;
      const held = all ? qw * qw : 0;
      listed += held;
      // Read oldest first: ascending addresses are what the hardware prefetcher follows best.
      const end = off + 1 + 2 * len;
      for (let p = off + 1 + 2 * Math.max(0, len - scan); p < end; p += 2) {
        const slot = list[p]!;
        let at = (Math.imul(slot, 0x9e3779b1) >>> shift) << 1;
        let key = table[at]!;
        while (key !== 0 && key !== slot + 1) {
          at = (at + 2) & mask;
          key = table[at]!;
        }
        if (key !== 0) {
          const c = table[at + 1]!;
          cAcc[c]! += qw;
          cHeld[c]! += held;
          continue;
        }
        table[at] = slot + 1;
        table[at + 1] = nc;
        cAt[nc] = at;
        cands[nc] = slot;
        cAcc[nc] = qw;
        cHeld[nc] = held;
        cSerial[nc++] = list[p + 1]!;
      }
    }
    if (nc * 16 > table.length) table.fill(0);
    else for (let c = 0; c < nc; c++) table[cAt[c]!] = 0;
    this.listed = listed;
    return nc;
  }

  /**
   * Puts the best-overlapping candidates (more overlap first, then the older story), to be scored exactly, in
   * `top`; returns how many. Serials are kept to 32 bits; live stories are never 2^31 stories apart, so the
   * difference orders them.
   */
  private rankCandidates(nc: number): number {
    const cAcc = this.cAcc;
    const cSerial = this.cSerial;
    const limit = Math.min(nc, this.opts.candidates);
    if (this.top.length < limit) {
      this.top = new Int32Array(limit);
      this.cDecay = new Float64Array(limit);
    }
    const top = this.top;
    let nt = 0;
    // The last kept candidate, which a newcomer must beat once the list is full. Candidates are visited as
    // they were found: by query term, heaviest first, and within a term oldest first. The older of equal
    // overlaps ranks first, so most later candidates fail the bar at once instead of shuffling the list.
    let barAcc = Number.NEGATIVE_INFINITY;
    let barSerial = 0;
    for (let c = 0; c < nc; c++) {
      const x = cAcc[c]!;
      const serial = cSerial[c]!;
      if (nt === limit && (x < barAcc || (x === barAcc && ((serial - barSerial) | 0) >= 0))) continue;
      let p = nt < limit ? nt++ : limit - 1;
      while (p > 0) {
        const y = cAcc[top[p - 1]!]!;
        if (x < y || (x === y && ((serial - cSerial[top[p - 1]!]!) | 0) >= 0)) break;
        top[p] = top[p - 1]!;
        p--;
      }
      top[p] = c;
      const last = top[nt - 1]!;
      barAcc = cAcc[last]!;
      barSerial = cSerial[last]!;
    }
    return nt;
  }

  /**
   * Keeps, of the `nt` ranked candidates, the stories (as slots, in `top`, with their decay in `cDecay`) that
   * could still reach the threshold; `open` is the squared item weight on terms whose holders were not all
   * read. Returns how many.
   */
  private keepPossible(nt: number, open: number, now: number): number {
    const top = this.top;
    const cands = this.cands;
    const cHeld = this.cHeld;
    // Slack for rounding, so that the bound never drops a candidate exact scoring would keep.
    const bar = this.opts.threshold * (1 - 1e-9);
    const rec = this.rec;
    const cDecay = this.cDecay;
    // Each candidate's record is a cache miss: fetch them all first, so that the misses overlap.
    for (let c = 0; c < nt; c++) cDecay[c] = rec[cands[top[c]!]! * REC + R_LAST]!;
    let kept = 0;
    for (let c = 0; c < nt; c++) {
      const k = top[c]!;
      // Cosine is at most the norm of the item's weights on terms the story may hold; decay only lowers it.
      const decay = Math.exp(-this.decayLambda * Math.max(0, now - cDecay[c]!));
      if (Math.sqrt(Math.max(0, open + cHeld[k]!) + 1e-12) * decay < bar) continue;
      top[kept] = cands[k]!;
      cDecay[kept++] = decay;
    }
    return kept;
  }

  /** Scores the `nt` stories in `top` exactly; fills `mSlot`/`mScore` with those above the threshold. */
  private score(nt: number): number {
    const threshold = this.opts.threshold;
    const summaryThreshold = this.opts.summaryThreshold;
    const top = this.top;
    if (this.mSlot.length < nt) {
      this.mSlot = new Int32Array(nt);
      this.mScore = new Float64Array(nt);
    }
    const mSlot = this.mSlot;
    const mScore = this.mScore;
    // Each centroid spans several cache lines (of 16 ints), all likely misses: touch them all before scoring,
    // so that the misses overlap instead of waiting in turn.
    const arena = this.centroids;
    let touched = 0;
    for (let c = 0; c < nt; c++) {
      const r = top[c]! * 2 * REC;
      const h = this.reci[r + I_BLOCK]!;
      const chunk = arena.chunks[h >>> PLACE_BITS]!;
      const off = arena.offset(h);
      const end = off + 2 * this.reci[r + I_LEN]!;
      for (let k = off; k < end; k += 16) touched += chunk[k]!;
    }
    this.prefetched = touched;
    let found = 0;
    for (let c = 0; c < nt; c++) {
      const s = top[c]!;
      const score = this.similarity(s) * this.cDecay[c]!;
      if (score < threshold) continue;
      if (this.summarised) {
        if (score < summaryThreshold && itemCount(this.meta[s]!) === 1) continue;
        if (score < this.opts.namesOnlyThreshold && this.plainShare < this.opts.namesOnlyShare) continue;
        if (score < this.opts.oneTermThreshold && this.topShare > 0.5) continue;
      }
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

  /** Makes room for `most` candidates, with the table at most half full. */
  private reserveCandidates(most: number): void {
    if (most > this.cands.length) {
      const size = most * 2;
      this.cands = new Int32Array(size);
      this.cAcc = new Float64Array(size);
      this.cHeld = new Float64Array(size);
      this.cSerial = new Int32Array(size);
      this.cAt = new Int32Array(size);
    }
    let pairs = this.cTable.length >> 1;
    if (most * 2 <= pairs) return;
    while (most * 2 > pairs) pairs *= 2;
    this.cTable = new Int32Array(pairs * 2);
    this.cShift = 32 - Math.log2(pairs);
  }

  /** True when `id` names a live story, or one merged into another. */
  private taken(id: string): boolean {
    return this.byId.has(id) || this.mergedInto.has(id);
  }

  private createStory(item: ClusterInput, seq: number, now: number, wanted?: string): number {
    // A method, not a closure made per story: a closure is allocated on every call (and, under a loader that
    // keeps function names, named through a property definition each time).
    let id = wanted !== undefined && !this.taken(wanted) ? wanted : `s-${item.id}`;
    // A repeated item id must not reuse a story id that is (or was merged into) another story.
    for (let n = 2; this.taken(id); n++) id = `s-${item.id}~${n}`;
    let s = this.freeSlots.pop();
    if (s === undefined) {
      s = this.slots++;
      if (s >= this.serialOf.length) this.growSlots(s + 1);
    }
    this.serialOf[s] = this.serial++;
    this.firstMs[s] = now;
    this.rec[s * REC + R_LAST] = now;
    this.rec[s * REC + R_NORM2] = 0;
    const r = s * 2 * REC;
    this.reci[r + I_BLOCK] = this.centroids.alloc(0);
    this.reci[r + I_LEN] = 0;
    this.reci[r + I_ALIVE] = 1;
    this.meta[s] = newRecord(id, item.id, seq, item.source, item.title, titleWeight(item.title));
    this.live++;
    this.byId.set(id, s);
    return s;
  }

  private growSlots(min: number): void {
    const size = Math.max(min, this.serialOf.length * 2);
    this.rec = grownF64(this.rec, size * REC);
    this.reci = new Int32Array(this.rec.buffer);
    this.serialOf = grownF64(this.serialOf, size);
    this.firstMs = grownF64(this.firstMs, size);
  }

  private join(
    s: number,
    item: ClusterInput,
    ids: Int32Array,
    w: Float64Array,
    n: number,
    entities: ItemEntities,
    seq: number,
    now: number,
    fresh: boolean,
  ): void {
    if (!fresh) this.keepTitleVectors(s);
    const micros = headlineMicros(this.addToCentroid(s, ids, w, n));
    const r = this.meta[s]!;
    this.itemStory.set(item.id, s);
    if (fresh) {
      // A fresh story was made holding its first item and title.
      scoreFirstTitle(r, micros);
      for (let e = 0; e < entities.count; e++) countItemEntity(r, entities, e);
      // Exact length: an array grown by push keeps slack, and a story may be held for weeks.
      if (entities.count > 0) this.meta[s] = r.slice();
    } else {
      addItem(r, item.id, seq);
      const source = item.source;
      if (source && !hasSource(r, source)) addSource(r, source, seq);
      for (let e = 0; e < entities.count; e++) countItemEntity(r, entities, e);
      // Only a title that enters the pool needs its own copy of the vector.
      const weight = titleWeight(item.title);
      const score = micros * weight;
      const pool = titleCount(r);
      if (pool < HEADLINE_POOL || score > (r[titleAt(pool - 1) + T_SCORE] as number))
        this.offerTitle(s, item.title, pairsOf(ids, w, n), score, seq, weight);
    }
    this.rec[s * REC + R_LAST] = Math.max(this.rec[s * REC + R_LAST]!, now);
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
    this.evGen[this.evTail] = this.reci[s * 2 * REC + I_GEN]!;
    this.evMs[this.evTail++] = this.rec[s * REC + R_LAST]!;
  }

  /**
   * Adds `ids/w` (ascending ids) into the story's centroid, keeping its heaviest terms and the index in step.
   * The sum is built in scratch arrays and written back into the story's block (a larger one if needed).
   * Returns the cosine of `ids/w` with the new centroid, as `similarity` would score the item.
   */
  private addToCentroid(s: number, ids: Int32Array, w: Float64Array, n: number): number {
    const r = s * 2 * REC;
    const len = this.reci[r + I_LEN]!;
    if (this.mergeIds.length < len + n) {
      this.mergeIds = new Int32Array((len + n) * 2);
      this.mergeW = new Float64Array((len + n) * 2);
      this.mergeQ = new Float64Array((len + n) * 2);
      this.cutBuf = new Float64Array((len + n) * 2);
      this.cutIds = new Int32Array((len + n) * 2);
    }
    // Terms new to the centroid get a posting.
    this.touchPostings(ids, 0, n, 1);
    const outIds = this.mergeIds;
    const outW = this.mergeW;
    // The added vector's weight on each term, 0 where it has none.
    const outQ = this.mergeQ;
    const arena = this.centroids;
    let h = this.reci[r + I_BLOCK]!;
    let sTerms = arena.chunks[h >>> PLACE_BITS]!;
    let sW = arena.floats[h >>> PLACE_BITS]!;
    let off = arena.offset(h);
    const end = off + 2 * len;
    let i = off;
    let j = 0;
    let o = 0;
    while (i < end || j < n) {
      const a = i < end ? sTerms[i]! : 2147483647;
      const b = j < n ? ids[j]! : 2147483647;
      if (a === b) {
        outIds[o] = a;
        outQ[o] = w[j]!;
        outW[o++] = sW[i + 1]! + w[j++]!;
        i += 2;
      } else if (a < b) {
        outIds[o] = a;
        outQ[o] = 0;
        outW[o++] = sW[i + 1]!;
        i += 2;
      } else {
        outIds[o] = b;
        outQ[o] = w[j]!;
        outW[o++] = w[j++]!;
        this.index(b, s);
      }
    }
    if (o > this.pruneAt) o = this.cut(s, o);
    let c = arena.classOf(h);
    if (o > this.centroidCap[c]!) {
      while (this.centroidCap[c]! < o) c++;
      arena.release(h);
      h = arena.alloc(c);
      this.reci[r + I_BLOCK] = h;
      sTerms = arena.chunks[h >>> PLACE_BITS]!;
      sW = arena.floats[h >>> PLACE_BITS]!;
      off = arena.offset(h);
    }
    let n2 = 0;
    let d = 0;
    for (let k = 0; k < o; k++) {
      sTerms[off + 2 * k] = outIds[k]!;
      sW[off + 2 * k + 1] = outW[k]!;
      // The norm is that of the stored (single-precision) weights, so that cosines stay within [0, 1].
      const x = sW[off + 2 * k + 1]!;
      n2 += x * x;
      // Terms the vector lacks add an exact zero, so the sum is the one `similarity` makes.
      d += outQ[k]! * x;
    }
    this.reci[r + I_LEN] = o;
    this.rec[s * REC + R_NORM2] = n2;
    return n2 > 0 ? d / Math.sqrt(n2) : 0;
  }

  /**
   * Cuts the `o` merged terms back to the heaviest `keepTerms` (at the cut, lower ids win, so the choice is
   * reproducible) and unindexes the story from the rest; returns how many are kept.
   */
  private cut(s: number, o: number): number {
    const outIds = this.mergeIds;
    const outW = this.mergeW;
    const outQ = this.mergeQ;
    const scratch = this.cutBuf;
    for (let k = 0; k < o; k++) scratch[k] = outW[k]!;
    const cut = select(scratch, o, o - this.keepTerms);
    let above = 0;
    for (let k = 0; k < o; k++) if (outW[k]! > cut) above++;
    let ties = this.keepTerms - above;
    let kept = 0;
    let dropped = 0;
    for (let k = 0; k < o; k++) {
      const x = outW[k]!;
      if (x > cut || (x === cut && ties-- > 0)) {
        outIds[kept] = outIds[k]!;
        outQ[kept] = outQ[k]!;
        outW[kept++] = x;
      } else this.cutIds[dropped++] = outIds[k]!;
    }
    this.unindexAll(this.cutIds, 0, dropped, 1, s);
    return kept;
  }

  /** Lists story `s` under `term`, as its newest entry. */
  private index(term: number, s: number): void {
    const terms = this.vocab.ints;
    const r = term * TERM_INTS;
    terms[r + HELD]!++;
    const arena = this.postings;
    let h = terms[r + LINK]! - 1;
    if (h < 0) {
      h = arena.alloc(0);
      arena.chunks[h >>> PLACE_BITS]![arena.offset(h)] = 0;
      terms[r + LINK] = h + 1;
    }
    let list = arena.chunks[h >>> PLACE_BITS]!;
    let off = arena.offset(h);
    let n = list[off]!;
    const c = arena.classOf(h);
    if (1 + 2 * n === arena.widths[c]) {
      // Full: grow, or at the cap forget the older half (only the newest entries are ever read).
      if (c + 1 < arena.widths.length) {
        const h2 = arena.alloc(c + 1);
        const list2 = arena.chunks[h2 >>> PLACE_BITS]!;
        const off2 = arena.offset(h2);
        for (let k = 0; k <= 2 * n; k++) list2[off2 + k] = list[off + k]!;
        arena.release(h);
        list = list2;
        off = off2;
        terms[r + LINK] = h2 + 1;
      } else {
        const keep = n >> 1;
        list.copyWithin(off + 1, off + 1 + 2 * (n - keep), off + 1 + 2 * n);
        n = keep;
      }
    }
    list[off + 1 + 2 * n] = s;
    list[off + 2 + 2 * n] = this.serialOf[s]! | 0;
    list[off] = n + 1;
  }

  /**
   * Reads, of the terms `terms[start]`, `terms[start + step]`, ... before `end`, each one's record, then the
   * header and last entry of its postings, where a story is added or its search for removal starts. These are
   * cache misses: read together before any work on them, they overlap instead of waiting in turn.
   */
  private touchPostings(terms: Int32Array, start: number, end: number, step: number): void {
    const records = this.vocab.ints;
    const postings = this.postings;
    let touched = 0;
    for (let k = start; k < end; k += step) touched += records[terms[k]! * TERM_INTS + LINK]!;
    for (let k = start; k < end; k += step) {
      const link = records[terms[k]! * TERM_INTS + LINK]!;
      if (link === 0) continue;
      const list = postings.chunks[(link - 1) >>> PLACE_BITS]!;
      const off = postings.offset(link - 1);
      touched += list[off + 2 * list[off]!]!;
    }
    this.prefetched = touched;
  }

  /** Unindexes story `s` from the terms `terms[start]`, `terms[start + step]`, ... before `end`. */
  private unindexAll(terms: Int32Array, start: number, end: number, step: number, s: number): void {
    this.touchPostings(terms, start, end, step);
    for (let k = start; k < end; k += step) this.unindex(terms[k]!, s);
  }

  /**
   * Story `s` stopped holding `term`: its entry leaves the postings at once, so that a scan never meets a
   * story gone since; once no story holds the term, its postings are let go.
   */
  private unindex(term: number, s: number): void {
    const terms = this.vocab.ints;
    const r = term * TERM_INTS;
    const h = terms[r + LINK]! - 1;
    if (--terms[r + HELD]! <= 0) {
      if (h < 0) return;
      this.postings.release(h);
      terms[r + LINK] = 0;
      return;
    }
    if (h < 0) return;
    const list = this.postings.chunks[h >>> PLACE_BITS]!;
    const off = this.postings.offset(h);
    const n = list[off]!;
    // Not there if the entry was among an older half forgotten at the cap. Stories mostly drop terms they
    // gained lately, near the end: the search starts there, and the few entries after move by hand.
    const end = off + 1 + 2 * n;
    for (let p = end - 2; p > off; p -= 2) {
      if (list[p] !== s) continue;
      for (let k = p; k < end - 2; k++) list[k] = list[k + 2]!;
      list[off] = n - 1;
      return;
    }
  }

  /** Folds the younger story into the older one; the younger id resolves to the older from now on. */
  private merge(older: number, younger: number): void {
    this.keepTitleVectors(older);
    this.keepTitleVectors(younger);
    const yLen = this.reci[younger * 2 * REC + I_LEN]!;
    if (this.otherIds.length < yLen) {
      this.otherIds = new Int32Array(yLen * 2);
      this.otherW = new Float64Array(yLen * 2);
    }
    const arena = this.centroids;
    const yh = this.reci[younger * 2 * REC + I_BLOCK]!;
    const yOff = arena.offset(yh);
    const yTerms = arena.chunks[yh >>> PLACE_BITS]!;
    const yW = arena.floats[yh >>> PLACE_BITS]!;
    for (let k = 0; k < yLen; k++) {
      this.otherIds[k] = yTerms[yOff + 2 * k]!;
      this.otherW[k] = yW[yOff + 2 * k + 1]!;
    }
    this.addToCentroid(older, this.otherIds, this.otherW, yLen);
    const o = this.meta[older]!;
    const y = this.meta[younger]!;
    const r = mergedRecord(o, y);
    this.meta[older] = r;
    for (const itemId of itemIds(y)) this.itemStory.set(itemId, older);
    for (let k = 0; k < titleCount(y); k++) {
      const at = titleAt(k);
      const title = y[at + T_TITLE] as string;
      const vector = y[at + T_VECTOR] as number[] | undefined;
      const weight = y[at + T_WEIGHT] as number;
      const score = this.titleCosine(older, vector) * weight;
      this.offerTitle(older, title, vector, score, y[at + T_SEQ] as number, weight);
    }
    this.rescoreTitles(older);
    this.firstMs[older] = Math.min(this.firstMs[older]!, this.firstMs[younger]!);
    const rec = this.rec;
    rec[older * REC + R_LAST] = Math.max(rec[older * REC + R_LAST]!, rec[younger * REC + R_LAST]!);
    const survivor = storyIdOf(r);
    this.mergedInto.set(storyIdOf(y), survivor);
    for (const id of absorbedOf(y)) this.mergedInto.set(id, survivor);
    this.drop(younger);
  }

  /** Removes a story from memory and the index. */
  private drop(s: number): void {
    const r = s * 2 * REC;
    this.reci[r + I_ALIVE] = 0;
    this.reci[r + I_GEN] = (this.reci[r + I_GEN]! + 1) | 0;
    const arena = this.centroids;
    const h = this.reci[r + I_BLOCK]!;
    const off = arena.offset(h);
    this.unindexAll(arena.chunks[h >>> PLACE_BITS]!, off, off + 2 * this.reci[r + I_LEN]!, 2, s);
    arena.release(h);
    this.reci[r + I_LEN] = 0;
    this.byId.delete(storyIdOf(this.meta[s]!));
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
      if (this.reci[s * 2 * REC + I_GEN] !== g || !this.alive(s) || this.rec[s * REC + R_LAST]! >= horizon)
        continue;
      const r = this.meta[s]!;
      for (const itemId of itemIds(r)) if (this.itemStory.get(itemId) === s) this.itemStory.delete(itemId);
      const absorbed = absorbedOf(r);
      if (absorbed.length > 0) this.forgetQueue.push({ at: now + this.mergeMemoryMs(), ids: absorbed });
      this.opts.onExpire?.(sourceCount(r), () => this.info(s));
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
        // No live story holds a freed term, so its postings are already gone.
        this.vocab.prune();
        this.features.sweep(now, this.windowMs);
      }
      this.nextPruneMs = now + this.windowMs / 4;
    }
  }

  private mergeMemoryMs(): number {
    return (this.opts.mergeMemoryHours ?? this.opts.windowHours * 4) * HOUR;
  }

  /**
   * Gives the titles of a one-item story their own vector, read from its centroid, before the centroid changes.
   * The centroid holds the item's vector in single precision, cut to its heaviest terms: close enough to rank
   * headlines by.
   */
  private keepTitleVectors(s: number): void {
    const r = this.meta[s]!;
    if (titleCount(r) === 0 || r[titleAt(0) + T_VECTOR] !== undefined) return;
    const arena = this.centroids;
    const h = this.reci[s * 2 * REC + I_BLOCK]!;
    const terms = arena.chunks[h >>> PLACE_BITS]!;
    const weights = arena.floats[h >>> PLACE_BITS]!;
    const off = arena.offset(h);
    const len = this.reci[s * 2 * REC + I_LEN]!;
    const vector = new Array<number>(2 * len);
    for (let k = 0; k < 2 * len; k += 2) {
      vector[k] = terms[off + k]!;
      vector[k + 1] = weights[off + k + 1]!;
    }
    r[titleAt(0) + T_VECTOR] = vector;
  }

  /** Cosine of a kept title's vector with the story's centroid, in millionths (see `headlineMicros`). */
  private titleCosine(s: number, vector: number[] | undefined): number {
    const n2 = this.rec[s * REC + R_NORM2]!;
    if (n2 <= 0 || vector === undefined) return 0;
    const arena = this.centroids;
    const h = this.reci[s * 2 * REC + I_BLOCK]!;
    const sTerms = arena.chunks[h >>> PLACE_BITS]!;
    const sW = arena.floats[h >>> PLACE_BITS]!;
    let i = arena.offset(h);
    const end = i + 2 * this.reci[s * 2 * REC + I_LEN]!;
    let j = 0;
    let d = 0;
    while (i < end && j < vector.length) {
      const a = sTerms[i]!;
      const b = vector[j]!;
      if (a === b) {
        d += sW[i + 1]! * vector[j + 1]!;
        i += 2;
        j += 2;
      } else if (a < b) i += 2;
      else j += 2;
    }
    return headlineMicros(d / Math.sqrt(n2));
  }

  /**
   * Keeps the few titles closest to the centroid, to pick the headline from. Scores of kept titles are
   * refreshed as the story grows (each time it doubles, and every 16 items), not on every item.
   */
  private offerTitle(
    s: number,
    title: string,
    vector: number[] | undefined,
    score: number,
    seq: number,
    weight: number,
  ): void {
    const r = this.meta[s]!;
    const pool = titleCount(r);
    if (pool < HEADLINE_POOL) insertTitle(r, pool, title, vector, score, seq, weight);
    else if (score > (r[titleAt(pool - 1) + T_SCORE] as number))
      replaceTitle(r, pool - 1, title, vector, score, seq, weight);
    else return;
    sortTitles(r);
    const n = itemCount(r);
    // The first item's title was scored against the story's first centroid just now.
    if (n > 1 && ((n & (n - 1)) === 0 || n % 16 === 0)) this.rescoreTitles(s);
  }

  private rescoreTitles(s: number): void {
    const r = this.meta[s]!;
    for (let k = 0; k < titleCount(r); k++) {
      const at = titleAt(k);
      const cosine = this.titleCosine(s, r[at + T_VECTOR] as number[] | undefined);
      r[at + T_SCORE] = cosine * (r[at + T_WEIGHT] as number);
    }
    sortTitles(r);
  }

  private info(s: number): StoryInfo {
    const r = this.meta[s]!;
    const arena = this.centroids;
    const h = this.reci[s * 2 * REC + I_BLOCK]!;
    const off = arena.offset(h);
    const len = this.reci[s * 2 * REC + I_LEN]!;
    const terms = arena.chunks[h >>> PLACE_BITS]!;
    const weights = arena.floats[h >>> PLACE_BITS]!;
    const ids: number[] = [];
    const w: number[] = [];
    for (let k = 0; k < len; k++) {
      ids.push(terms[off + 2 * k]!);
      w.push(weights[off + 2 * k + 1]!);
    }
    const order = ids.map((_, k) => k).sort((a, b) => w[b]! - w[a]! || ids[a]! - ids[b]!);
    const keywords: string[] = [];
    for (const k of order) {
      if (keywords.length >= 8) break;
      const word = this.vocab.surface[ids[k]!];
      if (word && !keywords.includes(word)) keywords.push(word);
    }
    const size = itemCount(r);
    const entities = entityCounts(r)
      .map((e, k) => ({ ...e, k }))
      .filter((e) => e.count >= Math.min(2, size))
      .sort((a, b) => b.count - a.count || a.k - b.k)
      .slice(0, 10)
      .map((e) => e.name);
    return {
      id: storyIdOf(r),
      headline: titleCount(r) > 0 ? (r[titleAt(0) + T_TITLE] as string) : '',
      itemIds: itemIds(r),
      sources: sourceNames(r),
      keywords,
      entities,
      firstSeen: new Date(this.firstMs[s]!).toISOString(),
      lastUpdated: new Date(this.rec[s * REC + R_LAST]!).toISOString(),
      ...(absorbedOf(r).length ? { mergedFrom: [...absorbedOf(r)] } : {}),
    };
  }
}

/** The value at index `k` of `a[0, n)` once sorted ascending (Hoare's selection); reorders `a`. */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const x = a[i]!;
        a[i++] = a[j]!;
        a[j--] = x;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/**
 * A title's cosine with its story's centroid in millionths: in a story of two items both titles score the same,
 * and which of them leads must not turn on the rounding of the vectors compared, but on which came first.
 */
function headlineMicros(cosine: number): number {
  return Math.round(cosine * 1e6);
}

/** What a title's cosine is multiplied by to rank it (see `T_WEIGHT`). */
function titleWeight(title: string): number {
  return sensational(title) ? 9 : 10;
}

/**
 * The first `n` ids and weights as (id, weight) pairs in one exact-length array; a plain loop, where
 * `Array.from` walks an iterator.
 */
function pairsOf(ids: Int32Array, w: Float64Array, n: number): number[] {
  const out = new Array<number>(2 * n);
  for (let k = 0; k < n; k++) {
    out[2 * k] = ids[k]!;
    out[2 * k + 1] = w[k]!;
  }
  return out;
}
