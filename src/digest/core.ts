/**
 * The core of a reported sentence: who did what to whom, without the descriptions, circumstances and asides
 * outlets wrap around it. "Rosalynn Carter, the wife of former President Jimmy Carter, died on Sunday in
 * Plains" and "Rosalynn Carter, a global humanitarian, has died at 96" share few distinctive words, since each
 * outlet adds its own; their cores ("Rosalynn Carter die") are the same.
 */
import { isClauseVerb, type TaggedToken, tagSentence } from '../classify/pos.js';
import { contentTerms, stem } from './text.js';

export interface ClaimCore {
  /** Lemma of the main verb ("die", "release"); a copula is kept as "be". */
  verb: string;
  /** Stemmed content words of the subject, the verb and its object, the verb included. */
  terms: ReadonlySet<string>;
  /** Names in the core, adjuncts included ("in Jenin"): two cores that each name a place the other lacks differ. */
  names: ReadonlySet<string>;
  /** Figures in the core: "killed three" and "killed five" are different reports. */
  numbers: ReadonlySet<string>;
  /** Stemmed content words of the verb's object: "faces a backlash" and "faces pressure" differ there. */
  object: ReadonlySet<string>;
  negated: boolean;
  /**
   * The verb's complement is a clause or a preposition the core leaves out ("warned that …", "warned against
   * …", "agreed to …"): what the sentence says is in the part not compared, so the core cannot match.
   */
  open: boolean;
}

const BREAK = new Set([',', ';', '—', '–', ':']);
/** Words that open a clause describing a noun or the circumstances, not the sentence's own predicate. */
const CLAUSE_OPENER = new Set([
  'who',
  'which',
  'whose',
  'whom',
  'where',
  'when',
  'while',
  'that',
  'as',
  'after',
  'before',
  'although',
  'though',
  'because',
  'since',
  'despite',
  'amid',
  'with',
  'without',
  'including',
  'if',
  'unless',
  'all',
]);
const NEGATION = new Set(['not', "n't", 'never', 'no']);
/** Verbs of saying and thinking: what the sentence reports is in the clause that follows, not compared here. */
const SPEECH_OR_THOUGHT = new Set(
  (
    'say tell claim announce report state add note explain describe write insist argue warn believe think ' +
    'suggest allege confirm deny urge ask expect hope plan want vow promise pledge agree decide threaten ' +
    'fear know reveal acknowledge admit predict estimate show indicate'
  ).split(' '),
);
/** Words right after the verb that open its complement rather than circumstances ("at 96", "on Sunday"). */
const COMPLEMENT = new Set([
  'that',
  'to',
  'against',
  'about',
  'for',
  'over',
  'of',
  'whether',
  'if',
  'how',
  'what',
  'why',
]);
const TIME_WORD =
  /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight|morning|afternoon|evening|night|week|weekend|month|year|january|february|march|april|may|june|july|august|september|october|november|december)$/;
const CONTENT_POS = new Set(['NOUN', 'PROPN', 'ADJ', 'NUM']);
/** Tags that end the verb's object: a preposition, a conjunction, another verb or a pronoun. */
const OBJECT_END = new Set(['ADP', 'SCONJ', 'VERB', 'AUX', 'PRON', 'PART']);

/** A verb that can head the sentence (see `isClauseVerb`), not the end of a hyphenated word. */
function isPredicateVerb(t: TaggedToken, previous: TaggedToken | undefined): boolean {
  // "President-elect" is a title, not a verb.
  return isClauseVerb(t, previous) && previous?.text !== '-';
}

/** Splits tagged tokens at commas, dashes and the like, dropping anything in parentheses. */
function segments(tokens: readonly TaggedToken[]): TaggedToken[][] {
  const out: TaggedToken[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth = Math.max(0, depth - 1);
    else if (depth > 0) continue;
    else if (BREAK.has(t.text)) out.push([]);
    // Hyphens stay, so that the second half of "president-elect" is known for what it is.
    else if (t.pos !== 'PUNCT' || t.text === '-') out.at(-1)!.push(t);
  }
  return out.filter((s) => s.length > 0);
}

/**
 * The core of one sentence (for reported speech, of what was said), or undefined when no main verb is found.
 * The subject is the first stretch of the sentence up to a preposition; descriptions set off by commas ("the
 * wife of …", "96", "who broke new ground …") are skipped; the predicate is the verb and its object up to the
 * first preposition, verb or pronoun. Beyond those limits, only names count.
 */
