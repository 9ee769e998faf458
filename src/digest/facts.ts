import { createHash } from 'node:crypto';
import { isEpithet } from '../classify/index.js';
import type { Attribution, DigestFact } from '../model.js';
import type { Unit } from './analyse.js';
import { comparable, countedFigures, type Figures, figuresConflict, sameCore } from './core.js';
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

/** What a sentence counts, found when first needed and kept with its analysis, which rebuilds reuse. */
function figuresOf(s: FactSentence): Figures {
  s.unit.figures ??= countedFigures(s.unit.text);
  return s.unit.figures;
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
  if (
    a.speaker &&
    b.speaker &&
    a.speaker !== b.speaker &&
    !describes(a, b) &&
    !describes(b, a) &&
    // "…, the pair announced": an epithet may stand for the speaker another outlet names.
    !isEpithet(a.attribution!.speaker) &&
    !isEpithet(b.attribution!.speaker)
  )
    return false;
  return !((a.direct && b.speaker !== a.speaker) || (b.direct && a.speaker !== b.speaker));
}

/**
 * Whether `a` credits by role alone ("the tech giant's CEO") a speaker `b` names with that role ("Microsoft CEO
 * Satya Nadella").
 */
function describes(a: Unit, b: Unit): boolean {
  const role = a.attribution?.speaker;
  const named = b.attribution?.speaker;
  if (!role || !named || !/^(?:the|its|his|her|their)\s/i.test(role)) return false;
  const word = a.speaker!.toLowerCase();
  return named.toLowerCase().split(/\s+/).includes(word);
}

/** Whether sentence `a` holds most of the weighted words of sentence `b`. */
function holdsMost(a: FactSentence, b: FactSentence, idf: Map<string, number>): boolean {
  let w = 0;
  for (const t of b.terms) if (a.terms.has(t)) w += termWeight(idf, t);
  return w >= MERGE_AT * b.weight;
}

/** Appends `value` to the list `map` holds under `key`, starting the list if there is none. */
function listUnder<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Earlier sentences with the same main verb whose cores a sentence is compared with. */
const RECENT_CORES = 48;

/** A claim's sentences, and sentences grouped with other claims that state it too. */
export interface ClaimGroup {
  /** In publication order; the first names the claim (see `claimKey`). */
  members: FactSentence[];
  /** Sentences of other claims that also state this one: one run-on sentence can tell two claims. */
  also: FactSentence[];
}

/**
 * A link to a member of a claim of several sentences counts for that claim when the words it rests on that most of
 * the claim's sentences use weigh at least this share of the words it rests on, or of the words most of them use.
 * Below it, the link is about something else that member also says.
 */
const ON_CLAIM = 0.25;
/** Share of the smaller of two claims' matched words that must be the same words for a sentence to merge them. */
const SAME_PART = 0.5;

/**
 * Groups reported sentences into claims: two sentences belong to one claim when they share a quoted run of five
 * words, when one credits a speaker with five words in a row of that speaker's quotation in the other, or when
 * they share enough of their weighted content words (without giving different counts of one thing) or the same
 * core (see `claimCore`) without naming different speakers. Sentences are taken in publication order and a claim
 * is named after its earliest sentence, so its key survives later items joining the story.
 *
 * A claim grows by such links, with two limits, since one outlet's sentence can tell two things ("X was named
 * interim chief, the board said, adding that Y"), and chaining through it would make X and Y one claim, counted
 * for the outlets of both. A link joins a claim of several sentences only if enough of the words it rests on are
 * words most of the claim's members use (see `ON_CLAIM`); and a sentence that links to two claims merges them only
 * if it matches both on the same words. Otherwise the sentence joins the claim it matches best, and counts for the
 * other claim too if it holds most of what that claim says.
 */
