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

/**
 * A verb or auxiliary that can head a clause: not a gerund or an infinitive ("a deal to release"), and not a
 * capitalised word after the first, which is a name the tagger took for a verb ("Downing Street").
 */
export function isClauseVerb(t: TaggedToken, previous: TaggedToken | undefined): boolean {
  if (t.pos !== 'VERB' && t.pos !== 'AUX') return false;
  if (previous && /^\p{Lu}/u.test(t.text)) return false;
  return !t.lower.endsWith('ing') && previous?.lower !== 'to';
}

/** True when the tagger finds a verb in `text` that can head a clause (see `isClauseVerb`). */
export function hasClauseVerb(text: string): boolean {
  const tokens = tagSentence(text);
  return tokens.some((t, i) => isClauseVerb(t, tokens[i - 1]));
}

let nlp: WinkMethods | undefined;
/** Lexicon ids below this are words the model knows; ids at or above it are out-of-vocabulary tokens. */
let knownBelow = 0;
/** Lexicon size once loaded, the boundary probe included. */
let loadedSize = 0;
/** The loaded instance's lexeme list, to which wink appends every token it has not seen before. */
let lexemes: readonly string[] | undefined;
let rebuilds = 0;
/** The model's custom-entity data, loaded once; see `load`. */
let metaCER: unknown;

/**
 * Out-of-vocabulary entries the lexicon may gain before the tagger is rebuilt from the model. wink never drops
 * an entry, so a long-running worker would otherwise grow by about 150 bytes for every new name, number and
 * typo it reads. 100k entries is some 15 MB: a rebuild (about 100 ms) every 80k sentences of ordinary news.
 * Tags after a rebuild are those a freshly started process gives. They can differ from the old instance's
 * only because wink's tokenizer reuses forms it has met before ("75" met inside "BA.2.75" later tags as a
 * proper noun), which makes tags depend on earlier sentences with or without the rebuild.
 */
const DEFAULT_OOV_LIMIT = 100_000;
let oovLimit = DEFAULT_OOV_LIMIT;

/** Sets the limit that triggers a rebuild (tests and benchmarks); no argument restores the default. */
export function setOovLimit(limit = DEFAULT_OOV_LIMIT): void {
  oovLimit = limit;
}

export interface TaggerStats {
  /** Lexicon entries of the loaded instance, 0 before the first sentence. */
  lexicon: number;
  /** Entries added since the instance was loaded. */
  added: number;
  /** Times the instance was replaced because `added` passed the limit. */
  rebuilds: number;
}

export function taggerStats(): TaggerStats {
  const size = lexemes?.length ?? 0;
  return { lexicon: size, added: lexemes ? size - loadedSize : 0, rebuilds };
}

/** The part of wink's core model read here; optional, so that a model laid out otherwise loses only the bound. */
interface CoreModel {
  features?: { lexeme?: { list?: string[] } };
}

function load(): WinkMethods {
  if (nlp && lexemes && lexemes.length - loadedSize > oovLimit) {
    // A new instance reads a fresh copy of the model; the old one, with all it has learnt, becomes garbage.
    nlp = undefined;
    recent.clear();
    rebuilds++;
  }
  if (!nlp) {
    const require = createRequire(import.meta.url);
    const winkNLP = require('wink-nlp') as (model: unknown, pipe?: string[]) => WinkMethods;
    const model = require('wink-eng-lite-web-model') as { core: () => CoreModel; metaCER: () => unknown };
    // wink keeps its copy of the model private: catching it on the way in is the only way to see the lexicon.
    const core = () => {
      const loaded = model.core();
      lexemes = loaded.features?.lexeme?.list;
      return loaded;
    };
    // Only the tagger: sentence splitting, entities and sentiment would cost time for nothing used here.
    // The model's metaCER() stringifies its already stringified data on every call, so each later instance
    // would get a string several times longer than the last: all instances share the first call's result.
    nlp = winkNLP({ ...model, core, metaCER: () => (metaCER ??= model.metaCER()) }, ['pos']);
    // The model appends each unseen token to its lexicon, so the first unseen one marks the boundary.
    knownBelow = (nlp.readDoc('qxzvqj').tokens().out(nlp.its.uniqueId) as number[])[0] ?? 0;
    loadedSize = lexemes?.length ?? 0;
  }
  return nlp;
}

