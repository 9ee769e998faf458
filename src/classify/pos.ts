/**
 * Part-of-speech tags and lemmas for one sentence, from wink-nlp's small English model (MIT). The model takes
 * about 100 ms to load, so it is required on first use rather than at import time: commands that never
 * classify a sentence do not pay for it.
 */
import { createRequire } from 'node:module';
import type { WinkMethods } from 'wink-nlp';

export interface TaggedToken {
  /** Surface form as written. */
  text: string;
  /** Lower-cased form with curly apostrophes folded. */
  lower: string;
  /** Universal POS tag: ADJ, ADV, AUX, NOUN, PROPN, VERB, NUM, PRON, DET, ADP, PUNCT, … */
  pos: string;
  /** Lower-cased lemma: "strongest" → "strong", "said" → "say". */
  lemma: string;
}

let nlp: WinkMethods | undefined;

function load(): WinkMethods {
  if (!nlp) {
    const require = createRequire(import.meta.url);
    const winkNLP = require('wink-nlp') as (model: unknown, pipe?: string[]) => WinkMethods;
    const model = require('wink-eng-lite-web-model') as unknown;
    // Only the tagger: sentence splitting, entities and sentiment would cost time for nothing used here.
    nlp = winkNLP(model, ['pos']);
  }
  return nlp;
}

export function tagSentence(text: string): TaggedToken[] {
  const w = load();
  const tokens = w.readDoc(text).tokens();
  // wink's typings do not accept every `its` helper as a token mapper, although the library does.
  const read = <T>(f: unknown) => tokens.out(f as never) as T[];
  const surface = tokens.out();
  const pos = read<string>(w.its.pos);
  const lemma = read<string>(w.its.lemma);
  return surface.map((t, i) => ({
    text: t,
    lower: t.toLowerCase().replace(/’/g, "'"),
    pos: pos[i] ?? 'X',
    lemma: (lemma[i] ?? t).toLowerCase(),
  }));
}
