import type { Item, StoryDigest } from '../model.js';
import type { ChannelSettings, Platform } from './channels.js';
import type { PostedRef, StoryUpdate } from './sink.js';

/** Why a platform refused a delivery. `gone` and `forbidden` pause the channel; the rest are retried later. */
export type PlatformErrorKind = 'gone' | 'forbidden' | 'rate-limited' | 'transient';

export class PlatformError extends Error {
  override name = 'PlatformError';
  constructor(
    message: string,
    readonly kind: PlatformErrorKind,
  ) {
    super(message);
  }
}

/** How far our clock and a platform's may disagree: a search from a recorded time starts this much earlier. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * What the delivery layer needs from a chat platform. Each adapter renders the digest with its own
 * renderer and enforces its own limits; `key` is an idempotency key the adapter uses where it can.
 */
export interface ChatAdapter {
  readonly platform: Platform;
  postStory(channel: ChannelSettings, digest: StoryDigest, key: string): Promise<PostedRef>;
  /**
   * Replies in the story's thread and edits its parent. `since` (epoch ms) is set when an update recorded as
   * under way is tried again: what reached the thread from then on is not sent twice.
   */
  updateStory(
    channel: ChannelSettings,
    ref: PostedRef,
    update: StoryUpdate,
    key: string,
    since?: number,
  ): Promise<void>;
  /** A plain notice or digest header in the channel itself (not in a thread). */
  postNotice(channel: ChannelSettings, text: string, key: string): Promise<PostedRef>;
  /**
   * Finds a message posted under `key` before a crash, if the platform can tell; `since` (epoch ms) is when
   * the post was recorded as under way, so the search covers everything posted from then on. For a notice,
   * `notice` is its text, for platforms that keep no key with a plain message and know it only by what it says.
   */
  recover?(
    channel: ChannelSettings,
    key: string,
    since?: number,
    notice?: string,
  ): Promise<PostedRef | undefined>;
}

/** Stories a channel should see, decided from the story's items. */
export type StoryFilter = (items: Item[]) => boolean;
