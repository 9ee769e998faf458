import {
  type Assignment,
  createClusterer,
  type ExpireListener,
  type OnlineClusterer,
  type StoryInfo,
} from '../cluster/index.js';
import type { Item } from '../model.js';

/** Whether a story that went cold is worth keeping for lookups: two or more outlets covered it. */
export function keptWhenCold(sources: number): boolean {
  return sources >= 2;
}

/**
 * Stories as they are held in memory: the online clusterer, the items it was given, and the stories gone cold
 * (no new coverage within the clusterer's window) that two or more outlets covered, kept while their items are,
 * so that `/story`, a late daily digest and the `digest` command can still find them.
 */
export class StoryIndex {
  private readonly clusterer: OnlineClusterer;
  private readonly items = new Map<string, Item>();
  private readonly cold = new Map<string, StoryInfo>();
  /**
   * The last list `stories()` built, kept until a story changes: building every story's metadata takes tens of
   * milliseconds, and autocomplete asks for the list at each key press.
   */
  private listed: readonly StoryInfo[] | undefined;

  /** `make` builds the clusterer; it must call `onExpire` with each story that goes cold. */
  constructor(make?: (onExpire: ExpireListener) => OnlineClusterer) {
    const onExpire: ExpireListener = (sources, story) => {
      if (!keptWhenCold(sources)) return;
      const info = story();
      this.cold.set(info.id, info);
    };
    this.clusterer = make ? make(onExpire) : createClusterer({ onExpire });
  }

  has(itemId: string): boolean {
    return this.items.has(itemId);
  }

  /** Keeps the item and assigns it to a story; `newStoryId` names the story it starts, if it starts one. */
  add(item: Item, newStoryId?: string): Assignment {
    this.items.set(item.id, item);
    this.listed = undefined;
    return this.clusterer.add(item, newStoryId);
  }

  /** The live story holding a kept item. */
  liveStoryOf(itemId: string): string | undefined {
    return this.clusterer.storyOf(itemId);
  }

  /** The id a story goes by now: that of the story it was merged into, if it was. */
  resolve(storyId: string): string {
    return this.clusterer.resolve(storyId);
  }

  /** A story the clusterer still holds, under its own id or that of a story merged into it. */
  live(storyId: string): StoryInfo | undefined {
    return this.clusterer.story(this.clusterer.resolve(storyId));
  }

  /** A live story, or one gone cold that is still kept. */
  find(storyId: string): StoryInfo | undefined {
    return this.live(storyId) ?? this.cold.get(storyId);
  }

  /** The items of a story already looked up, in the order they joined it. */
  itemsOf(story: StoryInfo): Item[] {
    return story.itemIds.map((id) => this.items.get(id)).filter((i): i is Item => !!i);
  }

  /**
   * Live stories and the cold ones still kept, most recently updated first. The same list (not to be changed)
   * comes back until an item is added or items are forgotten.
   */
  stories(): readonly StoryInfo[] {
    this.listed ??= Object.freeze(
      [...this.clusterer.stories(), ...this.cold.values()].sort(
        (a, b) => b.lastUpdated.localeCompare(a.lastUpdated) || a.id.localeCompare(b.id),
      ),
    );
    return this.listed;
  }

  /** Lets go of items past the retention window, and of cold stories last updated before `horizon`. */
  forget(itemIds: Iterable<string>, horizon: string): void {
    this.listed = undefined;
    for (const id of itemIds) this.items.delete(id);
    for (const [id, story] of this.cold) if (story.lastUpdated < horizon) this.cold.delete(id);
  }
}
