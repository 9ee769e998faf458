import { expect } from 'vitest';
import type { StoryUpdate } from '../../src/deliver/sink.js';
import type { DigestCoverage, DigestFact, DigestOpinion, StoryDigest } from '../../src/model.js';

/** A realistic, invented story: five outlets, attributed and plain facts, opinion, and a hostile title. */
export function storyDigest(): StoryDigest {
  return {
    id: 'st-7f3a91',
    headline: 'Northvale rail operator halts night trains after bridge inspection finds cracks',
    lead:
      'Northvale Rail suspended all overnight services on the Harrow line on Tuesday after engineers found ' +
      'cracks in the supports of the Eastbrook river bridge, the operator said.',
    facts: [
      {
        key: 'f1',
        text: 'Northvale Rail suspended all overnight services on the Harrow line on Tuesday, the operator said.',
        sources: ['Harbour Times', 'Valley Courier', 'Metro Wire', 'Eastbrook Gazette', 'Radio North'],
        count: 5,
      },
      {
        key: 'f2',
        text: 'WE WILL NOT RUN A SINGLE TRAIN OVER THAT BRIDGE UNTIL IT IS SAFE.',
        attribution: { speaker: 'Mara Lindqvist', verb: 'wrote' },
        sources: ['Harbour Times', 'Metro Wire', 'Radio North'],
        count: 3,
      },
      {
        key: 'f3',
        text: 'Repairs could take up to six weeks.',
        attribution: { speaker: 'Tomas Reyes', verb: 'told', outlet: 'Radio North' },
        sources: ['Radio North', 'Eastbrook Gazette'],
        count: 2,
      },
      {
        key: 'f4',
        text: 'Replacement buses will run every 30 minutes between Harrow and Eastbrook - the first at 11:40 pm.',
        sources: ['Eastbrook Gazette', 'Harbour Times'],
        count: 2,
      },
      {
        key: 'f5',
        text: 'About 4,200 passengers use the night services each week.',
        attribution: { speaker: 'the transport board', verb: 'according to' },
        sources: ['Metro Wire'],
        count: 1,
      },
    ],
    opinion: [
      {
        source: 'Valley Courier',
        kind: 'opinion',
        gist: 'The shutdown is the price of a decade of deferred maintenance on the region’s bridges.',
        url: 'https://valleycourier.example/opinion/bridges-were-a-warning',
        itemId: 'vc-1',
      },
      {
        source: 'Metro Wire',
        kind: 'analysis',
        gist: 'Six weeks without night trains will hit shift workers hardest, since most buses stop before 1 am.',
        url: 'https://metrowire.example/analysis/night-trains?ref=rss&utm_source=feed',
        itemId: 'mw-2',
      },
    ],
    coverage: [
      {
        source: 'Harbour Times',
        title: 'Night trains halted on Harrow line after bridge cracks found',
        url: 'https://harbourtimes.example/news/2025/03/11/night-trains-halted',
        publishedAt: '2025-03-11T21:05:00.000Z',
        itemId: 'ht-1',
      },
      {
        source: 'Metro Wire',
        title: 'Analysis: who loses most when the night trains stop',
        url: 'https://metrowire.example/analysis/night-trains?ref=rss&utm_source=feed',
        publishedAt: '2025-03-12T07:30:00.000Z',
        itemId: 'mw-2',
      },
      {
        source: 'Valley Courier',
        title: 'Opinion: Northvale’s crumbling bridges were a warning we ignored',
        url: 'https://valleycourier.example/opinion/bridges-were-a-warning',
        publishedAt: '2025-03-12T06:00:00.000Z',
        itemId: 'vc-1',
      },
      {
        source: 'Eastbrook Gazette',
        title: 'Q&A: <What> Harrow line riders need to know about the *bus* replacement | @everyone',
        url: 'https://eastbrookgazette.example/qa_harrow_(buses)',
        publishedAt: '2025-03-11T23:10:00.000Z',
        itemId: 'eg-1',
      },
      {
        source: 'Radio North',
        title: 'Rail boss: repairs "could take six weeks"',
        publishedAt: '2025-03-12T08:15:00.000Z',
        itemId: 'rn-1',
      },
      {
        source: 'Harbour Times',
        title: 'Bridge cracks: what we know so far',
        url: 'https://harbourtimes.example/news/2025/03/12/bridge-cracks-explained',
        publishedAt: '2025-03-12T09:00:00.000Z',
        itemId: 'ht-2',
      },
    ],
    outletCount: 5,
    firstSeen: '2025-03-11T21:05:00.000Z',
    lastUpdated: '2025-03-12T09:00:00.000Z',
  };
}

