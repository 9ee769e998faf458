import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseArticle } from '../../src/classify/index.js';
import { buildDigest } from '../../src/digest/build.js';
import { normalise } from '../../src/digest/text.js';
import type { Item, StoryDigest } from '../../src/model.js';
import { loadSeeds, SHARED } from '../helpers/shared.js';
import { storyOf } from '../helpers/story.js';

const haveSeeds = existsSync(resolve(SHARED, 'seeds'));
const OUTLETS = ['Valley Newz', 'Truth and Resistance', 'Capital Courier', 'Market Express', 'World Wire'];

/** The five seed write-ups as items of one story, an hour apart, in file order unless told otherwise. */
function seedItems(order: number[] = [0, 1, 2, 3, 4], hints: Partial<Record<number, Item['kindHint']>> = {}) {
  const seeds = loadSeeds();
  return order.map((n, position): Item => {
    const seed = seeds[n]!;
    const item: Item = {
      id: `seed-${n}`,
      title: seed.title,
      text: seed.body,
      source: OUTLETS[n]!,
      url: `https://seed${n}.example/story`,
      publishedAt: new Date(Date.UTC(2025, 7, 17, 12 + position)).toISOString(),
    };
    const hint = hints[n];
    return hint ? { ...item, kindHint: hint } : item;
  });
}

function digest(items = seedItems()): StoryDigest {
  return buildDigest(storyOf(items), items);
}

const post = (d: StoryDigest) => d.facts.find((f) => /BIG PROGRESS ON RUSSIA/.test(f.text));
const article5 = (d: StoryDigest) => d.facts.find((f) => /Article 5-like protection/.test(f.text));

/** Sentences the classifier puts in a seed's opinion, analysis or advocacy sections, or labels as opinion. */
function opinionSentences(n: number): string[] {
  const seed = loadSeeds()[n]!;
  return analyseArticle({ title: seed.title, text: seed.body })
    .sections.flatMap((s) => s.sentences.filter((x) => s.kind !== 'report' || x.label === 'opinion'))
    .map((x) => normalise(x.text))
    .filter((t) => t.split(' ').length >= 5);
}

