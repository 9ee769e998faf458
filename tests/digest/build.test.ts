import { describe, expect, it } from 'vitest';
import type { StoryInfo } from '../../src/cluster/index.js';
import { buildDigest, MAX_FACTS } from '../../src/digest/build.js';
import { cleanTitle } from '../../src/digest/headline.js';
import { digestJson } from '../../src/digest/json.js';
import type { Item, StoryDigest } from '../../src/model.js';
import { storyOf } from '../helpers/story.js';

/** An invented local story: three reports that word the same facts differently, one with an opinion section. */
const ledger: Item = {
  id: 'ledger-1',
  title: 'Marlow council votes to close Old Quay bridge to cars - Coast Ledger',
  source: 'Coast Ledger',
  url: 'https://coastledger.example/news/old-quay-bridge',
  publishedAt: '2026-02-10T18:00:00.000Z',
  text: [
    'The Marlow city council voted 7-2 on Tuesday to close the Old Quay bridge to cars from March 1.',
    '"We cannot wait for the bridge to fail under a bus," Mayor Ines Carvalho told reporters after the vote.',
    'Engineers found corrosion in two of the four steel supports of the bridge last month, the council said.',
    'Story continues below this ad',
    'Buses on route 14 will be diverted over the Dock Street crossing while the bridge is closed.',
    'Sign up for our newsletter today',
  ].join('\n\n'),
};

const wire: Item = {
  id: 'wire-1',
  title: 'Old Quay bridge to shut to car traffic from March 1 | Valley Wire',
  source: 'Valley Wire',
  url: 'https://valleywire.example/marlow/bridge',
  publishedAt: '2026-02-10T19:30:00.000Z',
  text: [
    'Marlow councillors voted on Tuesday to shut the Old Quay bridge to car traffic starting March 1.',
    'Mayor Ines Carvalho said: "We cannot wait for the bridge to fail under a bus."',
    'An inspection last month found corrosion in two of the four steel supports of the bridge.',
    'Repairs are expected to cost about 12 million euros, according to city officials.',
  ].join('\n\n'),
};

const post: Item = {
  id: 'post-1',
  title: 'Marlow closes Old Quay bridge to cars after corrosion found',
  source: 'Harbour Post',
  url: 'https://harbourpost.example/2026/02/10/bridge',
  publishedAt: '2026-02-10T21:00:00.000Z',
  text: [
    '“We cannot wait for the bridge to fail under a bus,” Carvalho said on Tuesday evening.',
    'The council voted to close the Old Quay bridge to cars from March 1.',
    'Shop owners on the quay said they feared losing customers during the closure.',
    'Transport director Hugo Mendes said the repairs would take at least 18 months.',
    'Opinion:',
    'The council has known about this corrosion for years and did nothing until it became an emergency. ' +
      'Closing the bridge is the right call, but residents deserve an apology for the long delay. ' +
      'A city that cannot maintain one bridge should not be planning three new ones.',
  ].join('\n\n'),
};

const column: Item = {
  id: 'voice-1',
  title: 'Opinion: The Old Quay closure is a failure of planning',
  source: 'Marlow Voice',
  url: 'https://marlowvoice.example/opinion/old-quay-failure',
  publishedAt: '2026-02-11T07:00:00.000Z',
  kindHint: 'opinion',
  text: [
    'Closing the Old Quay bridge is a failure of planning that residents saw coming for a decade.',
    'The council should have funded the repairs years ago instead of waiting for an emergency.',
    'Commuters will now pay for that negligence with longer journeys every single day.',
  ].join('\n\n'),
};

const ALL = [ledger, wire, post, column];

function story(items: Item[]): StoryInfo {
  return storyOf(items, { id: 'st-bridge', headline: 'clusterer headline' });
}

function digestOf(items: Item[]): StoryDigest {
  return buildDigest(story(items), items);
}

function factWith(d: StoryDigest, fragment: RegExp) {
  const fact = d.facts.find((f) => fragment.test(f.text));
  if (!fact) throw new Error(`no fact matches ${fragment}: ${d.facts.map((f) => f.text).join(' | ')}`);
  return fact;
}

