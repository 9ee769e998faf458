import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import type { Item } from '../../src/model.js';
import { storyOf } from '../helpers/story.js';

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
    const d = buildDigest(storyOf(items), items);
    expect(d.headline).not.toMatch(/\?$/);
    expect(d.headline).toMatch(/Brandt|Lopes/);
  });
});
