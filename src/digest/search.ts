import { words, wordsMatch } from '../util/words.js';

export interface SearchableStory {
  id: string;
  headline: string;
  /** Every title and summary of the story's items. */
  text: string;
  outletCount: number;
  lastUpdated: string;
}

/** How well a query word matches a story's words: exact beats a loose, stem-like match. */
function wordScore(queryWord: string, storyWords: Map<string, number>): number {
  if (storyWords.has(queryWord)) return 1;
  for (const w of storyWords.keys()) if (wordsMatch(queryWord, w)) return 0.7;
  return 0;
}

/**
 * Stories matching a free-text query, best first. Rare query words weigh more (IDF over the candidates),
 * headline words count double, and broader, fresher coverage wins ties. Stories matching no word are left out.
 */
export function searchStories(query: string, stories: SearchableStory[], limit = 10): SearchableStory[] {
  const wanted = [...new Set(words(query))];
  if (!wanted.length) return [];
  const indexed = stories.map((story) => {
    const counts = new Map<string, number>();
    for (const w of words(story.text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    for (const w of words(story.headline)) counts.set(w, (counts.get(w) ?? 0) + 2);
    return { story, counts, headline: new Set(words(story.headline)) };
  });
  const idf = new Map(
    wanted.map((w) => {
      const df = indexed.filter((s) => wordScore(w, s.counts) > 0).length;
      return [w, Math.log(1 + indexed.length / (1 + df))];
    }),
  );
  return indexed
    .map(({ story, counts, headline }) => {
      let score = 0;
      for (const w of wanted) {
        const s = wordScore(w, counts);
        score += s * (idf.get(w) ?? 0) * (headline.has(w) ? 1.5 : 1);
      }
      return { story, score: score ? score + 0.05 * Math.log2(1 + story.outletCount) : 0 };
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