function everyText(d: StoryDigest): string {
  return [d.headline, d.lead, ...d.facts.map((f) => f.text), ...d.opinion.map((o) => o.gist)].join('\n');
}

describe('outlets counted by publisher', () => {
  it("counts one publisher's two feeds once, in the story and in each fact's corroboration", () => {
    const sameArticle = (id: string, source: string): Item => ({
      ...ledger,
      id,
      source,
      url: `https://coastledger.example/news/old-quay-bridge?feed=${id}`,
    });
    const d = digestOf([
      sameArticle('ledger-a', 'Coast Ledger | Top'),
      sameArticle('ledger-b', 'Coast Ledger | Local'),
      wire,
    ]);
    expect(d.outletCount).toBe(2);
    const vote = factWith(d, /close the Old Quay bridge|shut the Old Quay bridge/);
    expect(vote.count).toBe(2);
    expect(vote.sources).toEqual(['Coast Ledger | Top', 'Valley Wire']);
  });
});

describe('outlets counted by publisher, continued', () => {
  it('counts one feed once when its links go through a newsletter service as well as its own site', () => {
    const viaNewsletter: Item = {
      ...ledger,
      id: 'ledger-mail',
      url: 'https://mailer.example-send.com/t/abc123',
    };
    const d = digestOf([ledger, viaNewsletter]);
    expect(d.outletCount).toBe(1);
    expect(factWith(d, /close the Old Quay bridge/).count).toBe(1);
  });
});

