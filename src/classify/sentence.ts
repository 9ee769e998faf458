import type { Attribution } from '../model.js';
import type { AttributionMatch } from './attribution.js';
import { measure } from './features.js';
import { BLOC_SPEAKERS } from './lexicon.js';

export type SentenceLabel = 'fact' | 'opinion';

export interface SentenceResult {
  label: SentenceLabel;
  /** Opinion likelihood in [0, 1]; the label is 'opinion' when it is at least 0.5. */
  score: number;
  attribution?: Attribution;
}

/**
 * Hand-set weights: positive pushes toward opinion, negative toward reported fact. They were set by judgement
 * of each cue's strength in English news and commentary, not fitted to any labelled corpus.
 */
const W = {
  bias: -0.8,
  firstPersonSingular: 0.9,
  firstPersonPlural: 0.8,
  secondPerson: 0.8,
  prescriptive: 1.0,
  speculative: 0.9,
  hypotheticalSpeech: 0.6,
  futureOrAbility: 0.25,
  demonstrativeCopula: 0.4,
  connectiveOpener: 0.2,
  hedge: 0.8,
  intensifier: 0.45,
  evaluative: 0.9,
  weakEvaluative: 0.15,
  valenced: 0.4,
  loadedVerb: 0.6,
  mentalState: 0.5,
  stancePhrase: 0.6,
  loadedLabel: 0.7,
  idiom: 0.6,
  gradableAdjective: 0.12,
  superlative: 0.3,
  stanceAdverb: 0.2,
  predicativeAdjective: 0.2,
  negation: 0.25,
  generaliser: 0.3,
  collectiveActor: 0.25,
  impersonalEval: 0.9,
  argumentOpener: 0.8,
  imperative: 1.0,
  question: 0.5,
  rhetoricalQuestion: 0.6,
  exclamation: 0.8,
  emphaticCaps: 0.6,
  scareQuote: 0.15,
  negatedEval: 0.3,
  vagueAttribution: 1.1,
  namedAttribution: -1.6,
  fullQuote: -0.7,
  longQuote: -0.4,
  reportingVerb: -0.2,
  parenthetical: -0.2,
  quoteFragment: -0.8,
  quantity: -0.5,
  timeWord: -0.35,
  properNoun: -0.12,
  thirdSingular: -0.2,
  genericPlural: 0.25,
  noSpecifics: 0.4,
  pastNarrative: -0.4,
  presentOnly: 0.15,
  copulaGeneric: 0.35,
};

