import type { Attribution } from '../model.js';
import { NON_SPEAKERS, OUTLETS, REPORTING_VERBS, VAGUE_SPEAKERS } from './lexicon.js';
import { quoteSpans } from './sentences.js';

interface Token {
  text: string;
  start: number;
  end: number;
}

const TOKEN_RE = /[A-Za-z0-9À-ÿ][A-Za-z0-9À-ÿ.'’-]*|[,;:"“”‘()—–]/g;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    // A trailing period belongs to the sentence, not the word, unless the word is an acronym ("U.S.").
    let t = m[0];
    if (t.endsWith('.') && !/^([A-Za-z]\.)+$/.test(t)) t = t.replace(/\.+$/, '');
    out.push({ text: t, start: m.index, end: m.index + t.length });
  }
  return out;
}

const PRONOUNS = new Set(['he', 'she', 'they', 'i', 'we']);
/** Words allowed inside a multi-word name: "Ursula von der Leyen", "Secretary of State Marco Rubio". */
const NAME_CONNECTORS = new Set([
  'von',
  'der',
  'van',
  'de',
  'da',
  'di',
  'del',
  'la',
  'le',
  'al',
  'bin',
  'of',
  'the',
  'for',
  'and',
]);
/** Adverbs and auxiliaries that may sit between a speaker and the verb: "Witkoff later told", "has said". */
const BETWEEN = new Set([
  'later',
  'also',
  'then',
  'previously',
  'earlier',
  'again',
  'publicly',
  'privately',
  'repeatedly',
  'has',
  'had',
  'have',
  'reportedly',
  'separately',
  'recently',
  'once',
  'first',
  'only',
  'further',
  'subsequently',
  'ultimately',
  'explicitly',
  'bluntly',
  'flatly',
  'openly',
  'quickly',
  'would',
  'will',
  'did',
  'long',
]);
/** Titles and descriptors dropped from the front of a name so the speaker is the person or body. */
const TITLE_WORDS = new Set([
  'us',
  'u.s.',
  'uk',
  'u.k.',
  'eu',
  'president',
  'vice',
  'prime',
  'minister',
  'secretary',
  'of',
  'state',
  'the',
  'chancellor',
  'special',
  'envoy',
  'commission',
  'european',
  'ukrainian',
  'russian',
  'american',
  'german',
  'french',
  'italian',
  'finnish',
  'british',
  'chinese',
  'israeli',
  'general',
  'senator',
  'sen.',
  'rep.',
  'governor',
  'gov.',
  'mayor',
  'foreign',
  'defense',
  'defence',
  'chief',
  'kremlin',
  'spokesman',
  'spokeswoman',
  'spokesperson',
  'ambassador',
  'leader',
  'former',
  'then',
  'acting',
  'deputy',
  'white',
  'house',
  'press',
  'national',
  'security',
  'adviser',
  'advisor',
  'director',
  'ceo',
  'chairman',
  'chair',
  'speaker',
  'attorney',
  'finance',
  'treasury',
  'interior',
  'justice',
  'health',
  'trade',
  'commerce',
  'dr.',
  'mr.',
  'mrs.',
  'ms.',
  'prof.',
  'lt.',
  'gen.',
  'col.',
  'lawmaker',
  'congressman',
  'congresswoman',
  'ministry',
  'official',
]);
/** Nouns that head an unnamed but concrete source: "the envoy", "officials", "sources briefed on…". */
const ROLE_NOUNS = new Set([
  'official',
  'officials',
  'source',
  'sources',
  'envoy',
  'spokesman',
  'spokeswoman',
  'spokesperson',
  'ministry',
  'minister',
  'president',
  'police',
  'authorities',
  'government',
  'aide',
  'aides',
  'diplomat',
  'diplomats',
  'lawmakers',
  'residents',
  'witnesses',
  'researchers',
  'scientists',
  'study',
  'report',
  'survey',
  'statement',
  'company',
  'agency',
  'office',
  'department',
  'court',
  'judge',
  'prosecutors',
  'investigators',
  'military',
  'army',
  'commission',
  'committee',
  'leader',
  'leaders',
  'secretary',
  'chancellor',
  'kremlin',
  'white',
  'administration',
  'campaign',
  'spokespeople',
  'representative',
  'analysts',
  'experts',
  'critics',
  'observers',
  'supporters',
  'opponents',
  'others',
  'some',
  'many',
  'people',
  'mayor',
  'governor',
  'senator',
  'chairman',
  'chairwoman',
  'director',
  'manager',
  'executive',
  'executives',
  'coach',
  'regulator',
  'regulators',
  'union',
  'unions',
  'council',
  'board',
  'bank',
  'firm',
  'group',
  'organisers',
  'organizers',
  'party',
  'economists',
  'respondents',
  'data',
  'figures',
  'statistics',
  'estimates',
  'poll',
  'analysis',
  'documents',
  'records',
  'filings',
]);

