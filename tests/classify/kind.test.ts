import { describe, expect, it } from 'vitest';
import { analyseArticle, classifyItemKind, headingKind } from '../../src/classify/index.js';

describe('classifyItemKind', () => {
  it('reads the URL path', () => {
    expect(
      classifyItemKind({ url: 'https://www.theguardian.com/commentisfree/2025/aug/17/trump-putin' }),
    ).toBe('opinion');
    expect(classifyItemKind({ url: 'https://www.nytimes.com/2025/08/17/opinion/ukraine.html' })).toBe(
      'opinion',
    );
    expect(classifyItemKind({ url: 'https://example.com/editorial/the-deal' })).toBe('opinion');
    expect(classifyItemKind({ url: 'https://www.cnn.com/2025/08/17/politics/analysis/trump-putin' })).toBe(
      'analysis',
    );
    expect(classifyItemKind({ url: 'https://example.com/world/europe/ukraine-talks' })).toBe('report');
    // A word that merely contains "opinion" is not a section.
    expect(classifyItemKind({ url: 'https://example.com/news/public-opinionpoll-results' })).toBe('report');
  });

  it('reads categories and section labels', () => {
    expect(classifyItemKind({ categories: ['World', 'Opinion'] })).toBe('opinion');
    expect(classifyItemKind({ categories: ['Comment is free'] })).toBe('opinion');
    expect(classifyItemKind({ categories: ['News analysis'] })).toBe('analysis');
    expect(classifyItemKind({ section: 'Opinion / Columnists' })).toBe('opinion');
    expect(classifyItemKind({ categories: ['U.S.–Russia Relations', 'Foreign Policy'] })).toBe('report');
  });

  it('reads the schema.org page type', () => {
    expect(classifyItemKind({ pageType: 'OpinionNewsArticle' })).toBe('opinion');
    expect(classifyItemKind({ pageType: 'AnalysisNewsArticle' })).toBe('analysis');
    expect(classifyItemKind({ pageType: 'ReportageNewsArticle' })).toBe('report');
    expect(classifyItemKind({ pageType: 'https://schema.org/ReviewNewsArticle' })).toBe('opinion');
  });

  it('honours the feed configuration and headline labels, opinion outranking analysis', () => {
    expect(classifyItemKind({ feedKind: 'opinion' })).toBe('opinion');
    expect(classifyItemKind({ feedKind: 'report', pageType: 'OpinionNewsArticle' })).toBe('opinion');
    expect(classifyItemKind({ feedKind: 'analysis', categories: ['Opinion'] })).toBe('opinion');
    expect(classifyItemKind({ title: 'Opinion: The deal Ukraine cannot accept' })).toBe('opinion');
    expect(classifyItemKind({ title: 'ANALYSIS | What Putin gets out of Alaska' })).toBe('analysis');
    expect(classifyItemKind({ title: 'Trump says: big progress on Russia' })).toBe('report');
    expect(classifyItemKind({})).toBe('report');
  });

  it('reads a column from a headline signed by its writer, or labelled at its end', () => {
    const sport = 'https://news.example/sport/2026/mar/06/marlow-rowers';
    expect(
      classifyItemKind({ title: 'Marlow swap chaos for control on the river | Jonathan Liew', url: sport }),
    ).toBe('opinion');
    expect(classifyItemKind({ title: 'Why the ferry deal is a mistake | Christopher S Chivvis' })).toBe(
      'opinion',
    );
    expect(classifyItemKind({ title: 'A law saying the quay is safe does not make it so | Letters' })).toBe(
      'opinion',
    );
    // Series and newsrooms are no signature.
    for (const title of [
      'Ferry strike ends; storm warning in the north | First Thing',
      'Marlow port reopens after storm | Sky News',
      'Marlow port reopens after storm | Al Jazeera',
      'Marlow port reopens after storm | live updates',
      'Prices at Marlow port rise | Port Authority Of Marlow Harbour',
      'Prices at Marlow port rise | Valley Wire',
    ])
      expect(classifyItemKind({ title, url: sport }), title).toBe('report');
    // An outlet that ends its headlines with its own name does not sign them.
    expect(classifyItemKind({ title: 'Marlow port reopens | Coast Ledger', source: 'Coast Ledger' })).toBe(
      'report',
    );
  });
});

describe('headingKind', () => {
  it('recognises opinion, analysis and advocacy headings', () => {
    expect(headingKind('Opinion:')).toBe('opinion');
    expect(headingKind('Commentary')).toBe('opinion');
    expect(headingKind('Editorial')).toBe('opinion');
    expect(headingKind('Analysis')).toBe('analysis');
    expect(headingKind('Action:')).toBe('advocacy');
    expect(headingKind('To Do:')).toBe('advocacy');
    expect(headingKind('What can we do?')).toBe('advocacy');
    expect(headingKind('### What Can We Personally Do About This?')).toBe('advocacy');
    expect(headingKind('Reactions from Kyiv and Europe')).toBeUndefined();
  });
});

describe('analyseArticle sections', () => {
  const text = [
    'Leaders met in Geneva on Tuesday, officials said.',
    '',
    'Analysis',
    '',
    'The meeting was, in truth, a diplomatic triumph.',
    'The ministers signed a 12-page agreement on Tuesday.',
    '',
    'Next Steps for the Talks',
    '',
    'The talks resume on 3 March, a spokesman said.',
    '',
    'What can we do?',
    '',
    'Call your senator today.',
  ].join('\n');

  it('labels every sentence under an opinion or advocacy heading as opinion and resets at a plain subheading', () => {
    const a = analyseArticle({ title: 'Leaders meet in Geneva', text });
    expect(a.kind).toBe('report');
    expect(a.sections.map((s) => [s.heading, s.kind])).toEqual([
      [undefined, 'report'],
      ['Analysis', 'analysis'],
      ['Next Steps for the Talks', 'report'],
      ['What can we do?', 'advocacy'],
    ]);
    expect(a.sections[0]!.sentences[0]).toMatchObject({
      label: 'fact',
      attribution: { speaker: 'officials' },
    });
    // Even a plain factual sentence is opinion once it sits in an analysis section.
    expect(a.sections[1]!.sentences.map((s) => s.label)).toEqual(['opinion', 'opinion']);
    expect(a.sections[2]!.sentences[0]!.label).toBe('fact');
    expect(a.sections[3]!.sentences[0]!.label).toBe('opinion');
  });

  it('makes every section opinion when the item itself is opinion', () => {
    const a = analyseArticle({
      title: 'Leaders meet',
      text,
      url: 'https://example.com/opinion/leaders-meet',
    });
    expect(a.kind).toBe('opinion');
    expect(a.sections.every((s) => s.kind !== 'report')).toBe(true);
    expect(a.sections.flatMap((s) => s.sentences).every((s) => s.label === 'opinion')).toBe(true);
  });
});
