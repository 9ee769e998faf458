import type { StoryDigest } from '../model.js';

/** One story as the `digest --format json` contract prints it. */
export interface DigestJson {
  id: string;
  headline: string;
  /** The newest development of a story that has run for more than a day, when it is not the headline. */
  latest: { title: string; source: string; url: string | null; publishedAt: string } | null;
  lead: string;
  facts: {
    text: string;
    attribution: { speaker: string; verb: string } | null;
    sources: string[];
    count: number;
  }[];
  opinion: { source: string; kind: string; gist: string; url: string | null }[];
  coverage: { source: string; url: string | null; publishedAt: string }[];
}

/**
 * The public JSON shape of a digest: exactly the documented fields, with null for an unknown attribution or
 * link so every entry has the same keys. Internal fields (fact keys, item ids) stay out of the contract.
 */
export function digestJson(d: StoryDigest): DigestJson {
  return {
    id: d.id,
    headline: d.headline,
    latest: d.latest
      ? {
          title: d.latest.title,
          source: d.latest.source,
          url: d.latest.url ?? null,
          publishedAt: d.latest.publishedAt,
        }
      : null,
    lead: d.lead,
    facts: d.facts.map((f) => ({
      text: f.text,
      attribution: f.attribution ? { speaker: f.attribution.speaker, verb: f.attribution.verb } : null,
      sources: [...f.sources],
      count: f.count,
    })),
    opinion: d.opinion.map((o) => ({ source: o.source, kind: o.kind, gist: o.gist, url: o.url ?? null })),
    coverage: d.coverage.map((c) => ({ source: c.source, url: c.url ?? null, publishedAt: c.publishedAt })),
  };
}
