/**
 * Measures one sentence for the subjectivity scorer: counts of lexical, grammatical and structural cues,
 * taken outside quotations (a quotation is someone else's voice, not the writer's). The weights that turn
 * these counts into a score live in sentence.ts.
 */
import { type AttributionMatch, extractAttribution } from './attribution.js';
import {
  ARGUMENT_OPENERS,
  CLASSIFYING_ADJECTIVES,
  COLLECTIVE_ACTORS,
  DESCRIPTIVE_VALENCE,
  EMPHASIS_WORDS,
  EVALUATIVE,
  FRAMED_MODAL,
  GENERALISERS,
  GENERIC_NOUNS,
  HEDGE_PHRASES,
  HEDGES,
  IDIOMS,
  IMPERATIVE_OPENERS,
  IMPERSONAL_EVAL,
  INTENSIFIERS,
  LOADED_LABELS,
  LOADED_VERBS,
  MENTAL_STATE_VERBS,
  NEUTRAL_ADVERBS,
  PRESCRIPTIVE,
  PRESCRIPTIVE_PHRASES,
  REPORTING_VERBS,
  RHETORICAL_QUESTION,
  SPECULATIVE,
  STANCE_PHRASES,
  SUPERLATIVE_WORDS,
  TIME_WORDS,
  WEAK_EVALUATIVE,
} from './lexicon.js';
import { type TaggedToken, tagSentence } from './pos.js';
import { quoteSpans } from './sentences.js';
import { valence } from './valence.js';

export interface Signals {
  firstSingular: number;
  firstPlural: number;
  second: number;
  prescriptive: number;
  speculative: number;
  /** "will", "can", "cannot": predictions and general claims of possibility. */
  futureOrAbility: number;
  /** "This is…", "That's…": the writer characterising what was just said. */
  demonstrativeCopula: boolean;
  /** Opens with a connective of argument: "But", "Yet", "Still", "So". */
  connectiveOpener: boolean;
  /** A modal before a verb of saying: "he could claim", "critics may argue". */
  hypotheticalSpeech: boolean;
  /** he, she, his, her: narration about particular people. */
  thirdSingular: number;
  /** all, every, always, never, nothing: sweeping generalisation. */
  generalisers: number;
  /** Groups that opinion writing generalises about: "the media", "politicians", "the Left". */
  collectiveActors: number;
  hedges: number;
  intensifiers: number;
  evaluative: number;
  /** Size, importance and urgency: "major", "critical", "huge". */
  weakEvaluative: number;
  /** Adjectives and adverbs of strong sentiment ("racist", "gorgeous", "cheerful") missing from the hand lists. */
  valenced: number;
  /** Verbs of blame, motive and violent metaphor: "undermine", "pander", "gut". */
  loadedVerbs: number;
  /** Verbs ascribing wants, fears, hopes or beliefs: "they want", "he fears", "nobody knows". */
  mentalStates: number;
  /** Framing phrases: "nothing more than", "in reality", "the real problem". */
  stancePhrase: boolean;
  /** Pejorative labels of commentary: "witch hunt", "mainstream media", "nanny state". */
  loadedLabels: number;
  /** Figurative idioms and ironic formulas: "slippery slope", "smoke and mirrors", "go figure". */
  idioms: number;
  /** Adjectives that grade or judge, as opposed to classify ("federal", "Chinese", "annual"). */
  gradableAdjectives: number;
  superlatives: number;
  /** -ly adverbs of manner and stance, not of time or frequency. */
  stanceAdverbs: number;
  /** A copula followed by an adjective: "the risk is real", "they are limited". */
  predicativeAdjective: boolean;
  negations: number;
  /** Figures, amounts and percentages; spelled-out numbers count half. */
  quantities: number;
  timeWords: number;
  properNouns: number;
  pastVerbs: number;
  presentVerbs: number;
  impersonalEval: boolean;
  negatedEval: boolean;
  argumentOpener: boolean;
  imperative: boolean;
  question: boolean;
  /** A question asked for effect, not information: "Isn't it obvious?", "Who would believe that?". */
  rhetoricalQuestion: boolean;
  exclamation: boolean;
  /** A common word in capitals inside ordinary text: the writer raising their voice ("is NOT safe"). */
  emphaticCaps: boolean;
  scareQuotes: number;
  /** Quotations of four words or more: someone else's words, reported. */
  longQuotes: number;
  /** A verb of saying outside quotations, whoever the subject ("it was reported", "officials noted"). */
  reportingVerb: boolean;
  /** A parenthetical aside: acronyms, sources, figures. */
  parenthetical: boolean;
  /** Share of the sentence's characters inside quotation marks. */
  quotedShare: number;
  /** The sentence opens inside a quotation, or closes one it never opened: part of someone's speech. */
  quoteFragment: boolean;
  genericPlural: boolean;
  copulaGeneric: boolean;
  attribution?: AttributionMatch;
  /** The writer judges the source or the occasion before the reporting verb: "the hapless minister said". */
  judgedSource: boolean;
}

