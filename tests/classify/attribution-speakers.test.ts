import { describe, expect, it } from 'vitest';
import { analyseArticle, extractAttribution } from '../../src/classify/index.js';

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

  it('keeps the words before a possessive, which name the owner rather than a title', () => {
    expect(speaker('The Danish prime minister’s spokesperson said the talks would resume.')).toBe(
      'Danish prime minister’s spokesperson',
    );
    expect(speaker('The European Union’s border agency said it would send officers.')).toBe(
      'European Union’s border agency',
    );
  });

  it('keeps both of two sources joined by "and"', () => {
    expect(speaker('Danish and Dutch officials have said the ferry will not sail until Friday.')).toBe(
      'Danish and Dutch officials',
    );
    expect(speaker('Devon and Cornwall police confirm the road is closed.')).toBe(
      'Devon and Cornwall police',
    );
  });

  it('keeps an organisation’s full name', () => {
    expect(speaker('The National Cycling Association says helmets should be compulsory.')).toBe(
      'National Cycling Association',
    );
  });

  it('reads a bracketed abbreviation after the name', () => {
    expect(speaker('The quay is a "danger zone", the Harbour Safety Organisation (HSO) has said.')).toBe(
      'Harbour Safety Organisation',
    );
    expect(speaker('Senator Jo Marsh (D-Ore.) said the vote would be close.')).toBe('Jo Marsh');
  });

  it('keeps a source noun with a lower-case complement', () => {
    expect(speaker('The ministry of health said 12 people had been hurt.')).toBe('ministry of health');
    expect(speaker('Members of the public said the alarm rang for an hour.')).toBe('Members of the public');
    expect(speaker('Two ferries were damaged overnight, the head of the Marlow harbour service said.')).toBe(
      'the head of the Marlow harbour service',
    );
    // A quantifier with a complement names nobody.
    expect(speaker('Here are some of their stories Revealed: the quay at night.')).toBeUndefined();
  });

  it('takes an epithet for the subject that opens the sentence or follows a comma', () => {
    expect(speaker('The utility said its plan would prevent wildfires.')).toBe('the utility');
    expect(speaker('The shipbuilder confirms it will close the yard.')).toBe('the shipbuilder');
    expect(speaker('The lawsuit was settled on Friday, the pair announced.')).toBe('the pair');
  });

  it('takes an epithet after a quotation closed on its comma', () => {
    expect(speaker('"We will appeal against the ban," the club said.')).toBe('the club');
    expect(speaker('“The dam will hold,” the utility said on Monday.')).toBe('the utility');
    expect(speaker('Fans sang "we are staying up" the club said nothing.')).toBeUndefined();
  });

  it('takes no epithet where the words are no subject and verb', () => {
    for (const text of [
      'The woman who posted the video has since deleted it.',
      'The outbreak was first reported in the north.',
      'The school has not announced the hire.',
      'The deal announced Tuesday by both sides frees 50 hostages.',
      'The delay announced on Thursday is a blow to the families.',
      'The investigation follows claims of abuse at the yard.',
      'Pollution was found at 60% of the beaches, the annual report from the trust said.',
      'The expensive appliances claim to turn food waste into compost.',
      'The crew was rescued after the coastguard said it had found the boat.',
    ]) {
      const found = speaker(text);
      expect(
        found === undefined ||
          !/^the (woman|outbreak|school|deal|delay|investigation|annual|expensive)/i.test(found),
        text,
      ).toBe(true);
    }
    expect(speaker('The crew was rescued after the coastguard said it had found the boat.')).toBeUndefined();
  });
});

describe('answering and telling in other senses', () => {
  it('credits nobody for a response that is an action, not words', () => {
    expect(speaker('Harbour police responded to a disturbance and detained two men.')).toBeUndefined();
    expect(speaker('Officers responded to his call for help shortly after midnight.')).toBeUndefined();
    expect(speaker('The ministry responded by closing two consulates.')).toBeUndefined();
    expect(speaker('The lifeboat crew responded, but the search was called off at dusk.')).toBeUndefined();
  });

  it('still credits an answer given in words', () => {
    expect(speaker('"We will appeal," the club chairman responded.')).toBe('club chairman');
    expect(speaker('The mayor replied that the budget was already spent.')).toBe('mayor');
    expect(speaker('The minister responded: "The figures speak for themselves."')).toBe('minister');
    expect(speaker('The mayor responded on Friday to the audit, saying the books were in order.')).toBe(
      'mayor',
    );
  });

  it('takes no opening time for the subject of a later clause', () => {
    expect(
      speaker('Last Wednesday, the senator backed a motion which accused the board of waste.'),
    ).toBeUndefined();
  });

  it('does not take a story told for a statement reported', () => {
    expect(speaker('After the final, the players told a different story about the season.')).toBeUndefined();
    expect(speaker('The coach told reporters the squad was exhausted.')).toBe('coach');
  });
});

