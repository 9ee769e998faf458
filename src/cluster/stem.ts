/**
 * Porter (1980) stemmer for lower-case English words. Headlines vary inflection a lot ("ban", "banning",
 * "banned"), and matching them on the stem is what lets short texts of one story meet.
 *
 * The word is stemmed as character codes in a scratch buffer, cut and extended in place: each new word the
 * clusterer meets is stemmed once, and string slices and tests at every step cost several times the work.
 */

interface Rule {
  suffix: number[];
  replacement: number[];
}

const codes = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/**
 * Rules by the last letter of their suffix, in their order within each letter: the first rule whose suffix a
 * word has is the first among those ending in the word's last letter.
 */
function byLastLetter(list: [string, string][]): Rule[][] {
  const table: Rule[][] = Array.from({ length: 128 }, () => []);
  for (const [suffix, replacement] of list)
    table[suffix.charCodeAt(suffix.length - 1)]!.push({
      suffix: codes(suffix),
      replacement: codes(replacement),
    });
  return table;
}

const STEP2 = byLastLetter([
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['logi', 'log'],
]);

const STEP3 = byLastLetter([
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
]);

const STEP4 = byLastLetter(
  [
    'al',
    'ance',
    'ence',
    'er',
    'ic',
    'able',
    'ible',
    'ant',
    'ement',
    'ment',
    'ent',
    'ou',
    'ism',
    'ate',
    'iti',
    'ous',
    'ive',
    'ize',
  ].map((suffix) => [suffix, '']),
);

const A = 97;
const B = 98;
const D = 100;
const E = 101;
const G = 103;
const I = 105;
const L = 108;
const N = 110;
const O = 111;
const S = 115;
const T = 116;
const U = 117;
const W = 119;
const X = 120;
const Y = 121;
const Z = 122;

/** The word being stemmed: its first `n` codes. */
let buf = new Uint16Array(64);
let n = 0;

function isConsonant(i: number): boolean {
  const c = buf[i]!;
  if (c === A || c === E || c === I || c === O || c === U) return false;
  if (c === Y) return i === 0 || !isConsonant(i - 1);
  return true;
}

/** Porter's m of the first `end` codes: the number of vowel-consonant sequences. */
function measure(end: number): number {
  let m = 0;
  let i = 0;
  while (i < end && isConsonant(i)) i++;
  while (i < end) {
    while (i < end && !isConsonant(i)) i++;
    if (i >= end) break;
    while (i < end && isConsonant(i)) i++;
    m++;
  }
  return m;
}

function hasVowel(end: number): boolean {
  for (let i = 0; i < end; i++) if (!isConsonant(i)) return true;
  return false;
}

function endsWith(suffix: number[]): boolean {
  const k = suffix.length;
  if (k > n) return false;
  for (let j = 0; j < k; j++) if (buf[n - k + j] !== suffix[j]) return false;
  return true;
}

/** The word ends in the codes given (last one last). */
function ends2(a: number, b: number): boolean {
  return n >= 2 && buf[n - 2] === a && buf[n - 1] === b;
}

function ends3(a: number, b: number, c: number): boolean {
  return n >= 3 && buf[n - 3] === a && buf[n - 2] === b && buf[n - 1] === c;
}

function append(c: number): void {
  if (n === buf.length) {
    const bigger = new Uint16Array(buf.length * 2);
    bigger.set(buf);
    buf = bigger;
  }
  buf[n++] = c;
}

/** Of the first `end` codes, the last two are one consonant twice. */
function endsDoubleConsonant(end: number): boolean {
  return end >= 2 && buf[end - 1] === buf[end - 2] && isConsonant(end - 1);
}

/** The first `end` codes end consonant-vowel-consonant, the last not w, x or y. */
function endsCvc(end: number): boolean {
  if (end < 3) return false;
  if (!isConsonant(end - 1) || isConsonant(end - 2) || !isConsonant(end - 3)) return false;
  const c = buf[end - 1];
  return c !== W && c !== X && c !== Y;
}

/** The first rule of `table` whose suffix the word has (later rules never apply), or undefined. */
function firstRule(table: Rule[][]): Rule | undefined {
  const list = table[buf[n - 1]!];
  if (list === undefined) return undefined;
  for (let r = 0; r < list.length; r++) if (endsWith(list[r]!.suffix)) return list[r];
  return undefined;
}

/** Replaces the rule's suffix if what is left has m above `minM`. */
function applyRule(rule: Rule, minM: number): void {
  const stem = n - rule.suffix.length;
  if (measure(stem) <= minM) return;
  n = stem;
  for (let k = 0; k < rule.replacement.length; k++) append(rule.replacement[k]!);
}

function replaceSuffix(table: Rule[][], minM: number): void {
  const rule = firstRule(table);
  if (rule !== undefined) applyRule(rule, minM);
}

/** Stemming keeps no state between words: callers memoise stems per word. */
export function stem(word: string): string {
  if (word.length <= 2) return word;
  if (buf.length < word.length + 4) buf = new Uint16Array(word.length * 2 + 4);
  for (let k = 0; k < word.length; k++) buf[k] = word.charCodeAt(k);
  n = word.length;
  porter();
  // Most stems are the word cut short: no need to build them code by code.
  let prefix = n <= word.length;
  for (let k = 0; prefix && k < n; k++) prefix = buf[k] === word.charCodeAt(k);
  return prefix ? word.slice(0, n) : String.fromCharCode(...buf.subarray(0, n));
}

function porter(): void {
  // Step 1a
  if (ends3(S, E, S) && buf[n - 4] === S) n -= 2;
  else if (ends3(I, E, S)) n -= 2;
  else if (ends2(S, S)) {
    // unchanged
  } else if (buf[n - 1] === S) n -= 1;

  // Step 1b
  let extra = false;
  if (ends3(E, E, D)) {
    if (measure(n - 3) > 0) n -= 1;
  } else if (ends2(E, D) && hasVowel(n - 2)) {
    n -= 2;
    extra = true;
  } else if (ends3(I, N, G) && hasVowel(n - 3)) {
    n -= 3;
    extra = true;
  }
  if (extra) {
    if (ends2(A, T) || ends2(B, L) || ends2(I, Z)) append(E);
    else if (endsDoubleConsonant(n) && buf[n - 1] !== L && buf[n - 1] !== S && buf[n - 1] !== Z) n -= 1;
    else if (measure(n) === 1 && endsCvc(n)) append(E);
  }

  // Step 1c
  if (n >= 1 && buf[n - 1] === Y && hasVowel(n - 1)) buf[n - 1] = I;

  replaceSuffix(STEP2, 0);
  replaceSuffix(STEP3, 0);

  // Step 4; "-ion" goes only after an s or a t.
  const rule = firstRule(STEP4);
  if (rule !== undefined) applyRule(rule, 1);
  else if (ends3(I, O, N)) {
    const c = buf[n - 4];
    if (measure(n - 3) > 1 && (c === S || c === T)) n -= 3;
  }

  // Step 5
  if (n >= 1 && buf[n - 1] === E) {
    const m = measure(n - 1);
    if (m > 1 || (m === 1 && !endsCvc(n - 1))) n -= 1;
  }
  if (buf[n - 1] === L && measure(n) > 1 && endsDoubleConsonant(n)) n -= 1;
}