/**
 * Two more outlets join the story above a day later, with one new fact, an analysis piece and a new latest
 * development.
 */
export function storyUpdate(): StoryUpdate {
  const base = storyDigest();
  const newCoverage: DigestCoverage[] = [
    {
      source: 'Southport Herald',
      title: 'Load tests on Eastbrook bridge to begin Thursday',
      url: 'https://southportherald.example/2025/03/12/load-tests',
      publishedAt: '2025-03-13T11:20:00.000Z',
      itemId: 'sh-1',
    },
    {
      source: 'City Desk',
      title: 'Night-shift workers scramble as Harrow trains stop',
      url: 'https://citydesk.example/harrow-night-shift',
      publishedAt: '2025-03-13T12:45:00.000Z',
      itemId: 'cd-1',
    },
  ];
  const newFacts: DigestFact[] = [
    {
      key: 'f6',
      text: 'Engineers will begin load tests on the bridge on Thursday, Northvale Rail said.',
      sources: ['Southport Herald', 'City Desk'],
      count: 2,
    },
  ];
  const newOpinion: DigestOpinion[] = [
    {
      source: 'City Desk',
      kind: 'analysis',
      gist: 'Hospital night staff lose their only way home until the first bus at 5 am.',
      url: 'https://citydesk.example/harrow-night-shift',
      itemId: 'cd-1',
    },
  ];
  return {
    digest: {
      ...base,
      facts: [...base.facts, ...newFacts],
      opinion: [...base.opinion, ...newOpinion],
      coverage: [...base.coverage, ...newCoverage],
      outletCount: 7,
      lastUpdated: '2025-03-13T12:45:00.000Z',
      // A day on, the story has moved on from its headline.
      latest: {
        title: 'Load tests on Eastbrook bridge to begin Thursday',
        source: 'Southport Herald',
        url: 'https://southportherald.example/2025/03/12/load-tests',
        publishedAt: '2025-03-13T11:20:00.000Z',
      },
    },
    newCoverage,
    newFacts,
    newOpinion,
    newSources: newCoverage.map((c) => c.source),
  };
}

// ---- Large digests for the property tests ----

/** Words of at least four letters, so a fragment of one cut mid-word is (almost) never another. */
export const VOCABULARY = [
  'council',
  'harbour',
  'minister',
  'spokesperson',
  'inspection',
  'timetable',
  'commuters',
  'funding',
  'regional',
  'engineers',
  'replacement',
  'overnight',
  'statement',
  'officials',
  'district',
  'weekend',
  'contractor',
  'tribunal',
  'shipping',
  'warehouse',
] as const;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Vocabulary words, space separated, padded with a run of digits (or a full stop) to exactly `length`. */
export function words(rand: () => number, length: number): string {
  let text = '';
  for (;;) {
    const word = VOCABULARY[Math.floor(rand() * VOCABULARY.length)]!;
    const next = text ? `${text} ${word}` : word;
    if (next.length > length) break;
    text = next;
  }
  const gap = length - text.length;
  if (gap === 1) return `${text}.`;
  return gap > 1 ? `${text} ${'9'.repeat(gap - 1)}` : text;
}

export interface BigOptions {
  headline?: string;
  lead?: string;
}