export function groupClaims(sentences: FactSentence[], idf: Map<string, number>): ClaimGroup[] {
  const parent: number[] = [];
  // Per claim, at its root: its distinct texts, and in how many of them each word occurs.
  const size: number[] = [];
  const uses: (Map<string, number> | undefined)[] = [];
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[i] !== r) [i, parent[i]] = [parent[i]!, r];
    return r;
  };
  const usesOf = (r: number): Map<string, number> => {
    let u = uses[r];
    if (!u) {
      u = new Map();
      for (const t of sentences[r]!.terms) u.set(t, 1);
      uses[r] = u;
    }
    return u;
  };
  // The earlier root wins, so a claim's first sentence is always its root.
  const union = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) return;
    const [root, other] = ra < rb ? [ra, rb] : [rb, ra];
    parent[other] = root;
    let [into, from] = [usesOf(root), usesOf(other)];
    if (into.size < from.size) [into, from] = [from, into];
    for (const [t, n] of from) into.set(t, (into.get(t) ?? 0) + n);
    uses[root] = into;
    uses[other] = undefined;
    size[root]! += size[other]!;
  };
  /** Whether most of the claim's distinct texts use the word. */
  const typical = (r: number, t: string) => size[r] === 1 || (usesOf(r).get(t) ?? 0) * 2 > size[r]!;
  const weightOf = (terms: Iterable<string>) => {
    let w = 0;
    for (const t of terms) w += termWeight(idf, t);
    return w;
  };
  // Weight of the words most of a claim's texts use, kept until the claim grows.
  const profile = new Map<number, { size: number; weight: number }>();
  const profileWeight = (r: number): number => {
    const known = profile.get(r);
    if (known && known.size === size[r]) return known.weight;
    let weight = 0;
    for (const [t, n] of usesOf(r)) if (n * 2 > size[r]! || size[r] === 1) weight += termWeight(idf, t);
    profile.set(r, { size: size[r]!, weight });
    return weight;
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
  const twins = new Map<number, number[]>();
  // Pairs [a, b]: sentence a also states the claim of sentence b.
  const alsoStates: [number, number][] = [];
  // Shared weight with each earlier sentence, and which entries are in use, reused from sentence to sentence.
  const overlap = new Float64Array(sentences.length);
  const touched: number[] = [];
  sentences.forEach((s, at) => {
    parent.push(at);
    size.push(1);
    uses.push(undefined);
    const twin = firstOf.get(s.unit.norm);
    if (twin !== undefined) {
      parent[at] = find(twin);
      listUnder(twins, twin, at);
      return;
    }
    firstOf.set(s.unit.norm, at);
    // The earlier sentences this one links to, and per claim the words of this one they share.
    const linked = new Set<number>();
    const shared = new Map<number, Set<string>>();
    // Per claim, the strongest link to it: the same quoted words count as the strongest.
    const strength = new Map<number, number>();
    const link = (j: number, score = 1) => {
      if (linked.has(j)) return;
      linked.add(j);
      const r = find(j);
      let words = shared.get(r);
      if (!words) {
        words = new Set();
        shared.set(r, words);
      }
      const other = sentences[j]!.terms;
      for (const t of s.terms) if (other.has(t)) words.add(t);
      strength.set(r, Math.max(strength.get(r) ?? 0, score));
    };
    for (const sh of s.unit.shingles) for (const j of byShingle.get(sh) ?? []) link(j);
    // A reporter's sentence that follows a speaker's quotation word for word is that quotation retold.
    const speaker = s.unit.speaker;
    if (speaker) {
      for (const sh of s.unit.paraphrase)
        for (const j of byShingle.get(sh) ?? []) if (sentences[j]!.unit.speaker === speaker) link(j);
      for (const sh of s.unit.shingles)
        for (const j of byParaphrase.get(sh) ?? []) if (sentences[j]!.unit.speaker === speaker) link(j);
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
      if (linked.has(j)) continue;
      const other = sentences[j]!;
      // Cheap bound first: the rare shared terms alone must make up a fair part of the smaller sentence.
      if (w < 0.2 * Math.min(s.weight, other.weight)) continue;
      // "13 hostages were freed" and "24 hostages were freed" share their words but not their news.
      const score = similarity(s, other, idf);
      if (score >= MERGE_AT && !figuresConflict(figuresOf(s), figuresOf(other))) link(j, score);
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
          if (!linked.has(j) && speakersAgree(s.unit, other) && sameCore(core, other.core!))
            link(j, MERGE_AT);
        }
        same.push(at);
      } else byVerb.set(core.verb, [at]);
    }
    for (const sh of s.unit.shingles) listUnder(byShingle, sh, at);
    for (const sh of s.unit.paraphrase) listUnder(byParaphrase, sh, at);
    for (const t of s.terms) listUnder(byTerm, t, at);
    if (!linked.size) return;

    // Per linked claim, the matched words that most of its members use. A link that rests on other words, with
    // a sentence that holds little of what the members have in common, is about something else one member says:
    // that member states this sentence's claim too, but this sentence does not state the member's claim.
    const claims: { root: number; words: string[]; weight: number; strength: number }[] = [];
    for (const [root, words] of shared) {
      const own = [...words].filter((t) => typical(root, t));
      const weight = weightOf(own);
      const onClaim = weight >= ON_CLAIM * Math.min(weightOf(words), profileWeight(root));
      if (weight > 0 && onClaim) claims.push({ root, words: own, weight, strength: strength.get(root)! });
      // The member is credited to this sentence's claim if it holds most of this sentence.
      else
        for (const j of linked)
          if (find(j) === root && holdsMost(sentences[j]!, s, idf)) alsoStates.push([j, at]);
    }
    if (!claims.length) return;
    claims.sort((a, b) => b.strength - a.strength || b.weight - a.weight || a.root - b.root);
    const [best, ...rest] = claims;
    const bestWords = new Set(best!.words);
    for (const c of rest) {
      let common = 0;
      for (const t of c.words) if (bestWords.has(t)) common += termWeight(idf, t);
      if (common >= SAME_PART * Math.min(best!.weight, c.weight)) union(c.root, at);
      // Credited to the other claim only if it holds most of what that claim's sentences have in common.
      else if (c.weight >= MERGE_AT * profileWeight(c.root)) alsoStates.push([at, c.root]);
    }
    union(best!.root, at);
  });
  const claims = new Map<number, ClaimGroup>();
  sentences.forEach((s, i) => {
    const root = find(i);
    const claim = claims.get(root);
    if (claim) claim.members.push(s);
    else claims.set(root, { members: [s], also: [] });
  });
  const seen = new Set<string>();
  for (const [a, b] of alsoStates) {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb || seen.has(`${a} ${rb}`)) continue;
    seen.add(`${a} ${rb}`);
    const claim = claims.get(rb)!;
    claim.also.push(sentences[a]!);
    for (const t of twins.get(a) ?? []) claim.also.push(sentences[t]!);
  }
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
  /**
   * Who said the wording `chosen` gives, as the members carrying the same words name them, in the fullest form
   * any member uses ("Steve Witkoff" for "Witkoff"), unless it is a whole description. Names that only share a
   * last word ("the health ministry", "the foreign ministry") may be someone else's, speaking of something else.
   */
  const speakerOf = (chosen: FactSentence): string => {
    const carried = inGroup
      .filter(
        (m) =>
          m === chosen ||
          m.unit.norm === chosen.unit.norm ||
          m.unit.shingles.some((sh) => chosen.unit.shingles.includes(sh)) ||
          holdsMost(m, chosen, idf),
      )
      .map((m) => normalise(m.unit.attribution!.speaker));
    const names = inGroup
      .map((m) => m.unit.attribution!.speaker)
      .filter((n) => !carried.length || carried.some((c) => ` ${normalise(n)}`.endsWith(` ${c}`)));
    return (
      names
        .filter((n) => n.split(/\s+/).length <= 4)
        .reduce<string | undefined>((a, b) => (a === undefined || b.length > a.length ? b : a), undefined) ??
      mostCommon(names)!
    );
  };
  const said = inGroup.map((m) => m.unit.attribution!);

  let quote: { member: FactSentence; text: string } | undefined;
  for (const m of members) {
    const a = m.unit.attribution;
    if (a && speakerGroup(a) !== group) continue;
    const text = m.unit.direct;
    if (text && (!quote || wordCount(text) < wordCount(quote.text))) quote = { member: m, text };
  }
  if (quote) {
    const speaker = speakerOf(quote.member);
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
    const speaker = speakerOf(chosen.member);
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
    .map(({ members, also }) => {
      // One name per publisher, as it first reported the claim, in its own sentences or in another claim's.
      const credited = also.length ? [...members, ...also].sort((a, b) => a.order - b.order) : members;
      const byPublisher = new Map<number, string>();
      for (const m of credited) if (!byPublisher.has(m.publisher)) byPublisher.set(m.publisher, m.source);
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