/** Sources of evidence that "find" or "show" things: "a survey found", "the data show". */
const EVIDENCE_SOURCES =
  /\b(study|studies|survey|surveys|poll|polls|report|analysis|review|audit|census|data|figures|statistics|research|researchers|scientists|investigation|inquiry|estimates)\b/i;
const EVIDENCE_VERBS = new Set([
  'found',
  'finds',
  'find',
  'shows',
  'show',
  'showed',
  'suggests',
  'suggest',
  'suggested',
  'indicates',
  'indicate',
  'indicated',
  'concluded',
  'concludes',
  'estimated',
  'estimates',
]);

const OUTLET_SUFFIX = /\b(News|Times|Post|Press|Journal|Herald|Tribune|Gazette|TV|Radio|Telegraph|Daily)$/;

function isCapitalised(t: string): boolean {
  return /^[A-ZÀ-Þ]/.test(t);
}

function isQuoteToken(t: string): boolean {
  return t === '"' || t === '“' || t === '”' || t === '‘';
}

/** Prepositions whose object is never the subject of the verb after it: "opposition to NATO reveals". */
const NON_SUBJECT_PREPOSITIONS = new Set([
  'to',
  'towards',
  'toward',
  'against',
  'over',
  'about',
  'into',
  'than',
  'like',
]);

/**
 * A name governed by a preposition is the object of a phrase, not the speaker ("the reaction to Brussels
 * shows that"), unless the phrase modifies a source ("officials in Kyiv said").
 */
function objectOfPreposition(tokens: Token[], nameStart: number): boolean {
  const prep = tokens[nameStart - 1]?.text.toLowerCase() ?? '';
  if (!NON_SUBJECT_PREPOSITIONS.has(prep)) return false;
  const head = tokens[nameStart - 2]?.text.toLowerCase() ?? '';
  return !ROLE_NOUNS.has(head) && !VAGUE_SPEAKERS.has(head);
}

/** A preposition that puts a place, time or topic before the clause ("In Lisbon, …"), never a speaker. */
function isPreposition(word: string): boolean {
  return /^(in|on|at|from|after|before|during|with|by|for|to|over|about|against|than|of)$/i.test(word);
}

/** Multi-word name ending at token index `end` (inclusive), walking left. */
function nameEndingAt(tokens: Token[], end: number): [number, number] | undefined {
  let i = end;
  if (i < 0 || !isCapitalised(tokens[i]!.text)) return undefined;
  let start = i;
  while (i >= 0) {
    const t = tokens[i]!.text;
    if (isCapitalised(t)) start = i;
    else if (!NAME_CONNECTORS.has(t.toLowerCase())) break;
    i--;
  }
  // Never let the run begin with a lower-case connector ("of Ukraine"); "Von der Leyen" is fine.
  while (start <= end && NAME_CONNECTORS.has(tokens[start]!.text)) start++;
  if (start > end) return undefined;
  return [start, end];
}

function nameStartingAt(tokens: Token[], start: number): [number, number] | undefined {
  if (start >= tokens.length || !isCapitalised(tokens[start]!.text)) return undefined;
  let end = start;
  for (let i = start + 1; i < tokens.length; i++) {
    const t = tokens[i]!.text;
    if (isCapitalised(t)) end = i;
    else if (!NAME_CONNECTORS.has(t.toLowerCase())) break;
  }
  return [start, end];
}

/**
 * A lower-case source phrase ending at token `end`: "the envoy", "senior officials", "the Kerala government",
 * "critics"; undefined unless the word there names a source.
 */
function sourcePhraseEndingAt(tokens: Token[], end: number): [number, number] | undefined {
  const head = tokens[end]?.text.toLowerCase() ?? '';
  if (!ROLE_NOUNS.has(head) && !VAGUE_SPEAKERS.has(head)) return undefined;
  return [sourceStart(tokens, end), end];
}

/**
 * Where the source phrase whose head word is at `k` begins: over determiners, capitalised words and a
 * possessor, which belongs to the source ("the central bank's governor", "Microsoft's chief").
 */
