import { describe, expect, it } from 'vitest';
import { measure } from '../../src/classify/features.js';
import { classifySentence, extractAttribution, scoreSentence } from '../../src/classify/index.js';
import { tagSentence } from '../../src/classify/pos.js';
import { valence } from '../../src/classify/valence.js';

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
    'Whether the ceasefire holds remains to be seen.',
    'The talks offer a glimpse into the diplomacy, but the ultimate outcome will depend on Kyiv’s consent.',
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

  it('finds sources after "according to", after inverted verbs and behind evidence', () => {
    expect(
      extractAttribution(
        'Sales fell by 4%, according to new figures from the Office for National Statistics.',
      ),
    ).toMatchObject({ speaker: 'Office for National Statistics', verb: 'according to' });
    expect(extractAttribution('Turnout was low, according to the electoral commission.')).toMatchObject({
      verb: 'according to',
      named: true,
    });
    expect(
      extractAttribution('“The vote was fair,” said regional party chairman Anna Kovacs.'),
    ).toMatchObject({
      speaker: 'Anna Kovacs',
      verb: 'said',
    });
    expect(extractAttribution('“The vote was fair,” said the mayor on Monday.')).toMatchObject({
      speaker: 'the mayor',
    });
    expect(extractAttribution('A 2021 survey of nurses found that a third planned to quit.')).toMatchObject({
      speaker: 'survey',
      verb: 'found',
    });
    expect(extractAttribution('The regulator says the merger will raise prices.')).toMatchObject({
      speaker: 'regulator',
    });
    expect(extractAttribution('Rescuers found a survivor under the rubble.')).toBeUndefined();
  });

  it('keeps a possessor with the source it owns', () => {
    expect(
      extractAttribution('Fares will rise in March, the transit agency’s chief executive has announced.'),
    ).toMatchObject({ speaker: 'the transit agency’s chief executive', verb: 'announced' });
    expect(extractAttribution('The port’s director said the berth would reopen.')).toMatchObject({
      speaker: 'the port’s director',
    });
    expect(
      extractAttribution('The new ferries will enter service in May, the operator’s CEO has announced.'),
    ).toMatchObject({ speaker: 'the operator’s CEO' });
  });

  it('finds the speaker across a short aside between subject and verb', () => {
    expect(
      extractAttribution(
        'The transport ministry, in a brief statement, said the port would reopen on Friday.',
      ),
    ).toMatchObject({ speaker: 'transport ministry', verb: 'said' });
    expect(
      extractAttribution('Mayor Ana Lopes, speaking after the vote, told reporters the plan would go ahead.'),
    ).toMatchObject({ speaker: 'Ana Lopes', verb: 'told' });
    // An aside after a place is no speaker.
    expect(extractAttribution('In Lisbon, on the quay, said nobody a word.')).toBeUndefined();
  });

  it('reads judging words in single quotes as the quoted source’s, not the writer’s', () => {
    for (const text of [
      'The harbour master says the new rules are ‘reckless and absurd’ for small boats.',
      "The harbour master says the new rules are 'reckless and absurd' for small boats.",
    ]) {
      expect(classifySentence(text).label).toBe('fact');
    }
    expect(classifySentence('The new rules are reckless and absurd for small boats.').label).toBe('opinion');
  });

  it('does not take the object of a preposition for the speaker', () => {
    expect(
      extractAttribution('The fierce reaction to Brussels reveals how little the rules matter.'),
    ).toBeUndefined();
    expect(extractAttribution('A spokesperson for Acme said the plant would close.')).toMatchObject({
      verb: 'said',
      named: true,
    });
  });

  it('credits officials opening a sentence as a concrete source, not a camp', () => {
    expect(extractAttribution('Officials said the bridge would reopen.')).toMatchObject({ named: true });
    expect(extractAttribution('Progressives argue the tax is too low.')).toMatchObject({ named: false });
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
    // After a determiner a reporting word is a noun, even with a name-like subject in front of it.
    expect(
      extractAttribution('Commuters, who have no say in the dispute, will bear the brunt of it.'),
    ).toBeUndefined();
    expect(extractAttribution('Ministers, in their report, set out three options.')).toBeUndefined();
    expect(extractAttribution('Ministers, in a report, said three options remain.')?.speaker).toBe(
      'Ministers',
    );
  });
});

