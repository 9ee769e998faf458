import type { Attribution } from '../model.js';
import { type AttributionMatch, extractAttribution } from './attribution.js';
import {
  ARGUMENT_OPENERS,
  EVALUATIVE,
  HEDGES,
  IMPERATIVE_OPENERS,
  IMPERSONAL_EVAL,
  INTENSIFIERS,
  PRESCRIPTIVE,
  PRESCRIPTIVE_PHRASES,
  SPECULATIVE,
  SUPERLATIVE_WORDS,
  TIME_WORDS,
} from './lexicon.js';
import { quoteSpans } from './sentences.js';

export type SentenceLabel = 'fact' | 'opinion';

export interface SentenceResult {
  label: SentenceLabel;
  /** Opinion likelihood in [0, 1]; the label is 'opinion' when it is at least 0.5. */
  score: number;
  attribution?: Attribution;
}

/** Hand-set weights: positive pushes toward opinion, negative toward reported fact. */
const W = {
  bias: -0.45,
  firstPersonSingular: 0.9,
  firstPersonPlural: 0.7,
  secondPerson: 0.8,
  prescriptive: 1.1,
  speculative: 0.75,
  hedge: 0.5,
  intensifier: 0.35,
  evaluative: 0.45,
  evaluativeCap: 4,
  superlative: 0.4,
  impersonalEval: 0.9,
  argumentOpener: 0.8,
  imperative: 1.0,
  question: 0.7,
  exclamation: 0.8,
  scareQuote: 0.6,
  negatedEval: 0.3,
  vagueAttribution: 0.8,
  namedAttribution: -1.6,
  fullQuote: -0.7,
  number: -0.45,
  numberCap: 3,
  timeWord: -0.35,
  properNoun: -0.1,
  properNounCap: 6,
  genericPlural: 0.25,
  noSpecifics: 0.4,
  pastNarrative: -0.4,
  presentOnly: 0.15,
  copulaGeneric: 0.35,
};

const WORD_RE = /[A-Za-z][A-Za-z'’-]*/g;

function outsideQuotes(text: string, spans: [number, number][]): string {
  if (spans.length === 0) return text;
  let out = '';
  let pos = 0;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (s < pos) continue;
    out += `${text.slice(pos, s)} Q `;
    pos = e;
  }
  return out + text.slice(pos);
}

function count<T>(items: T[], pred: (t: T) => boolean): number {
  let n = 0;
  for (const t of items) if (pred(t)) n++;
  return n;
}