/** 300 facts of 400 characters, 60 opinion entries, 200 reports, plus oversized words, titles and lead. */
export function bigDigest(opts: BigOptions = {}): StoryDigest {
  const rand = prng(42);
  const outlets = Array.from({ length: 40 }, (_, i) => `Outlet ${String(i + 1).padStart(2, '0')}`);
  const facts: DigestFact[] = Array.from({ length: 300 }, (_, i) => {
    const sources = outlets.slice(i % 30, (i % 30) + 1 + (i % 7));
    return {
      key: `k${i}`,
      text: words(rand, 400),
      sources,
      count: sources.length,
      ...(i % 5 === 0 ? { attribution: { speaker: 'Spokesperson Amelia Okafor', verb: 'said' } } : {}),
    };
  });
  // Oversized: a fact of normal words longer than a Discord message, and one single 4500-character token.
  facts.splice(10, 0, { key: 'long-words', text: words(rand, 2600), sources: ['Outlet 01'], count: 1 });
  facts.splice(20, 0, { key: 'long-token', text: 'Q'.repeat(4500), sources: ['Outlet 02'], count: 1 });
  const kinds = ['opinion', 'analysis', 'advocacy'] as const;
  const opinion = Array.from({ length: 60 }, (_, i) => ({
    source: outlets[i % outlets.length]!,
    kind: kinds[i % 3]!,
    gist: words(rand, 150 + (i % 5) * 40),
    url: `https://opinion.example/${i}`,
    itemId: `c${i}`,
  }));
  const start = Date.parse('2025-03-01T00:00:00Z');
  const coverage: DigestCoverage[] = Array.from({ length: 200 }, (_, i) => ({
    source: outlets[i % outlets.length]!,
    title: i === 50 ? words(rand, 3000) : words(rand, 60 + (i % 4) * 20),
    url: i === 70 ? `https://long.example/${'p'.repeat(2500)}` : `https://news.example/${i}`,
    publishedAt: new Date(start + i * 60_000).toISOString(),
    itemId: `c${i}`,
  }));
  return {
    id: 'st-big',
    headline: opts.headline ?? words(rand, 700),
    lead: opts.lead ?? words(rand, 9000),
    facts,
    opinion,
    coverage,
    outletCount: outlets.length,
    firstSeen: coverage[0]!.publishedAt,
    lastUpdated: coverage.at(-1)!.publishedAt,
  };
}

/** Feed text that tries every trick: mass mentions, user/role/channel mentions, markdown, masked links. */
export const HOSTILE = [
  '@everyone look',
  '@here now',
  '<!channel> <!here> <!everyone>',
  '<@123456789012345678> and <@!42> and <@&99> and <#555>',
  '<@U024BE7LH> and <!subteam^S0123|team>',
  '**bold** __under__ *it* _it_ ~~gone~~ ~strike~ `code` ```block```',
  '||spoiler|| > quote >>> quote',
  '[x](javascript:alert(1)) and [click](https://evil.example)',
  '<https://evil.example|Click me> <t:1700000000:R> <:emoji:123>',
  '# Heading',
  '-# subtext',
  '- item',
  '1. item',
].join('\n');

/** Words of the renderers' own wording, besides the fixture's vocabulary. */
const FORMAT_WORDS = [
  'outlet',
  'outlets',
  'fact',
  'facts',
  'opinion',
  'piece',
  'pieces',
  'report',
  'reports',
  'said',
];

/**
 * Asserts that splitting cut no word of `bigDigest()`: every lower-case word is whole, and only the
 * 4500-character token (longer than any limit) was cut, into pieces that still add up to it.
 */
export function expectNoCutWords(texts: string[]): void {
  const known = new Set<string>([...VOCABULARY, ...FORMAT_WORDS]);
  const fragments = texts.flatMap((t) => t.split(/\s+/)).filter((w) => /^[a-z]+$/.test(w) && !known.has(w));
  expect(fragments).toEqual([]);
  const qs = texts.join('').match(/Q+/g)!;
  expect(qs.length).toBeGreaterThan(1);
  expect(qs.join('')).toBe('Q'.repeat(4500));
}