export function claimCore(text: string): ClaimCore | undefined {
  const parts = segments(tagSentence(text));
  if (!parts.length) return undefined;
  const head = parts[0]!;
  let subject: TaggedToken[];
  let predicate: TaggedToken[];
  const at = head.findIndex((t, i) => isPredicateVerb(t, head[i - 1]));
  if (at > 0) {
    // "The mere fact that Biden and Xi met was progress": the first verb is not the sentence's own.
    if (head.slice(0, at).some((t) => t.pos === 'SCONJ' || CLAUSE_OPENER.has(t.lower))) return undefined;
    subject = head.slice(0, at);
    predicate = head.slice(at);
  } else {
    subject = head;
    const found = parts.slice(1).find((p) => {
      const first = p[0]!;
      if (CLAUSE_OPENER.has(first.lower) || first.pos === 'DET' || first.pos === 'NUM') return false;
      return (
        isPredicateVerb(first, undefined) ||
        (first.pos === 'ADV' && p.length > 1 && isPredicateVerb(p[1]!, first))
      );
    });
    if (!found) return undefined;
    predicate = found;
  }
  const terms = new Set<string>();
  const names = new Set<string>();
  const numbers = new Set<string>();
  /** A word of the core (and of `part`, the object, when given). */
  const add = (t: TaggedToken, part?: Set<string>) => {
    for (const term of contentTerms(t.text)) {
      terms.add(term);
      part?.add(term);
      if (t.pos === 'PROPN') names.add(term);
      if (t.pos === 'NUM' || /^\d/.test(term)) numbers.add(term);
    }
  };
  /** A word outside the core: only a name counts, against rival names. */
  const addName = (t: TaggedToken) => {
    if (t.pos === 'PROPN') for (const term of contentTerms(t.text)) names.add(term);
  };
  // The subject's head phrase; what follows a preposition in it ("the wife of …") counts only by its names.
  let described = false;
  for (const t of subject) {
    if (t.pos === 'ADP' || t.pos === 'VERB' || t.pos === 'PART') described = true;
    if (TIME_WORD.test(t.lower)) continue;
    if (!described && CONTENT_POS.has(t.pos)) add(t);
    else addName(t);
  }
  // The verb group: auxiliaries, adverbs and negation, then the main verb ("has not yet died" → die); a
  // copula with no verb after it heads the group itself ("is dead" → be).
  let verb: string | undefined;
  let auxiliary: string | undefined;
  let negated = false;
  let i = 0;
  for (; i < predicate.length; i++) {
    const t = predicate[i]!;
    if (NEGATION.has(t.lower)) negated = true;
    else if (t.pos === 'AUX') auxiliary ??= t.lemma;
    else if (t.pos === 'VERB') {
      verb = t.lemma;
      i++;
      break;
    } else if (t.pos !== 'ADV' && t.pos !== 'PART') break;
  }
  verb ??= auxiliary;
  if (verb === undefined) return undefined;
  const next = predicate[i];
  let open =
    SPEECH_OR_THOUGHT.has(verb) ||
    (next !== undefined && (COMPLEMENT.has(next.lower) || next.pos === 'PRON'));
  // Its object, up to the first preposition; after that, the circumstances, of which only names count.
  const object = new Set<string>();
  let adjunct = false;
  for (; i < predicate.length; i++) {
    const t = predicate[i]!;
    if (NEGATION.has(t.lower)) negated = true;
    // The object is one noun phrase.
    if (OBJECT_END.has(t.pos)) adjunct = true;
    if (TIME_WORD.test(t.lower)) continue;
    // "celebrated his birthday by pardoning two turkeys": the news is in the manner, which is not compared.
    if (t.lower === 'by' && predicate[i + 1]?.lower.endsWith('ing')) open = true;
    if (adjunct) addName(t);
    else if (CONTENT_POS.has(t.pos)) add(t, object);
  }
  const v = stem(verb);
  terms.add(v);
  return { verb: v, terms, names, numbers, object, negated, open };
}

/** Content words two cores must share at least, the verb included, for one to be the other's repeat. */
const MIN_SHARED = 3;
/** Share of the smaller core the larger must hold. */
const CONTAINED = 0.75;

/**
 * Whether two cores report the same event: same verb and sense, figures and objects in common, no rival names,
 * and one mostly inside the other.
 */
export function sameCore(a: ClaimCore, b: ClaimCore): boolean {
  if (a.verb !== b.verb || a.negated !== b.negated || a.open || b.open) return false;
  const [small, large] = a.terms.size <= b.terms.size ? [a, b] : [b, a];
  let shared = 0;
  for (const t of small.terms) if (large.terms.has(t)) shared++;
  if (shared < MIN_SHARED || shared < CONTAINED * small.terms.size) return false;
  if (a.numbers.size && b.numbers.size && !meets(a.numbers, b.numbers)) return false;
  const objectShared = meets(a.object, b.object);
  if (a.object.size && b.object.size && !objectShared) return false;
  // "X was Y" says what it says in Y: a copula's complements must meet.
  if (a.verb === 'be' && !objectShared) return false;
  return !(namesOnlyIn(a, b) && namesOnlyIn(b, a));
}

/** Whether a core can match any: cores with too few words or an open complement never do. */
export function comparable(c: ClaimCore): boolean {
  return !c.open && c.terms.size >= MIN_SHARED;
}

function meets(x: ReadonlySet<string>, y: ReadonlySet<string>): boolean {
  for (const t of x) if (y.has(t)) return true;
  return false;
}

