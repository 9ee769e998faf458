import { describe, expect, it } from 'vitest';
import { extractAttribution } from '../../src/classify/index.js';

const speaker = (sentence: string) => extractAttribution(sentence)?.speaker;

describe('speaker is the subject of the reporting verb', () => {
  it('never takes the object of "by" for the speaker', () => {
    expect(
      speaker('The brother of a teacher detained by Frontline has said the ransom must be paid.'),
    ).toBeUndefined();
  });

  it('keeps a source noun with its complement instead of the object alone', () => {
    expect(speaker('Prices could fall "within weeks", Spain\'s ambassador to the UK has said.')).toBe(
      "Spain's ambassador to the UK",
    );
    expect(speaker('Police in Porto Alegre said a suspect had been detained.')).toBe(
      'Police in Porto Alegre',
    );
    expect(speaker('The governor of North Dakota said the roads would stay closed.')).toBe(
      'governor of North Dakota',
    );
  });

  it('does not cut a multi-word place name owning the source', () => {
    expect(speaker("San Antonio City's mayor says the shelter will open on Monday.")).toBe(
      "San Antonio City's mayor",
    );
  });

  it('does not credit the subject of a subordinate or relative clause', () => {
    expect(
      speaker('The singer has faced criticism over the lyrics, although she has denied any offence.'),
    ).toBeUndefined();
    expect(speaker('Shoppers are switching to cheaper brands, which the company denies.')).toBeUndefined();
  });

  it('never lets a preposition lead the speaker', () => {
    const s = speaker('Spokesperson for Dutch Prime Minister Anna Visser says the cabinet will meet.');
    expect(s).toBe('Spokesperson for Dutch Prime Minister Anna Visser');
    expect(s).not.toMatch(/^(for|to|of|in|by)\s/i);
  });

  it('reads a nationality before "officials" as part of the source after "according to"', () => {
    expect(speaker('About 300 homes were flooded, according to Portuguese officials.')).toBe(
      'Portuguese officials',
    );
    expect(speaker('The fire spread overnight, according to a senior Chilean official.')).toBe(
      'a senior Chilean official',
    );
    // A name inside a phrase that names no source is no speaker.
    expect(
      speaker('Both sides will free prisoners, according to terms of a deal between Oslo and Rome.'),
    ).toBe(undefined);
  });

  it('skips a time phrase between the speaker and the verb', () => {
    expect(speaker('Acme on Tuesday said it would cut 200 jobs.')).toBe('Acme');
  });

  it('takes the name after a descriptor in an inverted attribution', () => {
    expect(speaker('"We will appeal," says former Rovers captain Jo Marsh.')).toBe('Jo Marsh');
  });

  it('keeps an organisation’s full name', () => {
    expect(speaker('The National Cycling Association says helmets should be compulsory.')).toBe(
      'National Cycling Association',
    );
  });
});
