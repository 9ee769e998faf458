import type { DigestCoverage, DigestFact, DigestOpinion, Item, StoryDigest } from '../model.js';

/** Where a posted story lives on its platform: enough to reply in its thread and edit its parent. */
export interface PostedRef {
  parentId: string;
  threadId?: string;
}

/** What changed in a story since it was last delivered to a sink. */
export interface StoryUpdate {
  digest: StoryDigest;
  newCoverage: DigestCoverage[];
  newFacts: DigestFact[];
  /** Opinion, analysis and advocacy pieces among the new coverage, kept apart from its facts as in the post. */
  newOpinion: DigestOpinion[];
  /**
   * Outlets the thread had no report from before this update, one name per publisher. The rest of the new
   * coverage is more reports from outlets already there.
   */
  newSources: string[];
}

/**
 * A delivery target: the console, or one subscribed Discord or Slack channel.
 * `key` is an idempotency key; a sink whose platform can dedupe on it (Discord's nonce, Slack metadata) does.
 */
export interface Sink {
  readonly id: string;
  /** A story is posted once this many distinct outlets cover it. */
  readonly minSources: number;
  post(digest: StoryDigest, key: string): Promise<PostedRef>;
  /** `since` is set when retrying an update that was recorded as under way (see `ChatAdapter.updateStory`). */
  update(ref: PostedRef, update: StoryUpdate, key: string, since?: number): Promise<void>;
  /**
   * After a crash between acting and recording, finds what was posted under `key`, if the platform can tell.
   * `since` (epoch ms) is when the act was recorded: nothing older needs searching.
   */
  recover?(key: string, since?: number): Promise<PostedRef | undefined>;
  /** Whether this target wants a story at all, judged from its items (feeds, topics); all stories if absent. */
  wants?(items: Item[]): boolean;
  /**
   * From when (epoch ms) a report makes a story not yet posted here news: what came before this target followed
   * the story's feeds or topics is their back catalogue. Later coverage of a posted story goes to its thread
   * whatever its age. No limit if absent or undefined.
   */
  newsSince?(items: Item[]): number | undefined;
}
