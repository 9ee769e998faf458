import type { StoryDigest } from '../model.js';

export interface RankInput {
  digest: StoryDigest;
  /** Facts not shown in an earlier digest of this channel. */
  newFacts: number;
}

const HOUR = 3_600_000;

/**
 * Score for the daily digest: breadth of coverage counts most, new facts next, and freshness breaks
 * near-ties (a story's weight halves every 12 hours since its last update).
 */
export function storyScore(input: RankInput, now: Date): number {
  const ageHours = Math.max(0, (now.getTime() - Date.parse(input.digest.lastUpdated)) / HOUR);
  const breadth = Math.log2(1 + input.digest.outletCount);
  const novelty = Math.log2(1 + input.newFacts) * 0.5;
  return (breadth + novelty) * 0.5 ** (ageHours / 12);
}

/** Top stories, best first; equal scores fall back to more outlets, later update, then id, so ties are stable. */
export function rankStories(inputs: RankInput[], now: Date, limit: number): RankInput[] {
  return inputs
    .map((input) => ({ input, score: storyScore(input, now) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.input.digest.outletCount - a.input.digest.outletCount ||
        b.input.digest.lastUpdated.localeCompare(a.input.digest.lastUpdated) ||
        a.input.digest.id.localeCompare(b.input.digest.id),
    )
    .slice(0, limit)
    .map((r) => r.input);
}
