/**
 * Sentence splitting for English news text. Rule-based: a terminator (. ! ? …) ends a sentence when it is
 * followed by whitespace and something that can start one, unless the word before it is a known
 * abbreviation, an initial, or a list number, or the terminator sits inside a quotation.
 */

/** Abbreviations that are followed by a period but rarely end a sentence (lower-case, no final period). */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'mt',
  'ft',
  'gen',
  'lt',
  'col',
  'maj',
  'capt',
  'cpt',
  'sgt',
  'cmdr',
  'adm',
  'gov',
  'sen',
  'rep',
  'reps',
  'pres',
  'rev',
  'hon',
  'supt',
  'insp',
  'det',
  'amb',
  'atty',
  'fr',
  'inc',
  'ltd',
  'co',
  'corp',
  'plc',
  'llc',
  'bros',
  'dept',
  'univ',
  'assn',
  'est',
  'vs',
  'v',
  'etc',
  // "Rakim Mayers, a.k.a. A$AP Rocky": what follows is another name for what came before, never a new sentence.
  'a.k.a',
  'i.e',
  'e.g',
  'cf',
  'al',
  'approx',
  'no',
  'nos',
  'vol',
  'vols',
  'p',
  'pp',
  'fig',
  'ch',
  'sec',
  'art',
  'mon',
  'tue',
  'tues',
  'wed',
  'thu',
  'thur',
  'thurs',
  'fri',
  'sat',
  'sun',
  'ave',
  'blvd',
  'rd',
  'hwy',
  'e.g',
  'i.e',
  'a.m',
  'p.m',
  'u.s',
  'u.k',
  'u.n',
  'e.u',
  'd.c',
]);

/** Months written short: a date when a number follows. */
const MONTHS = new Set(['jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec']);

/** Abbreviations that may legitimately end a sentence; split after them only before a typical sentence opener. */
const SOMETIMES_FINAL = new Set([
  'etc',
  'u.s',
  'u.k',
  'u.n',
  'e.u',
  'd.c',
  'a.m',
  'p.m',
  'inc',
  'ltd',
  'co',
  'corp',
]);
const SENTENCE_OPENERS = new Set([
  'the',
  'a',
  'an',
  'he',
  'she',
  'it',
  'they',
  'we',
  'i',
  'you',
  'this',
  'that',
  'these',
  'those',
  'but',
  'and',
  'in',
  'on',
  'at',
  'for',
  'as',
  'if',
  'when',
  'while',
  'after',
  'before',
  'however',
  'meanwhile',
  'there',
  'his',
  'her',
  'their',
  'its',
  'our',
  'my',
  'some',
  'many',
  'most',
  'no',
  'not',
  'so',
  'yet',
  'still',
  'since',
  'last',
]);

const CLOSE_AFTER_TERMINATOR = `"'”’»)]`;

/** Character ranges [start, end) covered by balanced quotations, so terminators inside them do not split. */
export function quoteSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  // Curly double quotes pair explicitly.
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '“') open = i;
    else if (c === '”' && open >= 0) {
      spans.push([open, i + 1]);
      open = -1;
    }
  }
  // Straight double quotes pair in order, only when balanced (an odd count means we cannot trust them).
  const straight: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === '"') straight.push(i);
  if (straight.length % 2 === 0) {
    for (let k = 0; k < straight.length; k += 2) spans.push([straight[k]!, straight[k + 1]! + 1]);
  }
  spans.push(...singleQuoteSpans(text));
  // Quotations spanning very long stretches are more likely mismatched than real; ignore those.
  return spans.filter(([s, e]) => e - s < 600);
}

const LETTER = /[\p{L}\p{N}]/u;

/**
 * Quotations in single quotes (‘…’ or '…', as headlines and British style use them). The closing mark is also
 * the apostrophe, so a quote opens only at the start of a word and closes only at the end of one: "who’s" and
 * "Rock 'n' roll" stay words.
 */
function singleQuoteSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '‘' && c !== '’' && c !== "'") continue;
    const before = text[i - 1] ?? ' ';
    const after = text[i + 1] ?? ' ';
    const opens = c !== '’' && !LETTER.test(before) && LETTER.test(after);
    const closes = c !== '‘' && open >= 0 && /\S/.test(before) && !LETTER.test(after);
    if (closes) {
      spans.push([open, i + 1]);
      open = -1;
    } else if (opens && open < 0) open = i;
  }
  return spans;
}

/** True when a quotation opened before `from` is still open after `to` (the terminator run). */
function insideSpan(spans: [number, number][], from: number, to: number): boolean {
  for (const [s, e] of spans) if (s < from && e > to) return true;
  return false;
}

