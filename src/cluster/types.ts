/** What the clusterer needs to know about an item. */
export interface ClusterInput {
  id: string;
  title: string;
  description?: string;
  text?: string;
  source?: string;
  /** ISO-8601; the clusterer's clock. Items without one use the previous item's time. */
  publishedAt?: string;
}

export interface Assignment {
  id: string;
  storyId: string;
  /** Stories folded into `storyId` by this item, if it bridged two stories that turned out to be one. */
  merged: string[];
  /** Similarity to the story when the item joined it (1 for the item that started it): how certain the call was. */
  score?: number;
}

export interface StoryInfo {
  id: string;
  headline: string;
  itemIds: string[];
  sources: string[];
  keywords: string[];
  /** Names and numbers the coverage mentions most, as written. */
  entities: string[];
  firstSeen: string;
  lastUpdated: string;
  /** Ids of the stories folded into this one, in the order they were folded; absent when none were. */
  mergedFrom?: string[];
}

/** Online story clusterer: each item is assigned when it arrives, from what is known so far. Deterministic. */
export interface OnlineClusterer {
  /**
   * Assigns the item. `newStoryId` is the id for the story the item starts, if it starts one and the id is free:
   * a story rebuilt after its first items were pruned keeps the id it had.
   */
  add(item: ClusterInput, newStoryId?: string): Assignment;
  /** The live story holding an item, if any. */
  storyOf(itemId: string): string | undefined;
  /** Current id of a story, following merges. */
  resolve(storyId: string): string;
  story(storyId: string): StoryInfo | undefined;
  stories(): Iterable<StoryInfo>;
}
