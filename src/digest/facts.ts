import { createHash } from 'node:crypto';
import type { Attribution, DigestFact } from '../model.js';
import type { Unit } from './analyse.js';
import { comparable, sameCore } from './core.js';
import { speakerGroup } from './speech.js';
import { cosine, cosineWith, normalise, type Vector, weigh, wordCount } from './text.js';

/** A reported sentence of one item, ready to be compared with the others. */
export interface FactSentence {
  unit: Unit;
  source: string;
  /** Who published it (see `publishersOf`): a publisher corroborates a claim once, whatever its feeds. */
  publisher: number;
  /** Position in publication order: earlier sentences seed claims. */
  order: number;
  terms: ReadonlySet<string>;
  /** Sum of the weights of its distinct terms. */
  weight: number;
  /** Similarity to the centre of the story. */
  centrality: number;
  /** Its TF-IDF vector, built when first needed (see `vectorOf`). */
  vector?: Vector;
}

/**
 * Weight of a shared word when comparing sentences: its IDF, so that the words every sentence of the story
 * uses ("Trump", "meeting") count for little and the distinctive ones ("concession", "Article") decide.
 */
function termWeight(idf: Map<string, number>, term: string): number {
  return idf.get(term) ?? 0;
}

export function factSentence(
  unit: Unit,
  source: string,
  publisher: number,
  order: number,
  idf: Map<string, number>,
  storyCentre: Vector,
): FactSentence {
  let weight = 0;
  for (const t of unit.termSet) weight += termWeight(idf, t);
  return {
    unit,
    source,
    publisher,
    order,
    terms: unit.termSet,
    weight,
    centrality: cosineWith(unit.tf, idf, storyCentre),
  };
}

function vectorOf(s: FactSentence, idf: Map<string, number>): Vector {
  s.vector ??= weigh(s.unit.tf, idf);
  return s.vector;
}

/** Weighted share of the smaller sentence's terms found in the other at which two sentences are one claim. */
const MERGE_AT = 0.5;
/** Candidates per word: the latest sentences using it (a bound that keeps huge stories fast). */
const RECENT = 24;
/** Fewer shared content words than this is chance, however short the sentences. */
const MIN_SHARED_TERMS = 3;

function similarity(x: FactSentence, y: FactSentence, idf: Map<string, number>): number {
  const [small, large] = x.terms.size <= y.terms.size ? [x, y] : [y, x];
  let shared = 0;
  let n = 0;
  for (const t of small.terms) {
    if (large.terms.has(t)) {
      shared += termWeight(idf, t);
      n++;
    }
  }
  const lo = Math.min(x.weight, y.weight);
  const hi = Math.max(x.weight, y.weight);
  // Containment of the smaller in the larger, damped when the larger says much more besides.
  const content = n >= MIN_SHARED_TERMS && lo > 0 ? (shared / lo) * (lo / hi) ** 0.25 : 0;
  // The same short quotation in both ("Article 5-like" inside a longer quote of it) is strong evidence.
  const a = x.unit;
  const b = y.unit;
  const quoteInside =
    a.shortQuotes.some((q) => b.quoted.includes(q)) || b.shortQuotes.some((q) => a.quoted.includes(q));
  if (quoteInside) return n >= 2 ? Math.min(1, content + 0.25) : 0;
  return speakersAgree(a, b) ? content : 0;
}

/**
 * Without shared quoted words, different speakers make different claims, and a quotation only matches reports
 * of what the same speaker said.
 */
function speakersAgree(a: Unit, b: Unit): boolean {
  if (a.speaker && b.speaker && a.speaker !== b.speaker) return false;
  return !((a.direct && b.speaker !== a.speaker) || (b.direct && a.speaker !== b.speaker));
}

/** Appends `value` to the list `map` holds under `key`, starting the list if there is none. */
function listUnder<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Earlier sentences with the same main verb whose cores a sentence is compared with. */
const RECENT_CORES = 48;

/**
 * Groups reported sentences into claims: two sentences belong to one claim when they share a quoted run of five
 * words, when one credits a speaker with five words in a row of that speaker's quotation in the other, or when
 * they share enough of their weighted content words or the same core (see `claimCore`) without naming different
 * speakers; claims are the connected groups. Sentences are taken in publication order and a claim is named after
 * its earliest sentence, so its key survives later items joining the story.
 */