function wordBefore(text: string, end: number): string {
  let i = end;
  while (i > 0 && /[A-Za-z0-9.]/.test(text[i - 1]!)) i--;
  return text.slice(i, end);
}

function splitBlock(block: string): string[] {
  const spans = quoteSpans(block);
  const out: string[] = [];
  let start = 0;
  // End of the last run of terminators measured: a later terminator inside it ends where it does, so a long
  // run ("......") is measured once, not once from each of its dots.
  let runEnd = 0;
  for (let i = 0; i < block.length; i++) {
    const c = block[i]!;
    if (c !== '.' && c !== '!' && c !== '?' && c !== '…') continue;
    // Run of terminators and closing quotes/brackets ("?!", '."', '…”').
    let j = i + 1;
    if (runEnd >= j) j = runEnd;
    else
      while (j < block.length && ('.!?…'.includes(block[j]!) || CLOSE_AFTER_TERMINATOR.includes(block[j]!)))
        j++;
    runEnd = j;
    if (j >= block.length) break;
    if (!/\s/.test(block[j]!)) continue;
    let k = j;
    while (k < block.length && /\s/.test(block[k]!)) k++;
    // Inline bullets after a sentence ("... efforts. - Ukraine Rejects") start a new sentence.
    let next = k;
    if (/[-–•*]/.test(block[next] ?? '') && /\s/.test(block[next + 1] ?? '')) next += 2;
    const nextChar = block[next] ?? '';
    if (!/[A-Z0-9"“‘'«([]/.test(nextChar)) continue;
    if (c === '.' && block[i + 1] !== '.') {
      const w = wordBefore(block, i);
      const lw = w.toLowerCase();
      const nextWord = /^[A-Za-z]+/.exec(block.slice(next))?.[0]?.toLowerCase() ?? '';
      if (MONTHS.has(lw)) {
        // "Dec. 5", "Sept. 2024": a date goes on; before a word, "Ant and Dec." ends its sentence.
        if (/[0-9]/.test(nextChar)) continue;
      } else if (ABBREVIATIONS.has(lw)) {
        if (!(SOMETIMES_FINAL.has(lw) && SENTENCE_OPENERS.has(nextWord))) continue;
      } else if (/^[A-Z]$/.test(w)) {
        continue; // an initial: "J. K. Rowling"
      } else if (/^([A-Za-z]\.)+[A-Za-z]$/.test(w) && !SENTENCE_OPENERS.has(nextWord)) {
        continue; // dotted acronym such as "U.S" not yet listed
      } else if (/^\d{1,2}$/.test(w) && block.slice(start, i).trim() === w) {
        continue; // list number at the start: "1. Stay informed"
      }
    }
    if (insideSpan(spans, i, j)) continue;
    // '"… STAY TUNED!" Trump wrote.': a quotation followed by its speaker and a reporting verb goes on.
    if (
      /["”’']/.test(block[j - 1]!) &&
      /^(?!(?:He|She|They|It|We|I|You|This|That)\s)(?:[A-Z][\w.’'-]*\s+){1,4}(said|says|wrote|writes|told|added|asked|noted|explained|tweeted|posted|insisted|replied|continued)\b/.test(
        block.slice(next),
      )
    )
      continue;
    out.push(block.slice(start, j));
    start = next;
    i = next - 1;
  }
  out.push(block.slice(start));
  return out;
}

/** Cleans a sentence's edges: whitespace and leading list bullets. */
function trimSentence(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[-–•*]\s+/, '')
    .trim();
}

/**
 * A lower-case word, its full stop, and a capitalised word with no space between: paragraphs run together
 * when a feed drops the markup between them ("…the community said.During November…").
 */
const GLUED_SENTENCES = /(?<![\p{L}\p{N}.])(\p{Lu}?\p{Ll}{2,})([.!?])(?=\p{Lu}\p{Ll})/gu;

function unglue(line: string): string {
  return line.replace(GLUED_SENTENCES, (all, word: string, stop: string) =>
    // "Mrs.Ortiz", "Gen.Smith": a title glued to its name.
    stop === '.' && ABBREVIATIONS.has(word.toLowerCase()) ? all : `${word}${stop} `,
  );
}

/**
 * Splits text into sentences. Line breaks always end a sentence (headings and list items stand on their own
 * lines in the plain text this pipeline carries).
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    for (const s of splitBlock(unglue(line))) {
      const t = trimSentence(s);
      if (t) sentences.push(t);
    }
  }
  return sentences;
}
