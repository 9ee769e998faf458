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
  /** The story as last indexed, returned by searches. */
  story: SearchableStory;
  /** Distinct words of the text and headline. */
  words: string[];
  headline: Set<string>;
  outlets: number;
}

/** Loose matches ("ukraine" ~ "ukrainian") share at least four leading letters: words are filed by them. */
const PREFIX = 4;

/**
 * Stories matching a free-text query, best first. Rare query words weigh more (IDF over the stories searched),
 * headline words count more, and broader, fresher coverage wins ties. Stories matching no word are left out.
 *
 * Keeps each story's words between searches, while the story's version holds, in an inverted index (word to
 * the stories holding it) with the words filed by their first letters: a search (an autocomplete fires one per
 * key press) reads no story text it has read before, compares a query word only with the words that could
 * loosely match it, and scores only the stories holding one of them.
 */
export class StorySearch {
  private entries = new Map<string, Entry>();
  /** Ids of the indexed stories holding each word. */
  private readonly holders = new Map<string, Set<string>>();
  /** Indexed words by their first letters. */
  private readonly byPrefix = new Map<string, Set<string>>();

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
    this.index(stories);
    // Per query word, the stories that match it: 1 for the word itself, 0.7 for a loose match only.
    const matches = wanted.map((w) => {
      const found = new Map<string, number>();
      for (const v of this.looseMatches(w)) for (const id of this.holders.get(v)!) found.set(id, 0.7);
      for (const id of this.holders.get(w) ?? []) found.set(id, 1);
      return found;
    });
    const idf = matches.map((found) => Math.log(1 + stories.length / (1 + found.size)));
    const scored: { story: SearchableStory; score: number }[] = [];
    for (const id of new Set(matches.flatMap((found) => [...found.keys()]))) {
      const entry = this.entries.get(id)!;
      let score = 0;
      wanted.forEach((w, k) => {
        score += (matches[k]!.get(id) ?? 0) * idf[k]! * (entry.headline.has(w) ? 1.5 : 1);
      });
      scored.push({ story: entry.story, score: score + 0.05 * Math.log2(1 + entry.outlets) });
    }
    return scored
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
    if (known && known.version !== undefined && known.version === story.version) {
      known.story = story;
      return known;
    }
    if (known) this.file(known, -1);
    const text = typeof story.text === 'function' ? story.text() : story.text;
    const headline = new Set(words(story.headline));
    const outlets = typeof story.outletCount === 'function' ? story.outletCount() : story.outletCount;
    const entry: Entry = {
      version: story.version,
      story,
      words: [...new Set([...words(text), ...headline])],
      headline,
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

  /** Adds the story's words to the index (1) or takes them out (-1). */
  private file(entry: Entry, delta: 1 | -1): void {
    const id = entry.story.id;
    for (const w of entry.words) {
      let ids = this.holders.get(w);
      if (delta > 0) {
        if (!ids) {
          ids = new Set();
          this.holders.set(w, ids);
          if (w.length >= PREFIX) {
            const key = w.slice(0, PREFIX);
            const filed = this.byPrefix.get(key);
            if (filed) filed.add(w);
            else this.byPrefix.set(key, new Set([w]));
          }
        }
        ids.add(id);
        continue;
      }
      if (!ids?.delete(id) || ids.size) continue;
      this.holders.delete(w);
      if (w.length < PREFIX) continue;
      const key = w.slice(0, PREFIX);
      const filed = this.byPrefix.get(key);
      filed?.delete(w);
      if (filed && !filed.size) this.byPrefix.delete(key);
    }
  }

  /** Indexed words other than `w` that loosely match it. */
  private looseMatches(w: string): string[] {
    if (w.length < PREFIX) return [];
    const filed = this.byPrefix.get(w.slice(0, PREFIX));
    return filed ? [...filed].filter((v) => v !== w && wordsMatch(w, v)) : [];
  }
}

/** One search over stories that are not kept for the next: see `StorySearch`. */
export function searchStories(
  query: string,
  stories: readonly SearchableStory[],
  limit = 10,
): SearchableStory[] {
  return new StorySearch().search(query, stories, limit);
}
