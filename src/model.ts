/**
 * Plain data that flows between the pipeline stages. Every stage takes and returns these shapes;
 * none of them knows about a platform, a store or the network.
 */

/** One normalised feed item, as it enters the pipeline. */
export interface Item {
  /** Stable identity across polls and restarts (from guid or canonical link). */
  id: string;
  /**
   * The item's other identities (from its guid, or its link) that another poll could give it as its `id`: a
   * link shared with a sibling cannot identify it, so its id moves between link and guid as siblings come and
   * go. An item whose id or any alternate was seen before is the same item.
   */
  altIds?: string[];
  title: string;
  /** Short summary from the feed, plain text. */
  description?: string;
  /** Full article text, plain text with paragraphs separated by blank lines, when known. */
  text?: string;
  url?: string;
  /** Human name of the outlet (feed title or configured name). */
  source: string;
  /** ISO-8601 publication time; falls back to the time it was first seen. */
  publishedAt: string;
  /**
   * Listed without a date at its feed's first poll, and dated then: of unknown age, perhaps the feed's back
   * catalogue, it makes no story news (see `reportedSince`).
   */
  ageUnknown?: true;
  feedUrl?: string;
  author?: string;
  categories?: string[];
  imageUrl?: string;
  /** Set when the feed or page says the item is opinion or analysis (config, category, URL path, page type). */
  kindHint?: ItemKind;
  /** schema.org type of the article page (JSON-LD), e.g. "OpinionNewsArticle", when the page was read. */
  pageType?: string;
  /** Section named by the page's metadata (article:section). */
  section?: string;
}

export type ItemKind = 'report' | 'opinion' | 'analysis' | 'advocacy';

/** Digest model of one story: what every renderer turns into platform messages. */
export interface StoryDigest {
  id: string;
  headline: string;
  lead: string;
  /**
   * For a story that has run for more than a day: the most representative report of its last day, when that
   * is not the headline. A story that moved on is still headed by what sums it up best.
   */
  latest?: DigestLatest;
  facts: DigestFact[];
  opinion: DigestOpinion[];
  coverage: DigestCoverage[];
  /** Number of distinct outlets covering the story. */
  outletCount: number;
  firstSeen: string;
  lastUpdated: string;
  /**
   * Ids the story also went by: stories later found to be the same one and folded into it. What was delivered
   * under them counts as delivered for this story.
   */
  mergedFrom?: string[];
}

export interface DigestLatest {
  /** The title, without its outlet tail. */
  title: string;
  source: string;
  url?: string;
  publishedAt: string;
}

export interface Attribution {
  speaker: string;
  verb: string;
  outlet?: string;
}

export interface DigestFact {
  /** Stable key for the claim, so an update can tell new facts from ones already posted. */
  key: string;
  text: string;
  attribution?: Attribution;
  /** Outlets reporting the claim, first reporter first. */
  sources: string[];
  count: number;
}

export interface DigestOpinion {
  source: string;
  kind: Exclude<ItemKind, 'report'>;
  gist: string;
  url?: string;
  /** The item the piece is, or is part of: an update shows the pieces of its new coverage. */
  itemId: string;
}

export interface DigestCoverage {
  source: string;
  title: string;
  url?: string;
  publishedAt: string;
  itemId: string;
}
