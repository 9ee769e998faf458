import { afterEach, describe, expect, it } from 'vitest';
import { setOovLimit, taggerStats, tagSentence } from '../../src/classify/pos.js';

/** A made-up word per index, so that every sentence brings the tagger tokens it has never seen. */
const unseen = (i: number) => `Vor${i.toString(36)}quen`;

describe('tagSentence lexicon bound', () => {
  afterEach(() => setOovLimit());

  it('rebuilds the tagger once unseen tokens pass the limit, with the same tags after', () => {
    const fixed = 'Senator Brakovitz told Quennaro on Friday that 4,812 ballots were plainly missing.';
    const before = tagSentence(fixed);
    const limit = 200;
    setOovLimit(limit);
    const start = taggerStats().rebuilds;
    let most = 0;
    for (let i = 0; i < 400; i++) {
      tagSentence(`${unseen(i)} met ${unseen(i + 1000)} and ${unseen(i + 2000)} in ${10_000 + i} rooms.`);
      most = Math.max(most, taggerStats().added);
    }
    const stats = taggerStats();
    expect(stats.rebuilds - start).toBeGreaterThanOrEqual(5);
    // One sentence adds a handful of entries on top of the limit it was checked against.
    expect(most).toBeLessThanOrEqual(limit + 20);
    expect(stats.lexicon - stats.added).toBeGreaterThan(50_000);
    expect(tagSentence(fixed)).toEqual(before);
  });

  // Every rebuild loads the model again, which must not cost more each time.
  it('can be rebuilt again and again', () => {
    const fixed = 'Quennaro said the 2,417 ballots from Vorbeck were missing.';
    const before = tagSentence(fixed);
    setOovLimit(0);
    const start = taggerStats().rebuilds;
    // Each sentence brings a new name, so each next call rebuilds the tagger.
    for (let i = 0; i < 30; i++) tagSentence(`${unseen(8000 + i)} spoke.`);
    expect(taggerStats().rebuilds - start).toBe(30);
    expect(tagSentence(fixed)).toEqual(before);
  }, 30_000);

  it('keeps growing while under the limit', () => {
    tagSentence('A first sentence loads the tagger.');
    const { added, rebuilds } = taggerStats();
    for (let i = 0; i < 50; i++) tagSentence(`${unseen(5000 + i)} spoke.`);
    expect(taggerStats().rebuilds).toBe(rebuilds);
    expect(taggerStats().added).toBeGreaterThan(added + 50);
  });
});