/** Whether `x` names someone or somewhere `y` does not mention. */
function namesOnlyIn(x: ClaimCore, y: ClaimCore): boolean {
  for (const n of x.names) if (!y.names.has(n) && !y.terms.has(n)) return true;
  return false;
}

/** Exact counts by the stemmed noun they count (see `countedFigures`). */
export type Figures = ReadonlyMap<string, ReadonlySet<number>>;

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const MULTIPLIERS: Record<string, number> = {
  dozen: 12,
  hundred: 100,
  thousand: 1e3,
  million: 1e6,
  billion: 1e9,
};
/** Words before a figure that make it a bound or an estimate ("at least 30", "nearly 500"), not a count. */
const APPROXIMATE = new Set([
  'about',
  'around',
  'nearly',
  'almost',
  'over',
  'under',
  'some',
  'roughly',
  'approximately',
  'estimated',
  'than',
  'least',
  'most',
  'up to',
  'as many as',
  'upwards of',
]);
/** A figure before these is a date ("7 October"), not a count. */
const DATE_WORD =
  /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|jan|january|feb|february|mar|march|apr|april|may|june?|july?|aug|august|sept?|september|oct|october|nov|november|dec|december)\.?$/;
/** A figure written in digits or words, worth tagging the sentence for. */
const MAY_COUNT = new RegExp(`\\d|\\b(?:${Object.keys(NUMBER_WORDS).join('|')}|dozen)\\b`, 'i');

/** The value of a run of number words ("two dozen", "thirteen", "1,200"), or undefined if it is not one. */
function figureValue(words: readonly string[]): number | undefined {
  let total = 0;
  let current = 0;
  for (const w of words) {
    const digits = /^\d[\d,]*(?:\.\d+)?$/.test(w) ? Number(w.replace(/,/g, '')) : undefined;
    if (digits !== undefined) current += digits;
    else if (NUMBER_WORDS[w] !== undefined) current += NUMBER_WORDS[w]!;
    else if (MULTIPLIERS[w] !== undefined) {
      const m = MULTIPLIERS[w]!;
      if (m >= 1e3) {
        total += (current || 1) * m;
        current = 0;
      } else current = (current || 1) * m;
    } else return undefined;
  }
  return total + current;
}

/**
 * Exact counts a sentence gives, by the stemmed noun they count: "Thirteen Israeli hostages" gives hostag → 13,
 * "a four-day truce" day → 4. Bounds and estimates ("at least 30 babies", "nearly 500") are left out, since they
 * agree with many counts; so are figures that count nothing named ("died at 96", "on 7 October").
 */
export function countedFigures(text: string): Figures {
  const out = new Map<string, Set<number>>();
  if (!MAY_COUNT.test(text)) return out;
  const tokens = tagSentence(text);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.pos !== 'NUM' || tokens[i - 1]?.pos === 'NUM') continue;
    // The whole figure: "two dozen", "twenty - four", "4 billion".
    let end = i;
    const words: string[] = [];
    for (; end < tokens.length; end++) {
      const t = tokens[end]!;
      if (t.pos === 'NUM' || MULTIPLIERS[t.lower] !== undefined) words.push(t.lower);
      else if (!(t.text === '-' && tokens[end + 1]?.pos === 'NUM')) break;
    }
    const value = figureValue(words);
    const before = tokens.slice(Math.max(0, i - 3), i).map((t) => t.lower);
    const bound = [1, 2, 3].some((n) => before.length >= n && APPROXIMATE.has(before.slice(-n).join(' ')));
    if (value === undefined || bound || before.at(-1) === '-') continue;
    // "the 2024 budget" names a year; it counts nothing.
    if (words.length === 1 && /^[12]\d{3}$/.test(words[0]!)) continue;
    // The counted noun, after at most two describing words: "13 Israeli hostages", "a four-day truce".
    let head: TaggedToken | undefined;
    let name: TaggedToken | undefined;
    let after = end;
    for (let seen = 0; after < tokens.length && seen < 3; after++) {
      const t = tokens[after]!;
      if (t.text === '-') continue;
      seen++;
      if (t.pos === 'NOUN') {
        head = t;
        break;
      }
      if (t.pos === 'PROPN') name = t;
      else if (t.pos !== 'ADJ') break;
    }
    head ??= name;
    if (!head || DATE_WORD.test(head.lower)) continue;
    // "a 96-year-old", "two years old": an age describes someone, and two people in one story differ in age.
    const next = tokens[after + 1]?.text === '-' ? tokens[after + 2] : tokens[after + 1];
    if (head === tokens[after] && next?.lower === 'old') continue;
    const key = stem(head.lemma);
    const values = out.get(key);
    if (values) values.add(value);
    else out.set(key, new Set([value]));
  }
  return out;
}

/** Whether two sentences give different counts of the same thing ("13 hostages", "24 hostages"). */
export function figuresConflict(a: Figures, b: Figures): boolean {
  for (const [noun, x] of a) {
    const y = b.get(noun);
    if (y && ![...x].some((v) => y.has(v))) return true;
  }
  return false;
}
