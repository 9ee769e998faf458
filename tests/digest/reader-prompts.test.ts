import { describe, expect, it } from 'vitest';
import { analyseItem } from '../../src/digest/analyse.js';
import { addressesReader } from '../../src/digest/text.js';
import type { Item } from '../../src/model.js';

function reported(text: string): string[] {
  const item: Item = {
    id: 'x',
    title: 'Harbour authority reopens the northern quay',
    text,
    source: 'Example Wire',
    publishedAt: '2024-03-05T12:00:00Z',
    url: 'https://example.com/news/quay',
  };
  return analyseItem(item)
    .sections.flatMap((s) => s.units)
    .filter((u) => u.reported)
    .map((u) => u.text);
}

describe('sentences that speak to the reader are not reported facts', () => {
  it('drops shopping prompts, helplines and promotions of the outlet’s own coverage', () => {
    const facts = reported(
      [
        'The harbour authority reopened the northern quay on Tuesday after two months of repairs.',
        'Shop our top rated harbour souvenirs from Marlow Crafts, Dock & Co, and more.',
        'Spring is here, so get your favourite ferry passes on sale.',
        'Browse sales on Marlow Line, Dock & Co, Quayside and more.',
        'In the UK, call or text the Harbour Safety line on 0800 123 456 or visit their website for more help.',
        'Every week we wrap up essential coverage of the port, from news and features to analysis and more.',
        'As you plan your crossing, see this list of four ferry routes that are open now.',
      ].join('\n\n'),
    );
    expect(facts).toEqual([
      'The harbour authority reopened the northern quay on Tuesday after two months of repairs.',
    ]);
  });

  it('keeps what a named source said in the first person, and titles and names that hold such words', () => {
    const facts = reported(
      [
        '“We will reopen the southern quay in May,” harbour master Lena Ortiz said on Tuesday.',
        'Save the Children staff were among the first passengers on the reopened ferry on Tuesday.',
        'The band played Windmills of Your Mind as the first ferry left the quay on Tuesday.',
        'The US Coast Guard escorted the first ferry out of the harbour on Tuesday.',
        'Watch parties started at noon on the quay as the first ferry left on Tuesday.',
      ].join('\n\n'),
    );
    expect(facts).toHaveLength(5);
    expect(addressesReader('Call of Duty sales rose 20% in the quarter to March.')).toBe(false);
  });
});