describe('reported facts', () => {
  const d = digestOf(ALL);

  it('merges the same quotation from differently worded sentences into one attributed claim', () => {
    const quote = factWith(d, /cannot wait for the bridge to fail/);
    expect(quote.sources).toEqual(['Coast Ledger', 'Valley Wire', 'Harbour Post']);
    expect(quote.count).toBe(3);
    expect(quote.attribution?.speaker).toMatch(/Carvalho$/);
    // The claim is the speaker's words, not the reporter's sentence around them.
    expect(quote.text).toBe('We cannot wait for the bridge to fail under a bus.');
    expect(d.facts.filter((f) => /cannot wait for the bridge/.test(f.text))).toHaveLength(1);
  });

  it('merges near-duplicate reported sentences across outlets, first reporter first', () => {
    const vote = factWith(d, /vot.* close|shut.*March 1|close.*March 1/);
    expect(vote.sources).toEqual(['Coast Ledger', 'Valley Wire', 'Harbour Post']);
    expect(vote.count).toBe(3);
    const corrosion = factWith(d, /corrosion/);
    expect(corrosion.sources).toEqual(['Coast Ledger', 'Valley Wire']);
    expect(corrosion.count).toBe(2);
  });

  it('orders claims by corroboration', () => {
    const counts = d.facts.map((f) => f.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(d.facts[0]!.count).toBe(3);
    expect(d.facts.length).toBeLessThanOrEqual(MAX_FACTS);
  });

  it('credits reported speech to its source without putting the reporter’s words in their mouth', () => {
    const cost = factWith(d, /12 million euros/);
    expect(cost.attribution).toEqual({ speaker: 'city officials', verb: 'according to' });
    expect(cost.text).toBe('Repairs are expected to cost about 12 million euros.');
    const time = factWith(d, /18 months/);
    expect(time.attribution).toEqual({ speaker: 'Hugo Mendes', verb: 'according to' });
    expect(time.text).toBe('The repairs would take at least 18 months.');
  });

  it('keeps the speaker in the sentence when the reported words would open with a pronoun', () => {
    const ferry: Item = {
      id: 'ferry-1',
      title: 'Marlow ferry to resume crossings',
      source: 'Coast Ledger',
      publishedAt: '2026-02-12T09:00:00.000Z',
      text: 'Tagus Lines said it would resume the Old Quay crossings on Friday morning.',
    };
    const fact = factWith(digestOf([ferry]), /resume the Old Quay crossings/);
    expect(fact.text).toBe('Tagus Lines said it would resume the Old Quay crossings on Friday morning.');
  });

  it('credits what was said after a second reporting verb, not the first verb’s object', () => {
    const deal: Item = {
      id: 'deal-1',
      title: 'Marlow and Tagus Lines agree ferry deal',
      source: 'Coast Ledger',
      publishedAt: '2026-02-12T10:00:00.000Z',
      text: 'Tagus Lines announced the agreement and said two new ferries would enter service in May.',
    };
    const fact = factWith(digestOf([deal]), /new ferries/);
    expect(fact.text).toBe('Two new ferries would enter service in May.');
    expect(fact.attribution).toEqual({ speaker: 'Tagus Lines', verb: 'according to' });
  });

  it('does not take the object of a verb like "conceded" for what was said', () => {
    const runoff: Item = {
      id: 'runoff-1',
      title: 'Marlow council runoff',
      source: 'Coast Ledger',
      publishedAt: '2026-02-13T10:00:00.000Z',
      text: [
        'Councillor Rui Matos conceded defeat to Ana Lopes in the tightly fought council runoff on Sunday.',
        'Tagus Lines confirmed that the Old Quay crossings would resume on Friday morning.',
      ].join('\n\n'),
    };
    const d = digestOf([runoff]);
    expect(factWith(d, /conceded defeat/).text).toBe(
      'Councillor Rui Matos conceded defeat to Ana Lopes in the tightly fought council runoff on Sunday.',
    );
    expect(factWith(d, /crossings would resume/)).toMatchObject({
      text: 'The Old Quay crossings would resume on Friday morning.',
      attribution: { speaker: 'Tagus Lines', verb: 'according to' },
    });
  });

  it("counts a reporter's sentence that follows a speaker's quotation word for word as that quotation", () => {
    const quoted: Item = {
      id: 'crossing-1',
      title: 'Dock Street crossing to reopen in May',
      source: 'Coast Ledger',
      publishedAt: '2026-02-14T09:00:00.000Z',
      text:
        '"We will reopen the Dock Street crossing by the end of May, and until then the harbour ferries will ' +
        'run every twenty minutes at no charge," Mayor Ines Carvalho told reporters at the town hall.',
    };
    const retold = (source: string, speaker: string): Item => ({
      id: `crossing-${source}`,
      title: 'Marlow plans Dock Street reopening',
      source,
      publishedAt: '2026-02-14T11:00:00.000Z',
      text:
        `${speaker} said the city would reopen the Dock Street crossing by the end of May, once engineers ` +
        'have replaced its corroded deck plates and the tram operator has finished testing its new signals.',
    });
    const same = digestOf([quoted, retold('Valley Wire', 'Mayor Ines Carvalho')]);
    expect(factWith(same, /reopen the Dock Street crossing/).sources).toEqual([
      'Coast Ledger',
      'Valley Wire',
    ]);
    expect(same.facts.filter((f) => /Dock Street crossing/.test(f.text))).toHaveLength(1);
    // The same words from someone else are their own claim.
    const other = digestOf([quoted, retold('Valley Wire', 'Transport director Hugo Mendes')]);
    expect(other.facts.filter((f) => /Dock Street crossing/.test(f.text))).toHaveLength(2);
  });

  it('keeps opinion, the opinion item and boilerplate out of the facts', () => {
    const facts = d.facts.map((f) => f.text).join('\n');
    expect(facts).not.toMatch(/apology|negligence|failure of planning|known about this corrosion/);
    expect(d.facts.every((f) => !f.sources.includes('Marlow Voice'))).toBe(true);
    expect(everyText(d)).not.toMatch(/Story continues|newsletter|Opinion:/);
  });

  it('names who a claim is about: a pronoun-led wording, lead or claim comes after one that names them', () => {
    const reports = (texts: string[]) =>
      texts.map(
        (text, k): Item => ({
          id: `keeper-${k}`,
          title: 'Lighthouse keeper retires after 40 years on Marlow Head',
          source: ['Coast Ledger', 'Valley Wire'][k]!,
          publishedAt: `2026-02-1${k + 2}T09:00:00.000Z`,
          text,
        }),
      );
    const d = digestOf(
      reports([
        [
          'Marta Quintela kept the Marlow Head light for 40 years before retiring on Sunday.',
          'She climbed the 212 steps of the tower twice a night through every winter storm.',
          'The lighthouse on Marlow Head will be run automatically from March onwards.',
        ].join('\n\n'),
        [
          'The keeper of the Marlow Head light retired on Sunday after 40 years in the tower.',
          'Quintela climbed the 212 steps of the tower twice a night through every winter storm.',
        ].join('\n\n'),
      ]),
    );
    // Both outlets tell the climb; the wording shown is the one that names her.
    expect(factWith(d, /212 steps/).text).toMatch(/^Quintela climbed/);
    const single = digestOf(
      reports([
        [
          'She kept the Marlow Head lighthouse for 40 years and retired from the Marlow Head lighthouse on Sunday.',
          'The port authority will run the Marlow Head lighthouse automatically from March, officials said.',
          'She climbed the 212 steps of the tower twice a night through every winter storm, her family said.',
        ].join('\n\n'),
      ]),
    );
    // The lead names who it is about, and among equally corroborated claims a pronoun-led one comes last.
    expect(single.lead).toMatch(/^The port authority/);
    expect(single.facts.map((f) => f.text.slice(0, 8))).toEqual(['The port', 'She kept', 'She clim']);
  });

  it('leads with a central reported sentence as the reporter wrote it', () => {
    expect(d.lead).toMatch(/Old Quay bridge/);
    expect(d.facts.some((f) => f.sources.length >= 2)).toBe(true);
    expect(d.lead.startsWith('"')).toBe(false);
  });
});

describe('opinion, headline and coverage', () => {
  const d = digestOf(ALL);

  it('lists the opinion item and the opinion section of a report, each with its gist and link', () => {
    expect(d.opinion.map((o) => [o.source, o.kind, o.url])).toEqual([
      ['Harbour Post', 'opinion', post.url],
      ['Marlow Voice', 'opinion', column.url],
    ]);
    expect(d.opinion[0]!.gist).toMatch(/corrosion for years|apology|three new ones/);
    expect(d.opinion[0]!.gist).not.toMatch(/^Opinion/);
    expect(d.opinion[1]!.gist).toMatch(/planning|repairs|negligence/);
    for (const o of d.opinion) expect(o.gist.split(/(?<=[.!?])\s+/).length).toBeLessThanOrEqual(2);
  });

  it('does not give a photo caption as the gist of an opinion piece', () => {
    const captioned: Item = {
      id: 'voice-3',
      title: 'The Old Quay closure was the first honest decision in years',
      source: 'Marlow Voice',
      url: 'https://marlowvoice.example/opinion/old-quay-honest',
      publishedAt: '2026-02-11T08:00:00.000Z',
      kindHint: 'opinion',
      description:
        'Commuters wait for the diverted route 14 bus at the Dock Street crossing in Marlow, Portugal, on Feb. 10, 2026.',
    };
    const [entry] = digestOf([ledger, captioned]).opinion;
    expect(entry).toMatchObject({ source: 'Marlow Voice', kind: 'opinion' });
    expect(entry!.gist).toBe(captioned.title);
  });

  it('takes an analysis hint as analysis', () => {
    const analysis: Item = {
      ...column,
      id: 'voice-2',
      title: 'What the Old Quay closure means for commuters',
      kindHint: 'analysis',
      url: undefined,
    };
    const withAnalysis = digestOf([ledger, wire, analysis]);
    expect(withAnalysis.opinion).toEqual([
      { source: 'Marlow Voice', kind: 'analysis', gist: expect.any(String), itemId: 'voice-2' },
    ]);
  });

  it('picks the most representative report title, without the outlet, never the opinion title', () => {
    expect(d.headline).not.toMatch(/Coast Ledger|Valley Wire|Opinion|failure/);
    expect(d.headline).toMatch(/Old Quay bridge/);
    expect([ledger, wire, post].map((i) => cleanTitle(i.title, ['Coast Ledger', 'Valley Wire']))).toContain(
      d.headline,
    );
  });

  it("gives a story that moved on its latest development: the last day's most representative report", () => {
    expect(d.latest).toBeUndefined();
    const testsBegin: Item = {
      id: 'post-2',
      title: 'Load tests begin on closed Old Quay bridge',
      source: 'Harbour Post',
      url: 'https://harbourpost.example/2026/02/12/load-tests',
      publishedAt: '2026-02-12T09:00:00.000Z',
      text: 'Engineers began load tests on the closed Old Quay bridge on Thursday, the council said.',
    };
    const testsWire: Item = {
      id: 'wire-2',
      title: 'Engineers start load tests on Old Quay bridge | Valley Wire',
      source: 'Valley Wire',
      publishedAt: '2026-02-12T11:00:00.000Z',
      text: 'Load tests on the Old Quay bridge started on Thursday and will last a week, engineers said.',
    };
    const angry: Item = {
      ...column,
      id: 'voice-4',
      title: 'Opinion: Load tests on the Old Quay bridge are theatre',
      publishedAt: '2026-02-12T12:00:00.000Z',
    };
    const moved = digestOf([...ALL, testsBegin, testsWire, angry]);
    expect(moved.headline).toMatch(/close|shut|closes/i);
    expect(moved.latest).toBeDefined();
    expect([
      'Load tests begin on closed Old Quay bridge',
      'Engineers start load tests on Old Quay bridge',
    ]).toContain(moved.latest!.title);
    const from = [testsBegin, testsWire].find((i) => i.title.startsWith(moved.latest!.title))!;
    expect(moved.latest).toEqual({
      title: moved.latest!.title,
      source: from.source,
      ...(from.url ? { url: from.url } : {}),
      publishedAt: from.publishedAt,
    });
    // The JSON contract carries it too, with null for a missing link, and null when there is none.
    expect(digestJson(moved).latest).toEqual({
      title: moved.latest!.title,
      source: from.source,
      url: from.url ?? null,
      publishedAt: from.publishedAt,
    });
    expect(digestJson(d).latest).toBeNull();
    // A day of coverage and no more has no separate latest development, nor has a last day that repeats the
    // headline.
    expect(digestOf([testsBegin, testsWire, angry]).latest).toBeUndefined();
    // Nor has a last day of comment only: a column is no development.
    expect(digestOf([...ALL, angry]).latest).toBeUndefined();
    const repeat: Item = { ...ledger, id: 'ledger-9', publishedAt: '2026-02-12T10:00:00.000Z' };
    const same = digestOf([ledger, repeat]);
    expect(same.headline).toBe('Marlow council votes to close Old Quay bridge to cars');
    expect(same.latest).toBeUndefined();
  });

  it('strips outlet suffixes and labels from titles, and nothing else', () => {
    const sources = ['Reuters', 'CNN'];
    expect(cleanTitle('Talks resume in Geneva - Reuters', sources)).toBe('Talks resume in Geneva');
    expect(cleanTitle('Talks resume in Geneva | CNN Politics', sources)).toBe('Talks resume in Geneva');
    expect(cleanTitle('BREAKING: Talks resume in Geneva', sources)).toBe('Talks resume in Geneva');
    expect(cleanTitle('Talks resume - and stall again', sources)).toBe('Talks resume - and stall again');
  });

  it('lists every item as coverage in publication order, with counts and times', () => {
    expect(d.coverage.map((c) => c.itemId)).toEqual(['ledger-1', 'wire-1', 'post-1', 'voice-1']);
    expect(d.coverage[0]).toEqual({
      source: 'Coast Ledger',
      title: ledger.title,
      url: ledger.url,
      publishedAt: ledger.publishedAt,
      itemId: 'ledger-1',
    });
    expect(d.outletCount).toBe(4);
    expect(d.firstSeen).toBe(ledger.publishedAt);
    expect(d.lastUpdated).toBe(column.publishedAt);
    expect(d.id).toBe('st-bridge');
  });
});

describe('stability', () => {
  it('is deterministic and independent of the order items are passed in', () => {
    const a = digestOf(ALL);
    const b = buildDigest(story(ALL), [column, post, ledger, wire]);
    expect(b).toEqual(a);
    expect(digestOf(ALL)).toEqual(a);
  });

  it('keeps fact keys as later items join the story', () => {
    const before = digestOf([ledger, wire]);
    const after = digestOf(ALL);
    for (const fragment of [/cannot wait for the bridge/, /corrosion/]) {
      expect(factWith(after, fragment).key).toBe(factWith(before, fragment).key);
    }
    const vote = (d: StoryDigest) =>
      d.facts.find((f) => f.sources.includes('Valley Wire') && /March 1/.test(f.text));
    expect(vote(after)?.key).toBe(vote(before)?.key);
    // Keys are unique within a digest.
    expect(new Set(after.facts.map((f) => f.key)).size).toBe(after.facts.length);
  });

  it('copes with a story with no text at all', () => {
    const bare: Item = {
      id: 'x',
      title: 'Ferry strike called off',
      source: 'Wire',
      publishedAt: '2026-01-01T00:00:00Z',
    };
    const d = digestOf([bare]);
    expect(d.headline).toBe('Ferry strike called off');
    expect(d.facts).toEqual([]);
    expect(d.coverage).toHaveLength(1);
    const empty = buildDigest(story([]), []);
    expect(empty.headline).toBe('clusterer headline');
    expect(empty.coverage).toEqual([]);
  });
});

describe('a large story', () => {
  /** Deterministic pseudo-random numbers, so the bulk story is the same on every run. */
  function random(seed: number): () => number {
    let x = seed;
    return () => {
      x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
      return x / 2_147_483_648;
    };
  }

  /** 100 reports of about 600 words: the three reports' sentences plus varied local detail. */
  function bulkStory(): Item[] {
    const next = random(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const names = [
      'Ana Sousa',
      'Rui Costa',
      'Marta Lima',
      'Joel Pires',
      'Sara Dias',
      'Tiago Reis',
      'Lena Moura',
    ];
    const places = [
      'Dock Street',
      'the ring road',
      'Harbour Lane',
      'the north quay',
      'Mill Road',
      'the ferry pier',
    ];
    const outlets = [
      'Coast Ledger',
      'Valley Wire',
      'Harbour Post',
      'Metro Daily',
      'Radio Marlow',
      'Bay News',
    ];
    const templates = [
      () =>
        `${pick(names)} said the detour through ${pick(places)} added ${Math.ceil(next() * 40)} minutes to her trip.`,
      () =>
        `Traffic on ${pick(places)} rose by ${Math.ceil(next() * 60)} percent in the first week, officials said.`,
      () =>
        `The council will review the closure on ${pick(['March 20', 'April 2', 'May 5'])}, ${pick(names)} told reporters.`,
      () => `Buses on route ${Math.ceil(next() * 30)} now stop at ${pick(places)} instead of the quay.`,
      () => `"We were not told the bridge would close so soon," said shop owner ${pick(names)}.`,
      () => `About ${Math.ceil(next() * 9000)} vehicles crossed the bridge each day before the closure.`,
    ];
    return Array.from({ length: 100 }, (_, i) => {
      const base = [ledger, wire, post][i % 3]!;
      const detail = Array.from({ length: 32 }, () => pick(templates)()).join(' ');
      return {
        ...base,
        id: `bulk-${i}`,
        source: outlets[i % outlets.length]!,
        publishedAt: new Date(Date.parse('2026-02-10T18:00:00Z') + i * 60_000).toISOString(),
        text: `${base.text}\n\n${detail}`,
      };
    });
  }

  it('gives the same digest for a 100-item story on every rebuild (timing lives in npm run bench:digest)', () => {
    const items = bulkStory();
    expect(items.reduce((n, i) => n + (i.text ?? '').split(/\s+/).length, 0)).toBeGreaterThan(50_000);
    const first = buildDigest(story(items), items);
    expect(buildDigest(story(items), items)).toEqual(first);
    expect(buildDigest(story(items), [...items].reverse())).toEqual(first);
  });
});
