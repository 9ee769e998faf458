/**
 * `npm run bench:classify-memory`: heap of a long-running classifier fed a stream of sentences full of tokens it
 * has never seen. wink-nlp adds every unseen token to its lexicon; the tagger rebuilds itself past a limit, and
 * the heap must level off instead of growing with the stream.
 *
 * The stream replays the rumca week's descriptions, split into sentences, with capitalised words swapped for
 * made-up names, numbers for fresh ones and some words misspelt, so nearly every name, number and typo is new.
 *
 *   BENCH_SENTENCES   sentences to classify (default 300000)
 *   BENCH_EVERY       print a line every this many sentences (default 25000)
 *   BENCH_OOV_LIMIT   tagger limit on added lexicon entries; Infinity shows the unbounded growth
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { classifySentence, splitSentences } from '../src/classify/index.js';
import { setOovLimit, taggerStats } from '../src/classify/pos.js';
import { rng } from './rng.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const TOTAL = Number(process.env.BENCH_SENTENCES ?? 300_000);
const EVERY = Number(process.env.BENCH_EVERY ?? 25_000);
const rumcaPath = fileURLToPath(
  new URL('../../shared/data/rumca-news-2023-11-17_to_24.jsonl', import.meta.url),
);

if (process.env.BENCH_OOV_LIMIT) setOovLimit(Number(process.env.BENCH_OOV_LIMIT));

interface Row {
  description?: string | null;
}

const base = readFileSync(rumcaPath, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .flatMap((l) => splitSentences((JSON.parse(l) as Row).description ?? ''))
  .filter((s) => s.length >= 20 && s.length <= 400);

const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'st', 'tr', 'ch'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
const CODAS = ['', '', 'n', 'r', 's', 'l', 'k'];

/** A made-up name of three to four syllables: about 10^8 of them, so repeats are rare. */
function name(): string {
  let s = '';
  const syllables = 3 + Math.floor(rand() * 2);
  for (let i = 0; i < syllables; i++) s += pick(ONSETS) + pick(VOWELS) + pick(CODAS);
  return s[0]!.toUpperCase() + s.slice(1);
}

/** A fresh number, sometimes with thousands separators or decimals. */
function number(): string {
  const n = Math.floor(rand() * 10_000_000);
  const r = rand();
  if (r < 0.3) return n.toLocaleString('en-US');
  if (r < 0.5) return `${Math.floor(n / 1000)}.${n % 100}`;
  return String(n);
}

/** Two neighbouring letters swapped, as a typo would. */
function typo(w: string): string {
  const i = 1 + Math.floor(rand() * (w.length - 2));
  return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
}

function mutate(sentence: string): string {
  return sentence.replace(/[A-Za-z]+|\d[\d,.]*\d|\d/g, (w, at: number) => {
    if (/^\d/.test(w)) return number();
    // The sentence's first word stays, so the tagger still sees real sentence openers.
    if (at > 0 && /^[A-Z][a-z]/.test(w)) return name();
    if (w.length > 4 && rand() < 0.15) return typo(w);
    return w;
  });
}

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function statsLine(): string {
  const s = taggerStats();
  return `, lexicon ${s.lexicon} (${s.added} added since the last rebuild), ${s.rebuilds} rebuilds`;
}

// Warm up on the unmutated sentences so that the baseline heap holds the loaded model.
for (const s of base.slice(0, 200)) classifySentence(s);
const heap0 = heapMb();
console.log(
  `classify-memory: ${TOTAL} sentences replayed from ${base.length} rumca sentences with new names, numbers and typos`,
);
console.log(`  start: heap ${heap0.toFixed(1)} MB${statsLine()}`);
// The heap is also read between printed lines, to catch the top of the saw-tooth a rebuild leaves.
const SAMPLE = Math.min(EVERY, 2_500);
let peak = heap0;
let ms = 0;
for (let k = 0; k < TOTAL; k++) {
  const s = mutate(base[k % base.length]!);
  const a = performance.now();
  classifySentence(s);
  ms += performance.now() - a;
  if ((k + 1) % SAMPLE !== 0 && k + 1 !== TOTAL) continue;
  const heap = heapMb();
  peak = Math.max(peak, heap);
  if ((k + 1) % EVERY === 0 || k + 1 === TOTAL) {
    console.log(
      `  after ${k + 1}: heap ${heap.toFixed(1)} MB (+${(heap - heap0).toFixed(1)}, peak +${(peak - heap0).toFixed(1)})` +
        `${statsLine()}, ${Math.round(((k + 1) / ms) * 1000)} sentences/s inside classify`,
    );
  }
}
