import type { Attribution } from '../model.js';
import { NON_SPEAKERS, OUTLETS, REPORTING_VERBS, VAGUE_SPEAKERS } from './lexicon.js';
import { quoteSpans } from './sentences.js';

interface Token {
  text: string;
  start: number;
  end: number;
}

const TOKEN_RE = /[A-Za-z0-9À-ÿ][A-Za-z0-9À-ÿ.'’-]*|[,;:"“”‘()[\]—–]/g;

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
  'exchequer',
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
  'adviser',
  'advisers',
  'advisor',
  'advisors',
  'lawyer',
  'lawyers',
  'attorney',
  'attorneys',
  'relatives',
  'columnist',
  'secretary-general',
  'firefighters',
  'rescuers',
  'paramedics',
  'official',
  'officials',
  'ambassador',
  'diplomat',
  'member',
  'members',
  'father',
  'mother',
  'sheriff',
  'head',
  'boss',
  'chief',
  'inspector',
  'students',
  'deputies',
  'family',
  'rebels',
  'militants',
  'forces',
  'media',
  'tv',
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
  'eyewitnesses',
  'officer',
  'officers',
  'doctors',
  'service',
  'parliament',
  'broadcaster',
  'newspaper',
  'hospital',
  'charity',
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
  /\b(study|studies|survey|surveys|poll|polls|report|analysis|review|audit|census|data|figures|statistics|research|researchers|scientists|investigation|inquiry|estimates|polling|index)\b/i;
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

/** Words between a preposition and its object: "to the US", "by its rivals". */
const DETERMINERS = /^(the|a|an|its|his|her|their|this|that|neighbou?ring)$/i;

/**
 * A phrase governed by a preposition is the object of that phrase, not the speaker ("kidnapped by Hamas
 * said", "the reaction to Brussels shows"). When the preposition hangs on a source noun, the speaker is that
 * noun with its complement ("Israel's ambassador to the US", "police in Rio"); otherwise there is none (null).
 * A phrase no preposition governs comes back as it was.
 */
function ungoverned(tokens: Token[], span: [number, number]): [number, number] | null {
  let p = span[0] - 1;
  while (p >= 0 && DETERMINERS.test(tokens[p]!.text)) p--;
  if (p < 0 || !isPreposition(tokens[p]!.text)) return span;
  const head = tokens[p - 1]?.text.toLowerCase() ?? '';
  if (!/^(of|to|for|in|at|from|by|behind)$/i.test(tokens[p]!.text) || TIME.test(tokens[span[1]]!.text))
    return null;
  if (!ROLE_NOUNS.has(head) && !VAGUE_SPEAKERS.has(head) && !EVIDENCE_SOURCES.test(head)) return null;
  return [sourceStart(tokens, p - 1), span[1]];
}

/** Words after a name that end its part of the phrase, rather than being the noun it modifies. */
const PHRASE_END =
  /^(on|in|at|to|of|for|from|by|with|who|which|that|and|or|as|when|while|after|before|during|than|is|was|were|are|has|had|have|will|would|could|said|says|told|published|released|filed|cited|seen|obtained|last|this|earlier|itself|himself|herself|themselves)$/;

/**
 * "according to Israeli officials", "a senior Maldivian official": a name followed by a noun only modifies
 * the source, which runs to its noun; null when that noun names no source ("a New York magazine article").
 */
function modifiedSource(tokens: Token[], from: number, name: [number, number]): [number, number] | null {
  const next = tokens[name[1] + 1]?.text ?? '';
  if (!/^[a-z0-9]/.test(next) || PHRASE_END.test(next)) return name;
  for (let m = name[1] + 1; m <= name[1] + 3 && m < tokens.length; m++) {
    const w = tokens[m]!.text;
    if (/^[,;:()—–"“”]$/.test(w) || PHRASE_END.test(w)) break;
    if (ROLE_NOUNS.has(w.toLowerCase()) || EVIDENCE_SOURCES.test(w)) {
      while (ROLE_NOUNS.has(tokens[m + 1]?.text.toLowerCase() ?? '')) m++;
      let s = name[0];
      while (s > from && /^[a-z]/.test(tokens[s - 1]!.text) && !isPreposition(tokens[s - 1]!.text)) s--;
      return [s, m];
    }
  }
  return null;
}

const TIME =
  /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight|morning|afternoon|evening|night|week|january|february|march|april|may|june|july|august|september|october|november|december)$/i;

/** A clause opened by one of these is subordinate, so its verb does not report the sentence: "although he denied". */
const SUBORDINATORS =
  /^(although|though|which|whom|after|as|when|while|because|since|before|until|if|unless|whereas|that)$/;

/** A preposition that puts a place, time or topic before the clause ("In Lisbon, …"), never a speaker. */
function isPreposition(word: string): boolean {
  return /^(in|on|at|from|after|before|during|with|by|for|to|over|about|against|than|of|into|towards?|like|between|near|under|behind)$/i.test(
    word,
  );
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
  if (ROLE_NOUNS.has(head) || VAGUE_SPEAKERS.has(head)) return [sourceStart(tokens, end), end];
  if (!/^[a-z][a-z-]*$/.test(tokens[end]?.text ?? '')) return undefined;
  // "the ministry of health", "members of the public": a source noun with a lower-case complement ("some of
  // their stories" is no source).
  for (let k = end - 1; k >= Math.max(1, end - 3); k--) {
    const word = tokens[k]!.text;
    if (!/^[a-z][a-z-]*$/.test(word)) return undefined;
    const noun = tokens[k - 1]!.text.toLowerCase();
    if ((word === 'of' || word === 'for') && ROLE_NOUNS.has(noun) && !VAGUE_SPEAKERS.has(noun))
      return [sourceStart(tokens, k - 1), end];
    // "people familiar with the matter", "a source familiar with the talks": sourcing without a name.
    const holder = tokens[k - 2]?.text.toLowerCase() ?? '';
    if (word === 'with' && noun === 'familiar' && ROLE_NOUNS.has(holder))
      return [sourceStart(tokens, k - 2), end];
  }
  return undefined;
}

/** Past forms of reporting verbs that end in neither "-s" nor "-ed". */
const IRREGULAR_PAST = new Set(['said', 'told', 'wrote']);

/** Reporting verbs in "-s" that are as often plural nouns: "claims", "reports". */
const PLURAL_NOUNS = new Set(['claims', 'reports', 'notes', 'estimates']);

/** Words that end no subject: "the woman who posted", "the outbreak was first reported", "has not announced". */
const NOT_A_SUBJECT = /^(who|which|that|whom|whose|is|are|was|were|be|been|being|not|never|also)$/;

/**
 * The verb at `i` is a participle describing what comes before, not a report, when a passive agent or the
 * clause's own verb follows: "the deal announced Tuesday by both sides", "the delay announced on Thursday is".
 */
function isParticiple(tokens: Token[], i: number): boolean {
  let k = i + 1;
  while (
    k < tokens.length &&
    (TIME.test(tokens[k]!.text) || /^(on|last|this|late|early)$/i.test(tokens[k]!.text))
  )
    k++;
  return /^(by|is|are|was|were|has|have|had)$/.test(tokens[k]?.text ?? '');
}

/**
 * "The utility said", "…, the club said on Friday": a subject described by a common noun after "the", which
 * opens the sentence (past a dateline) or follows a comma, so that it is the subject of the reporting clause.
 */
function describedSubjectEndingAt(tokens: Token[], end: number): [number, number] | undefined {
  const head = tokens[end]?.text ?? '';
  if (
    !/^[a-z][a-z-]+$/.test(head) ||
    BETWEEN.has(head) ||
    isPreposition(head) ||
    PRONOUNS.has(head) ||
    NOT_A_SUBJECT.test(head)
  )
    return undefined;
  for (let k = end - 1; k >= Math.max(0, end - 3); k--) {
    const word = tokens[k]!.text;
    if (/^the$/i.test(word)) {
      const before = tokens[k - 1]?.text ?? '';
      // '"We will appeal," the club said': a quotation closed on its comma ends the words said.
      const quoted = isQuoteToken(before) && tokens[k - 2]?.text === ',';
      return k === 0 || before === ',' || before === ':' || quoted ? [k + 1, end] : undefined;
    }
    if (!/^[a-z][a-z-]+$/.test(word) || isPreposition(word) || SUBORDINATORS.test(word)) return undefined;
  }
  return undefined;
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
    const possessor =
      /['’]s$/.test(tokens[k]!.text) && /^[a-z]+$/.test(word) && !/^(and|or|but|nor)$/.test(word);
    if (
      /^(the|his|her|their|some|many|other|senior|top|chief|deputy|acting|former|prime)$/i.test(word) ||
      // "the shadow chancellor", "the tax agency", "a base spokesman": a lower-case word between an article and
      // the source names which one; without it "the shadow chancellor" would read as the chancellor.
      (describes(tokens, k - 1) && !SOURCE_DETERMINER.test(tokens[k]!.text)) ||
      // "New York City's mayor": a capitalised first word belongs to the name unless it opens the sentence.
      (isCapitalised(word) && !NON_SPEAKERS.has(word)) ||
      // "Israeli and US officials": two capitalised modifiers joined by "and" name one source.
      (word === 'and' &&
        isCapitalised(tokens[k]!.text) &&
        isCapitalised(tokens[k - 2]?.text ?? '') &&
        !NON_SPEAKERS.has(tokens[k - 2]!.text) &&
        !isPreposition(tokens[k - 3]?.text ?? '')) ||
      possessive ||
      possessor
    )
      k--;
    else break;
  }
  return k;
}

/** Titles that may open a described source in place of an article. */
const OPENING_TITLE = /^(chief|deputy|acting|former|senior|top)$/i;

/** Articles and possessives that open a described source: "the tax agency", "its press office". */
const SOURCE_DETERMINER = /^(the|a|an|his|her|their|its)$/i;

/**
 * Whether the lower-case word at `at` describes the source noun after it: one or two such words right after an
 * article or possessive ("the shadow chancellor", "a league spokesman", "the state election commission",
 * "the film's production company").
 */
function describes(tokens: Token[], at: number): boolean {
  const word = tokens[at]!.text;
  if (!/^[a-z][a-z-]+$/.test(word) || isPreposition(word) || SOURCE_DETERMINER.test(word)) return false;
  const before = tokens[at - 1]?.text ?? '';
  // "the film's production company": a possessor opens the description as an article does, and so does a
  // title: "Chief scientific adviser says", "former medical adviser".
  if (SOURCE_DETERMINER.test(before) || /^[a-z]+['’]s$/i.test(before) || OPENING_TITLE.test(before))
    return true;
  // "the Palestinian ambulance service": a capitalised word after the article may come first.
  const opener = tokens[at - 2]?.text ?? '';
  if (isCapitalised(before) && SOURCE_DETERMINER.test(opener)) return true;
  // "England's chief medical officer": two words after a possessor as well.
  return (
    /^[a-z][a-z-]+$/.test(before) &&
    !isPreposition(before) &&
    (SOURCE_DETERMINER.test(opener) || /['’]s$/.test(opener))
  );
}

/** The name a couple of words on, past an article: "from the CDC" → "CDC". */
function sourceAfter(tokens: Token[], at: number): [number, number] | undefined {
  const k = /^(the|a|an)$/i.test(tokens[at]?.text ?? '') ? at + 1 : at;
  return nameStartingAt(tokens, k);
}

function textOf(sentence: string, tokens: Token[], [s, e]: [number, number]): string {
  return sentence.slice(tokens[s]!.start, tokens[e]!.end).replace(/[’']s$/, '');
}

const ORGANISATION =
  /\b(Association|Trust|Party|Committee|Council|Agency|Department|Ministry|Office|Service|Union|Bank|Fund|Institute|Foundation|Commission|Authority|Organi[sz]ation|Government|Court|Programme|Forces)$/;

/** "US special envoy Steve Witkoff" → "Steve Witkoff"; keeps at least one word. */
function stripTitles(name: string): string {
  // "the central bank's governor" describes its source: the article stays.
  if (/^the\s+\S+.*['’]s\s/i.test(name)) return name.replace(/^the\s+/i, 'the ');
  // "British prime minister’s spokesperson": the words before a possessive name its owner, not a title.
  if (/['’]s\s/.test(name)) return name;
  const words = name.split(/\s+/);
  const parts = words.slice();
  // "National Trust", "European Commission": an organisation's name keeps its first words.
  if (ORGANISATION.test(name)) return name.replace(/^the\s+/i, '');
  // "Israeli and US officials": a title joined to the next word by "and" is part of the source.
  while (parts.length > 1 && TITLE_WORDS.has(parts[0]!.toLowerCase()) && parts[1] !== 'and') parts.shift();
  // "Spokesperson for …": stripping the title would leave a preposition leading the speaker.
  if (isPreposition(parts[0]!)) return name;
  // Nothing but a title left ("The Ukrainian leader" → "leader"): keep the descriptive phrase instead.
  const last = parts[0]!.toLowerCase();
  if (parts.length === 1 && (TITLE_WORDS.has(last) || ROLE_NOUNS.has(last)))
    return name.replace(/^the\s+/i, 'the ');
  // "Chief scientific adviser", "the former chief scientific adviser": no name follows the opening title, so
  // the whole description is the speaker.
  if (
    OPENING_TITLE.test(/^the$/i.test(words[0]!) ? (words[1] ?? '') : words[0]!) &&
    !parts.some((w) => isCapitalised(w)) &&
    ROLE_NOUNS.has(parts.at(-1)!.toLowerCase())
  )
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

/**
 * Whether `speaker` is an epithet: "the pair", "the utility", "the pop star", a description that stands for
 * someone the article names elsewhere rather than a source of its own (as "the ministry" or "officials" are).
 */
export function isEpithet(speaker: string): boolean {
  const m = /^the((?:\s+[a-z][a-z-]*){1,3})$/.exec(speaker);
  if (!m) return false;
  const head = m[1]!.trim().split(/\s+/).at(-1)!;
  return !ROLE_NOUNS.has(head) && !VAGUE_SPEAKERS.has(head) && !EVIDENCE_SOURCES.test(head);
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
 * The name opening the sentence that a description starting at `start` stands beside, set off by a comma:
 * "Ismail Haniyeh, the most senior political leader of Hamas, has said" speaks as Haniyeh.
 */
function appositiveName(tokens: Token[], start: number): [number, number] | undefined {
  const at = /^the$/i.test(tokens[start]!.text) ? start : start - 1;
  if (tokens[at - 1]?.text !== ',' || NON_SPEAKERS.has(tokens[0]!.text) || isPreposition(tokens[0]!.text))
    return undefined;
  const lead = nameStartingAt(tokens, 0);
  return lead && lead[1] === at - 2 ? lead : undefined;
}

/** Pronouns that open a relative clause about a person or thing. */
const RELATIVE_PRONOUN = /^(who|whom|whose|which)$/i;

/**
 * The name a relative clause starting at `at` gives, when that is all it says: "whose legal name is Belcalis
 * Almánzar," or "whose real name is …," closed by a comma.
 */
function namedInClause(tokens: Token[], at: number): [number, number] | undefined {
  let k = at;
  if (!/^whose$/i.test(tokens[k++]?.text ?? '')) return undefined;
  if (/^(legal|real|full|birth|given|official)$/i.test(tokens[k]?.text ?? '')) k++;
  if (!/^name$/i.test(tokens[k++]?.text ?? '') || !/^is$/i.test(tokens[k++]?.text ?? '')) return undefined;
  const name = nameStartingAt(tokens, k);
  return name && tokens[name[1] + 1]?.text === ',' ? name : undefined;
}

/** True when the words ending at `end` follow a relative pronoun within the same comma-delimited stretch. */
function inRelativeClause(tokens: Token[], end: number): boolean {
  for (let k = end; k >= 0; k--) {
    const word = tokens[k]!.text;
    if (word === ',' || word === ';') return false;
    if (RELATIVE_PRONOUN.test(word) && k < end) return true;
  }
  return false;
}

/**
 * True when the answer at `i` is given in words: quoted words, a colon, "that" or "saying" right after it, quoted
 * words before it, or a later ", saying …" or ", asking …".
 */
function wordsBeside(tokens: Token[], i: number, spans: [number, number][]): boolean {
  const next = tokens[i + 1];
  if (next && /^(:|that|saying)$/i.test(next.text)) return true;
  // "replied to a post on Wednesday, saying it was true": the words follow the answer's object.
  for (let k = i + 2; k < tokens.length - 1; k++) {
    if (tokens[k]!.text !== ',') continue;
    if (/^(saying|asking|adding|writing|insisting|arguing)$/i.test(tokens[k + 1]!.text)) return true;
  }
  const verb = tokens[i]!;
  return spans.some(([s, e]) => e <= verb.start || (s >= verb.end && s - verb.end <= 3));
}

/** "told a different story", "told the same tale": the verb's object is a story, not an audience. */
function toldStory(tokens: Token[], i: number): boolean {
  for (let k = i + 1; k <= i + 4 && k < tokens.length; k++) {
    const word = tokens[k]!.text.toLowerCase();
    if (/^(story|stories|tale|tales)$/.test(word)) return true;
    if (k === i + 1 ? !/^(a|an|the|his|her|their|its|this|that)$/.test(word) : !/^[a-z]+$/.test(word))
      return false;
  }
  return false;
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

  const make = (
    speaker: string,
    verb: string,
    verbEnd: number,
    phrase = false,
  ): AttributionMatch | undefined => {
    // A sentence-initial connective is not part of the name: "Although Putin claimed".
    // A noun with its complement ("the governor of New York") is a description: no title comes off it.
    const clean = (phrase ? (n: string) => n : stripTitles)(
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
    if (!clean || NON_SPEAKERS.has(clean) || isPreposition(clean.split(/\s/)[0]!)) return undefined;
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
      const first = nameStartingAt(tokens, i + 2);
      const name = first && modifiedSource(tokens, i + 2, first);
      if (name) {
        const r = make(textOf(sentence, tokens, name), 'according to', tokens[name[1]]!.end, name !== first);
        if (r) return r;
      }
      // "according to the envoy", "according to officials", "according to new data from the CDC",
      // "according to cov-lineages.org": the first name, source noun or web address within the phrase.
      for (let k = i + 2; k < Math.min(tokens.length, i + 9); k++) {
        const w = tokens[k]!.text;
        if (/^[,;:()—–"“”]$/.test(w)) break;
        const found = isCapitalised(w) && !NON_SPEAKERS.has(w) ? nameStartingAt(tokens, k) : undefined;
        // "a truce between Israel and Hamas": a name deeper in the phrase is a source only after "of", "from", "by".
        let p = k - 1;
        while (p > i + 1 && DETERMINERS.test(tokens[p]!.text)) p--;
        const deep = p > i + 1 && isPreposition(tokens[p]!.text) && !/^(of|from|by)$/i.test(tokens[p]!.text);
        const name = found && !deep ? modifiedSource(tokens, i + 2, found) : undefined;
        if (name) {
          const r = make(
            textOf(sentence, tokens, name),
            'according to',
            tokens[name[1]]!.end,
            name !== found,
          );
          if (r) return r;
        }
        if (found) k = found[1];
        else if (
          ROLE_NOUNS.has(w.toLowerCase()) ||
          EVIDENCE_SOURCES.test(w) ||
          /\.(org|com|gov|net)$/i.test(w)
        ) {
          const after = tokens[k + 1]?.text ?? '';
          // "the first police investigation": the last of a run of source nouns heads it.
          if (ROLE_NOUNS.has(after.toLowerCase()) || EVIDENCE_SOURCES.test(after)) continue;
          // "according to spokesman John Kirby", "the charity Carers UK": the name after the role is the source.
          // After "a" the words run on into another sentence ("according to a survey Read Full Article").
          if (isCapitalised(after) && !NON_SPEAKERS.has(after) && !/^an?$/i.test(tokens[i + 2]!.text))
            continue;
          // "data from the CDC": the body the data came from is the source; "officials in Kyiv", "a member of
          // the party": the noun keeps its complement.
          const object = /^(from|by|of|for|in|at)$/.test(after) ? sourceAfter(tokens, k + 2) : undefined;
          const r = !object
            ? make(sentence.slice(tokens[i + 2]!.start, tokens[k]!.end), 'according to', tokens[k]!.end)
            : /^(from|by)$/.test(after)
              ? make(textOf(sentence, tokens, object), 'according to', tokens[object[1]]!.end)
              : make(
                  textOf(sentence, tokens, [i + 2, object[1]]),
                  'according to',
                  tokens[object[1]]!.end,
                  true,
                );
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
    // "a district attorney accused of bias": a participle describing the noun, not a report.
    if (lower === 'accused' && tokens[i + 1]?.text.toLowerCase() === 'of') continue;
    if (/^(a|an|the|no|any|every|each|this|these|those|his|her|their|its|our|my|your|final)$/.test(prevLower))
      continue;
    // "Police responded to a disturbance", "Canada responded by closing consulates": an answer is reported
    // speech only with its words beside it ('…," she replied', 'he responded: "…"', "replied that …").
    if ((lower === 'responded' || lower === 'replied') && !wordsBeside(tokens, i, spans)) continue;
    // "the players told a different story": a story told is no statement reported.
    if (lower === 'told' && toldStory(tokens, i)) continue;

    // Speaker before the verb, skipping adverbs/auxiliaries and an appositive comma.
    let j = i - 1;
    // "OpenAI on Tuesday said", "the board on Friday morning announced": a time phrase is skipped as well.
    while (j >= 0 && (BETWEEN.has(tokens[j]!.text.toLowerCase()) || TIME.test(tokens[j]!.text))) {
      j--;
      if (TIME.test(tokens[j + 1]!.text) && /^(on|in|last|this|late|early)$/i.test(tokens[j]?.text ?? ''))
        j--;
    }
    // "the World Health Organisation (WHO) has said": the abbreviation in brackets follows the name.
    if (
      j >= 3 &&
      tokens[j]!.text === ')' &&
      tokens[j - 2]!.text === '(' &&
      isCapitalised(tokens[j - 1]!.text)
    )
      j -= 3;
    // A comma right before the verb may close a relative clause: "McLean, who advised Boris Johnson, said".
    const afterComma = j >= 0 && tokens[j]!.text === ',';
    if (afterComma && j > 0 && isCapitalised(tokens[j - 1]!.text)) j--;
    // "… Steve Witkoff, who revealed that …": the relative pronoun points back at the name.
    if (j >= 1 && tokens[j]!.text.toLowerCase() === 'who' && tokens[j - 1]!.text === ',') j -= 2;
    if (j >= 0) {
      const prev = tokens[j]!.text;
      if (PRONOUNS.has(prev.toLowerCase())) {
        // "…, although he has denied it": a pronoun in a subordinate clause does not report the sentence.
        if (SUBORDINATORS.test(tokens[j - 1]?.text ?? '')) continue;
        const r = make(prev, tok.text, tok.end);
        if (r) return r;
      }
      const titled = nameEndingAt(tokens, j);
      // "the tech giant's CEO": a title owned by someone is a source phrase, not a name of its own.
      const owned: [number, number] | undefined =
        titled && /['’]s$/.test(tokens[titled[0] - 1]?.text ?? '')
          ? [sourceStart(tokens, titled[0]), titled[1]]
          : titled;
      // "McLean, who at the time advised Boris Johnson, said": words inside a closed relative clause are not the
      // verb's subject. In "which the White House says" the clause holds the verb, and its subject speaks.
      const relative = afterComma && inRelativeClause(tokens, j);
      // A description set off by commas after the name that opens the sentence speaks as that name: "Andy
      // Beshear, the governor of Kentucky, has declared".
      const credit = (span: [number, number], phrase: boolean, description: boolean) => {
        const lead = description && afterComma ? appositiveName(tokens, span[0]) : undefined;
        return lead
          ? make(textOf(sentence, tokens, lead), tok.text, tok.end)
          : make(textOf(sentence, tokens, span), tok.text, tok.end, phrase);
      };
      const name = owned && !relative && ungoverned(tokens, owned);
      if (
        name &&
        !(name[0] === 0 && name[1] === 0 && NON_SPEAKERS.has(tokens[0]!.text)) &&
        // "…, which Canada accused": the subject of a relative clause.
        !/^(which|whom|that)$/.test(tokens[name[0] - 1]?.text ?? '')
      ) {
        // Only a description widened from the name may stand beside another name.
        const r = credit(name, name !== owned, name !== owned);
        if (r) return r;
      }
      const found = relative ? undefined : sourcePhraseEndingAt(tokens, j);
      // A source noun ending the same governed run is governed too: "at the UN Relief and Works Agency".
      const phrase = found && (name || !owned) ? ungoverned(tokens, found) : undefined;
      if (phrase && !/^(which|whom|that)$/.test(tokens[phrase[0] - 1]?.text ?? '')) {
        const r = credit(phrase, phrase !== found, true);
        if (r) return r;
      }
      // Only a finite verb ("said", "confirms") has a described subject: "the annual report" is a noun phrase.
      // "The investigation follows claims of abuse": a plural noun that is also a reporting verb stays a noun.
      const finite = (/(s|ed)$/.test(lower) && !PLURAL_NOUNS.has(lower)) || IRREGULAR_PAST.has(lower);
      const described =
        !owned && !found && !relative && finite && !isParticiple(tokens, i)
          ? describedSubjectEndingAt(tokens, j)
          : undefined;
      if (described) {
        const r = make(`the ${textOf(sentence, tokens, described)}`, tok.text, tok.end, true);
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
          const free = subject && !governed ? ungoverned(tokens, subject) : null;
          if (free) {
            const r = make(textOf(sentence, tokens, free), tok.text, tok.end, free !== subject);
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
      let name = nameStartingAt(tokens, k);
      // "says former Gunners goalkeeper Ann Lee": the later name; "says Custer county sheriff": the role it
      // heads; "alleges Combs attacked her": the subject of a clause, no speaker.
      let m = (name?.[1] ?? tokens.length) + 1;
      while (
        name &&
        m <= name[1] + 2 &&
        /^[a-z]/.test(tokens[m]?.text ?? '') &&
        !PHRASE_END.test(tokens[m]!.text)
      )
        m++;
      if (name && m > name[1] + 1)
        name =
          nameStartingAt(tokens, m) ??
          (ROLE_NOUNS.has(tokens[m - 1]!.text)
            ? [name[0], m - 1]
            : /(ed|s)$/.test(tokens[name[1] + 1]!.text)
              ? undefined
              : name);
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
        // "Last Wednesday, Musk replied to a post which accused …": an opening time is no subject.
        !TIME.test(tokens[lead[1]]!.text) &&
        tokens[lead[1] + 1]?.text === ','
      ) {
        const r = make(textOf(sentence, tokens, lead), tok.text, tok.end);
        if (r) return r;
      }
      // "The Grammy winner, whose legal name is …, said": a described subject before a relative clause.
      if (
        afterComma &&
        /^the$/i.test(tokens[0]!.text) &&
        firstComma > 1 &&
        firstComma <= 5 &&
        RELATIVE_PRONOUN.test(tokens[firstComma + 1]?.text ?? '') &&
        tokens.slice(1, firstComma).every((t) => /^[A-Za-z][\w-]*$/.test(t.text) && !isPreposition(t.text))
      ) {
        // "…, whose legal name is Belcalis Almánzar, said": the clause names the one described.
        const named = namedInClause(tokens, firstComma + 1);
        const r = named
          ? make(textOf(sentence, tokens, named), tok.text, tok.end)
          : make(sentence.slice(0, tokens[firstComma - 1]!.end), tok.text, tok.end, true);
        if (r) return r;
      }
      if (
        ROLE_NOUNS.has(tokens[0]!.text.toLowerCase()) &&
        firstComma < 0 &&
        !tokens.slice(1, i).some((t) => SUBORDINATORS.test(t.text))
      ) {
        const r = make(sentence.slice(0, tokens[i - 1]!.end), tok.text, tok.end);
        if (r) return r;
      }
    }
  }
  return undefined;
}
