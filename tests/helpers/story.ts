import type { StoryInfo } from '../../src/cluster/index.js';
import type { Item } from '../../src/model.js';

/** The clusterer's metadata for a story of `items` (in time order), as the digest builder is given it. */
export function storyOf(items: Item[], fields: Partial<StoryInfo> = {}): StoryInfo {
  const fallback = '2026-02-10T00:00:00.000Z';
  return {
    id: 'st',
    headline: items[0]?.title ?? '',
    itemIds: items.map((i) => i.id),
    sources: [...new Set(items.map((i) => i.source))],
    keywords: [],
    entities: [],
    firstSeen: items[0]?.publishedAt ?? fallback,
    lastUpdated: items.at(-1)?.publishedAt ?? fallback,
    ...fields,
  };
}
