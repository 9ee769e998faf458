import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import { countedFigures, figuresConflict } from '../../src/digest/core.js';
import type { Item, StoryDigest } from '../../src/model.js';
import { storyOf } from '../helpers/story.js';

function digestOf(items: Item[]): StoryDigest {
  return buildDigest(storyOf(items, { id: 'st-port' }), items);
}

const report =
  (title: string, slug: string) =>
  (n: number, source: string, text: string): Item => ({
    id: `${slug}-${n}`,
    title,
    source,
    url: `https://${source.toLowerCase().replace(/\W+/g, '')}.example/${slug}-${n}`,
    publishedAt: new Date(Date.UTC(2026, 2, 6, 9 + n)).toISOString(),
    text,
  });

describe('corroboration counts the outlets that report the claim as shown', () => {
  const port = report('Marlow port board ousts chief executive Piet Brandt', 'port');
  /**
   * Two distinct claims (who runs the port now; why the board ousted the chief) that one outlet's run-on
   * sentence mentions together: the outlets that report only one of them must not corroborate the other.
   */
  const items = [
    port(
      0,
      'Coast Ledger',
      'Deputy director Ana Lopes was named interim chief executive of Marlow port on Friday.',
    ),
    port(
      1,
      'Valley Wire',
      'Ana Lopes will serve as interim chief executive of Marlow port, the board said, adding that Brandt had not been consistently candid in his communications with the board.',
    ),
    port(
      2,
      'Harbour Post',
      '“The board no longer has confidence in his ability to continue leading Marlow port,” the port board said in a statement.',
    ),
    port(
      3,
      'Port Times',
      'The board of Marlow port named deputy director Ana Lopes as interim chief executive on Friday.',
    ),
    port(
      4,
      'Marlow Voice',
      'Brandt had not been consistently candid in his communications with the board, the port board said.',
    ),
  ];
  const d = digestOf(items);
  const candid = d.facts.find((f) => /consistently candid/.test(f.text));
  const interim = d.facts.find((f) => /interim chief executive/.test(f.text));

  it('credits the reason for the ouster only to the outlets that report it', () => {
    expect(candid, 'the reason is a fact').toBeDefined();
    // Coast Ledger and Port Times report the appointment only; Valley Wire's run-on sentence tells both.
    expect(candid!.sources).toEqual(['Valley Wire', 'Marlow Voice']);
    expect(candid!.count).toBe(2);
  });

  it('keeps the interim appointment as a fact of its own, corroborated by the outlets that report it', () => {
    expect(interim, 'the appointment is a fact').toBeDefined();
    expect(interim!.sources).toEqual(['Coast Ledger', 'Valley Wire', 'Port Times']);
    expect(interim!.count).toBe(3);
  });

  it('credits the board’s quoted statement only to the outlet that carries it', () => {
    const confidence = d.facts.find((f) => /no longer has confidence/.test(f.text));
    expect(confidence?.sources).toEqual(['Harbour Post']);
  });

  it('gives the same facts and counts whatever order the run-on sentence arrives in', () => {
    // The run-on report first, before either claim has a second report.
    const reordered = [items[1]!, items[0]!, items[2]!, items[3]!, items[4]!].map((item, n) => ({
      ...item,
      publishedAt: new Date(Date.UTC(2026, 2, 6, 9 + n)).toISOString(),
    }));
    const facts = digestOf(reordered).facts;
    expect(facts.find((f) => /consistently candid/.test(f.text))?.count).toBe(2);
    expect(facts.find((f) => /interim chief executive/.test(f.text))?.count).toBe(3);
  });
});

describe('different counts of one thing are different claims', () => {
  const ferry = report('Stranded ferry passengers brought ashore at Marlow', 'ferry');
  const items = [
    ferry(
      0,
      'Coast Ledger',
      'Thirteen passengers of the stranded ferry Skerry Queen have been brought ashore at Marlow harbour, the coastguard said.',
    ),
    ferry(
      1,
      'Valley Wire',
      'Twenty-four passengers of the stranded ferry Skerry Queen have been brought ashore at Marlow harbour.',
    ),
    ferry(
      2,
      'Harbour Post',
      'She was one of the 24 passengers of the stranded ferry Skerry Queen brought ashore at Marlow harbour on Saturday.',
    ),
  ];
  const facts = digestOf(items).facts;

  it('does not credit reports of 24 passengers to the report of 13', () => {
    const thirteen = facts.find((f) => /Thirteen/.test(f.text));
    expect(thirteen?.sources).toEqual(['Coast Ledger']);
    const twentyFour = facts.find((f) => /24|Twenty-four/.test(f.text));
    expect(twentyFour?.sources).toEqual(['Valley Wire', 'Harbour Post']);
  });

  it('reads counts by the noun they count, leaving out bounds, dates, years and ages', () => {
    const figures = (text: string) =>
      Object.fromEntries([...countedFigures(text)].map(([k, v]) => [k, [...v]]));
    expect(figures('Thirteen Israeli hostages were freed.')).toEqual({ hostag: [13] });
    expect(figures('Twenty-four passengers and two dozen crew were rescued.')).toEqual({
      passen: [24],
      crew: [24],
    });
    expect(
      figures('At least 30 babies were moved on 7 October, in the 2024 budget, from a 96-year-old.'),
    ).toEqual({});
    expect(figures('A four-day truce began.')).toEqual({ day: [4] });
    const conflict = (a: string, b: string) => figuresConflict(countedFigures(a), countedFigures(b));
    expect(conflict('31 babies were evacuated.', '28 premature babies were evacuated.')).toBe(true);
    expect(conflict('50 women and 150 prisoners', 'about 150 prisoners were freed')).toBe(false);
    expect(conflict('Thirteen hostages were freed.', '13 hostages were freed.')).toBe(false);
  });
});

