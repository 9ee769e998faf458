import { describe, expect, it } from 'vitest';
import { rankStories } from '../../src/digest/rank.js';
import { type SearchableStory, StorySearch, searchStories } from '../../src/digest/search.js';
import type { StoryDigest } from '../../src/model.js';

function digest(id: string, outlets: number, lastUpdated: string, facts = 0): StoryDigest {
  return {
    id,
    headline: id,
    lead: '',
    facts: Array.from({ length: facts }, (_, i) => ({
      key: `${id}-${i}`,
      text: 'f',
      sources: ['a'],
      count: 1,
    })),
    opinion: [],
    coverage: [],
    outletCount: outlets,
    firstSeen: lastUpdated,
    lastUpdated,
  };
}

describe('daily ranking', () => {
  const now = new Date('2026-01-02T08:00:00Z');

  it('puts broad coverage first, then new facts, then freshness', () => {
    const ranked = rankStories(
      [
        { digest: digest('narrow', 2, '2026-01-02T07:00:00Z'), newFacts: 0 },
        { digest: digest('broad', 8, '2026-01-02T06:00:00Z'), newFacts: 0 },
        { digest: digest('narrow-with-facts', 2, '2026-01-02T07:00:00Z', 6), newFacts: 6 },
        { digest: digest('stale-broad', 8, '2026-01-01T08:00:00Z'), newFacts: 0 },
      ],
      now,
      10,
    );
    expect(ranked.map((r) => r.digest.id)).toEqual(['broad', 'narrow-with-facts', 'narrow', 'stale-broad']);
  });

  it('breaks exact ties deterministically and honours the limit', () => {
    const inputs = ['c', 'a', 'b'].map((id) => ({
      digest: digest(id, 3, '2026-01-02T07:00:00Z'),
      newFacts: 1,
    }));
    expect(rankStories(inputs, now, 2).map((r) => r.digest.id)).toEqual(['a', 'b']);
    expect(rankStories([...inputs].reverse(), now, 2).map((r) => r.digest.id)).toEqual(['a', 'b']);
  });
});

describe('story search', () => {
  const stories = [
    {
      id: 's1',
      headline: 'Trump hints at big progress on Russia',
      text: 'Envoy outlines Ukraine security offer',
      outletCount: 5,
      lastUpdated: '2025-08-17T12:00:00Z',
    },
    {
      id: 's2',
      headline: 'Ukrainian grain exports rise',
      text: 'Ports busy again',
      outletCount: 2,
      lastUpdated: '2025-08-17T13:00:00Z',
    },
    {
      id: 's3',
      headline: 'Storm hits coast',
      text: 'Thousands without power',
      outletCount: 4,
      lastUpdated: '2025-08-17T14:00:00Z',
    },
  ];

  it('finds the best matching story and leaves out non-matches', () => {
    expect(searchStories('ukraine', stories).map((s) => s.id)).toEqual(['s1', 's2']);
    expect(searchStories('russia ukraine security', stories)[0]?.id).toBe('s1');
    expect(searchStories('storm', stories).map((s) => s.id)).toEqual(['s3']);
    expect(searchStories('volcano', stories)).toEqual([]);
    expect(searchStories('', stories)).toEqual([]);
  });
});

