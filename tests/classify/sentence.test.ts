import { describe, expect, it } from 'vitest';
import { classifySentence, extractAttribution } from '../../src/classify/index.js';

describe('classifySentence', () => {
  it.each([
    'US special envoy Steve Witkoff told CNN that Putin had agreed to the proposal.',
    'The summit in Alaska lasted nearly three hours on Friday.',
    'More than 800 teachers died during the first year of the pandemic, a survey found.',
    '“There’s no deal until there’s a deal,” Trump said following the meeting.',
    'The company reported revenue of $4.2 billion in the second quarter, up 12% from a year earlier.',
  ])('reported fact: %s', (text) => {
    expect(classifySentence(text).label).toBe('fact');
  });

  it.each([
    'We must stand with Ukraine and demand that Congress act now.',
    'This is a shameful betrayal of everything the alliance stands for.',
    'Is this really the best deal anyone could hope for?',
    'Critics argue that such compromises risk weakening the country’s sovereignty.',
    'It is crucial for citizens to hold their leaders accountable.',
    'Perhaps the deal could bring stability, but it might also embolden Moscow.',
    'Contact your representatives and urge them to support diplomacy.',
  ])('opinion: %s', (text) => {
    expect(classifySentence(text).label).toBe('opinion');
  });

  it('gives a score in [0, 1] consistent with the label, deterministically', () => {
    for (const text of ['Putin agreed on Friday.', 'We should all be ashamed of this terrible deal!']) {
      const a = classifySentence(text);
      const b = classifySentence(text);
      expect(a).toEqual(b);
      expect(a.score).toBeGreaterThanOrEqual(0);
      expect(a.score).toBeLessThanOrEqual(1);
      expect(a.label === 'opinion').toBe(a.score >= 0.5);
    }
  });

  it('handles empty and odd input without throwing', () => {
    for (const text of ['', '   ', '???', '"', '1234', 'a'.repeat(5000)]) {
      expect(['fact', 'opinion']).toContain(classifySentence(text).label);
    }
  });
});

describe('extractAttribution', () => {
  it('finds speaker, verb and outlet', () => {
    expect(
      extractAttribution('US special envoy Steve Witkoff told CNN that Putin had agreed.'),
    ).toMatchObject({
      speaker: 'Steve Witkoff',
      verb: 'told',
      outlet: 'CNN',
      named: true,
    });
    expect(extractAttribution('"It\'s called surrender," Rubio said on Sunday.')).toMatchObject({
      speaker: 'Rubio',
      verb: 'said',
    });
    expect(extractAttribution('“We are ready,” said Ursula von der Leyen.')).toMatchObject({
      speaker: 'Ursula von der Leyen',
      verb: 'said',
    });
    expect(
      extractAttribution('Von der Leyen stated the move was intended to demonstrate unity.'),
    ).toMatchObject({
      speaker: 'Von der Leyen',
    });
    expect(
      extractAttribution(
        'Secretary of State Marco Rubio, who also attended the talks, said progress had been made.',
      ),
    ).toMatchObject({ speaker: 'Marco Rubio', verb: 'said' });
    expect(
      extractAttribution('Sources briefed on the talks told Reuters the leaders discussed land swaps.'),
    ).toMatchObject({ verb: 'told', outlet: 'Reuters' });
    expect(
      extractAttribution('According to the envoy, Putin has long opposed NATO expansion.'),
    ).toMatchObject({
      speaker: 'the envoy',
      verb: 'according to',
    });
    expect(extractAttribution('Trump wrote on his Truth Social account that talks went well.')).toMatchObject(
      {
        speaker: 'Trump',
        outlet: 'Truth Social',
      },
    );
  });

  it('marks vague speakers as not named', () => {
    expect(extractAttribution('However, critics argue that the deal is weak.')).toMatchObject({
      named: false,
    });
    expect(extractAttribution('Yet his critics warn that it amounts to appeasement.')).toMatchObject({
      named: false,
    });
  });

  it('ignores nouns, infinitives, passives and quoted verbs', () => {
    expect(
      extractAttribution('Torrential spending by the arms of the state left heavy debts.'),
    ).toBeUndefined();
    expect(extractAttribution('They are trying to obscure more than they want to say.')).toBeUndefined();
    expect(extractAttribution('We will be told there is a new variant.')).toBeUndefined();
    expect(extractAttribution('The time for talks is over.')).toBeUndefined();
    expect(extractAttribution('He described it as the first time.')?.outlet).toBeUndefined();
  });
});