/** The most that names, figures and dates together can pull a sentence toward reported fact. */
const CONCRETE_FLOOR = -1.2;

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
  const s = measure(text);
  const cap = (n: number, max: number) => Math.min(max, n);

  add('bias', W.bias);

  // Person: the writer or the reader addressed directly.
  add('firstPersonSingular', W.firstPersonSingular * cap(s.firstSingular, 2));
  add('firstPersonPlural', W.firstPersonPlural * cap(s.firstPlural, 2));
  add('secondPerson', W.secondPerson * cap(s.second, 2));

  // Modality, stance and evaluation.
  add('prescriptive', W.prescriptive * cap(s.prescriptive, 2));
  // Conjecture inside a reported statement is the source's, not the writer's.
  if (!s.attribution) add('speculative', W.speculative * cap(s.speculative, 2));
  if (s.hypotheticalSpeech) add('hypotheticalSpeech', W.hypotheticalSpeech);
  if (!s.attribution) add('futureOrAbility', W.futureOrAbility * cap(s.futureOrAbility, 1));
  if (s.demonstrativeCopula) add('demonstrativeCopula', W.demonstrativeCopula);
  if (s.connectiveOpener) add('connectiveOpener', W.connectiveOpener);
  add('hedge', W.hedge * cap(s.hedges, 2));
  add('intensifier', W.intensifier * cap(s.intensifiers, 2));
  add('evaluative', W.evaluative * cap(s.evaluative, 4));
  add('weakEvaluative', W.weakEvaluative * cap(s.weakEvaluative, 2));
  add('valenced', W.valenced * cap(s.valenced, 2));
  add('loadedVerb', W.loadedVerb * cap(s.loadedVerbs, 2));
  // A source that reports a state of mind ("he said he feared…") is not the writer guessing at it.
  if (!s.attribution) add('mentalState', W.mentalState * cap(s.mentalStates, 1));
  if (s.stancePhrase) add('stancePhrase', W.stancePhrase);
  add('loadedLabel', W.loadedLabel * cap(s.loadedLabels, 2));
  add('idiom', W.idiom * cap(s.idioms, 2));
  add('gradableAdjective', W.gradableAdjective * cap(s.gradableAdjectives, 4));
  add('superlative', W.superlative * cap(s.superlatives, 2));
  add('stanceAdverb', W.stanceAdverb * cap(s.stanceAdverbs, 2));
  if (s.predicativeAdjective) add('predicativeAdjective', W.predicativeAdjective);
  add('negation', W.negation * cap(s.negations, 2));
  add('generaliser', W.generaliser * cap(s.generalisers, 2));
  add('collectiveActor', W.collectiveActor * cap(s.collectiveActors, 1));
  if (s.impersonalEval) add('impersonalEval', W.impersonalEval);
  if (s.negatedEval) add('negatedEval', W.negatedEval);

  // Rhetoric: argument markers, bare imperatives, questions, exclamations and emphasis in the writer's voice.
  if (s.argumentOpener) add('argumentOpener', W.argumentOpener);
  if (s.imperative) add('imperative', W.imperative);
  if (s.question) add('question', W.question);
  if (s.rhetoricalQuestion) add('rhetoricalQuestion', W.rhetoricalQuestion);
  if (s.exclamation) add('exclamation', W.exclamation);
  if (s.emphaticCaps) add('emphaticCaps', W.emphaticCaps);

  // Attribution: a named source turns claims into reports; "critics argue" does not, nor does the writer
  // citing themselves ("as we predicted") or a bloc ("the Left describes"). A concessive report ("Although
  // Putin claimed…") sets up the writer's own main clause, and a source the writer has just judged ("the
  // hapless minister said") carries the writer's view along with the report, so both count for less.
  const a = s.attribution;
  if (a) {
    const head = a.speaker.toLowerCase().replace(/^(the|his|her|their|its)\s+/, '');
    if (/^(i|we)$/.test(head)) {
      // The writer as source earns no credit either way; the first-person cue already counts.
    } else if (!a.named || BLOC_SPEAKERS.has(head)) add('vagueAttribution', W.vagueAttribution);
    else if (/^(although|though|even though|while|whereas|despite)\b/i.test(text.trim()))
      add('concessiveAttribution', W.namedAttribution / 2);
    else if (s.judgedSource) add('judgedSourceAttribution', W.namedAttribution / 2);
    else add('namedAttribution', W.namedAttribution);
  }

  // Quotations: speech reports what someone said; a short quoted phrase without a speaker is a scare quote.
  if (s.quotedShare > 0.5) add('fullQuote', W.fullQuote);
  if (s.quoteFragment) add('quoteFragment', W.quoteFragment);
  add('longQuote', W.longQuote * cap(s.longQuotes, 1));
  if (s.reportingVerb && !a) add('reportingVerb', W.reportingVerb);
  if (s.parenthetical) add('parenthetical', W.parenthetical);
  add('scareQuote', W.scareQuote * cap(s.scareQuotes, 2));

  // Concrete, checkable detail: amounts, dates, names. Past a few details, more of them say nothing new about
  // the writer's voice, so their sum is capped and cannot bury a judging word beside them.
  const concrete = {
    quantity: W.quantity * cap(s.quantities, 2),
    timeWord: W.timeWord * cap(s.timeWords, 2),
    properNoun: W.properNoun * cap(s.properNouns, 5),
  };
  const concreteSum = concrete.quantity + concrete.timeWord + concrete.properNoun;
  const scale = concreteSum < CONCRETE_FLOOR ? CONCRETE_FLOOR / concreteSum : 1;
  for (const [name, v] of Object.entries(concrete)) add(name, scale * v);
  add('thirdSingular', W.thirdSingular * cap(s.thirdSingular, 1));

  // Generalising statements in the present versus narration of particular past events.
  if (s.genericPlural) add('genericPlural', W.genericPlural);
  if (s.copulaGeneric) add('copulaGeneric', W.copulaGeneric);
  if (s.quantities === 0 && s.properNouns === 0 && s.quotedShare === 0 && !a)
    add('noSpecifics', W.noSpecifics);
  const modal = s.speculative + s.prescriptive > 0;
  if (s.pastVerbs > 0 && s.presentVerbs === 0 && !modal) add('pastNarrative', W.pastNarrative);
  if (s.presentVerbs > 0 && s.pastVerbs === 0) add('presentOnly', W.presentOnly);

  let raw = 0;
  for (const v of Object.values(f)) raw += v;
  return { raw, features: f, attribution: a };
}

/**
 * Labels one sentence as reported fact or opinion. Deterministic and local: a weighted sum of lexical,
 * part-of-speech and structural cues (person, modality, evaluation, questions, attribution, quotation,
 * numbers, names, tense) squashed to [0, 1].
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
