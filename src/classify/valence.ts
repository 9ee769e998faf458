/**
 * Word valence from the VADER sentiment lexicon (Hutto & Gilbert 2014; ~7,500 entries rated by crowd workers
 * from -4, most negative, to +4, most positive), read from the `vader-sentiment` package's copy. It widens the
 * scorer's hand-written evaluative lists with the long tail of judging words that no hand list covers.
 * The file is read on first use, like the tagger, so commands that never classify a sentence do not pay for it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let lexicon: Map<string, number> | undefined;

function load(): Map<string, number> {
  if (!lexicon) {
    const require = createRequire(import.meta.url);
    const text = readFileSync(require.resolve('vader-sentiment/vader_lexicon.txt'), 'utf8');
    lexicon = new Map();
    // Lines are "token<TAB>mean<TAB>sd<TAB>[ratings]"; emoticons and other non-word tokens are left out.
    for (const line of text.split('\n')) {
      const [token, mean] = line.split('\t');
      if (token && mean && /^[a-z][a-z'-]*$/.test(token)) lexicon.set(token, Number(mean));
    }
  }
  return lexicon;
}

/** The VADER valence of a lower-cased word, or 0 when the lexicon does not rate it. */
export function valence(word: string): number {
  return load().get(word) ?? 0;
}
