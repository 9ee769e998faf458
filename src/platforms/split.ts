/**
 * Text shaping shared by the platform renderers: packing entries under a length limit, splitting an entry
 * that is too long at word boundaries, and the plain phrasing of a digest that every platform uses.
 *
 * Lengths are UTF-16 code units (`string.length`), which is never less than the code-point count the
 * platforms check, so a chunk within the limit here is within it there.
 */
import type { StoryUpdate } from '../deliver/sink.js';
import { BIDI_CONTROL_RE } from '../ingest/text.js';
import type { Attribution, DigestCoverage, DigestFact, DigestOpinion, StoryDigest } from '../model.js';
import { trimTrailing } from '../util/trim.js';

const SPACE = /[ \t\n]/;

/**
 * Text without bidi controls, lines kept: a feed name holding one could show the rest of its line reversed,
 * making a message seem to name another feed or URL. The escaping of both platforms starts with it.
 */
export function withoutBidi(text: string): string {
  return text.replace(BIDI_CONTROL_RE, '');
}

/**
 * Collapses feed text to one line: whitespace runs become one space, and control characters plus the
 * bidi embedding/override/isolate marks are removed (they can corrupt a terminal or reorder displayed text),
 * as are invisible format characters. Run it before escaping: renderers insert zero-width spaces as escapes.
 */