describe('a fact told in different words by many outlets stays one fact', () => {
  const death = report('Former choir director Edda Lindqvist dies at 91', 'edda');
  const items = [
    death(0, 'Coast Ledger', 'Edda Lindqvist, the founder of the Harbour Choir, has died at 91.'),
    death(
      1,
      'Valley Wire',
      'Former choir director Edda Lindqvist died peacefully on Sunday at her home in Marlow, her family said.',
    ),
    death(2, 'Harbour Post', 'Edda Lindqvist, who led the Harbour Choir for forty years, died on Sunday.'),
    death(
      3,
      'Port Times',
      'Edda Lindqvist, founder of the Harbour Choir, died on Sunday in Marlow at the age of 91.',
    ),
    death(4, 'Marlow Voice', 'Harbour Choir founder Edda Lindqvist has died at her home in Marlow.'),
  ];
  it('credits every outlet to the one fact', () => {
    const facts = digestOf(items).facts;
    expect(facts[0]!.count).toBe(5);
    expect(facts.filter((f) => /died/.test(f.text))).toHaveLength(1);
  });
});

/**
 * The facts matching `about` from two outlets' reports of one claim: Coast Ledger's `first`, and Valley Wire's
 * `second`, credited to the speaker it is given.
 */
function twoReports(title: string, first: string, second: (speaker: string) => string, about: RegExp) {
  const story = report(title, 'claim');
  return (speaker: string) =>
    digestOf([story(0, 'Coast Ledger', first), story(1, 'Valley Wire', second(speaker))]).facts.filter((f) =>
      about.test(f.text),
    );
}

describe('unnamed officials', () => {
  const stranded = twoReports(
    'Ferry service to Marlow halted after storm damage',
    'More than 3,000 passengers were stranded on the island after the ferry service was halted, according to officials.',
    (second) =>
      `More than 3,000 passengers have been stranded on the island since the ferry service was halted, according to ${second}.`,
    /stranded/,
  );

  it('are one speaker whether an outlet calls them officials, authorities or the government', () => {
    for (const second of ['island authorities', 'the government', 'a local official']) {
      const facts = stranded(second);
      expect(facts, second).toHaveLength(1);
      expect(facts[0]!.count, second).toBe(2);
    }
  });

  it('are not a named speaker: a claim credited to officials and one to the ferry company stay apart', () => {
    const facts = stranded('the ferry company');
    expect(facts).toHaveLength(2);
    expect(facts.map((f) => f.count)).toEqual([1, 1]);
  });
});

describe('a speaker an outlet calls only by an epithet', () => {
  const settled = twoReports(
    'Marlow shipyard and dockers settle pay dispute',
    'The pay dispute at the Marlow shipyard was settled on Friday, Marlow Shipyard and the dockers’ union said.',
    (epithet) => `The pay dispute at the Marlow shipyard has been settled, ${epithet} announced on Friday.`,
    /pay dispute/,
  );

  it('may be the speaker another outlet names: "the pair" corroborates the claim', () => {
    const facts = settled('the pair');
    expect(facts).toHaveLength(1);
    expect(facts[0]!.count).toBe(2);
  });

  it('is not an epithet when it names a source of its own: "the ministry" keeps its claim apart', () => {
    expect(settled('the ministry').map((f) => f.count)).toEqual([1, 1]);
  });
});

describe('a speaker named by role in one outlet and by name in another', () => {
  const bought = twoReports(
    'Marlow shipyard buys rival yard in Harwick',
    'The Marlow shipyard will buy the Harwick yard and keep all of its 400 workers, Marlow Shipyard CEO Ana Lopes said on Monday.',
    (role) =>
      `The Marlow shipyard is buying the Harwick yard and will keep all 400 of its workers, ${role} said.`,
    /Harwick yard/,
  );

  it('is one speaker: "the company’s CEO" is the CEO another outlet names', () => {
    const facts = bought('the company’s CEO');
    expect(facts).toHaveLength(1);
    expect(facts[0]!.count).toBe(2);
  });

  it('is not a speaker of another role: "the union’s leader" keeps a claim of its own', () => {
    expect(bought('the union’s leader').map((f) => f.count)).toEqual([1, 1]);
  });
});

describe('a speaker whose title outlets spell differently', () => {
  const late = twoReports(
    'Marlow council was slow to act on the floods',
    'The Marlow council was too slow to act on the spring floods, its chief engineering adviser said on Monday.',
    (title) => `The Marlow council was too slow to act on the spring floods, ${title} said on Monday.`,
    /spring floods/,
  );

  it('is one speaker: "adviser" and "advisor" credit the same person', () => {
    const facts = late('its chief engineering advisor');
    expect(facts).toHaveLength(1);
    expect(facts[0]!.count).toBe(2);
  });

  it('is not a speaker of another title: "its mayor" keeps a claim of its own', () => {
    expect(late('its mayor').map((f) => f.count)).toEqual([1, 1]);
  });
});
