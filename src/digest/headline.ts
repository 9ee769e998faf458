import type { Item } from '../model.js';
import { contentTerms, cosine, idfTable, normalise, tfidf, type Vector, wordCount } from './text.js';

const SEPARATOR = /^(.*\S)\s+([-–—|•·:])\s+([^-–—|•·]{2,60})$/;
const LABEL_PREFIX =
  /^\s*(?:breaking(?: news)?|exclusive|live|watch|update[ds]?|explainer|analysis|opinion|editorial)\s*[:|–—-]\s+/i;

/**
 * A title without its outlet: " - Reuters", " | CNN", " — BBC News" go when the tail names a source of the
 * story or a domain, or follows a bar; a label such as "BREAKING:" goes too.
 */
export function cleanTitle(title: string, sources: readonly string[]): string {
  return stripTitle(title, sources.map(normalise).filter(Boolean));
}

function stripTitle(title: string, names: readonly string[]): string {
  let t = title.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 2; i++) {
    const m = SEPARATOR.exec(t);
    if (!m) break;
    const tail = normalise(m[3]!);
    const isSource = names.some(
      (n) => n === tail || (n.length > 3 && (tail.includes(n) || n.includes(tail))),
    );
    const isDomain = /\.[a-z]{2,}$/i.test(m[3]!.trim());
    const barredShort = m[2] === '|' && wordCount(m[3]!) <= 5;
    if (!(isSource || isDomain || barredShort)) break;
    t = m[1]!;
  }
  return t.replace(LABEL_PREFIX, '').trim();
}

/** Shouting, exclamation, and sentence-like or overlong titles make a worse headline, whatever their words. */
function sobriety(title: string): number {
  const words = title.match(/\p{L}{3,}/gu) ?? [];
  const caps = words.filter((w) => w === w.toUpperCase()).length / Math.max(1, words.length);
  let factor = 1 - 0.5 * caps;
  if (title.includes('!')) factor *= 0.85;
  if (/[^.]\.$/.test(title)) factor *= 0.95;
  if (wordCount(title) > 16) factor *= 0.95;
  return factor;
}

export interface HeadlineContext {
  /** IDF over the story's sentences, and the centre of what the story reports. */
  idf: Map<string, number>;
  story: Vector;
}

export interface TitleChoice {
  /** Index of the chosen item. */
  i: number;
  title: string;
}

/**
 * The most representative title: the one closest to the other titles (TF-IDF centroid of the rest) and to what
 * the story reports, reports preferred over opinion, titles of four words or more over stubs, statements over
 * questions (an explainer's "Who is …?" sums up the words of a story, not what happened); ties go to the
 * earliest. `items` in publication order.
 */
export function chooseHeadline(
  items: readonly Item[],
  isReport: (i: number) => boolean,
  context: HeadlineContext,
  fallback: string,
): string {
  return representativeTitle(items, isReport, context)?.title ?? fallback;
}

/** Coverage older than this before a story's newest item is no longer its latest development. */
const LATEST_WINDOW_MS = 24 * 3_600_000;

/**
 * The latest development of a story that has run for more than a day: the most representative report title
 * of its last day of coverage, chosen as the headline is, when that is not the headline itself. A story keeps the
 * headline that sums it up best, which for a story that moved on is old news ("will not return as CEO").
 */
export function latestDevelopment(
  items: readonly Item[],
  isReport: (i: number) => boolean,
  context: HeadlineContext,
  headline: string,
): TitleChoice | undefined {
  const times = items.map((item) => Date.parse(item.publishedAt));
  let oldest = Number.POSITIVE_INFINITY;
  let newest = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    if (!Number.isFinite(t)) continue;
    oldest = Math.min(oldest, t);
    newest = Math.max(newest, t);
  }
  const from = newest - LATEST_WINDOW_MS;
  if (!(oldest < from)) return undefined;
  // Reports only: a column of the last day is comment on the story, not a development of it.
  const recent = items.map((_, i) => i).filter((i) => times[i]! >= from && isReport(i));
  const choice = representativeTitle(
    recent.map((i) => items[i]!),
    () => true,
    context,
    // The pool's names are those of the whole story, so outlet tails are stripped as in the headline.
    items,
  );
  if (!choice || normalise(choice.title) === normalise(headline)) return undefined;
  return { i: recent[choice.i]!, title: choice.title };
}

function representativeTitle(
  items: readonly Item[],
  isReport: (i: number) => boolean,
  context: HeadlineContext,
  named: readonly Item[] = items,
): TitleChoice | undefined {
  const names = [...new Set(named.map((i) => normalise(i.source)))].filter(Boolean);
  const all = items.map((item, i) => ({ i, title: stripTitle(item.title, names) })).filter((c) => c.title);
  const reports = all.filter((c) => isReport(c.i));
  let pool = reports.length ? reports : all;
  const full = pool.filter((c) => wordCount(c.title) >= 4);
  if (full.length) pool = full;
  if (!pool.length) return undefined;
  // Questions still count among the others (they share the story's words), but only a statement may win.
  const isQuestion = (title: string) => /\?["'”’)]*$/.test(title);
  const statementsOnly = pool.some((c) => !isQuestion(c.title));
  const terms = pool.map((c) => contentTerms(c.title));
  const idf = idfTable(terms);
  const vectors = terms.map((t) => tfidf(t, idf));
  const sum: Vector = new Map();
  for (const v of vectors) for (const [t, x] of v) sum.set(t, (sum.get(t) ?? 0) + x);
  let best = pool[0]!;
  let bestScore = Number.NEGATIVE_INFINITY;
  pool.forEach((c, k) => {
    if (statementsOnly && isQuestion(c.title)) return;
    const v = vectors[k]!;
    // Leave-one-out: a title is not measured against itself, so an odd one out scores nothing.
    const others: Vector = new Map();
    for (const [t, x] of sum) {
      const rest = x - (v.get(t) ?? 0);
      if (rest > 1e-12) others.set(t, rest);
    }
    const peers = pool.length > 1 ? cosine(v, unit(others)) : 1;
    const reported = cosine(tfidf(terms[k]!, context.idf), context.story);
    const score = (peers + reported) * sobriety(c.title);
    if (score > bestScore + 1e-9) {
      best = c;
      bestScore = score;
    }
  });
  return best;
}

function unit(v: Vector): Vector {
  let norm = 0;
  for (const x of v.values()) norm += x * x;
  norm = Math.sqrt(norm);
  const out: Vector = new Map();
  if (norm > 0) for (const [t, x] of v) out.set(t, x / norm);
  return out;
}