/** Sums the weighted features of one sentence; exported for diagnostics and tests. */
export function scoreSentence(text: string): {
  raw: number;
  features: Record<string, number>;
  attribution?: AttributionMatch;
} {
  const f: Record<string, number> = {};
  const add = (name: string, v: number) => {
    if (v !== 0) f[name] = (f[name] ?? 0) + v;
  };
  const trimmed = text.trim();
  const spans = quoteSpans(trimmed);
  const outside = outsideQuotes(trimmed, spans);
  const words = outside.match(WORD_RE) ?? [];
  const lower = words.map((w) => w.toLowerCase().replace(/[’]/g, "'"));
  const lowerText = outside.toLowerCase();

  add('bias', W.bias);

  // Person: the writer or the reader addressed directly.
  add(
    'firstPersonSingular',
    W.firstPersonSingular *
      Math.min(
        2,
        count(lower, (w) => /^(i|me|my|mine|myself|i'm|i've|i'd|i'll)$/.test(w)),
      ),
  );
  add(
    'firstPersonPlural',
    W.firstPersonPlural *
      Math.min(
        2,
        count(lower, (w) => /^(we|us|our|ours|ourselves|we're|we've|we'd|we'll|let's)$/.test(w)),
      ),
  );
  add(
    'secondPerson',
    W.secondPerson *
      Math.min(
        2,
        count(lower, (w) => /^(you|your|yours|yourself|you're|you've|you'd|you'll)$/.test(w)),
      ),
  );

  // Modality and stance.
  const prescriptive =
    count(lower, (w) => PRESCRIPTIVE.has(w)) + (PRESCRIPTIVE_PHRASES.test(outside) ? 1 : 0);
  add('prescriptive', W.prescriptive * Math.min(2, prescriptive));
  add(
    'speculative',
    W.speculative *
      Math.min(
        2,
        count(lower, (w) => SPECULATIVE.has(w)),
      ),
  );
  add(
    'hedge',
    W.hedge *
      Math.min(
        2,
        count(lower, (w) => HEDGES.has(w)),
      ),
  );
  add(
    'intensifier',
    W.intensifier *
      Math.min(
        2,
        count(lower, (w) => INTENSIFIERS.has(w)),
      ),
  );
  const evaluative = count(lower, (w) => EVALUATIVE.has(w));
  add('evaluative', W.evaluative * Math.min(W.evaluativeCap, evaluative));
  const superl = count(lower, (w) => SUPERLATIVE_WORDS.has(w) || /^[a-z]{3,}iest$/.test(w));
  add('superlative', W.superlative * Math.min(2, superl));
  if (IMPERSONAL_EVAL.test(outside)) add('impersonalEval', W.impersonalEval);
  if (
    /\bnot\s+(\w+\s+)?(good|enough|clear|true|right|fair|acceptable|the (answer|solution|point|case))\b/i.test(
      outside,
    )
  )
    add('negatedEval', W.negatedEval);

  // Openers: argument markers and bare imperatives.
  const start = lowerText.replace(/^[^a-z]+/, '');
  if (ARGUMENT_OPENERS.some((o) => start.startsWith(`${o} `) || start.startsWith(`${o},`)))
    add('argumentOpener', W.argumentOpener);
  const firstWord = lower[0] ?? '';
  if (
    IMPERATIVE_OPENERS.has(firstWord) &&
    lower[1] !== undefined &&
    !/^(is|was|are|were|has|had|said|says)$/.test(lower[1])
  )
    add('imperative', W.imperative);

  // Punctuation outside quotations.
  if (/\?\s*[)"”’]?\s*$/.test(outside) || /\?\s/.test(outside)) add('question', W.question);
  if (/!/.test(outside)) add('exclamation', W.exclamation);

  // Attribution: a named source turns claims into reports; "critics argue" does not.
  const attribution = extractAttribution(trimmed);
  if (attribution)
    add(
      attribution.named ? 'namedAttribution' : 'vagueAttribution',
      attribution.named ? W.namedAttribution : W.vagueAttribution,
    );

  // Quotations: a sentence that is mostly a quotation reports speech; a short quoted phrase without a
  // speaker is usually a scare quote.
  let quoted = 0;
  let shortQuotes = 0;
  for (const [s, e] of spans) {
    quoted += e - s;
    const inner = trimmed
      .slice(s + 1, e - 1)
      .trim()
      .split(/\s+/).length;
    if (inner <= 3) shortQuotes++;
  }
  if (quoted > 0.5 * trimmed.length) add('fullQuote', W.fullQuote);
  if (shortQuotes > 0 && !attribution) add('scareQuote', W.scareQuote * Math.min(2, shortQuotes));

  // Concrete, checkable detail: numbers, dates, names.
  const numbers = (outside.match(/\b\d[\d,.]*\b|%|\$|£|€/g) ?? []).length;
  add('number', W.number * Math.min(W.numberCap, numbers));
  add(
    'timeWord',
    W.timeWord *
      Math.min(
        2,
        count(lower, (w) => TIME_WORDS.has(w)),
      ),
  );
  const proper =
    count(words.slice(1), (w) => /^[A-Z]/.test(w) && w.toUpperCase() !== w) +
    count(words, (w) => /^[A-Z]{2,}$/.test(w) && w.length <= 6);
  add('properNoun', W.properNoun * Math.min(W.properNounCap, proper));

  // Generalising statements: "politicians are", "the media will", no concrete subject.
  if (/^(the\s+)?[a-z]+s\s+(are|will|can|cannot|never|always|do|don't)\b/i.test(start) && proper === 0)
    add('genericPlural', W.genericPlural);
  if (
    /\b(is|are|was|were)\s+(a|an|the)?\s*(\w+\s+)?(problem|question|point|issue|lesson|truth|reality|danger|irony|tragedy|answer|mistake)\b/i.test(
      outside,
    )
  )
    add('copulaGeneric', W.copulaGeneric);

  // Tense and specificity: reports narrate particular past events; commentary states general present truths.
  const hasPast = /\b(was|were|had|did)\b/i.test(outside) || /\b[a-z]{3,}ed\b/.test(outside);
  const hasPresent = /\b(is|are|has|have|can|does|do|isn't|aren't|isn’t|aren’t)\b/i.test(outside);
  if (numbers === 0 && proper === 0 && spans.length === 0 && !attribution) add('noSpecifics', W.noSpecifics);
  const modal = lower.some((w) => SPECULATIVE.has(w) || PRESCRIPTIVE.has(w));
  if (hasPast && !hasPresent && !modal) add('pastNarrative', W.pastNarrative);
  if (hasPresent && !hasPast) add('presentOnly', W.presentOnly);

  let raw = 0;
  for (const v of Object.values(f)) raw += v;
  return { raw, features: f, attribution };
}

/**
 * Labels one sentence as reported fact or opinion. Deterministic and local: a weighted sum of lexical and
 * structural cues (person, modality, evaluation, questions, attribution, numbers, names) squashed to [0, 1].
 */
export function classifySentence(text: string): SentenceResult {
  const { raw, attribution } = scoreSentence(text);
  const score = 1 / (1 + Math.exp(-raw));
  const result: SentenceResult = {
    label: score >= 0.5 ? 'opinion' : 'fact',
    score: Math.round(score * 1000) / 1000,
  };
  if (attribution) {
    const a: Attribution = { speaker: attribution.speaker, verb: attribution.verb };
    if (attribution.outlet) a.outlet = attribution.outlet;
    result.attribution = a;
  }
  return result;
}
