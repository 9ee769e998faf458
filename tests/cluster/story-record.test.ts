import { describe, expect, it } from 'vitest';
import {
  absorbedOf,
  addItem,
  addSource,
  countEntity,
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
} from '../../src/cluster/story-record.js';

function titles(r: StoryRecord): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (let k = 0; k < titleCount(r); k++) {
    const at = titleAt(k);
    out.push([r[at + T_TITLE] as string, r[at + T_SCORE] as number, r[at + T_SEQ] as number]);
  }
  return out;
}

function view(r: StoryRecord) {
  return {
    id: storyIdOf(r),
    titles: titles(r),
    sources: sourceNames(r),
    entities: entityCounts(r),
    items: itemIds(r),
  };
}

describe('story record', () => {
  it('starts as a story of one item with its title, outlet and no names', () => {
    const r = newRecord('s-1', 'a', 0, 'BBC', 'STORM HITS COAST', 9);
    scoreFirstTitle(r, 7);
    expect(view(r)).toEqual({
      id: 's-1',
      titles: [['STORM HITS COAST', 63, 0]],
      sources: ['BBC'],
      entities: [],
      items: ['a'],
    });
    expect([itemCount(r), sourceCount(r), absorbedOf(r)]).toEqual([1, 1, []]);
    const bare = newRecord('s-2', 'b', 3, undefined, 'No outlet', 10);
    expect([sourceCount(bare), itemIds(bare), titleCount(bare)]).toEqual([0, ['b'], 1]);
  });

  it('keeps every section whole while the ones before it grow', () => {
    const r = newRecord('s-1', 'a', 0, undefined, 'First', 10);
    countEntity(r, 'Kyiv', 1);
    addItem(r, 'b', 1);
    addSource(r, 'Reuters', 1);
    insertTitle(r, 1, 'Second', [3, 0.5], 4, 1, 10);
    countEntity(r, 'kyiv', 2);
    countEntity(r, 'Zelensky', 1);
    addSource(r, 'AP', 2);
    addItem(r, 'c', 2);
    insertTitle(r, 0, 'Third', undefined, 9, 2, 10);
    expect(view(r)).toEqual({
      id: 's-1',
      titles: [
        ['Third', 9, 2],
        ['First', 0, 0],
        ['Second', 4, 1],
      ],
      sources: ['Reuters', 'AP'],
      entities: [
        { name: 'Kyiv', count: 3 },
        { name: 'Zelensky', count: 1 },
      ],
      items: ['a', 'b', 'c'],
    });
    expect([hasSource(r, 'AP'), hasSource(r, 'BBC'), itemCount(r), sourceCount(r)]).toEqual([
      true,
      false,
      3,
      2,
    ]);
    replaceTitle(r, 2, 'Fourth', undefined, 1, 3, 10);
    expect(titles(r).map((t) => t[0])).toEqual(['Third', 'First', 'Fourth']);
    expect(itemIds(r)).toEqual(['a', 'b', 'c']);
  });

  it('ranks titles by score, the earlier first on a tie', () => {
    const r = newRecord('s-1', 'a', 0, undefined, 'A', 10);
    scoreFirstTitle(r, 0.5);
    insertTitle(r, 1, 'B', undefined, 8, 1, 10);
    insertTitle(r, 2, 'C', undefined, 5, 2, 10);
    insertTitle(r, 3, 'D', [7, 0.25], 8, 0, 9);
    sortTitles(r);
    expect(titles(r).map((t) => t[0])).toEqual(['D', 'B', 'A', 'C']);
    // Each title's vector and weight move with it.
    expect([r[titleAt(0) + T_VECTOR], r[titleAt(0) + T_WEIGHT], r[titleAt(3) + T_WEIGHT]]).toEqual([
      [7, 0.25],
      9,
      10,
    ]);
  });

  it('takes the lower-case spelling of a name first seen in capitals', () => {
    const r = newRecord('s-1', 'a', 0, undefined, 'A', 10);
    countEntity(r, 'OPENAI', 1);
    countEntity(r, 'OpenAI', 1);
    expect(entityCounts(r)).toEqual([{ name: 'OpenAI', count: 2 }]);
  });

  it('keeps at most 24 names, a newcomer replacing the last of the rarest', () => {
    const r = newRecord('s-1', 'a', 0, 'BBC', 'A', 10);
    for (let k = 0; k < 24; k++) countEntity(r, `Name${k}`, k === 5 || k === 9 ? 1 : 2);
    addItem(r, 'b', 1);
    countEntity(r, 'Rare', 0);
    expect(entityCounts(r).map((e) => e.name)).not.toContain('Rare');
    countEntity(r, 'Newcomer', 1);
    const names = entityCounts(r).map((e) => e.name);
    expect(names).toHaveLength(24);
    expect(names).toContain('Name5');
    expect(names).not.toContain('Name9');
    expect(names[23]).toBe('Newcomer');
    expect([itemIds(r), sourceNames(r)]).toEqual([['a', 'b'], ['BBC']]);
  });

  it('merges items by arrival, each outlet once at its first item, names counted together', () => {
    const older = newRecord('s-1', 'a', 0, 'BBC', 'Older', 10);
    countEntity(older, 'Gaza', 1);
    addItem(older, 'c', 2);
    addSource(older, 'AP', 2);
    addItem(older, 'e', 5);
    const younger = newRecord('s-2', 'b', 1, 'AP', 'Younger', 10);
    countEntity(younger, 'gaza', 2);
    countEntity(younger, 'Hamas', 1);
    addItem(younger, 'd', 3);
    addSource(younger, 'CNN', 3);
    const absorbedEarlier = mergedRecord(younger, newRecord('s-0', 'x', 4, undefined, 'Earlier', 10));
    const merged = mergedRecord(older, absorbedEarlier);
    expect(view(merged)).toEqual({
      id: 's-1',
      titles: [['Older', 0, 0]],
      sources: ['BBC', 'AP', 'CNN'],
      entities: [
        { name: 'Gaza', count: 3 },
        { name: 'Hamas', count: 1 },
      ],
      items: ['a', 'b', 'c', 'd', 'x', 'e'],
    });
    expect(absorbedOf(merged)).toEqual(['s-2', 's-0']);
    // The stories merged are left as they were.
    expect(itemIds(older)).toEqual(['a', 'c', 'e']);
    expect(absorbedOf(absorbedEarlier)).toEqual(['s-0']);
  });
});
