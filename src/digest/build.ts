import { createHash } from 'node:crypto';
import type { StoryInfo } from '../cluster/index.js';
import type { DigestCoverage, DigestFact, DigestOpinion, Item, StoryDigest } from '../model.js';

const REPORTING =
  /\b(said|says|told|stated|announced|confirmed|wrote|according to|reported|added|explained)\b/i;

/** First-pass sentence splitter: ends at . ! ? followed by space and a capital or quote. */
function sentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((para) => para.split(/(?<=[.!?]["”’]?)\s+(?=["“‘A-Z])/))
    .map((s) => s.trim())
    .filter((s) => s.length >= 30 && /[.!?]["”’]?$/.test(s));
}

function factKey(text: string): string {
  const norm = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return createHash('sha1').update(norm).digest('hex').slice(0, 12);
}

/**
 * Builds the digest of one story from its items. Pure: the same story and items give the same digest.
 * Facts are sentences with a reporting verb; items marked as opinion or analysis go to the opinion list.
 */
export function buildDigest(story: StoryInfo, items: Item[]): StoryDigest {
  const ordered = [...items].sort(
    (a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id),
  );
  const facts = new Map<string, DigestFact>();
  const opinion: DigestOpinion[] = [];
  for (const item of ordered) {
    const body = item.text ?? item.description ?? '';
    if (item.kindHint && item.kindHint !== 'report') {
      opinion.push({
        source: item.source,
        kind: item.kindHint,
        gist: sentences(body)[0] ?? item.title,
        url: item.url,
      });
      continue;
    }
    for (const text of sentences(body)) {
      if (!REPORTING.test(text)) continue;
      const key = factKey(text);
      const fact = facts.get(key);
      if (!fact) facts.set(key, { key, text, sources: [item.source], count: 1 });
      else if (!fact.sources.includes(item.source)) {
        fact.sources.push(item.source);
        fact.count = fact.sources.length;
      }
    }
  }
  const coverage: DigestCoverage[] = ordered.map((item) => ({
    source: item.source,
    title: item.title,
    url: item.url,
    publishedAt: item.publishedAt,
    itemId: item.id,
  }));
  const factList = [...facts.values()].sort((a, b) => b.count - a.count);
  return {
    id: story.id,
    headline: story.headline,
    lead: factList[0]?.text ?? ordered[0]?.description ?? story.headline,
    facts: factList,
    opinion,
    coverage,
    outletCount: new Set(ordered.map((i) => i.source)).size,
    firstSeen: ordered[0]?.publishedAt ?? story.firstSeen,
    lastUpdated: ordered.at(-1)?.publishedAt ?? story.lastUpdated,
  };
}
