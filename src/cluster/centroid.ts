import { tokenize } from './tokenize.js';
import type { Assignment, ClusterInput, OnlineClusterer, StoryInfo } from './types.js';

interface Story {
  info: StoryInfo;
  centroid: Map<string, number>;
  lastMs: number;
}

export interface CentroidOptions {
  threshold: number;
  /** Stories idle longer than this are no longer candidates. */
  windowHours: number;
}

/** Single-pass TF-IDF centroid clusterer with incremental document frequencies. */
export class CentroidClusterer implements OnlineClusterer {
  private readonly df = new Map<string, number>();
  private docs = 0;
  private readonly all = new Map<string, Story>();
  private readonly postings = new Map<string, Set<string>>();
  private lastMs = 0;

  constructor(private readonly opts: CentroidOptions = { threshold: 0.3, windowHours: 72 }) {}

  add(item: ClusterInput): Assignment {
    const t = item.publishedAt ? Date.parse(item.publishedAt) : Number.NaN;
    const now = Number.isFinite(t) ? t : this.lastMs;
    this.lastMs = Math.max(this.lastMs, now);
    const terms = tokenize([item.title, item.title, item.description ?? ''].join(' '));
    const tf = new Map<string, number>();
    for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
    this.docs++;
    for (const term of tf.keys()) this.df.set(term, (this.df.get(term) ?? 0) + 1);
    const vec = this.weigh(tf);

    const candidates = new Set<string>();
    for (const term of tf.keys()) for (const id of this.postings.get(term) ?? []) candidates.add(id);
    let best: Story | undefined;
    let bestScore = this.opts.threshold;
    const horizon = now - this.opts.windowHours * 3_600_000;
    for (const id of [...candidates].sort()) {
      const story = this.all.get(id)!;
      if (story.lastMs < horizon) continue;
      const score = cosine(vec, story.centroid);
      if (score > bestScore) {
        bestScore = score;
        best = story;
      }
    }
    const iso = new Date(now).toISOString();
    if (!best) {
      best = {
        info: {
          id: `s-${item.id}`,
          headline: item.title,
          itemIds: [],
          sources: [],
          keywords: [],
          entities: [],
          firstSeen: iso,
          lastUpdated: iso,
        },
        centroid: new Map(),
        lastMs: now,
      };
      this.all.set(best.info.id, best);
    }
    const n = best.info.itemIds.length;
    for (const [term, w] of vec) {
      best.centroid.set(term, ((best.centroid.get(term) ?? 0) * n + w) / (n + 1));
      let ids = this.postings.get(term);
      if (!ids) this.postings.set(term, (ids = new Set()));
      ids.add(best.info.id);
    }
    for (const [term, w] of best.centroid) if (!vec.has(term)) best.centroid.set(term, (w * n) / (n + 1));
    best.info.itemIds.push(item.id);
    if (item.source && !best.info.sources.includes(item.source)) best.info.sources.push(item.source);
    best.info.lastUpdated = iso;
    best.lastMs = Math.max(best.lastMs, now);
    best.info.keywords = [...best.centroid.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 8)
      .map(([term]) => term);
    return { id: item.id, storyId: best.info.id, merged: [] };
  }

  resolve(storyId: string): string {
    return storyId;
  }

  story(storyId: string): StoryInfo | undefined {
    return this.all.get(storyId)?.info;
  }

  *stories(): Iterable<StoryInfo> {
    for (const s of this.all.values()) yield s.info;
  }

  private weigh(tf: Map<string, number>): Map<string, number> {
    const vec = new Map<string, number>();
    let norm = 0;
    for (const [term, count] of tf) {
      const w = (1 + Math.log(count)) * Math.log((this.docs + 1) / (this.df.get(term) ?? 1));
      vec.set(term, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [term, w] of vec) vec.set(term, w / norm);
    return vec;
  }
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let nb = 0;
  for (const [term, w] of a) dot += w * (b.get(term) ?? 0);
  for (const w of b.values()) nb += w * w;
  return nb === 0 ? 0 : dot / Math.sqrt(nb);
}