describe('StorySearch', () => {
  function story(
    id: string,
    headline: string,
    text: string,
    version: string,
    reads: string[],
  ): SearchableStory {
    return {
      id,
      headline,
      text: () => {
        reads.push(id);
        return text;
      },
      outletCount: 1,
      lastUpdated: '2025-08-17T12:00:00Z',
      version,
    };
  }

  it('reads a story again only when its version changes, and finds what a fresh search finds', () => {
    const reads: string[] = [];
    const search = new StorySearch();
    const a = story('a', 'Envoy meets Zelenskyy', 'Talks on Ukrainian security', '1', reads);
    const b = story('b', 'Storm hits coast', 'Thousands without power', '1', reads);
    expect(search.search('ukraine', [a, b]).map((s) => s.id)).toEqual(['a']);
    expect(search.search('storm power', [a, b]).map((s) => s.id)).toEqual(['b']);
    expect(reads).toEqual(['a', 'b']);
    // More coverage of the storm: only that story is read again, and its new words count.
    const b2 = story(
      'b',
      'Storm hits coast',
      'Thousands without power; Ukrainian aid ship diverted',
      '2',
      reads,
    );
    expect(search.search('ukraine', [a, b2]).map((s) => s.id)).toEqual(['a', 'b']);
    expect(reads.filter((id) => id === 'b')).toHaveLength(2);
    // The same as a search that keeps nothing.
    const fresh = searchStories('ukraine', [a, b2]).map((s) => s.id);
    expect(fresh).toEqual(['a', 'b']);
  });

  it('counts a story’s outlets once per version, and among equal matches puts the broader story first', () => {
    const counted: string[] = [];
    const of = (id: string, outlets: number, version: string): SearchableStory => ({
      id,
      headline: 'Storm hits coast',
      text: 'Thousands without power',
      outletCount: () => {
        counted.push(id);
        return outlets;
      },
      lastUpdated: '2025-08-17T12:00:00Z',
      version,
    });
    const search = new StorySearch();
    expect(search.search('storm', [of('a', 1, '1'), of('b', 3, '1')]).map((s) => s.id)).toEqual(['b', 'a']);
    expect(search.search('coast', [of('a', 1, '1'), of('b', 3, '1')]).map((s) => s.id)).toEqual(['b', 'a']);
    expect(counted).toEqual(['a', 'b']);
    // More outlets cover a: a new version, counted again.
    expect(search.search('storm', [of('a', 5, '2'), of('b', 3, '1')]).map((s) => s.id)).toEqual(['a', 'b']);
    expect(counted).toEqual(['a', 'b', 'a']);
  });

  it('drops the words a story no longer holds, and keeps a word other stories still hold', () => {
    const reads: string[] = [];
    const search = new StorySearch();
    const a = story('a', 'Envoy meets Zelenskyy', 'Talks on Ukrainian security', '1', reads);
    const b = story('b', 'Ukraine grain deal', 'Ships leave Odesa', '1', reads);
    expect(search.search('security', [a, b]).map((s) => s.id)).toEqual(['a']);
    expect(search.search('ukraine', [a, b]).map((s) => s.id)).toEqual(['b', 'a']);
    // Story a changes headline and text: its old words go, b keeps the ones it shares.
    const a2 = story('a', 'Envoy meets Zelenskyy', 'Talks postponed', '2', reads);
    expect(search.search('security', [a2, b])).toEqual([]);
    expect(search.search('ukraine', [a2, b]).map((s) => s.id)).toEqual(['b']);
    expect(search.search('postponed', [a2, b]).map((s) => s.id)).toEqual(['a']);
    // Loose matches follow too: "ukrainian" left with a, "ukraine" stays with b.
    expect(search.search('ukrainian', [a2, b]).map((s) => s.id)).toEqual(['b']);
    expect(search.search('ukrainian', [a2])).toEqual([]);
  });

  it('forgets stories that are gone, with the words only they held', () => {
    const reads: string[] = [];
    const search = new StorySearch();
    const a = story('a', 'Envoy meets Zelenskyy', 'Talks on Ukrainian security', '1', reads);
    const b = story('b', 'Storm hits coast', 'Thousands without power', '1', reads);
    expect(search.search('ukraine', [a, b])).toHaveLength(1);
    expect(search.search('ukraine', [b])).toEqual([]);
    // Back again under the same version, the story is read afresh: nothing of it was kept.
    expect(search.search('ukraine', [a, b]).map((s) => s.id)).toEqual(['a']);
    expect(reads).toEqual(['a', 'b', 'a']);
  });
});
