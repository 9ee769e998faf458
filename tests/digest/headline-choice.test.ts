import { describe, expect, it } from 'vitest';
import type { StoryInfo } from '../../src/cluster/index.js';
import { buildDigest } from '../../src/digest/build.js';
import type { Item } from '../../src/model.js';

const reports: [string, string, string][] = [
  [
    'Coast Ledger',
    'Marlow port board ousts chief Piet Brandt',
    'The board of Marlow port ousted chief executive Piet Brandt on Friday.',
  ],
  [
    'Valley Wire',
    'Ana Lopes to run Marlow port for now',
    'Deputy director Ana Lopes will run Marlow port as interim chief executive, the board said on Friday.',
  ],
  [
    'Harbour Post',
    'Who is Ana Lopes, the interim chief of Marlow port after Brandt’s ouster?',
    'Deputy director Ana Lopes was named interim chief of Marlow port on Friday after the board ousted Piet Brandt.',
  ],
  [
    'Port Times',
    'Brandt out as Marlow port chief, deputy Lopes steps in',
    'The board of Marlow port ousted Piet Brandt on Friday and named his deputy Ana Lopes interim chief.',
  ],
];

describe('headline choice', () => {
  it('heads a story with a statement of what happened, not an explainer’s question', () => {
    const items = reports.map(
      ([source, title, text], n): Item => ({
        id: `q-${n}`,
        title,
        text,
        source,
        url: `https://q${n}.example/port`,
        publishedAt: new Date(Date.UTC(2026, 2, 6, 9 + n)).toISOString(),
      }),
    );
    const story: StoryInfo = {
      id: 'st-q',
      headline: items[0]!.title,
      itemIds: items.map((i) => i.id),
      sources: items.map((i) => i.source),
      keywords: [],
      entities: [],
      firstSeen: items[0]!.publishedAt,
      lastUpdated: items.at(-1)!.publishedAt,
    };
    const d = buildDigest(story, items);
    expect(d.headline).not.toMatch(/\?$/);
    expect(d.headline).toMatch(/Brandt|Lopes/);
  });
});
