import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnalysedArticle, analyseArticle } from '../../src/classify/index.js';

const SEEDS = path.resolve(process.cwd(), '../shared/seeds');
const haveSeeds = existsSync(SEEDS);

function seed(prefix: string): string {
  const file = readdirSync(SEEDS).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no seed ${prefix}_* in ${SEEDS}`);
  return readFileSync(path.join(SEEDS, file), 'utf8');
}

function firstLine(text: string): string {
  return text
    .split('\n')
    .find((l) => l.trim())!
    .trim();
}

function allSentences(a: AnalysedArticle) {
  return a.sections.flatMap((s) => s.sentences.map((x) => ({ ...x, section: s })));
}

function find(a: AnalysedArticle, fragment: string) {
  const hit = allSentences(a).find((s) => s.text.includes(fragment));
  if (!hit) throw new Error(`no sentence contains "${fragment}"`);
  return hit;
}

describe.skipIf(!haveSeeds)('seed 001: aggregator page with opinion, action and to-do sections', () => {
  const text = haveSeeds ? seed('001') : '';
  const article = analyseArticle({
    title: "Trump hints at 'big progress on Russia' as envoy outlines Ukraine security offer",
    text,
  });

  it('labels the reported part as facts with their sources', () => {
    const report = article.sections[0]!;
    expect(report.kind).toBe('report');
    expect(report.sentences.length).toBeGreaterThanOrEqual(8);
    expect(report.sentences.every((s) => s.label === 'fact')).toBe(true);

    const post = find(article, 'Trump wrote on his Truth Social account');
    expect(post.label).toBe('fact');
    expect(post.attribution).toMatchObject({ speaker: 'Trump', verb: 'wrote', outlet: 'Truth Social' });

    const toCnn = find(article, 'Later, US special envoy Steve Witkoff told CNN');
    expect(toCnn.label).toBe('fact');
    expect(toCnn.attribution).toEqual({ speaker: 'Steve Witkoff', verb: 'told', outlet: 'CNN' });

    const quote = find(article, 'Witkoff said on State of the Union');
    expect(quote.attribution?.speaker).toBe('Witkoff');
    // "he said" after a named speaker resolves to that speaker.
    expect(find(article, 'NATO admission," he said').attribution?.speaker).toBe('Witkoff');
  });

  it('marks everything under Opinion:, Action: and To Do: as opinion or advocacy', () => {
    const headings = article.sections.map((s) => s.heading);
    expect(headings).toEqual(expect.arrayContaining(['Opinion:', 'Action:', 'To Do:']));
    const start = article.sections.findIndex((s) => s.heading === 'Opinion:');
    const after = article.sections.slice(start);
    expect(after.length).toBeGreaterThanOrEqual(3);
    for (const section of after) {
      expect(['opinion', 'advocacy']).toContain(section.kind);
      for (const s of section.sentences) expect(s.label).toBe('opinion');
    }
    expect(article.sections.find((s) => s.heading === 'Opinion:')!.kind).toBe('opinion');
    expect(article.sections.find((s) => s.heading === 'Action:')!.kind).toBe('advocacy');
    expect(article.sections.find((s) => s.heading === 'To Do:')!.kind).toBe('advocacy');
    // Facts about the story inside an opinion section are still the writer's framing, not reporting.
    expect(find(article, 'The collapse of the Soviet Union in 1991').label).toBe('opinion');
  });

  it('drops navigation, ad, petition, related-article and copyright lines', () => {
    const everything = article.sections
      .flatMap((s) => [s.heading ?? '', ...s.sentences.map((x) => x.text)])
      .join('\n');
    for (const junk of [
      'Dove Logo',
      'Home',
      'Categories:',
      'Story continues below this ad',
      'Sign Our Petition',
      'Related Article',
      'kuwaitTimes',
      'Times of India',
      'White House talks with Moscow signal progress toward Ukraine peace',
      'Updated very often',
      'opyright',
      'indianexpress.com --',
    ]) {
      expect(everything).not.toContain(junk);
    }
    expect(allSentences(article).some((s) => s.text === 'Expand')).toBe(false);
  });
});

describe.skipIf(!haveSeeds)('seed 000: analysis mixing reporting and speculation', () => {
  const text = haveSeeds ? seed('000') : '';
  const article = analyseArticle({ title: firstLine(text), text });

  it('labels speculation, vague attribution and the scenario list as opinion', () => {
    for (const fragment of [
      'critics argue that such compromises',
      'his critics warn that any agreement',
      'This new U.S.-backed proposal could serve as a middle path',
      'could be presented at home as a victory',
      'He could claim that he successfully blocked Ukraine',
      'A temporary compromise may ease tensions',
      'would it leave the country vulnerable',
      'Several scenarios could unfold',
      'Ukraine Accepts the Proposal',
      'negotiations could lead to a formal U.S.-European guarantee',
      'Zelenskyy may insist',
      'Putin could use the talks as a tactic',
      'Trust remains a major obstacle',
    ]) {
      expect(find(article, fragment).label, fragment).toBe('opinion');
    }
    expect(article.sections.find((s) => s.heading === 'What Could Happen Next?')?.kind).toBe('analysis');
  });

  it('labels the attributed statements as facts', () => {
    const revealed = find(article, 'Witkoff revealed that Moscow appeared willing');
    expect(revealed.label).toBe('fact');
    expect(revealed.attribution).toMatchObject({ speaker: 'Steve Witkoff', verb: 'revealed' });
    const according = find(article, 'According to Witkoff');
    expect(according.label).toBe('fact');
    expect(according.attribution).toMatchObject({ speaker: 'Witkoff', verb: 'according to' });
    expect(find(article, 'Witkoff claimed that during recent discussions').label).toBe('fact');
    const posted = find(article, 'Trump posted on his Truth Social account');
    expect(posted.label).toBe('fact');
    expect(posted.attribution).toMatchObject({ speaker: 'Trump', outlet: 'Truth Social' });
  });

  it('drops the closing follow-us line', () => {
    expect(allSentences(article).some((s) => /Follow us/i.test(s.text))).toBe(false);
  });
});

describe.skipIf(!haveSeeds)('seeds 002–004: straight news reports', () => {
  const articles = haveSeeds
    ? ['002', '003', '004'].map((p) => {
        const text = seed(p);
        return analyseArticle({ title: firstLine(text), text });
      })
    : [];

  it('are mostly facts', () => {
    for (const a of articles) {
      const sentences = allSentences(a);
      const facts = sentences.filter((s) => s.label === 'fact').length;
      expect(a.kind).toBe('report');
      expect(facts / sentences.length).toBeGreaterThanOrEqual(0.85);
    }
  });

  it('extract the speakers', () => {
    const speakers = articles.flatMap((a) =>
      allSentences(a).flatMap((s) => (s.attribution ? [s.attribution.speaker] : [])),
    );
    for (const who of [/Witkoff/, /Rubio/, /Zelensk/, /von der Leyen/i, /Putin/, /Trump/]) {
      expect(
        speakers.some((s) => who.test(s)),
        String(who),
      ).toBe(true);
    }
    const cnn = articles.flatMap(allSentences).filter((s) => s.attribution?.outlet === 'CNN');
    expect(cnn.some((s) => /Witkoff/.test(s.attribution!.speaker))).toBe(true);
    const reuters = articles.flatMap(allSentences).find((s) => s.attribution?.outlet === 'Reuters');
    expect(reuters?.attribution?.verb).toBe('told');
  });
});