describe('sources described rather than named', () => {
  it('takes a role owned by a possessive as the speaker', () => {
    expect(speaker('The trial in the capital is illegal, his lawyer said.')).toBe('his lawyer');
    expect(speaker('Two reporters were killed in the strike, their relatives said on Sunday.')).toBe(
      'their relatives',
    );
    expect(speaker('Reserves are rising, the organization’s secretary-general has said.')).toBe(
      'the organization’s secretary-general',
    );
  });

  it('takes people familiar with a matter as a source', () => {
    expect(speaker('The inquiry will not lead to charges, people familiar with the matter said.')).toBe(
      'people familiar with the matter',
    );
    expect(speaker('Two sources familiar with the talks told reporters a deal was near.')).toBe(
      'Two sources familiar with the talks',
    );
  });

  it('takes the name after a role in "according to", unless the words run on into another sentence', () => {
    expect(speaker('A deal is closer, according to spokesman John Kirby.')).toBe('John Kirby');
    expect(speaker('Most carers are women, according to the charity Carers UK.')).toBe('Carers UK');
    expect(speaker('Most firms have new suppliers, according to a survey Read Full Article at RT.com')).toBe(
      'a survey',
    );
  });

  it('reads "accused of" as describing the noun, not as a report', () => {
    expect(speaker('A district attorney accused of bias sparked outrage on Friday.')).toBeUndefined();
    expect(
      speaker('The verdict on Cameron Ortis, the former intelligence official accused of leaks, is due.'),
    ).toBeUndefined();
  });

  it('takes the subject, not a name inside a relative clause closed before the verb', () => {
    expect(speaker('Prof Ada Lane, who at the time advised Boris Johnson, said most academics agreed.')).toBe(
      'Prof Ada Lane',
    );
    expect(speaker('The plan funds heat pumps, which the White House says are needed.')).toBe('White House');
  });

  it('keeps a title whole when no name follows it', () => {
    expect(speaker('Chief scientific adviser says the phrase was misunderstood.')).toBe(
      'Chief scientific adviser',
    );
    expect(speaker('Former medical adviser tells the inquiry he thought of resigning.')).toBe(
      'Former medical adviser',
    );
    expect(speaker('The ban is unlawful, former President Donald Trump said.')).toBe('Donald Trump');
  });

  it('takes the name a description stands beside, and a description before a relative clause', () => {
    expect(speaker('Andy Beshear, the governor of Kentucky, has declared a state of emergency.')).toBe(
      'Andy Beshear',
    );
    expect(speaker('Ada Lane, the most senior adviser of the league, has said a deal is close.')).toBe(
      'Ada Lane',
    );
    expect(speaker('The retired goalkeeper, who won the cup twice, said she was done.')).toBe(
      'retired goalkeeper',
    );
    // A clause that only names the one described gives the name.
    expect(speaker('The retired goalkeeper, whose real name is Ada Lane, said she was done.')).toBe(
      'Ada Lane',
    );
    expect(
      speaker('The Grammy winner, whose legal name is Belcalis Almánzar, said the suit was baseless.'),
    ).toBe('Belcalis Almánzar');
    expect(speaker('The retired goalkeeper, whose name is on the cup, said she was done.')).toBe(
      'retired goalkeeper',
    );
    // No name opens the sentence: the description is the speaker.
    expect(speaker('The deal is close, the most senior adviser of the league has said.')).toMatch(
      /most senior adviser of the league$/,
    );
  });

  it('keeps a joining "and" out of a possessed source', () => {
    expect(
      speaker('Apple praised the search, and Google’s lawyers claim the default has little value.'),
    ).toBe('Google’s lawyers');
  });
});

describe('pronoun speakers across sentences', () => {
  it('does not resolve "he says" to a vague speaker of an earlier sentence ("some say")', () => {
    const article = analyseArticle({
      title: 'The ferry man',
      text:
        'From the islands to the mainland, he has shaped how the ferries run – and some say slowed them down. ' +
        '“Do you want to sail with me? I couldn’t, but you could,” he says, laughing.',
    });
    const quote = article.sections.flatMap((s) => s.sentences).find((s) => s.text.startsWith('“Do you want'));
    expect(quote?.attribution?.speaker).not.toBe('some');
  });
});
