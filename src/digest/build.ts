import type { StoryInfo } from '../cluster/index.js';
import type { DigestCoverage, DigestLatest, Item, StoryDigest } from '../model.js';
import { publishersOf } from '../util/outlet.js';
import { analyseItem, type ItemAnalysis, type Unit } from './analyse.js';
import { type Claim, type FactSentence, factSentence, opensWithPronoun, rankClaims } from './facts.js';
import { chooseHeadline, latestDevelopment } from './headline.js';
import { opinionEntries } from './opinion.js';
import { centroid, idfFromCounts, isComplete, weigh } from './text.js';

/** Most facts a digest lists; renderers show every one it keeps. */
export const MAX_FACTS = 15;

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Publication order; the id settles ties so the order never depends on how the items were passed in. */
function inPublicationOrder(items: Item[]): Item[] {
  const seen = new Set<string>();
  return items
    .map((item) => ({ item, t: time(item.publishedAt) }))
    .sort(
      (a, b) =>
        a.t - b.t ||
        a.item.publishedAt.localeCompare(b.item.publishedAt) ||
        a.item.id.localeCompare(b.item.id),
    )
    .map((x) => x.item)
    .filter((i) => !seen.has(i.id) && seen.add(i.id));
}

function leadCandidate(unit: Unit): boolean {
  const { text, words } = unit;
  return (
    words >= 8 &&
    words <= 60 &&
    isComplete(text) &&
    !/^["“‘']/.test(text) &&
    !/\?["'”’)]*$/.test(text) &&
    !opensWithPronoun(text)
  );
}

/**
 * The most central reported sentence among the better-corroborated claims (count at least the median), as the
 * reporter wrote it; else the first report's first reported sentence.
 */
function chooseLead(claims: Claim[], sentences: FactSentence[]): string | undefined {
  const counts = claims.map((c) => c.fact.count).sort((a, b) => b - a);
  const median = counts[Math.floor((counts.length - 1) / 2)] ?? 1;
  let best: FactSentence | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const claim of claims) {
    if (claim.fact.count < median) continue;
    for (const m of claim.members) {
      if (!leadCandidate(m.unit)) continue;
      const score = m.centrality;
      if (score > bestScore + 1e-9 || (Math.abs(score - bestScore) <= 1e-9 && best && m.order < best.order)) {
        best = m;
        bestScore = score;
      }
    }
  }
  return best?.unit.text ?? sentences.find((s) => leadCandidate(s.unit))?.unit.text;
}

/** First sentence of some plain text, for stories with nothing reported. */
function firstSentence(analyses: ItemAnalysis[]): string | undefined {
  for (const a of analyses)
    for (const s of a.sections) for (const u of s.units) if (u.words >= 6) return u.text;
  return undefined;
}

/**
 * Builds the digest of one story from its items: a representative headline, a lead, the reported facts merged
 * across sources with who said them and who reports them, the opinion and analysis pieces apart, and the
 * coverage in publication order. Pure and deterministic: the same items give the same digest in any order.
 */
export function buildDigest(story: StoryInfo, items: Item[]): StoryDigest {
  const ordered = inPublicationOrder(items);
  const analyses = ordered.map(analyseItem);
  const idf = idfFromCounts(
    analyses.map((a) => a.df),
    analyses.reduce((n, a) => n + a.sentenceCount, 0),
  );
  // Each reporting item counts once towards the centre of the story, however long it is.
  const reporting = analyses.filter((a) => a.reportedTf.size).map((a) => weigh(a.reportedTf, idf));
  const storyCentre = centroid(
    reporting.length
      ? reporting
      : analyses.flatMap((a) => a.sections.flatMap((s) => s.units.map((u) => weigh(u.tf, idf)))),
  );

  const publishers = publishersOf(ordered);
  const sentences: FactSentence[] = [];
  ordered.forEach((item, i) => {
    for (const section of analyses[i]!.sections) {
      for (const unit of section.units) {
        if (unit.reported)
          sentences.push(factSentence(unit, item.source, publishers[i]!, sentences.length, idf, storyCentre));
      }
    }
  });
  const claims = rankClaims(sentences, idf, MAX_FACTS);
  const coverage: DigestCoverage[] = ordered.map((item) => ({
    source: item.source,
    title: item.title,
    ...(item.url ? { url: item.url } : {}),
    publishedAt: item.publishedAt,
    itemId: item.id,
  }));
  const isReport = (i: number) => analyses[i]!.kind === 'report';
  const context = { idf, story: storyCentre };
  const headline = chooseHeadline(ordered, isReport, context, story.headline);
  const newest = latestDevelopment(ordered, isReport, context, headline);
  let latest: DigestLatest | undefined;
  if (newest) {
    const item = ordered[newest.i]!;
    latest = {
      title: newest.title,
      source: item.source,
      ...(item.url ? { url: item.url } : {}),
      publishedAt: item.publishedAt,
    };
  }
  return {
    id: story.id,
    headline,
    ...(latest ? { latest } : {}),
    lead: chooseLead(claims, sentences) ?? firstSentence(analyses) ?? headline,
    facts: claims.map((c) => c.fact),
    opinion: opinionEntries(ordered, analyses),
    coverage,
    outletCount: new Set(publishers).size,
    firstSeen: ordered[0]?.publishedAt ?? story.firstSeen,
    lastUpdated: ordered.reduce(
      (latest, i) => (time(i.publishedAt) > time(latest) ? i.publishedAt : latest),
      ordered[0]?.publishedAt ?? story.lastUpdated,
    ),
    ...(story.mergedFrom?.length ? { mergedFrom: [...story.mergedFrom] } : {}),
  };
}