const FIRST_SINGULAR = /^(i|me|my|mine|myself|i'm|i've|i'd|i'll)$/;
const FIRST_PLURAL = /^(we|us|our|ours|ourselves|we're|we've|we'd|we'll|let's)$/;
const SECOND = /^(you|your|yours|yourself|yourselves|you're|you've|you'd|you'll)$/;

/** Offsets of each token in the text, rebuilt by walking the text in order. */
function offsets(text: string, tokens: readonly TaggedToken[]): number[] {
  const out: number[] = [];
  let pos = 0;
  for (const t of tokens) {
    const at = text.indexOf(t.text, pos);
    if (at < 0) {
      out.push(pos);
      continue;
    }
    out.push(at);
    pos = at + t.text.length;
  }
  return out;
}

/**
 * Quotation spans, plus the runs that a sentence splitter leaves unbalanced: a sentence that opens a
 * quotation and never closes it is speech to its end; one that closes a quotation it never opened is
 * speech from its start.
 */
function speechSpans(text: string): { spans: [number, number][]; fragment: boolean } {
  const spans = quoteSpans(text);
  const opens = (text.match(/“/g) ?? []).length;
  const closes = (text.match(/”/g) ?? []).length;
  let fragment = false;
  if (opens > closes) {
    const at = text.lastIndexOf('“');
    spans.push([at, text.length]);
    fragment = at === 0;
  } else if (closes > opens) {
    const at = text.indexOf('”');
    spans.push([0, at + 1]);
    fragment = true;
  } else if ((text.match(/"/g) ?? []).length % 2 === 1) {
    // Straight quotes do not say which way they face: one after a space opens speech running to the end
    // ('Hughes added: "We have to…'); one after a word closes speech begun before the sentence.
    const at = text.lastIndexOf('"');
    if (at === 0 || /\s/.test(text[at - 1] ?? '')) {
      spans.push([at, text.length]);
      fragment = at === 0;
    } else {
      spans.push([0, text.indexOf('"') + 1]);
      fragment = true;
    }
  }
  return { spans, fragment };
}

const AMBIGUOUS_INTENSIFIERS = new Set([
  'so',
  'too',
  'such',
  'rather',
  'pretty',
  'fairly',
  'quite',
  'especially',
]);

/** The text with each quotation replaced by a placeholder, keeping contractions and spacing intact. */
function withoutSpans(text: string, spans: [number, number][]): string {
  let out = '';
  let pos = 0;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (s < pos) continue;
    out += `${text.slice(pos, s)} Q `;
    pos = e;
  }
  return out + text.slice(pos);
}

/** Half of VADER's scale: words its raters judged clearly, not mildly, positive or negative. */
const STRONG_VALENCE = 2;

/**
 * Words the valence cue leaves out: those the hand lists already weigh, so they do not count twice, and
 * those that state a status or outcome rather than judge it.
 */
const valenceExempt = (w: string) =>
  EVALUATIVE.has(w) ||
  WEAK_EVALUATIVE.has(w) ||
  HEDGES.has(w) ||
  INTENSIFIERS.has(w) ||
  DESCRIPTIVE_VALENCE.has(w);

/** Non-global copies of the phrase lists, for a plain yes-or-no test. */
const ANY_LOADED_LABEL = new RegExp(LOADED_LABELS.source, 'i');
const ANY_IDIOM = new RegExp(IDIOMS.source, 'i');

/**
 * A word of the evaluative list used as one: not inside a name ("Great Britain", the "SMART" union) or a fixed
 * neutral term ("real estate").
 */
function judgingWord(t: TaggedToken, next: TaggedToken | undefined, first: boolean): boolean {
  if (!EVALUATIVE.has(t.lower)) return false;
  if (/^[A-Z]/.test(t.text) && (!first || /^[A-Z]/.test(next?.text ?? ''))) return false;
  return !(t.lower === 'real' && next?.lower === 'estate');
}

/** Adverbs of how well a task went or what state someone is in ("gravely ill"), not of the writer's view. */
const MANNER_OF_DOING = new Set([
  'carefully',
  'successfully',
  'unsuccessfully',
  'effectively',
  'ineffectively',
  'efficiently',
  'gravely',
  'brightly',
  'boldly',
  'smartly',
  'properly',
  'harshly',
]);

/**
 * An adverb formed from a judging adjective judges too: "absurd" → "absurdly", "shoddy" → "shoddily",
 * "laughable" → "laughably", "cynical" → "cynically".
 */
function judgingAdverb(w: string): boolean {
  if (!w.endsWith('ly') || EVALUATIVE.has(w) || valenceExempt(w) || MANNER_OF_DOING.has(w)) return false;
  const stem = w.slice(0, -2);
  const adjective = w.endsWith('ily')
    ? `${w.slice(0, -3)}y`
    : w.endsWith('bly')
      ? `${w.slice(0, -1)}e`
      : w.endsWith('ically')
        ? w.slice(0, -4)
        : stem;
  return EVALUATIVE.has(adjective) || EVALUATIVE.has(stem);
}

/**
 * "US" is the country, and a capitalised pronoun inside a sentence belongs to a title or an organisation's
 * name ("Feeding Our Future"), not to the writer.
 */
function inName(tokens: TaggedToken[], i: number): boolean {
  const t = tokens[i]!;
  if (t.text === 'US') return true;
  const prev = tokens[i - 1];
  return /^[A-Z]/.test(t.text) && prev !== undefined && /^[A-Za-z0-9,]/.test(prev.text);
}

const isWord = (t: TaggedToken) => /^[A-Za-z]/.test(t.text);

export function measure(text: string): Signals {
  const trimmed = text.trim();
  const { spans, fragment } = speechSpans(trimmed);
  const inQuote = (i: number) => spans.some(([s, e]) => i > s && i < e);

  const all = tagSentence(trimmed);
  const at = offsets(trimmed, all);
  const outside = all.filter((_, i) => !inQuote(at[i]!));
  const words = outside.filter(isWord);
  const lower = words.map((t) => t.lower);
  const outsideText = withoutSpans(trimmed, spans);
  const countIn = (set: Set<string>) => lower.filter((w) => set.has(w)).length;
  // The tagger splits hyphenated compounds ("half-baked", "tone-deaf"), so those are looked up whole here.
  // Matches start only where a word does, so a long word without a hyphen is not rescanned from each letter.
  const hyphenated = outsideText.toLowerCase().match(/(?<![a-z])[a-z]+(?:-[a-z]+)+/g) ?? [];

  let gradable = 0;
  let superlatives = 0;
  let stanceAdverbs = 0;
  let past = 0;
  let present = 0;
  let proper = 0;
  let negations = 0;
  let predicative = false;
  let speculative = 0;
  let intensifiers = 0;
  let prescriptive = 0;
  let hypothetical = false;
  let thirdSingular = 0;
  let generalisers = 0;
  let actors = 0;
  let valenced = 0;
  for (let i = 0; i < outside.length; i++) {
    const t = outside[i]!;
    const prev = outside[i - 1];
    const next = outside[i + 1];
    // "may" is also a month and "might" a noun: only the auxiliary speculates.
    // "would" is as often reported future-in-the-past or a plan's terms as the writer's conjecture.
    if (SPECULATIVE.has(t.lower) && (t.pos === 'AUX' || t.pos === 'VERB')) {
      speculative += t.lower === 'would' ? 0.5 : 1;
      // "he could claim", "some might argue": the writer imagining what someone would say.
      if (next && (REPORTING_VERBS.has(next.lower) || REPORTING_VERBS.has(`${next.lemma}s`)))
        hypothetical = true;
    }
    // Obligation modals, but not the conditional "if it should continue".
    if (PRESCRIPTIVE.has(t.lower) && t.lower !== 'needs' && prev?.lower !== 'if' && t.pos !== 'NOUN')
      prescriptive++;
    if (/^(he|she|him|her|his|hers)$/.test(t.lower)) thirdSingular++;
    // "so", "too", "such", "rather" intensify only before a modifier ("so absurd", "such a folly"), not as
    // conjunctions or in "such as".
    if (INTENSIFIERS.has(t.lower)) {
      const modifies =
        next?.pos === 'ADJ' || next?.pos === 'ADV' || (t.lower === 'such' && next?.pos === 'DET');
      if (!AMBIGUOUS_INTENSIFIERS.has(t.lower) || modifies) intensifiers++;
    }
    if (GENERALISERS.has(t.lower)) generalisers++;
    if (COLLECTIVE_ACTORS.has(t.lower) && !(i > 0 && outside[i - 1]!.pos === 'PROPN')) actors++;
    if (t.pos === 'ADJ' && /^[a-z]/.test(t.text)) {
      const classifying =
        CLASSIFYING_ADJECTIVES.has(t.lemma) ||
        WEAK_EVALUATIVE.has(t.lower) ||
        (/(al|ic|ary|ian|ese|ish|ed)$/.test(t.lemma) && !EVALUATIVE.has(t.lower));
      if (!classifying) gradable++;
      if (t.lower !== t.lemma && /est$/.test(t.lower)) superlatives++;
      if (prev && /^(is|are|was|were|be|been|being|seems?|seemed|remains?|looks?|'s|'re)$/.test(prev.lower))
        predicative = true;
    }
    if (t.pos === 'ADV' && /ly$/.test(t.lower) && !NEUTRAL_ADVERBS.has(t.lower)) stanceAdverbs++;
    // Nouns and verbs of strong sentiment ("war", "killed") are as often the events a report narrates;
    // adjectives and adverbs are the writer's description of them.
    if (
      (t.pos === 'ADJ' || t.pos === 'ADV') &&
      Math.abs(valence(t.lower)) >= STRONG_VALENCE &&
      !valenceExempt(t.lower)
    )
      valenced++;
    if (
      (t.lower === 'most' || t.lower === 'least') &&
      (next?.pos === 'ADJ' || next?.pos === 'ADV') &&
      prev?.lower === 'the'
    )
      superlatives++;
    const capitalisedOpener = i === 0 && IMPERATIVE_OPENERS.has(t.lower);
    if (
      (t.pos === 'PROPN' && /^[A-Z]/.test(t.text) && !capitalisedOpener) ||
      (t.pos === 'NOUN' && /^[A-Z]{2,6}$/.test(t.text))
    )
      proper++;
    if (t.pos === 'VERB') {
      if (t.lower !== t.lemma && !/(s|ing)$/.test(t.lower)) past++;
      else if (/s$/.test(t.lower) && t.lower !== t.lemma) present++;
    }
    if (t.pos === 'AUX') {
      if (/^(was|were|had|did)$/.test(t.lower)) past++;
      else if (/^(is|are|am|has|does|'s|'re)$/.test(t.lower)) present++;
    }
    if (/^(not|n't|never|no|nothing|nobody|none|neither|nor)$/.test(t.lower)) negations++;
  }
  // Figures in digits, amounts and percentages. Spelled-out numbers ("three hours") count half; "one" is left out, being as often a pronoun.
  let quantities = 0;
  for (const t of outside) {
    if (/^\d/.test(t.text) || /^[$£€%]$/.test(t.text)) quantities++;
    else if (t.pos === 'NUM' && t.lower !== 'one') quantities += 0.5;
  }

  const start = outsideText
    .toLowerCase()
    .replace(/’/g, "'")
    .replace(/^[^a-z]+/, '');
  // "And remember…", "But consider…": a coordinating conjunction does not stop what follows being an argument
  // move or an instruction.
  const lead = /^(and|but|so|now|yet|or)$/.test(lower[0] ?? '') && lower.length > 2 ? 1 : 0;
  const firstWord = lower[lead] ?? '';
  const afterLead = start.slice(lead > 0 ? (lower[0]?.length ?? 0) : 0).replace(/^[\s,]+/, '');
  // Modals that state a plan's or rule's terms ("a bill that would ban…") are taken off the writer's count.
  const framed = [...outsideText.matchAll(FRAMED_MODAL)].map((m) => m[1]!.toLowerCase());
  const framedCount = (modals: RegExp) => framed.filter((m) => modals.test(m)).length;

  let quoted = 0;
  let scareQuotes = 0;
  let longQuotes = 0;
  for (const [s, e] of spans) {
    quoted += e - s;
    const inner = trimmed
      .slice(s + 1, e - 1)
      .trim()
      .split(/\s+/).length;
    if (inner <= 3 && !(s === 0 && e === trimmed.length)) scareQuotes++;
    else if (inner >= 4) longQuotes++;
  }
  const attribution = extractAttribution(trimmed);
  // Words before a reporting verb that opens its clause are the writer's; those after it are the source's.
  let judgedSource = false;
  if (attribution && attribution.verb !== 'according to') {
    const verb = attribution.verb.toLowerCase();
    const v = all.findIndex((t, i) => t.lower === verb && !inQuote(at[i]!));
    const inverted = v > 0 && /^[,"“”']$/.test(all[v - 1]!.text);
    if (v > 0 && !inverted) {
      const preface = all.slice(0, v).filter((_, i) => !inQuote(at[i]!));
      const cut = at[v]!;
      const prefaceText = withoutSpans(
        trimmed.slice(0, cut),
        spans.filter(([s]) => s < cut).map(([s, e]): [number, number] => [s, Math.min(e, cut)]),
      );
      judgedSource =
        preface.some(
          (t, i) =>
            judgingWord(t, preface[i + 1], i === 0) ||
            (t.pos === 'ADV' && judgingAdverb(t.lower)) ||
            ((t.pos === 'ADJ' || t.pos === 'ADV') &&
              Math.abs(valence(t.lower)) >= STRONG_VALENCE &&
              !valenceExempt(t.lower)),
        ) ||
        ANY_LOADED_LABEL.test(prefaceText) ||
        ANY_IDIOM.test(prefaceText);
    }
  }

  return {
    // Lower-case "i" is left out: it is more often a fragment of a tokenised name than the pronoun.
    firstSingular: words.filter((t) => t.text === 'I' || (t.lower !== 'i' && FIRST_SINGULAR.test(t.lower)))
      .length,
    firstPlural: outside.filter((t, i) => FIRST_PLURAL.test(t.lower) && !inName(outside, i)).length,
    second: lower.filter((w) => SECOND.test(w)).length,
    prescriptive: Math.max(
      0,
      (prescriptive > 0 ? prescriptive : PRESCRIPTIVE_PHRASES.test(outsideText) ? 1 : 0) -
        framedCount(/^(must|should|shall)$/),
    ),
    speculative: Math.max(0, speculative - framedCount(/^(could|might|may)$/) - framedCount(/^would$/) / 2),
    hypotheticalSpeech: hypothetical,
    futureOrAbility: Math.max(
      0,
      outside.filter(
        (t) => /^(will|'ll|can|cannot|can't|won't)$/.test(t.lower) && (t.pos === 'AUX' || t.pos === 'VERB'),
      ).length - framedCount(/^will$/),
    ),
    demonstrativeCopula: /^(this|that|these|those)\s*(is|was|are|were|'s|remains|seems)\b/.test(start),
    connectiveOpener: /^(but|yet|still|so|and yet|after all|thus|hence)\b/.test(start),
    thirdSingular,
    generalisers,
    collectiveActors: actors,
    // An estimate credited to a source is that source's, as with speculative modals.
    hedges: countIn(HEDGES) + (attribution ? 0 : (outsideText.match(HEDGE_PHRASES) ?? []).length),
    intensifiers,
    evaluative:
      words.filter((t, i) => judgingWord(t, words[i + 1], i === 0)).length +
      words.filter((t) => t.pos === 'ADV' && judgingAdverb(t.lower)).length +
      hyphenated.filter((w) => EVALUATIVE.has(w)).length,
    weakEvaluative: countIn(WEAK_EVALUATIVE),
    valenced,
    loadedVerbs: words.filter(
      (t) => t.pos === 'VERB' && LOADED_VERBS.has(t.lemma) && !EVALUATIVE.has(t.lower),
    ).length,
    mentalStates: words.filter((t) => t.pos === 'VERB' && MENTAL_STATE_VERBS.has(t.lemma)).length,
    stancePhrase: STANCE_PHRASES.test(outsideText),
    loadedLabels: (outsideText.match(LOADED_LABELS) ?? []).length,
    idioms: (outsideText.match(IDIOMS) ?? []).length,
    gradableAdjectives: gradable,
    superlatives: superlatives + lower.filter((w) => SUPERLATIVE_WORDS.has(w)).length,
    stanceAdverbs,
    predicativeAdjective: predicative,
    negations,
    quantities,
    timeWords: countIn(TIME_WORDS),
    properNouns: proper,
    pastVerbs: past,
    presentVerbs: present,
    impersonalEval: IMPERSONAL_EVAL.test(outsideText),
    negatedEval:
      /\bnot\s+(\w+\s+)?(good|enough|clear|true|right|fair|acceptable|the (answer|solution|point|case))\b/i.test(
        outsideText,
      ),
    argumentOpener: ARGUMENT_OPENERS.some(
      (o) => afterLead.startsWith(`${o} `) || afterLead.startsWith(`${o},`),
    ),
    imperative:
      IMPERATIVE_OPENERS.has(firstWord) &&
      // The tagger often reads a capitalised imperative as a name ("Contact your…"), so accept either.
      (words[lead]?.pos === 'VERB' || words[lead]?.pos === 'PROPN' || words[lead]?.pos === 'NOUN') &&
      lower[lead + 1] !== undefined &&
      !/^(is|was|are|were|has|had|said|says)$/.test(lower[lead + 1]!),
    question: /\?/.test(outsideText),
    rhetoricalQuestion: /\?/.test(outsideText) && RHETORICAL_QUESTION.test(afterLead),
    exclamation: /!/.test(outsideText),
    // A headline in capitals throughout raises nothing, so the word must stand among lower-case ones.
    emphaticCaps: words.some(
      (t, i) =>
        EMPHASIS_WORDS.has(t.text) && [words[i - 1], words[i + 1]].some((n) => n && /[a-z]/.test(n.text)),
    ),
    scareQuotes: attribution ? 0 : scareQuotes,
    longQuotes,
    reportingVerb: lower.some((w) => REPORTING_VERBS.has(w)) || /\baccording to\b/i.test(outsideText),
    parenthetical: /\([^)]+\)/.test(trimmed),
    quotedShare: trimmed.length === 0 ? 0 : Math.min(1, quoted / trimmed.length),
    quoteFragment: fragment,
    genericPlural:
      proper === 0 &&
      /^(the\s+)?[a-z]+s\s+(are|will|can|cannot|never|always|do|don't|have|tend|want|need)\b/.test(start),
    copulaGeneric: GENERIC_NOUNS.test(outsideText),
    attribution,
    judgedSource,
  };
}