export function oneLine(text: string): string {
  return (
    text
      .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
      // Invisible format characters feeds leave in: zero-width space, word joiner, BOM, soft hyphen. The
      // zero-width (non-)joiners go too, except between two non-ASCII characters (emoji sequences, Persian).
      .replace(
        /[\u200b\u2060\ufeff\u00ad]|(?<![^\u0000-\u007f])[\u200c\u200d]|[\u200c\u200d](?![^\u0000-\u007f])/g,
        '',
      )
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/**
 * Look-alikes for the characters that open or close emphasis and code, for text where escaping is not
 * available or not honoured (Slack, Discord link labels).
 */
export const MARKER_LOOKALIKE: Readonly<Record<string, string>> = { '*': '∗', _: 'ˍ', '~': '∼', '`': 'ˋ' };

/** A bare http(s) URL in feed text, up to white space or an angle bracket. */
export const URL_IN_TEXT = /https?:\/\/[^\s<>]+/g;

/**
 * Longest bare URL kept as a link: a link is never cut between two messages, and a longer one could need to
 * be. Past this, a URL is shown as escaped text (a tracking address, not something to click).
 */
export const LINKED_URL_MAX = 500;

/** Whether a bare URL from feed text is kept as a link: longer than a scheme alone, and not too long. */
export const linkable = (url: string) => url.length > 'https://'.length && url.length <= LINKED_URL_MAX;

/** A bare URL without the punctuation that ends its sentence, or a closing parenthesis it did not open. */
export function trimUrl(url: string): string {
  const trimmed = trimTrailing(url, `.,;:!?'"`);
  return trimmed.endsWith(')') && !trimmed.includes('(') ? trimmed.slice(0, -1) : trimmed;
}

/** A letter or digit: a marker between two of them is inside a word and cannot act. */
export const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Moves a hard cut at `at` left so that it does not fall inside a surrogate pair, right after an escaping
 * backslash (Discord), or inside an `&amp;`/`&lt;`/`&gt;` entity (Slack); 0 if no such point is left.
 */
function intactCut(text: string, at: number): number {
  let i = at;
  const amp = text.lastIndexOf('&', i - 1);
  if (amp >= 0 && i - amp < 5) {
    const entity = /^&(?:amp|lt|gt);/.exec(text.slice(amp, amp + 5));
    if (entity && amp + entity[0].length > i) i = amp;
  }
  let slashes = 0;
  while (slashes < i && text[i - 1 - slashes] === '\\') slashes++;
  if (slashes % 2 === 1) i--;
  if (i > 0 && i < text.length && isHigh(text.charCodeAt(i - 1)) && isLow(text.charCodeAt(i))) i--;
  return i;
}

/** How far back a hard cut looks for a safe start for the next piece. */
const LETTER_SEARCH = 64;

/**
 * A piece may start here without starting markup: a letter, an escaping backslash (Discord) or the soft
 * hyphen that guards a `&gt;` (Slack).
 */
function safeStart(c: string | undefined): boolean {
  return c !== undefined && (c === '\\' || c === '\u00ad' || /\p{L}/u.test(c));
}

/**
 * Where to cut a token too long for one piece, at or before `at`: an intact cut (see `intactCut`) that puts a
 * safe start (see `safeStart`) first in the next piece when one is near. Escaping judges a marker by what
 * precedes it, so a cut could otherwise start a piece with a bare `## `, `1. `, `&gt;` or `*` and turn feed text
 * into a heading, a list, a quote or emphasis. Returns the cut and whether the next piece starts safely.
 */
function safeCut(text: string, at: number): { cut: number; safe: boolean } {
  for (let j = at; j > 0 && j > at - LETTER_SEARCH; j--) {
    if (safeStart(text[j]) && intactCut(text, j) === j) return { cut: j, safe: true };
  }
  const cut = intactCut(text, at) || at;
  return { cut, safe: safeStart(text[cut]) };
}

/** Characters that can open markup at the start of a line (headings, lists, quotes, emphasis, spoilers). */
const MARKUP_START = /^(?:[#\-+*>\d_~`|[]|&gt;)/;

/**
 * Spans a split must not fall inside: Discord's masked links `[label](<url>)` and bold `**…**`, and the
 * `<…>` of Slack links, mentions and date tokens and of Discord's bare links (escaped feed text holds no bare
 * `<` in Slack, and only escaped ones in Discord).
 */
const ATOMIC = /\[(?:\\.|[^\]\\\n])*\]\(<[^>\n]*>\)|\*\*(?:\\.|[^*\\\n])+\*\*|<[^<>\n]+>/g;

/** The atomic spans (see `ATOMIC`) of `text` that start at or before `upTo`, as [start, end) pairs in order. */
function atomicSpans(text: string, upTo: number): [number, number][] {
  const spans: [number, number][] = [];
  ATOMIC.lastIndex = 0;
  for (let m = ATOMIC.exec(text); m && m.index <= upTo; m = ATOMIC.exec(text))
    spans.push([m.index, m.index + m[0].length]);
  return spans;
}

/** The last whitespace at or before `limit` that is not inside an atomic span, or -1. */
function breakBefore(text: string, limit: number, spans: readonly [number, number][]): number {
  let k = spans.length - 1;
  for (let i = limit; i > 0; i--) {
    while (k >= 0 && spans[k]![0] >= i) k--;
    const inside = k >= 0 && i < spans[k]![1];
    if (!inside && SPACE.test(text[i]!)) return i;
  }
  return -1;
}

/**
 * Splits one text into pieces of at most `limit` characters at whitespace (the whitespace at a break is
 * dropped), never inside a link, a bold name or a date token (see `ATOMIC`) unless one alone is longer than the
 * limit. A single token longer than the limit is cut hard, at the last safe point before the limit; when no
 * safe point is near, the next piece starts with a zero-width space, which no markup can follow.
 */
export function splitText(text: string, limit: number): string[] {
  if (!(limit >= 1)) throw new RangeError(`split limit must be at least 1, got ${limit}`);
  const pieces: string[] = [];
  let rest = trimTrailing(text, ' \t\n').replace(/^[ \t\n]+/, '');
  while (rest.length > limit) {
    const spans = atomicSpans(rest, limit);
    const space = breakBefore(rest, limit, spans);
    const straddling = spans.find(([start, end]) => start > 0 && start < limit && end > limit);
    if (space > 0) {
      pieces.push(rest.slice(0, space).replace(/[ \t\n]+$/, ''));
      rest = rest.slice(space).replace(/^[ \t\n]+/, '');
    } else if (straddling) {
      // Glued to the word before it ("(link)" after a long name): the span goes to the next piece whole.
      pieces.push(rest.slice(0, straddling[0]));
      rest = rest.slice(straddling[0]);
    } else {
      const { cut, safe } = safeCut(rest, limit);
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut);
      if (!safe && limit > 1 && MARKUP_START.test(rest)) rest = `\u200b${rest}`;
    }
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** The first `limit` UTF-16 units of `text`, one fewer if the cut would split a surrogate pair. */
export function clipUnits(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const at = isHigh(text.charCodeAt(limit - 1)) && isLow(text.charCodeAt(limit)) ? limit - 1 : limit;
  return text.slice(0, at);
}

/**
 * Packs entries (each an atomic line or paragraph) into as few chunks of at most `limit` characters as
 * possible, in order, joined by `separator`. An entry is only split, at word boundaries, if it alone
 * exceeds the limit; its last piece may then share a chunk with the entries after it.
 */
export function packEntries(entries: readonly string[], limit: number, separator = '\n'): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const entry of entries) {
    if (!entry) continue;
    for (const piece of entry.length > limit ? splitText(entry, limit) : [entry]) {
      if (!current) current = piece;
      else if (current.length + separator.length + piece.length <= limit) current += separator + piece;
      else {
        chunks.push(current);
        current = piece;
      }
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

/**
 * Lines packed as by `packEntries`, in at most `max` chunks: when they need more, the first `max - 1` chunks
 * and how many lines were left out (the caller says so in the last message).
 */
export function packLines(
  lines: readonly string[],
  limit: number,
  max: number,
): { chunks: string[]; left: number } {
  const chunks = packEntries(lines, limit);
  if (chunks.length <= max) return { chunks, left: 0 };
  const kept = chunks.slice(0, max - 1);
  const shown = kept.reduce((n, c) => n + c.split('\n').length, 0);
  return { chunks: kept, left: lines.filter((l) => l).length - shown };
}

/**
 * Shortens a text to at most `limit` characters, at a word boundary with an ellipsis. Only for labels whose
 * full text also appears elsewhere (embed titles, thread names, Slack headers, notification fallbacks).
 */
export function truncateWords(text: string, limit: number, ellipsis = '…'): string {
  if (text.length <= limit) return text;
  const room = limit - ellipsis.length;
  let end = -1;
  for (let i = room; i > 0; i--) {
    if (SPACE.test(text[i]!)) {
      end = i;
      break;
    }
  }
  const cut = end > 0 ? end : safeCut(text, room).cut;
  return `${text.slice(0, cut).replace(/[ \t\n]+$/, '')}${ellipsis}`;
}

// ---- Plain phrasing shared by all renderers (platform escaping is applied by the caller) ----

export const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** "5 outlets · 12 facts · 2 opinion pieces" */
export function countsLine(digest: StoryDigest): string {
  return [
    plural(digest.outletCount, 'outlet'),
    plural(digest.facts.length, 'fact'),
    plural(digest.opinion.length, 'opinion piece'),
  ].join(' · ');
}

/** Lower-case words of a name, without a leading "the" or possessive endings. */
function nameWords(name: string): string[] {
  const words = name
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return words[0] === 'the' ? words.slice(1) : words;
}

/** Whether `part` occurs in `whole` as a run of words. */
function hasRun(whole: string[], part: string[]): boolean {
  if (part.length === 0) return false;
  for (let i = 0; i + part.length <= whole.length; i++)
    if (part.every((w, k) => whole[i + k] === w)) return true;
  return false;
}

/** "the AFP news agency" (AFP), "Telegraph" (The Telegraph): the speaker is, or names, the outlet. */
function namesOutlet(speaker: string, outlet: string): boolean {
  const s = nameWords(speaker);
  const o = nameWords(outlet);
  return hasRun(s, o) || hasRun(o, s);
}

/**
 * Singular nouns for a role or a body, which a speaker named by one alone needs "the" before: "according to the
 * mayor", not "according to mayor". Plurals and mass nouns ("officials", "police", "data") read well bare.
 */
const ROLE_NOUN =
  /^(?:official|spokesman|spokeswoman|spokesperson|minister|ministry|mayor|governor|government|group|company|firm|agency|regulator|source|poll|study|report|survey|statement|court|judge|council|committee|union|president|chief|director|commission|department|office|prosecutor|authority|administration|military|army|navy|embassy|club|league|team|coach|lawyer|attorney|analyst|expert|researcher|organi[sz]ation|charity|network|broadcaster|operator|airline|bank|hospital|school|university|party|campaign|foundation|institute|watchdog)$/;

/**
 * "mayor" → "the mayor", "league spokesman" → "the league spokesman", "Czech president" → "the Czech president";
 * a name, a plural or "the …" as it is.
 */
function withArticle(speaker: string): string {
  const words = speaker.split(' ');
  const first = words[0]!;
  // A capital is a name's, unless only the first word has one: then it may be a nationality or a place.
  const described = words.length > 1 && words.slice(1).every((w) => /^\p{Ll}/u.test(w));
  if (
    !(described || /^\p{Ll}/u.test(first)) ||
    /^(?:the|a|an|his|her|its|their|our|this|that|one|two|three|some)$/i.test(first) ||
    // "Jordan's foreign minister": a possessive is the determiner.
    /['’]s?$/.test(first)
  )
    return speaker;
  // "governor of New York", "MPs on the committee": the noun before the first preposition names the speaker.
  const at = words.findIndex((w, k) => k > 0 && /^(?:of|on|in|at|for|from|with)$/.test(w));
  const head = (at > 0 ? words[at - 1] : words[words.length - 1])!;
  if (!ROLE_NOUN.test(head)) return speaker;
  // "Senior official" opened its sentence: the capital was the sentence's.
  const sentenceCase = /^(?:Senior|Top|Former|Local|Federal|Regional|Deputy)$/.test(first);
  return `the ${sentenceCase ? first.toLowerCase() + speaker.slice(first.length) : speaker}`;
}

/** "Trump wrote", "Witkoff told CNN", "according to the ministry" */
export function attributionText(a: Attribution): string {
  const speaker = withArticle(oneLine(a.speaker));
  const verb = oneLine(a.verb);
  // "told" needs its object, even one the speaker's name repeats.
  if (a.outlet && /^told$/i.test(verb)) return `${speaker} told ${oneLine(a.outlet)}`;
  const outlet = a.outlet && !namesOutlet(a.speaker, a.outlet) ? oneLine(a.outlet) : '';
  if (/^according to$/i.test(verb)) return `according to ${speaker}${outlet ? ` (${outlet})` : ''}`;
  return `${speaker} ${verb}${outlet ? ` (${outlet})` : ''}`;
}

/**
 * The claim itself, in quotation marks when a speaker said or wrote it and it is not quoted already; an
 * "according to" claim is a report of what a source holds, not a quotation, and stays unquoted.
 */
export function claimText(fact: DigestFact): string {
  const text = oneLine(fact.text);
  const a = fact.attribution;
  if (!a || /^according to$/i.test(oneLine(a.verb)) || /^["“„«‘']/.test(text)) return text;
  return `“${text}”`;
}

/** "5 outlets: A, B, C, D, E" */
export function corroborationText(fact: DigestFact): string {
  const sources = fact.sources.map(oneLine);
  const n = Math.max(fact.count, sources.length);
  return sources.length ? `${plural(n, 'outlet')}: ${sources.join(', ')}` : plural(n, 'outlet');
}

const KIND_LABEL: Record<DigestOpinion['kind'], string> = {
  opinion: 'Opinion',
  analysis: 'Analysis',
  advocacy: 'Advocacy',
};

export const kindLabel = (kind: DigestOpinion['kind']) => KIND_LABEL[kind] ?? 'Opinion';

/** Coverage in order of publication, first report first; items with the same time keep their order. */
export function byFirstReport(coverage: readonly DigestCoverage[]): DigestCoverage[] {
  return [...coverage].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
}

/** Distinct outlet names of some coverage, in order. */
export function outletNames(coverage: readonly DigestCoverage[]): string[] {
  return [...new Set(coverage.map((c) => oneLine(c.source)))];
}

/**
 * The first line of an update, as a label and names: "+2 sources" and the outlets new to the thread, or,
 * when every report comes from an outlet the thread already has, "More from" and those outlets.
 */
export function updateLead(update: StoryUpdate): { label: string; names: string[] } {
  if (update.newSources.length)
    return {
      label: `+${plural(update.newSources.length, 'source')}:`,
      names: update.newSources.map(oneLine),
    };
  const names = outletNames(update.newCoverage);
  return names.length ? { label: 'More from', names } : { label: 'New facts', names: [] };
}

/** The update's first line, with the label set off by `strong` and each name passed through `escapeName`. */
export function updateLeadLine(
  update: StoryUpdate,
  strong: (label: string) => string = (label) => label,
  escapeName: (name: string) => string = (name) => name,
): string {
  const { label, names } = updateLead(update);
  return names.length ? `${strong(label)} ${names.map(escapeName).join(', ')}` : strong(label);
}

/** Unix seconds of an ISO time, or undefined when it does not parse. */
export function unixSeconds(iso: string): number | undefined {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** "2025-03-14 09:30 UTC", or the raw text when it does not parse. */
export function utcTime(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return oneLine(iso);
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Longest link target kept: Discord refuses longer embed URLs, and no article needs one. */
export const MAX_LINK_URL = 2048;

/** Longest link label, in characters of feed text; a longer one goes before a short link instead. */
const MAX_LINK_LABEL = 300;

/**
 * A link that stays whole (a split inside one breaks it): `link(label)` when the label is at most
 * `MAX_LINK_LABEL` long and the link at most `max`; else `plain` (the escaped label) in full before a short
 * `(link("link"))`; `plain` alone when even that is longer than `max`.
 */
export function wholeLink(
  label: string,
  plain: string,
  link: (label: string) => string,
  max: number,
): string {
  // `link` may refuse a label (with '') that cannot be a link's text.
  const whole = oneLine(label).length <= MAX_LINK_LABEL ? link(label) : '';
  if (whole && whole.length <= max) return whole;
  const short = link('link');
  return short.length <= max ? `${plain} (${short})` : plain;
}

/**
 * The URL as a link target when it is absolute http(s) and at most `MAX_LINK_URL` long, normalised, with the
 * characters that would end a Discord `(<…>)` or Slack `<…|…>` link percent-encoded; undefined otherwise
 * (javascript:, relative, junk, or a feed's runaway link).
 */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const href = parsed.href.replace(
    /[()<>|\s"`]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return href.length <= MAX_LINK_URL ? href : undefined;
}