function sourceStart(tokens: Token[], head: number): number {
  let k = head;
  while (k > 0) {
    const word = tokens[k - 1]!.text;
    const possessive = /['’]s$/.test(word);
    const possessor = /['’]s$/.test(tokens[k]!.text) && /^[a-z]+$/.test(word);
    if (
      /^(the|his|her|their|some|many|other|senior|top|chief|deputy|acting|former)$/i.test(word) ||
      (k - 1 > 0 && isCapitalised(word)) ||
      possessive ||
      possessor
    )
      k--;
    else break;
  }
  return k;
}

/** The name a couple of words on, past an article: "from the CDC" → "CDC". */
function sourceAfter(tokens: Token[], at: number): [number, number] | undefined {
  const k = /^(the|a|an)$/i.test(tokens[at]?.text ?? '') ? at + 1 : at;
  return nameStartingAt(tokens, k);
}

function textOf(sentence: string, tokens: Token[], [s, e]: [number, number]): string {
  return sentence.slice(tokens[s]!.start, tokens[e]!.end).replace(/[’']s$/, '');
}

/** "US special envoy Steve Witkoff" → "Steve Witkoff"; keeps at least one word. */
function stripTitles(name: string): string {
  // "the central bank's governor" describes its source: the article stays.
  if (/^the\s+\S+.*['’]s\s/i.test(name)) return name.replace(/^the\s+/i, 'the ');
  const parts = name.split(/\s+/);
  while (parts.length > 1 && TITLE_WORDS.has(parts[0]!.toLowerCase())) parts.shift();
  // Nothing but a title left ("The Ukrainian leader" → "leader"): keep the descriptive phrase instead.
  const last = parts[0]!.toLowerCase();
  if (parts.length === 1 && (TITLE_WORDS.has(last) || ROLE_NOUNS.has(last)))
    return name.replace(/^the\s+/i, 'the ');
  return parts.join(' ');
}

const OUTLET_RE = new RegExp(
  `\\b(?:told|to|on|with|in|from|by|according to)\\s+(?:(?:the|his|her|their|its)\\s+)?(${[...OUTLETS]
    .sort((x, y) => y.length - x.length)
    .map((o) => o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|')})(?![A-Za-z])`,
);

/** The outlet a statement was made to or on: "told CNN", "on State of the Union", "wrote on his Truth Social". */
function findOutlet(sentence: string, from: number): string | undefined {
  const rest = sentence.slice(from);
  const m = OUTLET_RE.exec(rest) ?? OUTLET_RE.exec(sentence);
  if (m) return m[1]!;
  // "told The Kyiv Independent": a capitalised name with a newsroom suffix right after "told".
  const t = /^\s*(?:told|to)\s+((?:The\s+)?(?:[A-Z][\w&.-]*\s+){0,3}[A-Z][\w&.-]*)/.exec(rest);
  if (t && OUTLET_SUFFIX.test(t[1]!)) return t[1]!;
  return undefined;
}

export interface AttributionMatch extends Attribution {
  /** True when the speaker is a named person, body or pronoun rather than "critics" or "some". */
  named: boolean;
  /** True when the speaker is a pronoun that needs the article context to resolve. */
  pronoun: boolean;
}

function classifySpeaker(speaker: string): { named: boolean; pronoun: boolean } {
  const lower = speaker.toLowerCase();
  if (PRONOUNS.has(lower)) return { named: true, pronoun: true };
  const head = lower.split(/\s+/).filter((w) => w !== 'the' && w !== 'his' && w !== 'her' && w !== 'their');
  if (
    head.length > 0 &&
    head.every((w) => VAGUE_SPEAKERS.has(w) || ['some', 'many', 'other', 'most'].includes(w))
  ) {
    return { named: false, pronoun: false };
  }
  // Whole camps ("Leftists", "Democrats", "Conservatives") speak for nobody in particular; "Officials" do.
  if (/^[A-Z][a-z]+(ists|ives|als|ans|ites|crats)$/.test(speaker) && !ROLE_NOUNS.has(lower))
    return { named: false, pronoun: false };
  if (
    head.length >= 1 &&
    VAGUE_SPEAKERS.has(head[head.length - 1]!) &&
    !/[A-Z]/.test(speaker.replace(/^\w/, ''))
  )
    return { named: false, pronoun: false };
  return { named: true, pronoun: false };
}

/**
 * Finds who said what in a sentence: a reporting verb outside quotations with its speaker, either before it
 * ("Witkoff told CNN", "he said"), after it ('…," said Rubio'), or "according to X". Returns undefined when
 * the sentence carries no attribution.
 */
export function extractAttribution(sentence: string): AttributionMatch | undefined {
  const tokens = tokenize(sentence);
  const spans = quoteSpans(sentence);
  const inQuote = (pos: number) => spans.some(([s, e]) => pos > s && pos < e);

  const make = (speaker: string, verb: string, verbEnd: number): AttributionMatch | undefined => {
    // A sentence-initial connective is not part of the name: "Although Putin claimed".
    const clean = stripTitles(
      speaker
        .trim()
        .split(/\s+/)
        .filter(
          (w, idx, all) =>
            !(idx === 0 && all.length > 1 && NON_SPEAKERS.has(w)) ||
            // "The bank's governor": the article stays with a described source.
            (/^the$/i.test(w) && /['’]s$/.test(all[1] ?? '')),
        )
        .join(' '),
    );
    if (!clean || NON_SPEAKERS.has(clean)) return undefined;
    const kind = classifySpeaker(clean);
    const outlet = findOutlet(sentence, verbEnd);
    const result: AttributionMatch = { speaker: clean, verb, ...kind };
    if (outlet && outlet.toLowerCase() !== clean.toLowerCase()) result.outlet = outlet;
    return result;
  };

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const lower = tok.text.toLowerCase();

    // "A 2018 study found", "the data show": the evidence is the source. Within a few words of its noun, so
    // that "the report, which was long, found" still counts but a distant noun does not.
    if (EVIDENCE_VERBS.has(lower) && !inQuote(tok.start)) {
      for (let k = i - 1; k >= Math.max(0, i - 5); k--) {
        if (tokens[k]!.text === ',' || tokens[k]!.text === ';') break;
        if (EVIDENCE_SOURCES.test(tokens[k]!.text)) {
          const r = make(tokens[k]!.text, tok.text, tok.end);
          if (r) return r;
        }
      }
    }

    if (lower === 'according' && tokens[i + 1]?.text.toLowerCase() === 'to' && !inQuote(tok.start)) {
      const name = nameStartingAt(tokens, i + 2);
      if (name) {
        const r = make(textOf(sentence, tokens, name), 'according to', tokens[name[1]]!.end);
        if (r) return r;
      }
      // "according to the envoy", "according to officials", "according to new data from the CDC",
      // "according to cov-lineages.org": the first name, source noun or web address within the phrase.
      for (let k = i + 2; k < Math.min(tokens.length, i + 9); k++) {
        const w = tokens[k]!.text;
        if (/^[,;:()—–"“”]$/.test(w)) break;
        const name = isCapitalised(w) && !NON_SPEAKERS.has(w) ? nameStartingAt(tokens, k) : undefined;
        if (name) {
          const r = make(textOf(sentence, tokens, name), 'according to', tokens[name[1]]!.end);
          if (r) return r;
        }
        if (ROLE_NOUNS.has(w.toLowerCase()) || /\.(org|com|gov|net)$/i.test(w)) {
          // "data from the CDC": the body the data came from is the source.
          const from = /^(from|by)$/.test(tokens[k + 1]?.text ?? '') ? sourceAfter(tokens, k + 2) : undefined;
          const r = from
            ? make(textOf(sentence, tokens, from), 'according to', tokens[from[1]]!.end)
            : make(sentence.slice(tokens[i + 2]!.start, tokens[k]!.end), 'according to', tokens[k]!.end);
          if (r) return r;
        }
      }
      continue;
    }

    if (!REPORTING_VERBS.has(lower) || inQuote(tok.start)) continue;
    // "want to say", "we'll be told": infinitives and passives report nobody. After a determiner the word is a
    // noun: "commuters, who have no say", "the report", "a claim".
    const prevLower = tokens[i - 1]?.text.toLowerCase() ?? '';
    if (/^(to|be|been|being|is|are|was|were|get|got)$/.test(prevLower)) continue;
    if (/^(a|an|the|no|any|every|each|this|these|those|his|her|their|its|our|my|your|final)$/.test(prevLower))
      continue;

    // Speaker before the verb, skipping adverbs/auxiliaries and an appositive comma.
    let j = i - 1;
    while (j >= 0 && BETWEEN.has(tokens[j]!.text.toLowerCase())) j--;
    if (j >= 0 && tokens[j]!.text === ',' && j > 0 && isCapitalised(tokens[j - 1]!.text)) j--;
    // "… Steve Witkoff, who revealed that …": the relative pronoun points back at the name.
    if (j >= 1 && tokens[j]!.text.toLowerCase() === 'who' && tokens[j - 1]!.text === ',') j -= 2;
    if (j >= 0) {
      const prev = tokens[j]!.text;
      if (PRONOUNS.has(prev.toLowerCase())) {
        const r = make(prev, tok.text, tok.end);
        if (r) return r;
      }
      const titled = nameEndingAt(tokens, j);
      // "the tech giant's CEO": a title owned by someone is a source phrase, not a name of its own.
      const name: [number, number] | undefined =
        titled && /['’]s$/.test(tokens[titled[0] - 1]?.text ?? '')
          ? [sourceStart(tokens, titled[0]), titled[1]]
          : titled;
      if (
        name &&
        !(name[0] === 0 && name[1] === 0 && NON_SPEAKERS.has(tokens[0]!.text)) &&
        !objectOfPreposition(tokens, name[0])
      ) {
        const r = make(textOf(sentence, tokens, name), tok.text, tok.end);
        if (r) return r;
      }
      const phrase = sourcePhraseEndingAt(tokens, j);
      if (phrase) {
        const r = make(textOf(sentence, tokens, phrase), tok.text, tok.end);
        if (r) return r;
      }
      // "The Kerala government, in its defence, said …": a short aside between the subject and the verb.
      if (prev === ',') {
        let k = j - 1;
        while (k > 0 && j - k <= 8 && !/^[,;:()—–"“”.]$/.test(tokens[k]!.text)) k--;
        if (k > 0 && k < j - 1 && tokens[k]!.text === ',') {
          const subject = nameEndingAt(tokens, k - 1) ?? sourcePhraseEndingAt(tokens, k - 1);
          // "In Lisbon, on Monday, said …": a place or time opening the sentence is no subject.
          // The name run may have swallowed a capitalised opening preposition ("In Lisbon").
          const governed =
            subject !== undefined &&
            (isPreposition(tokens[subject[0]]!.text) || isPreposition(tokens[subject[0] - 1]?.text ?? ''));
          if (subject && !governed && !objectOfPreposition(tokens, subject[0])) {
            const r = make(textOf(sentence, tokens, subject), tok.text, tok.end);
            if (r) return r;
          }
        }
      }
    }

    // Inverted: '…," said Rubio' or '…," said the minister'.
    const before = tokens[i - 1]?.text ?? '';
    // "told" is followed by its audience, never by the speaker.
    if (
      (before === ',' || isQuoteToken(before) || before === '”') &&
      !/^tel/.test(lower) &&
      lower !== 'told'
    ) {
      // Lower-case descriptors may come first: "said state party chairman Steve Pearce", "says the minister".
      let k = i + 1;
      while (
        k < Math.min(tokens.length, i + 5) &&
        /^[a-z]/.test(tokens[k]!.text) &&
        !/^(on|in|at|to|during|after|before|with|from|by|for|when|while|that|as)$/.test(tokens[k]!.text)
      )
        k++;
      const name = nameStartingAt(tokens, k);
      const role = tokens[k - 1]?.text ?? '';
      const r =
        name !== undefined
          ? make(textOf(sentence, tokens, name), tok.text, tokens[name[1]]!.end)
          : k > i + 1 && ROLE_NOUNS.has(role)
            ? make(sentence.slice(tokens[i + 1]!.start, tokens[k - 1]!.end), tok.text, tokens[k - 1]!.end)
            : undefined;
      if (r) return r;
    }

    // Subject at the start of the sentence, before a relative clause or participle phrase:
    // "Secretary of State Marco Rubio, who also attended the talks, said …", "Sources briefed on X told Reuters".
    const firstComma = tokens.findIndex((t) => t.text === ',');
    const subjectEnd = firstComma > 0 && firstComma < i ? firstComma - 1 : i - 1;
    if (subjectEnd >= 0 && subjectEnd <= 7) {
      const lead = nameStartingAt(tokens, 0);
      if (
        lead &&
        !NON_SPEAKERS.has(tokens[0]!.text) &&
        !isPreposition(tokens[0]!.text) &&
        tokens[lead[1] + 1]?.text === ','
      ) {
        const r = make(textOf(sentence, tokens, lead), tok.text, tok.end);
        if (r) return r;
      }
      if (ROLE_NOUNS.has(tokens[0]!.text.toLowerCase()) && firstComma < 0) {
        const r = make(sentence.slice(0, tokens[i - 1]!.end), tok.text, tok.end);
        if (r) return r;
      }
    }
  }
  return undefined;
}