export function groupClaims(sentences: FactSentence[], idf: Map<string, number>): FactSentence[][] {
  const parent: number[] = [];
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[i] !== r) [i, parent[i]] = [parent[i]!, r];
    return r;
  };
  // The earlier root wins, so a claim's first sentence is always its root.
  const union = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const byShingle = new Map<string, number[]>();
  const byParaphrase = new Map<string, number[]>();
  const byTerm = new Map<string, number[]>();
  const byVerb = new Map<string, number[]>();
  // Words in a large share of sentences ("Trump" in a Trump story) find candidates nobody needs.
  const df = new Map<string, number>();
  for (const s of sentences) for (const t of s.terms) df.set(t, (df.get(t) ?? 0) + 1);
  const commonAt = Math.max(12, sentences.length * 0.08);

  // Syndicated copy repeats sentences word for word: a repeat joins its twin and is not compared again.
  const firstOf = new Map<string, number>();
  // Shared weight with each earlier sentence, and which entries are in use, reused from sentence to sentence.
  const overlap = new Float64Array(sentences.length);
  const touched: number[] = [];
  sentences.forEach((s, at) => {
    parent.push(at);
    const twin = firstOf.get(s.unit.norm);
    if (twin !== undefined) {
      union(twin, at);
      return;
    }
    firstOf.set(s.unit.norm, at);
    // Every earlier sentence close enough joins this one's claim, so a sentence that matches two claims
    // (a paraphrase and a quotation of the same statement) makes them one, whatever the arrival order.
    for (const sh of s.unit.shingles) for (const j of byShingle.get(sh) ?? []) union(j, at);
    // A reporter's sentence that follows a speaker's quotation word for word is that quotation retold.
    const speaker = s.unit.speaker;
    if (speaker) {
      for (const sh of s.unit.paraphrase)
        for (const j of byShingle.get(sh) ?? []) if (sentences[j]!.unit.speaker === speaker) union(j, at);
      for (const sh of s.unit.shingles)
        for (const j of byParaphrase.get(sh) ?? []) if (sentences[j]!.unit.speaker === speaker) union(j, at);
    }
    touched.length = 0;
    for (const t of s.terms) {
      if ((df.get(t) ?? 0) > commonAt) continue;
      const w = termWeight(idf, t);
      const postings = byTerm.get(t);
      if (!postings) continue;
      // The most recent sentences with the word are enough to find the claims it belongs to.
      for (let k = Math.max(0, postings.length - RECENT); k < postings.length; k++) {
        const j = postings[k]!;
        if (overlap[j] === 0) touched.push(j);
        overlap[j]! += w;
      }
    }
    for (const j of touched) {
      const w = overlap[j]!;
      overlap[j] = 0;
      if (find(j) === find(at)) continue;
      const other = sentences[j]!;
      // Cheap bound first: the rare shared terms alone must make up a fair part of the smaller sentence.
      if (w < 0.2 * Math.min(s.weight, other.weight)) continue;
      if (similarity(s, other, idf) >= MERGE_AT) union(j, at);
    }
    // The same event told with different descriptions around it: the words each outlet adds outweigh the few
    // they share, so the cores are compared instead.
    const core = s.unit.core;
    if (core && comparable(core) && !s.unit.direct) {
      const same = byVerb.get(core.verb);
      if (same) {
        for (let k = Math.max(0, same.length - RECENT_CORES); k < same.length; k++) {
          const j = same[k]!;
          const other = sentences[j]!.unit;
          if (find(j) !== find(at) && speakersAgree(s.unit, other) && sameCore(core, other.core!))
            union(j, at);
        }
        same.push(at);
      } else byVerb.set(core.verb, [at]);
    }
    for (const sh of s.unit.shingles) listUnder(byShingle, sh, at);
    for (const sh of s.unit.paraphrase) listUnder(byParaphrase, sh, at);
    for (const t of s.terms) listUnder(byTerm, t, at);
  });
  const claims = new Map<number, FactSentence[]>();
  sentences.forEach((s, i) => {
    const root = find(i);
    const claim = claims.get(root);
    if (claim) claim.push(s);
    else claims.set(root, [s]);
  });
  return [...claims.values()];
}

