import { describe, expect, it } from 'vitest';
import { clauseBeforeCut, closedSummarySentence } from '../../src/classify/summary.js';
import { analyseItem } from '../../src/digest/analyse.js';
import type { Item } from '../../src/model.js';

/** Each sentence comes back as it went in. */
function expectUnchanged(sentences: string[]): void {
  for (const s of sentences) expect(closedSummarySentence(s), s).toBe(s);
}

describe('closedSummarySentence', () => {
  it('puts back the full stop a feed dropped from a whole one-sentence summary', () => {
    for (const s of [
      'A moderate earthquake shook eastern Myanmar on Friday morning',
      'Rescuers drilled deeper into the rubble of a collapsed road tunnel to reach 40 trapped workers',
      'Attempts to erase Russian culture were doomed from the start, Vladimir Putin has said',
      'The harbour authority reopened the northern quay after repairs costing £1.2bn',
      'The ferry operator said the crossing will resume on 12 March',
      'A bottle of whisky billed as “the most sought-after” in the world has sold for a record',
    ])
      expect(closedSummarySentence(s), s).toBe(`${s}.`);
  });

  it('leaves a finished sentence as it is', () => {
    const s = 'The harbour authority reopened the northern quay on Tuesday.';
    expect(closedSummarySentence(s)).toBe(s);
    expect(closedSummarySentence('The quay reopened, officials said, “at last!”')).toBe(
      'The quay reopened, officials said, “at last!”',
    );
  });

  it('leaves what may have been cut short: an ellipsis, a comma, a dash, a word that cannot end a sentence', () => {
    expectUnchanged([
      'The harbour authority reopened the northern quay on Tuesday after repairs to the…',
      'The harbour authority reopened the northern quay on Tuesday after repairs to the ...',
      'The harbour authority reopened the northern quay on Tuesday, officials said,',
      'The harbour authority reopened the northern quay on Tuesday after repairs to the',
      'The harbour authority reopened the northern quay on Tuesday after two months of',
      'The harbour authority reopened the northern quay on Tuesday —',
    ]);
  });

  it('leaves a sentence cut in the middle of a word', () => {
    expectUnchanged([
      'Double-amputee Olympic runner Oscar Pistorius was granted p',
      'The harbour authority said the video platform will proh',
      'The harbour authority reopened the northern quay after months of repairs and negotiatio',
      'Eastshire has sent troops to its border, citing an influx of asylum-seekers from the Middle',
    ]);
  });

  it('leaves a teaser without a verb, a photo credit and a line too short to tell', () => {
    expectUnchanged([
      'Unimportant answers to unimportant questions about the northern quay',
      'Dockers at the northern quay in Halden on March 5, 2024. (Jane Roe/Example Wire)',
      'Quay reopens at last',
    ]);
  });
});

describe('clauseBeforeCut', () => {
  it('keeps the main clause of a sentence cut short in an aside after its last comma', () => {
    expect(
      clauseBeforeCut(
        'The harbour authority has been dredging the northern quay since March, creating another 330 square metres of…',
      ),
    ).toBe('The harbour authority has been dredging the northern quay since March.');
    expect(
      clauseBeforeCut(
        'Ferry services resumed at the northern quay on Saturday, the harbour master said, after dockers ended a…',
      ),
    ).toBe('Ferry services resumed at the northern quay on Saturday, the harbour master said.');
    expect(
      clauseBeforeCut(
        'The harbour authority reopened the northern quay on Tuesday, with dockers cheering as the first…',
      ),
    ).toBe('The harbour authority reopened the northern quay on Tuesday.');
  });

  it('gives nothing when the cut part may say whose claim it is', () => {
    for (const s of [
      'Ferry services will resume at the northern quay on Saturday, the harbour…',
      'Ferry services will resume at the northern quay on Saturday, according to…',
      'Ferry services will resume at the northern quay on Saturday, citing the…',
      'Ferry services will resume at the northern quay on Saturday, Harbour Master Jane…',
    ])
      expect(clauseBeforeCut(s), s).toBeUndefined();
  });

  it('gives nothing for a sentence not cut, one without a comma, a subordinate clause, an open quotation', () => {
    for (const s of [
      'The harbour authority reopened the northern quay on Tuesday, creating jobs.',
      'The harbour authority reopened the northern quay on Tuesday after repairs to the…',
      'While ferry services were suspended at the northern quay for two months, creating delays for…',
      '“The harbour authority walked its own path at the northern quay, creating a…',
      'Quay reopens, creating…',
    ])
      expect(clauseBeforeCut(s), s).toBeUndefined();
  });
});

function item(fields: Partial<Item>): Item {
  return {
    id: 'x',
    title: 'Northern quay open again',
    source: 'Example Wire',
    publishedAt: '2024-03-05T12:00:00Z',
    url: 'https://example.com/news/quay',
    ...fields,
  };
}

function reported(it: Item): string[] {
  return analyseItem(it)
    .sections.flatMap((s) => s.units)
    .filter((u) => u.reported)
    .map((u) => u.text);
}

describe('summaries without a full stop in the digest', () => {
  const lede = 'The harbour authority reopened the northern quay on Tuesday after two months of repairs';

  it('lists a whole one-sentence summary as a reported fact', () => {
    expect(reported(item({ description: lede }))).toEqual([`${lede}.`]);
  });

  it('credits the speaker of a closed summary', () => {
    const units = analyseItem(
      item({
        description:
          'The northern quay will reopen on Tuesday after two months of repairs, the harbour master has said',
      }),
    ).sections.flatMap((s) => s.units);
    expect(units.map((u) => u.text)).toEqual([
      'The northern quay will reopen on Tuesday after two months of repairs, the harbour master has said.',
    ]);
    expect(units[0]!.attribution?.speaker).toMatch(/harbour master/i);
  });

  it('does not close the last sentence of a longer summary, which may be an excerpt cut at a length', () => {
    const description = `The harbour authority reopened the northern quay on Tuesday. ${lede.replace('The harbour', 'Its')}`;
    expect(reported(item({ description }))).toEqual([
      'The harbour authority reopened the northern quay on Tuesday.',
    ]);
  });

  it('lists the main clause of a summary cut short, and of a longer summary’s last sentence', () => {
    const cut =
      'Ferry services resumed at the northern quay on Saturday, with dockers cheering as the first…';
    expect(reported(item({ description: cut }))).toEqual([
      'Ferry services resumed at the northern quay on Saturday.',
    ]);
    expect(
      reported(item({ description: `The harbour authority reopened the northern quay on Tuesday. ${cut}` })),
    ).toEqual([
      'The harbour authority reopened the northern quay on Tuesday.',
      'Ferry services resumed at the northern quay on Saturday.',
    ]);
  });

  it('does not close the article text, only the feed summary', () => {
    expect(reported(item({ description: 'Summary.', text: lede }))).toEqual([]);
  });
});
