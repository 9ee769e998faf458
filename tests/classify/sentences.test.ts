import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/classify/index.js';
import { quoteSpans } from '../../src/classify/sentences.js';

describe('splitSentences', () => {
  it('splits on terminators followed by a capital', () => {
    expect(
      splitSentences('Talks ended on Friday. Both sides met again! Was it enough? Nobody knows.'),
    ).toEqual(['Talks ended on Friday.', 'Both sides met again!', 'Was it enough?', 'Nobody knows.']);
  });

  it('keeps abbreviations, titles, initials and dotted acronyms inside sentences', () => {
    expect(
      splitSentences(
        'Dr. Jane Smith met Mr. Lee at 10 a.m. in Washington, D.C. on Monday. J. K. Rowling was not there.',
      ),
    ).toEqual([
      'Dr. Jane Smith met Mr. Lee at 10 a.m. in Washington, D.C. on Monday.',
      'J. K. Rowling was not there.',
    ]);
    expect(splitSentences('The U.S. and the U.K. agreed. The E.U. did not.')).toEqual([
      'The U.S. and the U.K. agreed.',
      'The E.U. did not.',
    ]);
  });

  it('reads a month written short as a date before a number, and as a word ending its sentence before a capital', () => {
    expect(
      splitSentences('The quay reopens on Dec. 5 after repairs. Sept. 2024 saw the last storm.'),
    ).toEqual(['The quay reopens on Dec. 5 after repairs.', 'Sept. 2024 saw the last storm.']);
    expect(splitSentences('That is just Ant and Dec. Then there are the contestants.')).toEqual([
      'That is just Ant and Dec.',
      'Then there are the contestants.',
    ]);
  });

  it('splits paragraphs that a feed ran together without a space, and leaves names and addresses whole', () => {
    expect(
      splitSentences('The quay closed, the harbour master said.During the storm, ferries stayed away.'),
    ).toEqual(['The quay closed, the harbour master said.', 'During the storm, ferries stayed away.']);
    for (const s of [
      'Read more at marlow.com today.',
      'Dr.Ortiz, Mrs.Reyes and U.S.Army engineers reopened the quay.',
      'The McDonald.Com domain was sold.',
    ])
      expect(splitSentences(s)).toEqual([s]);
  });

  it('does not split inside a quotation, but does after one', () => {
    expect(splitSentences('"BIG PROGRESS ON RUSSIA. STAY TUNED!" Trump wrote. Witkoff agreed.')).toEqual([
      '"BIG PROGRESS ON RUSSIA. STAY TUNED!" Trump wrote.',
      'Witkoff agreed.',
    ]);
    expect(
      splitSentences('He said, “we’re not at the precipice of a peace agreement.” He added more.'),
    ).toEqual(['He said, “we’re not at the precipice of a peace agreement.”', 'He added more.']);
  });

  it('treats lines as boundaries and strips list bullets', () => {
    expect(
      splitSentences('Heading Without Stop\n- First item. - Second item\n\n1. Numbered item here.'),
    ).toEqual(['Heading Without Stop', 'First item.', 'Second item', '1. Numbered item here.']);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences('  \n\n ')).toEqual([]);
  });
});

describe('quoteSpans', () => {
  const quoted = (text: string) => quoteSpans(text).map(([s, e]) => text.slice(s, e));
  it('pairs single quotes at word edges and leaves apostrophes alone', () => {
    expect(quoted('The minister’s aide called it ‘a fair deal’ on Friday.')).toEqual(['‘a fair deal’']);
    expect(quoted("The players' union called it 'a fair deal', it's said.")).toEqual(["'a fair deal'"]);
    expect(quoted('He said “we’re ready” and left.')).toEqual(['“we’re ready”']);
    expect(quoted("Don't stop, won't stop.")).toEqual([]);
  });
});
