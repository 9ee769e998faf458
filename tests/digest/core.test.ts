import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import { claimCore, sameCore } from '../../src/digest/core.js';
import type { Item } from '../../src/model.js';
import { storyOf } from '../helpers/story.js';

function core(text: string) {
  const c = claimCore(text);
  if (!c) throw new Error(`no core for: ${text}`);
  return c;
}

const same = (a: string, b: string) => sameCore(core(a), core(b));

describe('claimCore', () => {
  it('keeps who did what, skipping descriptions set off by commas', () => {
    const c = core(
      'Edda Lindqvist, the founder of the Harbour Choir and wife of former mayor Per Lindqvist, has died at 91.',
    );
    expect(c.verb).toBe('die');
    expect([...c.terms].sort()).toEqual(['die', 'edda', 'lindqv']);
    expect(
      core('Edda Lindqvist, who led the choir for forty years, died on Sunday in Marlow.').terms,
    ).toEqual(c.terms);
  });

  it('finds no core when the first verb belongs to a subordinate clause or the sentence has no verb', () => {
    expect(claimCore('The mere fact that the two mayors met was progress.')).toBeUndefined();
    expect(claimCore('A long day for the harbour.')).toBeUndefined();
  });

  it('does not take the second half of a hyphenated title for the verb', () => {
    expect(core('Mayor-elect Ines Carvalho promised swift repairs to the bridge.').verb).toBe('promis');
  });

  it('marks cores whose news lies in a clause it does not compare', () => {
    expect(core('The council says it will reopen the bridge in May.').open).toBe(true);
    expect(core('Ines Carvalho has been warned against closing the bridge.').open).toBe(true);
    expect(core('Ines Carvalho celebrated her birthday by opening the bridge.').open).toBe(true);
    expect(core('Ines Carvalho opened the bridge on Monday.').open).toBe(false);
  });
});

describe('sameCore', () => {
  it('matches one event told with different descriptions', () => {
    expect(
      same(
        'Edda Lindqvist, the founder of the Harbour Choir, has died at 91.',
        'Former choir director Edda Lindqvist died peacefully on Sunday, her family said.',
      ),
    ).toBe(true);
  });

  it('keeps apart different objects, figures, places, verbs and negation', () => {
    expect(
      same(
        'Harbour police arrested three fishermen in Marlow.',
        'Harbour police arrested five fishermen in Marlow.',
      ),
    ).toBe(false);
    expect(
      same(
        'Harbour police arrested a fisherman in Marlow.',
        'Harbour police arrested a fisherman in Eastbrook.',
      ),
    ).toBe(false);
    expect(
      same(
        'The Marlow council closed the Old Quay bridge.',
        'The Marlow council closed the Dock Street market.',
      ),
    ).toBe(false);
    expect(
      same(
        'The Marlow council closed the Old Quay bridge.',
        'The Marlow council reopened the Old Quay bridge.',
      ),
    ).toBe(false);
    expect(
      same(
        'The Marlow council closed the Old Quay bridge.',
        'The Marlow council did not close the Old Quay bridge.',
      ),
    ).toBe(false);
    expect(
      same(
        'The Marlow council closed the Old Quay bridge.',
        'The Marlow city council closed the bridge on Tuesday.',
      ),
    ).toBe(true);
  });

  it('needs the complements of a copula to meet', () => {
    expect(
      same(
        'Edda Lindqvist was the founder of the choir.',
        'Edda Lindqvist was able to sing until last year.',
      ),
    ).toBe(false);
  });
});

describe('digest facts', () => {
  const item = (n: number, source: string, text: string): Item => ({
    id: `obit-${n}`,
    title: `Harbour Choir founder dies (${source})`,
    source,
    url: `https://${source.toLowerCase().replace(/\W+/g, '')}.example/obit`,
    publishedAt: `2026-03-0${n}T10:00:00.000Z`,
    text,
  });
  const items = [
    item(
      1,
      'Coast Ledger',
      'Edda Lindqvist, the founder of the Harbour Choir and a tireless fundraiser for the lifeboat station, has died at 91.',
    ),
    item(
      2,
      'Valley Wire',
      'Edda Lindqvist, who led the choir through four decades and two world tours, died on Sunday in Marlow.',
    ),
    item(
      3,
      'Harbour Post',
      'Former choir director Edda Lindqvist has died, a week after a fall at her home.',
    ),
  ];
  const info = storyOf(items, { headline: 'Harbour Choir founder dies' });

  it('lists one death reported three ways as one fact that three outlets corroborate', () => {
    const digest = buildDigest(info, items);
    expect(digest.facts).toHaveLength(1);
    expect(digest.facts[0]!.count).toBe(3);
    expect(digest.facts[0]!.sources).toEqual(['Coast Ledger', 'Valley Wire', 'Harbour Post']);
  });
});