describe('subjectivity features', () => {
  it('tags parts of speech and lemmas', () => {
    const tokens = tagSentence('The strongest case was made.');
    expect(tokens.find((t) => t.text === 'strongest')).toMatchObject({ pos: 'ADJ', lemma: 'strong' });
    expect(tokens.find((t) => t.text === 'made')).toMatchObject({ pos: 'VERB', lemma: 'make' });
  });

  it('treats an unclosed or unopened quotation as reported speech', () => {
    expect(measure('“We will never accept this shameful deal.').quoteFragment).toBe(true);
    expect(measure('That is the end of it,” she said.').quoteFragment).toBe(true);
    expect(classifySentence('“We will never accept this shameful deal.').label).toBe('fact');
    expect(measure('We will never accept this shameful deal.').quoteFragment).toBe(false);
  });

  it('ignores cues inside quotations', () => {
    const s = measure('“This is a disgraceful and absurd decision,” the minister said on Tuesday.');
    expect(s.evaluative).toBe(0);
    expect(s.longQuotes).toBe(1);
  });

  it('counts modal auxiliaries, not the month or the noun', () => {
    expect(measure('The talks resumed on 5 May in Geneva.').speculative).toBe(0);
    expect(measure('The deal may collapse.').speculative).toBe(1);
    expect(measure('He could claim that he won.').hypotheticalSpeech).toBe(true);
  });

  it('counts "so" and "such" as intensifiers only before a modifier', () => {
    expect(measure('Prices rose, so the bank acted.').intensifiers).toBe(0);
    expect(measure('Costs such as rent rose.').intensifiers).toBe(0);
    expect(measure('The plan is so absurd.').intensifiers).toBe(1);
  });

  it('does not read a fragment of a name as the pronoun "I"', () => {
    expect(measure('Vučić cancelled the event.').firstSingular).toBe(0);
    expect(measure('I think the event should go ahead.').firstSingular).toBe(1);
  });

  it('reads "US" and a capitalised "Our" inside a name as no first person', () => {
    expect(measure('Prices in the US rose again.').firstPlural).toBe(0);
    expect(measure('The charity Save Our Parks sued the council.').firstPlural).toBe(0);
    expect(measure('Our leaders have failed us.').firstPlural).toBe(2);
  });

  it('retags a capitalised common word that opens a sentence', () => {
    expect(tagSentence('Taxes have risen sharply.')[0]).toMatchObject({ pos: 'NOUN', lemma: 'tax' });
    expect(tagSentence('Reasonable people can differ.')[0]!.pos).toBe('ADJ');
    expect(tagSentence('Nationalism is on the rise.')[0]!.pos).toBe('NOUN');
    expect(tagSentence('Putin agreed to meet.')[0]!.pos).toBe('PROPN');
    expect(tagSentence('White House aides met.')[0]!.pos).toBe('PROPN');
  });

  it('counts strongly valenced adjectives beyond the hand lists, but not states and outcomes', () => {
    expect(valence('gorgeous')).toBeGreaterThan(2);
    expect(valence('qxzvqj')).toBe(0);
    expect(measure('The new stadium is a gorgeous building.').valenced).toBe(1);
    // "dead" is an outcome; "terrible" already counts as evaluative.
    expect(measure('Two climbers were found dead on the ridge.').valenced).toBe(0);
    expect(measure('It was a terrible night.').valenced).toBe(0);
  });

  it('counts pejorative labels, idioms and emphatic capitals', () => {
    expect(measure('The inquiry is a witch hunt cheered on by the mainstream media.').loadedLabels).toBe(2);
    expect(measure('Cutting the budget again is a slippery slope.').idioms).toBe(1);
    expect(measure('The water is NOT safe to drink.').emphaticCaps).toBe(true);
    expect(measure('NATO leaders met in Vilnius.').emphaticCaps).toBe(false);
    expect(measure('NOT ALL HEROES WEAR CAPES').emphaticCaps).toBe(false);
  });

  it('reads states of mind ascribed without a source as opinion, with one as report', () => {
    expect(measure('They want every family to pay more.').mentalStates).toBe(1);
    expect(scoreSentence('They want every family to pay more.').features.mentalState).toBeGreaterThan(0);
    expect(scoreSentence('The minister said she feared a long strike.').features.mentalState).toBeUndefined();
  });

  it('treats a modal stating the terms of a plan as reported, not conjecture', () => {
    expect(measure('The bill, which would ban the sale of vapes, passed on Tuesday.').speculative).toBe(0);
    expect(measure('Councillors backed a scheme that will close the road.').futureOrAbility).toBe(0);
    expect(measure('The idea that voters should decide is popular.').prescriptive).toBe(0);
    expect(measure('The talks may collapse.').speculative).toBe(1);
  });

  it('treats speech after an unmatched straight quote as the speaker’s', () => {
    const s = measure('The coach added: "I think we must win the next three games.');
    expect(s.firstSingular).toBe(0);
    expect(s.prescriptive).toBe(0);
  });

  it('counts "appears to" and the writer’s "likely" as hedges, not a court appearance or likely voters', () => {
    expect(measure('Leaders appear to be searching for an off-ramp.').hedges).toBe(1);
    expect(measure('The suspect appeared in court on Monday.').hedges).toBe(0);
    expect(measure('Trump is likely appealing to voters who want an end to foreign wars.').hedges).toBe(1);
    expect(measure('The poll surveyed 1,000 likely voters.').hedges).toBe(0);
    // A statistic's comparison is not an estimate, nor is a source's estimate the writer's.
    expect(measure('Patients are almost four times more likely to get sepsis.').hedges).toBe(0);
    expect(measure('Economists said rates are likely to rise.').hedges).toBe(0);
    // Inside an impersonal frame, "likely" is counted by the frame, not twice.
    const framed = measure('It is likely that rates will rise.');
    expect(framed.hedges).toBe(0);
    expect(framed.impersonalEval).toBe(true);
    expect(classifySentence('By hinting at progress now, Trump is likely appealing to voters.').label).toBe(
      'opinion',
    );
    expect(measure('This is significant because the treaty binds every member.').impersonalEval).toBe(true);
  });

  it('reads the writer drawing an inference as stance and recent dates as reporting', () => {
    expect(measure('This shows how little the reform has changed.').stancePhrase).toBe(true);
    expect(measure('The rules were changed recently.').timeWords).toBe(1);
  });

  it('separates graded from classifying adjectives', () => {
    expect(measure('The federal budget was annual.').gradableAdjectives).toBe(0);
    expect(measure('The plan was clumsy and naive.').gradableAdjectives).toBe(2);
  });

  it('credits named sources but not the writer or an ideological bloc', () => {
    expect(scoreSentence('Rubio said the talks had failed.').features.namedAttribution).toBeLessThan(0);
    const bloc = scoreSentence('The Left describes every critic as a bigot.').features;
    expect(bloc.namedAttribution).toBeUndefined();
    expect(classifySentence('The Left describes every critic as a bigot.').label).toBe('opinion');
  });

  it('reads argument moves and instructions after an opening conjunction', () => {
    expect(measure('And remember that the winter is not over.').argumentOpener).toBe(true);
    expect(measure('But consider what the cuts will cost.').argumentOpener).toBe(true);
    expect(measure('And the council met on Monday.').argumentOpener).toBe(false);
  });

  it('tells rhetorical questions from requests for information', () => {
    expect(measure('Isn’t it obvious by now?').rhetoricalQuestion).toBe(true);
    expect(measure('Who would believe such a promise?').rhetoricalQuestion).toBe(true);
    expect(measure('Why was the bridge built in the first place?').rhetoricalQuestion).toBe(true);
    expect(measure('When will the bridge reopen?').rhetoricalQuestion).toBe(false);
    expect(measure('Who would believe such a promise.').rhetoricalQuestion).toBe(false);
  });

  it('reads characterising frames and first-person stance as the writer’s', () => {
    expect(measure('The vote was yet another sign of drift at the top.').stancePhrase).toBe(true);
    expect(measure('In my view, the plan will fail.').stancePhrase).toBe(true);
    expect(measure('The scheme is tantamount to a tax on savers.').stancePhrase).toBe(true);
    expect(measure('The increase amounts to a 3% rise in fares.').stancePhrase).toBe(false);
  });

  it('counts further judging words, labels and idioms', () => {
    expect(measure('Residents were offered a paltry rebate.').evaluative).toBe(1);
    expect(measure('The new licensing rule is a power grab by the council.').loadedLabels).toBe(1);
    expect(measure('Gone are the days when a pension was enough to live on.').idioms).toBe(1);
    for (const text of [
      'Residents were offered a paltry rebate.',
      'The new licensing rule is a power grab by the council.',
      'Gone are the days when a pension was enough to live on.',
    ]) {
      expect(classifySentence(text).label, text).toBe('opinion');
    }
  });

  it('counts hyphenated judging words and adverbs formed from judging adjectives', () => {
    expect(measure('The plan was half-baked and tone-deaf.').evaluative).toBe(2);
    expect(measure('The rules were absurdly written.').evaluative).toBe(1);
    expect(measure('The hall was shoddily built.').evaluative).toBe(1);
    expect(measure('The survivors were carefully lifted out.').evaluative).toBe(0);
  });

  it('does not count judging words that are part of a name or a fixed term', () => {
    expect(measure('Great Britain and the real estate sector grew, officials said.').evaluative).toBe(0);
    expect(measure('The union SMART wrote to Congress.').evaluative).toBe(0);
    expect(measure('Sadly, the ferry sank.').evaluative).toBe(1);
  });

  it('gives less credit to a source the writer judges before the reporting verb', () => {
    expect(measure('The hapless minister said the plan would work.').judgedSource).toBe(true);
    expect(measure('The minister said the plan was absurd.').judgedSource).toBe(false);
    expect(measure('The plan is absurd, said the minister.').judgedSource).toBe(false);
    const judged = scoreSentence('The hapless minister said the plan would work.').features;
    expect(judged.namedAttribution).toBeUndefined();
    expect(judged.judgedSourceAttribution).toBeLessThan(0);
  });

  it('caps how far names, figures and dates together pull toward fact', () => {
    const f = scoreSentence(
      'On 3 May 2024 Acme Corp of Boston paid $12 million, or 40% more than Beta Ltd, on 4 June.',
    ).features;
    const concrete = (f.quantity ?? 0) + (f.timeWord ?? 0) + (f.properNoun ?? 0);
    expect(concrete).toBeCloseTo(-1.2);
  });

  it('labels spelled-out figures and sourced reports as facts', () => {
    expect(classifySentence('The summit lasted nearly three hours, officials said.').label).toBe('fact');
    expect(classifySentence('Officials confirmed that 12 people were injured on Sunday.').label).toBe('fact');
  });

  it('labels sweeping, loaded and hedged claims as opinion', () => {
    for (const text of [
      'The media will always pander to whoever holds power.',
      'This is nothing more than a cynical stunt.',
      'Politicians never admit they were wrong.',
      'Perhaps the real problem is that nobody is listening.',
    ]) {
      expect(classifySentence(text).label, text).toBe('opinion');
    }
  });
});
