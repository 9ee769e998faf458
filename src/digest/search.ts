import { words, wordsMatch } from '../util/words.js';

export interface SearchableStory {
  id: string;
  headline: string;
  /** Every title and summary of the story's items, or a function that builds it when the story is indexed. */
  text: string | (() => string);
  /**
   * Publishers covering the story, counted as digests count them (one publisher's several feeds once), or a
   * function that counts them when the story is indexed.
   */
  outletCount: number | (() => number);
  lastUpdated: string;
  /**
   * Changes whenever the story's text or headline does. A story keeps its index entry while its version
   * holds; one without a version is indexed afresh on every search.
   */
  version?: string;
}

interface Entry {
  version?: string;
  /** Word counts of the text, headline words counted twice more. */
  counts: Map<string, number>;
  headline: Set<string>;
  outlets: number;
}

/** Loose matches ("ukraine" ~ "ukrainian") share at least four leading letters: words are filed by them. */
const PREFIX = 4;

/**
 * Stories matching a free-text query, best first. Rare query words weigh more (IDF over the candidates),
 * headline words count double, and broader, fresher coverage wins ties. Stories matching no word are left out.
 *
 * Keeps each story's word counts between searches, while the story's version holds, and files every word by
 * its first letters: a search (an autocomplete fires one per key press) reads no story text it has read
 * before and compares a query word only with the words that could loosely match it.
 */
export class StorySearch {
  private entries = new Map<string, Entry>();
  /** Words of the indexed stories by their first letters, with how many stories hold each. */
  private readonly byPrefix = new Map<string, Map<string, number>>();

  /** Stories held in the index. */
  get size(): number {
    return this.entries.size;
  }

  /** Brings the index up to date with `stories` without searching: new and changed ones in, gone ones out. */
  index(stories: readonly SearchableStory[]): void {
    for (const story of stories) this.entryOf(story);
    this.keepOnly(stories);
  }

  search(query: string, stories: readonly SearchableStory[], limit = 10): SearchableStory[] {
    const wanted = [...new Set(words(query))];
    if (!wanted.length) return [];
    const indexed = stories.map((story) => ({ story, entry: this.entryOf(story) }));
    this.keepOnly(stories);
    const loose = new Map(wanted.map((w) => [w, this.looseMatches(w)]));
    const wordScore = (w: string, e: Entry): number => {
      if (e.counts.has(w)) return 1;
      return loose.get(w)!.some((v) => e.counts.has(v)) ? 0.7 : 0;
    };
    const idf = new Map(
      wanted.map((w) => {
        let df = 0;
        for (const { entry } of indexed) if (wordScore(w, entry) > 0) df++;
        return [w, Math.log(1 + indexed.length / (1 + df))];
      }),
    );
    return indexed
      .map(({ story, entry }) => {
        let score = 0;
        for (const w of wanted) {
          const s = wordScore(w, entry);
          score += s * idf.get(w)! * (entry.headline.has(w) ? 1.5 : 1);
        }
        return { story, score: score ? score + 0.05 * Math.log2(1 + entry.outlets) : 0 };
      })
      .filter((r) => r.score > 0)
      .sort(
        (a, b) =>
          b.score - a.score ||
          b.story.lastUpdated.localeCompare(a.story.lastUpdated) ||
          a.story.id.localeCompare(b.story.id),
      )
      .slice(0, limit)
      .map((r) => r.story);
  }

  private entryOf(story: SearchableStory): Entry {
    const known = this.entries.get(story.id);
    if (known && known.version !== undefined && known.version === story.version) return known;
    if (known) this.file(known, -1);
    const counts = new Map<string, number>();
    const text = typeof story.text === 'function' ? story.text() : story.text;
    for (const w of words(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    for (const w of words(story.headline)) counts.set(w, (counts.get(w) ?? 0) + 2);
    const outlets = typeof story.outletCount === 'function' ? story.outletCount() : story.outletCount;
    const entry: Entry = {
      version: story.version,
      counts,
      headline: new Set(words(story.headline)),
      outlets,
    };
    this.entries.set(story.id, entry);
    this.file(entry, 1);
    return entry;
  }

  /** Forgets the stories not searched this time (gone from memory, or merged away). */
  private keepOnly(stories: readonly SearchableStory[]): void {
    if (this.entries.size === stories.length) return;
    const live = new Set(stories.map((s) => s.id));
    for (const [id, entry] of this.entries) {
      if (live.has(id)) continue;
      this.file(entry, -1);
      this.entries.delete(id);
    }
  }

  private file(entry: Entry, delta: 1 | -1): void {
    for (const w of entry.counts.keys()) {
      if (w.length < PREFIX) continue;
      const key = w.slice(0, PREFIX);
      let filed = this.byPrefix.get(key);
      if (!filed) {
        filed = new Map();
        this.byPrefix.set(key, filed);
      }
      const n = (filed.get(w) ?? 0) + delta;
      if (n > 0) filed.set(w, n);
      else {
        filed.delete(w);
        if (!filed.size) this.byPrefix.delete(key);
      }
    }
  }

  /** Indexed words other than `w` that loosely match it. */
  private looseMatches(w: string): string[] {
    if (w.length < PREFIX) return [];
    const filed = this.byPrefix.get(w.slice(0, PREFIX));
    return filed ? [...filed.keys()].filter((v) => v !== w && wordsMatch(w, v)) : [];
  }
}

/** One search over stories that are not kept for the next: see `StorySearch`. */
export function searchStories(query: string, stories: SearchableStory[], limit = 10): SearchableStory[] {
  return new StorySearch().search(query, stories, limit);
}