function mostCommon<T>(values: T[], better?: (a: T, b: T) => number): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let bestCount = 0;
  for (const [v, c] of counts) {
    // Map iteration is first-seen order, so ties go to the earliest unless `better` says otherwise.
    if (c > bestCount || (c === bestCount && best !== undefined && better && better(v, best) > 0)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/**
 * A sentence whose subject is a pronoun ("She is one of the 24 hostages…", "During his first term, he…") needs
 * the sentence before it: on its own, in a list of facts, it does not say who is meant.
 */
export function opensWithPronoun(text: string): boolean {
  return /^(?:[^,]{1,60},\s+)?(?:he|she|they|it|his|her|their|its)\b/i.test(text.trim());
}

/**
 * The member most similar to the others (word-for-word repeats count as one text seen several times); sentences
 * of ordinary length are preferred, then the earlier one.
 */
function medoid(members: FactSentence[], idf: Map<string, number>): FactSentence {
  const unique = new Map<string, { m: FactSentence; n: number }>();
  for (const m of members) {
    const u = unique.get(m.unit.norm);
    if (u) u.n++;
    else unique.set(m.unit.norm, { m, n: 1 });
  }
  const pool = [...unique.values()].slice(0, 40);
  const others = Math.max(1, pool.reduce((n, p) => n + p.n, 0) - 1);
  let best = members[0]!;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const p of pool) {
    let score = p.n - 1;
    for (const q of pool) if (q !== p) score += q.n * cosine(vectorOf(p.m, idf), vectorOf(q.m, idf));
    score /= others;
    // Very long sentences carry side facts; very short ones and those that open on a pronoun lose the context.
    const words = p.m.unit.words;
    score -= words > 40 ? (words - 40) * 0.005 : words < 10 ? (10 - words) * 0.01 : 0;
    if (opensWithPronoun(p.m.unit.text)) score -= 0.5;
    if (score > bestScore + 1e-9) {
      best = p.m;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The claim's wording and who said it. With a speaker, the preferred wording is the shortest direct quotation
 * of that speaker among the members, credited with the verb the reports use ("told CNN"); failing that, the
 * most typical reported-speech clause with its attribution cut, credited "according to" the speaker, since
 * those are the reporter's words, not a quotation. Otherwise the most typical sentence as written, with no
 * separate attribution (the sentence carries it).
 */
export function claimWording(
  members: FactSentence[],
  idf: Map<string, number>,
): { text: string; attribution?: Attribution } {
  const attributed = members.filter((m) => m.unit.attribution);
  const group = mostCommon(attributed.map((m) => speakerGroup(m.unit.attribution!)));
  if (group === undefined) return { text: medoid(members, idf).unit.text };
  const inGroup = attributed.filter((m) => speakerGroup(m.unit.attribution!) === group);
  const said = inGroup.map((m) => m.unit.attribution!);
  // The fullest form of the name ("Steve Witkoff" over "Witkoff"), unless it is a whole description.
  const speaker =
    said
      .map((a) => a.speaker)
      .filter((n) => n.split(/\s+/).length <= 4)
      .reduce<string | undefined>((a, b) => (a === undefined || b.length > a.length ? b : a), undefined) ??
    mostCommon(said.map((a) => a.speaker))!;

  let quote: { member: FactSentence; text: string } | undefined;
  for (const m of members) {
    const a = m.unit.attribution;
    if (a && speakerGroup(a) !== group) continue;
    const text = m.unit.direct;
    if (text && (!quote || wordCount(text) < wordCount(quote.text))) quote = { member: m, text };
  }
  if (quote) {
    const own = quote.member.unit.attribution;
    const verb = own && speakerGroup(own) === group ? own.verb : mostCommon(said.map((a) => a.verb))!;
    const outlet =
      own?.verb === verb && own.outlet
        ? own.outlet
        : mostCommon(said.filter((a) => a.verb === verb && a.outlet).map((a) => a.outlet!));
    return { text: quote.text, attribution: outlet ? { speaker, verb, outlet } : { speaker, verb } };
  }

  const clauses = inGroup
    .map((m) => ({ member: m, text: m.unit.clause }))
    .filter((c): c is { member: FactSentence; text: string } => c.text !== undefined);
  if (clauses.length) {
    const typical = medoid(
      clauses.map((c) => c.member),
      idf,
    );
    const chosen = clauses.find((c) => c.member === typical)!;
    const outlet = chosen.member.unit.attribution!.outlet;
    const verb = 'according to';
    return { text: chosen.text, attribution: outlet ? { speaker, verb, outlet } : { speaker, verb } };
  }
  return { text: medoid(members, idf).unit.text };
}

/** Stable key of a claim: its first sentence, normalised, so later members and rewording do not change it. */
export function claimKey(first: FactSentence): string {
  return createHash('sha1').update(normalise(first.unit.text)).digest('hex').slice(0, 16);
}

/** Near-duplicate sentences from one or more sources, merged into one claim. */
export interface Claim {
  members: FactSentence[];
  /** Mean similarity of the members to the story centroid. */
  centrality: number;
  fact: DigestFact;
}

/**
 * The `limit` best-supported claims of a story: most corroborated first, then most central to the story, then
 * first reported. `sentences` must be in publication order.
 */
export function rankClaims(sentences: FactSentence[], idf: Map<string, number>, limit: number): Claim[] {
  const ranked = groupClaims(sentences, idf)
    .map((members) => {
      // One name per publisher, as it first reported the claim.
      const byPublisher = new Map<number, string>();
      for (const m of members) if (!byPublisher.has(m.publisher)) byPublisher.set(m.publisher, m.source);
      const sources = [...new Set(byPublisher.values())];
      let centrality = 0;
      for (const m of members) centrality += m.centrality;
      // A claim told only with a pronoun for its subject reads as a fragment: among equally corroborated
      // claims, it comes after those that name who they are about.
      const dangling = members.every((m) => opensWithPronoun(m.unit.text)) ? 1 : 0;
      return { members, sources, centrality: centrality / members.length, dangling };
    })
    .sort(
      (a, b) =>
        b.sources.length - a.sources.length ||
        a.dangling - b.dangling ||
        b.centrality - a.centrality ||
        a.members[0]!.order - b.members[0]!.order,
    )
    .slice(0, limit);
  return ranked.map(({ members, sources, centrality }): Claim => {
    const { text, attribution } = claimWording(members, idf);
    const fact: DigestFact = { key: claimKey(members[0]!), text, sources, count: sources.length };
    if (attribution) fact.attribution = attribution;
    return { members, centrality, fact };
  });
}
