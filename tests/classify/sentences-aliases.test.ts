import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/classify/index.js';

describe('splitSentences and aliases', () => {
  it('does not end a sentence at "a.k.a." before the other name', () => {
    // Split there, the digest listed "… evidence for Rakim Mayers, a.k.a." as a reported fact.
    expect(
      splitSentences(
        'A Marlow judge found Monday that there is enough evidence for Piet Brandt, a.k.a. A$AP Quay, to stand trial.',
      ),
    ).toEqual([
      'A Marlow judge found Monday that there is enough evidence for Piet Brandt, a.k.a. A$AP Quay, to stand trial.',
    ]);
    expect(splitSentences('The ferry, i.e. A Marlow Line boat, left on time. It was full.')).toEqual([
      'The ferry, i.e. A Marlow Line boat, left on time.',
      'It was full.',
    ]);
  });
});