/** Endings of abstract nouns, which are almost never names. */
const ABSTRACT_NOUN = /(ism|ity|tion|sion|ness|ment|ship|ance|ence)$/;

/**
 * wink tags every capitalised word that opens a sentence as a proper noun ("Taxes", "Reasonable",
 * "Conservatism"). Look the word up again in lower case: a known word that is then a plural or inflected
 * form, an adjective, adverb or function word, an abstract noun, or a noun modifying the noun after it
 * ("Vaccine effectiveness") is a common word. Unknown words, and known nouns standing alone ("Trump said"),
 * may be names and keep the tag, as does the first word of a multi-word name ("White House").
 */
function retagOpener(w: WinkMethods, tokens: TaggedToken[]): void {
  const i = tokens.findIndex((t) => /^[A-Za-z]/.test(t.text));
  const t = tokens[i];
  const next = tokens[i + 1];
  const opensSentence = tokens.slice(0, i).every((x) => x.pos === 'PUNCT');
  if (t?.pos !== 'PROPN' || next?.pos === 'PROPN' || !opensSentence) return;
  const alone = w.readDoc(t.lower).tokens();
  const id = (alone.out(w.its.uniqueId) as number[])[0] ?? knownBelow;
  const pos = (alone.out(w.its.pos as never) as string[])[0] ?? 'PROPN';
  const lemma = ((alone.out(w.its.lemma as never) as string[])[0] ?? t.lower).toLowerCase();
  if (id >= knownBelow || pos === 'PROPN') return;
  const inflected = lemma !== t.lower;
  const describing = pos !== 'NOUN' && pos !== 'VERB';
  const modifier = pos === 'NOUN' && next?.pos === 'NOUN' && /^[a-z]/.test(next.text);
  if (inflected || describing || ABSTRACT_NOUN.test(t.lower) || modifier) {
    t.pos = pos;
    t.lemma = lemma;
  }
}

/** Longest run without spaces handed to the tagger: no word is longer, and wink's own patterns slow down badly
 * (seconds) on a run of tens of thousands of characters. */
const MAX_TOKEN = 64;

/**
 * Sentences tagged lately, by text: the digest reads the tags of sentences the classifier has just tagged. Cleared
 * when full, which bounds it to about a megabyte.
 */
const recent = new Map<string, readonly TaggedToken[]>();
const RECENT_MAX = 1024;

/** Tags of one sentence; the result is shared with later calls for the same text and must not be changed. */
export function tagSentence(text: string): readonly TaggedToken[] {
  const hit = recent.get(text);
  if (hit) return hit;
  const tagged = tagFresh(text);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(text, tagged);
  return tagged;
}

function tagFresh(text: string): TaggedToken[] {
  const w = load();
  const capped = text.replace(/\S{65,}/g, (run) => run.slice(0, MAX_TOKEN));
  const tokens = w.readDoc(capped).tokens();
  // wink's typings do not accept every `its` helper as a token mapper, although the library does.
  const read = <T>(f: unknown) => tokens.out(f as never) as T[];
  const surface = tokens.out();
  const pos = read<string>(w.its.pos);
  const lemma = read<string>(w.its.lemma);
  const tagged = surface.map((t, i) => ({
    text: t,
    lower: t.toLowerCase().replace(/’/g, "'"),
    pos: pos[i] ?? 'X',
    lemma: (lemma[i] ?? t).toLowerCase(),
  }));
  retagOpener(w, tagged);
  return tagged;
}

/**
 * True when the tagger's model knows `word` (in lower case): a word cut short by a feed ("Contin", "proh") is not
 * one. Looking a word up adds it to the lexicon when it is new, like any sentence tagged.
 */
export function isKnownWord(word: string): boolean {
  const w = load();
  const id = (w.readDoc(word.toLowerCase()).tokens().out(w.its.uniqueId) as number[])[0];
  return id !== undefined && id < knownBelow;
}
