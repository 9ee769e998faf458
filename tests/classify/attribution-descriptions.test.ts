import { describe, expect, it } from 'vitest';
import { classifySentence } from '../../src/classify/index.js';

const speaker = (text: string) => classifySentence(text).attribution?.speaker;

describe('a described source keeps the words that say which one it is', () => {
  it('keeps the lower-case words between the article and the source noun', () => {
    // "chancellor" alone names someone else: the shadow chancellor is the opposition's.
    expect(speaker('The shadow chancellor says protesting outside the homes of MPs is intimidation.')).toBe(
      'shadow chancellor',
    );
    expect(speaker('The harbour agency warned that ferry users would face delays until May.')).toBe(
      'harbour agency',
    );
    expect(speaker('A league spokesman said on Friday that the club had opened an investigation.')).toBe(
      'league spokesman',
    );
    expect(speaker("The film's production company says the actor was dropped over her posts.")).toBe(
      "the film's production company",
    );
  });

  it('leaves names, titles and bare sources as they were', () => {
    expect(speaker('The former prime minister said the deal was done.')).toBe('former prime minister');
    expect(speaker('Police said the man was arrested on Monday.')).toBe('Police');
    expect(speaker('Harbour master Lena Ortiz said the quay would reopen in May.')).toBe('Lena Ortiz');
    expect(speaker('The group said the ship was linked to the port operator.')).toBe('group');
  });
});
