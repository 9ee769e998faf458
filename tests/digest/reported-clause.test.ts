import { describe, expect, it } from 'vitest';
import { classifySentence } from '../../src/classify/index.js';
import { reportedClause } from '../../src/digest/speech.js';
import { quotations } from '../../src/digest/text.js';

/** The reported clause the digest would show for a sentence, credited "according to" its speaker. */
function clause(text: string): string | undefined {
  const { attribution } = classifySentence(text);
  return reportedClause({ text, quotes: quotations(text), attribution });
}

describe('reported clauses are whole sentences', () => {
  it('gives no clause when the reporting verb takes a complement instead of what was said', () => {
    for (const text of [
      'The tax agency warned of headaches for ferry users if it had started enforcing the new rules.',
      'On March 19, the Marlow dockers’ union claimed to have blocked three cargo ships at the northern quay.',
      'The mayor insisted on a full inquiry into the collapse of the northern quay.',
      'The latest storm has claimed dozens of lives and caused floods along the coast.',
      'The harbour ministry said in a statement the quay would reopen on Monday.',
      'The harbour authority has added the Marlow ferry company to its list of banned operators.',
    ]) {
      const c = clause(text);
      expect(c, text).toBeUndefined();
    }
  });

  it('keeps the sentence whole when something else happens before the speaker', () => {
    // Cut after "responded", the reader would lose that Eastshire expelled the diplomats first.
    expect(
      clause(
        'Eastshire had expelled the Westmark diplomats and Westmark responded by closing consular services in two cities.',
      ),
    ).toBeUndefined();
    expect(
      clause(
        'The quay flooded on Monday and the harbour master said the repairs would take at least a year.',
      ),
    ).toBeUndefined();
  });

  it('reads "added" as speech when what follows is a clause, not a thing added to another', () => {
    expect(clause('The harbour master added the ferry would sail to the islands on Tuesday.')).toBe(
      'The ferry would sail to the islands on Tuesday.',
    );
  });

  it('still cuts the attribution from plain reported speech', () => {
    expect(
      clause('Harbour master Lena Ortiz said on Sunday that the northern quay would reopen in May.'),
    ).toBe('The northern quay would reopen in May.');
    expect(clause('The harbour ministry said on Monday the quay would reopen in May.')).toBe(
      'The quay would reopen in May.',
    );
  });

  it('skips a time word between the verb and what was said', () => {
    for (const when of ['yesterday', 'today', 'tonight', 'overnight', 'late yesterday', 'earlier today']) {
      expect(
        clause(`The Marlow Food Programme said ${when} that the northern quay faced a "massive" food gap.`),
        when,
      ).toBe('The northern quay faced a "massive" food gap.');
      expect(clause(`The harbour ministry said ${when} the quay would reopen in May.`), when).toBe(
        'The quay would reopen in May.',
      );
    }
  });

  it('keeps the sentence whole when the clause after a time word opens on a pronoun', () => {
    // Cut, "Yesterday it may have to …" would say neither when nor who.
    expect(
      clause('The Marlow Relief Agency said yesterday it may have to suspend all of its work at the quay.'),
    ).toBeUndefined();
  });

  it('cuts a closing attribution only when nothing it says follows its verb', () => {
    expect(clause('The quay is a "danger zone" with no lights at night, the harbour master has said.')).toBe(
      'The quay is a "danger zone" with no lights at night.',
    );
    // A stray comma in the feed's text is not carried into the fact.
    expect(clause('The quay reopened on Tuesday after repairs, , according to the Marlow News Agency.')).toBe(
      'The quay reopened on Tuesday after repairs.',
    );
    // An abbreviation's full stop ends the sentence: no second one.
    expect(clause('The northern quay flooded at about 4:45 p.m., the Marlow News Agency said.')).toBe(
      'The northern quay flooded at about 4:45 p.m.',
    );
    // What the speaker said follows the verb: the sentence before the comma is the writer's, not theirs.
    expect(
      clause('Marlow welcomed the new mayor after a close vote, the councillor said he would resign.'),
    ).toBeUndefined();
  });
});