describe.skipIf(!haveSeeds)('digest of the seed story', () => {
  const d = haveSeeds ? digest() : (undefined as unknown as StoryDigest);

  it('credits Trump’s post and Witkoff’s Article 5 statement to all five sources, at the top', () => {
    const p = post(d);
    const w = article5(d);
    expect(p, 'Trump’s post is a fact').toBeDefined();
    expect(w, 'Witkoff’s statement is a fact').toBeDefined();
    expect(p!.sources).toEqual(OUTLETS);
    expect(p!.count).toBe(5);
    expect(p!.attribution?.speaker).toMatch(/Trump$/);
    expect(w!.sources).toEqual(OUTLETS);
    expect(w!.count).toBe(5);
    expect(w!.attribution?.speaker).toMatch(/Witkoff$/);
    expect(d.facts.indexOf(p!)).toBeLessThan(3);
    expect(d.facts.indexOf(w!)).toBeLessThan(3);
    // Each statement is one claim, not one per outlet.
    expect(d.facts.filter((f) => /BIG PROGRESS ON RUSSIA/.test(f.text))).toHaveLength(1);
    expect(d.facts.filter((f) => /Article 5-like protection/.test(f.text))).toHaveLength(1);
    // World Wire's own sentence follows Witkoff's words ("the United States could offer …"): the same claim.
    expect(d.facts.some((f) => /NATO-style protection/.test(f.text))).toBe(false);
  });

  it('keeps the aggregator’s opinion, action and to-do text and the analysis piece’s speculation out of the facts', () => {
    const facts = d.facts.map((f) => normalise(f.text));
    const opinion = [...opinionSentences(1), ...opinionSentences(0)];
    expect(opinion.length).toBeGreaterThan(40);
    for (const sentence of opinion) {
      for (const fact of facts) expect(fact.includes(sentence) || sentence.includes(fact)).toBe(false);
    }
    // The lead is reported, not the writer's guess: a modal in it belongs to a statement someone made.
    const lead = normalise(d.lead);
    expect(opinion.some((sentence) => lead.includes(sentence) || sentence.includes(lead))).toBe(false);
    if (/\b(could|might|may)\b/.test(d.lead)) expect(d.lead).toMatch(/\b(said|says|told)\b/);
  });

  it('lists the aggregator’s Opinion and To Do sections and the analysis piece as opinion entries', () => {
    const aggregator = d.opinion.filter((o) => o.source === 'Truth and Resistance');
    expect(aggregator.map((o) => o.kind)).toEqual(expect.arrayContaining(['opinion', 'advocacy']));
    for (const o of aggregator) expect(o.url).toBe('https://seed1.example/story');
    const seed = loadSeeds()[1]!;
    const sections = analyseArticle({ title: seed.title, text: seed.body }).sections;
    const inSection = (heading: string, gist: string) => {
      const start = sections.findIndex((s) => s.heading === heading);
      const next = sections.findIndex((s, i) => i > start && /:$/.test(s.heading ?? ''));
      const texts = sections
        .slice(start, next < 0 ? undefined : next)
        .flatMap((s) => s.sentences.map((x) => normalise(x.text)));
      return texts.some((t) => t.includes(normalise(gist).split(' ').slice(0, 8).join(' ')));
    };
    expect(aggregator.some((o) => o.kind === 'opinion' && inSection('Opinion:', o.gist))).toBe(true);
    expect(aggregator.some((o) => o.kind === 'advocacy' && inSection('To Do:', o.gist))).toBe(true);
    const analysis = d.opinion.find((o) => o.source === 'Valley Newz');
    expect(analysis?.kind).toBe('analysis');
    for (const o of d.opinion) {
      expect(o.gist.length).toBeGreaterThan(40);
      expect(o.gist).not.toMatch(/^(Opinion|Action|To Do):/);
    }
  });

  it('has no boilerplate, and a plain headline and reported lead', () => {
    const text = [d.headline, d.lead, ...d.facts.map((f) => f.text), ...d.opinion.map((o) => o.gist)].join(
      '\n',
    );
    for (const junk of [
      /continues below this ad/i,
      /Sign Our Petition/i,
      /Related Article/i,
      /Copyright/i,
      /Follow us/i,
      /Dove Logo/i,
      /Know what you should know/i,
      /Updated very often/i,
    ])
      expect(text).not.toMatch(junk);
    expect(d.headline).toMatch(/big progress/i);
    expect(d.lead.split(' ').length).toBeGreaterThanOrEqual(8);
    expect(d.lead).toMatch(/Witkoff|Trump|Putin/);
    expect(d.coverage.map((c) => c.source)).toEqual(OUTLETS);
    expect(d.outletCount).toBe(5);
  });

  it('gives the same attribution whatever order the outlets published in', () => {
    const reversed = digest(seedItems([4, 3, 2, 1, 0]));
    expect(post(reversed)?.sources).toEqual([...OUTLETS].reverse());
    expect(article5(reversed)?.sources).toEqual([...OUTLETS].reverse());
  });

  it('still counts the analysis piece’s reported statements when its feed marks it as analysis', () => {
    const hinted = digest(seedItems(undefined, { 0: 'analysis' }));
    expect(post(hinted)?.count).toBe(5);
    expect(article5(hinted)?.count).toBe(5);
    expect(hinted.opinion.find((o) => o.source === 'Valley Newz')?.kind).toBe('analysis');
  });

  it('keeps the keys of the lead claims when the last outlet joins', () => {
    const four = digest(seedItems([0, 1, 2, 3]));
    expect(post(d)!.key).toBe(post(four)!.key);
    expect(article5(d)!.key).toBe(article5(four)!.key);
  });
});
