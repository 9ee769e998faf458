import type { ExpireListener, OnlineClusterer, StoryInfo } from '../cluster/index.js';
import { Deliverer, type DeliveryResult, recordsKeptFor } from '../deliver/deliverer.js';
import { reportedSince } from '../deliver/matching.js';
import type { Sink } from '../deliver/sink.js';
import { buildDigest } from '../digest/build.js';
import type { Logger } from '../log.js';
import type { Item, StoryDigest } from '../model.js';
import type { Store } from '../store/index.js';
import { publisherCount } from '../util/outlet.js';
import { ItemLog } from './item-log.js';
import { StoryIndex } from './story-index.js';

export interface EngineOptions {
  store: Store;
  sinks: () => Sink[] | Promise<Sink[]>;
  logger: Logger;
  /** Makes the clusterer; it must call `onExpire` with each story that goes cold. */
  clusterer?: (onExpire: ExpireListener) => OnlineClusterer;
  /** Items are kept (and replayed at start-up) this long after they were accepted. */
  retentionMs?: number;
  /** See `DelivererOptions.quietHoldMs`; 0 (the default) sends every update at once. */
  quietHoldMs?: number;
  now?: () => Date;
  /**
   * A story is first sent to a sink only if its newest item was published at most this long ago: the back
   * catalogue a feed brings when it is first polled is not news. Stories already sent get their later
   * coverage whatever its age. Unset: no limit.
   */
  maxStoryAgeMs?: number;
}

/**
 * The stories owed a delivery pass (its own and those a sink failed to take before), stored before it acts;
 * `head` is the last logged item whose story is accounted for, so the stories of items logged after it (by a
 * pass cut off before it got this far) are owed too.
 */
interface Outbox {
  head: number;
  stories: string[];
}

const OUTBOX = 'outbox';
/**
 * Digests kept for reuse: building one reads every sentence of its story, a quarter of a second for a story of
 * a few hundred items, and the same story is often wanted again soon (`/story` asked twice, its delivery to
 * several channels, a daily digest).
 */
const DIGESTS_KEPT = 32;
/** Item id -> id of the story that item heads once the items before it were pruned (see `noteStoryHeads`). */
const STORY_HEADS = 'story-heads';

export interface IngestSummary {
  accepted: number;
  duplicates: number;
  stories: number;
  delivered: Partial<Record<DeliveryResult, number>>;
}

/**
 * The story engine: items in, story digests out to every sink. It owns the item log, the story index rebuilt
 * from it, and the deliverer. Items are persisted before they are clustered, and delivery state before a
 * sink acts, so a crash at any point neither drops a story nor posts one twice.
 */
export class StoryEngine {
  private readonly log: ItemLog;
  private readonly deliverer: Deliverer;
  private index: StoryIndex;
  /**
   * Stories owed a delivery attempt: those new items joined, until a pass has tried them, and those a sink
   * failed to take or holds quiet coverage of. Looked at again on every pass until a pass gets through them,
   * so a pass cut short by an error (a store that failed a write) loses none of them.
   */
  private retry = new Set<string>();
  private get outbox() {
    return this.opts.store.ns<Outbox>('meta');
  }
  private get storyHeadsNs() {
    return this.opts.store.ns<Record<string, string>>('meta');
  }
  /** As stored under `STORY_HEADS`. */
  private storyHeads: Record<string, string> = {};
  private ready = false;
  /** Last outbox written, so that a pass with nothing new and nothing owed writes nothing. */
  private written = '';
  /** Recently built digests by story id, least recently used first, with what they were built from. */
  private readonly digests = new Map<string, { basis: string; digest: StoryDigest }>();

  constructor(private readonly opts: EngineOptions) {
    this.log = new ItemLog(opts.store);
    this.deliverer = new Deliverer(opts.store, {
      quietHoldMs: opts.quietHoldMs,
      keepMs: opts.retentionMs ? recordsKeptFor(opts.retentionMs) : undefined,
      now: () => (opts.now?.() ?? new Date()).getTime(),
    });
    this.index = new StoryIndex(opts.clusterer);
  }

  /**
   * Rebuilds stories from the item log, then finishes the deliveries a previous run owed: the stories in its
   * outbox and those of items it logged but never got to deliver. Stories delivered in full are left alone, so
   * a channel that subscribed meanwhile gets what changes from now on, as it would without the restart.
   * With `deliver: false` they go out with the first `ingest` instead, for a worker whose platforms connect
   * after this.
   */
  async init(options: { deliver?: boolean } = {}): Promise<void> {
    this.index = new StoryIndex(this.opts.clusterer);
    // Items past the retention are replayed too and pruned after, as a running worker prunes them: from the
    // log, not from the stories they shaped, and with the ids of the stories they headed noted first.
    const logged = await this.log.loadSequenced();
    this.storyHeads = (await this.storyHeadsNs.get(STORY_HEADS)) ?? {};
    // A store without an outbox predates it: every live story is owed, as a first pass over the log.
    const outbox = (await this.outbox.get(OUTBOX)) ?? { head: 0, stories: [] };
    const owed = new Set(outbox.stories);
    for (const { seq, item } of logged) {
      const { storyId } = this.index.add(item, this.storyHeads[item.id]);
      if (seq > outbox.head) owed.add(storyId);
    }
    await this.prune();
    this.ready = true;
    this.opts.logger.info({ items: logged.length, owed: owed.size }, 'story index rebuilt from the item log');
    for (const storyId of owed) this.retry.add(storyId);
    if (options.deliver !== false) await this.deliverOwed([...this.retry]);
  }

  private cutoff(): Date | undefined {
    if (!this.opts.retentionMs) return undefined;
    return new Date((this.opts.now?.() ?? new Date()).getTime() - this.opts.retentionMs);
  }

  /**
   * Drops items past the retention window from the log and from memory. Their stories have long gone cold
   * in the clusterer, so the index it is rebuilt from at the next start makes the same decisions.
   */
  async prune(): Promise<number> {
    const cutoff = this.cutoff();
    if (!cutoff) return 0;
    await this.noteStoryHeads(cutoff);
    const dropped = await this.log.prune(cutoff);
    this.index.forget(dropped, cutoff.toISOString());
    return dropped.length;
  }

  /**
   * A story rebuilt from the log at the next start would begin at its first item still kept and take that
   * item's id. So before items are pruned, each live story that loses its head notes its id against the first
   * item it keeps, and the rebuilt story keeps the id its thread and `/story` links know.
   */
  private async noteStoryHeads(cutoff: Date): Promise<void> {
    const expiring = this.log.acceptedBefore(cutoff.getTime());
    if (!expiring.length) return;
    const gone = new Set(expiring);
    let changed = false;
    // Heads noted before, for items that stay.
    const heads: Record<string, string> = {};
    for (const [itemId, storyId] of Object.entries(this.storyHeads)) {
      if (gone.has(itemId) || !this.log.has(itemId)) changed = true;
      else heads[itemId] = storyId;
    }
    const losing = new Set<string>();
    for (const itemId of expiring) {
      const storyId = this.index.liveStoryOf(itemId);
      if (storyId) losing.add(storyId);
    }
    for (const storyId of losing) {
      const head = this.index.live(storyId)?.itemIds.find((id) => !gone.has(id));
      if (head && heads[head] !== storyId) {
        heads[head] = storyId;
        changed = true;
      }
    }
    if (!changed) return;
    await this.storyHeadsNs.set(STORY_HEADS, heads);
    this.storyHeads = heads;
  }

  /**
   * Accepts new items (duplicates of earlier ones are dropped), clusters them and delivers what changed.
   * `afterAccept` runs once the items are in the log, before any slower work.
   */
  async ingest(batch: Item[], afterAccept?: () => Promise<void>): Promise<IngestSummary> {
    if (!this.ready) throw new Error('StoryEngine.init() must run before ingest()');
    const fresh = await this.log.append(batch, this.opts.now?.());
    // Clustered and owed before anything else can fail: the items are in the log as of now, and a later pass
    // must deliver their stories even if this one stops here.
    const touched = new Set<string>();
    for (const item of fresh) {
      const assignment = this.index.add(item);
      // What was delivered under a folded story is taken over when the survivor is next delivered.
      for (const from of assignment.merged) touched.delete(from);
      touched.add(assignment.storyId);
    }
    for (const storyId of touched) this.retry.add(storyId);
    await afterAccept?.();
    const delivered = await this.deliverOwed([...this.retry]);
    return {
      accepted: fresh.length,
      duplicates: batch.length - fresh.length,
      stories: touched.size,
      delivered,
    };
  }

  /** The digest of a story as it stands now. */
  digest(storyId: string): StoryDigest | undefined {
    return this.digestLater(storyId)?.();
  }

  digestLater(storyId: string): (() => StoryDigest) | undefined {
    const story = this.index.find(storyId);
    if (!story) return undefined;
    const items = this.index.itemsOf(story);
    return () => this.digestOf(story, items);
  }

  /**
   * The digest of `story` with `items`, built again only when either changed since it was last built. Digests
   * are shared between callers, so they are frozen.
   */
  private digestOf(story: StoryInfo, items: Item[]): StoryDigest {
    const basis = [
      story.headline,
      story.lastUpdated,
      story.sources.length,
      items.length,
      ...story.itemIds,
    ].join('\n');
    const kept = this.digests.get(story.id);
    this.digests.delete(story.id);
    const digest = kept?.basis === basis ? kept.digest : deepFreeze(buildDigest(story, items));
    this.digests.set(story.id, { basis, digest });
    if (this.digests.size > DIGESTS_KEPT) this.digests.delete(this.digests.keys().next().value!);
    return digest;
  }

  /** The items of a story, in the order they joined it. */
  storyItems(storyId: string): Item[] {
    const story = this.index.find(storyId);
    return story ? this.index.itemsOf(story) : [];
  }

  /** Live stories and the cold ones still kept, most recently updated first; the list is not to be changed. */
  stories(): readonly StoryInfo[] {
    return this.index.stories();
  }

  /**
   * When the newest of a story's items was accepted (epoch ms): an item can arrive well after it was
   * published, and a daily digest goes by arrival.
   */
  lastAccepted(story: Pick<StoryInfo, 'itemIds'>): number | undefined {
    let last: number | undefined;
    for (const id of story.itemIds) {
      const at = this.log.acceptedAt(id);
      if (at !== undefined && (last === undefined || at > last)) last = at;
    }
    return last;
  }

  get itemCount(): number {
    return this.log.size;
  }

  /**
   * Records the stories as owed, then delivers them. The record is not cleared afterwards: the next pass
   * rewrites it with its own stories and those a sink failed to take, and a restart in between finds the
   * delivered ones current and sends nothing for them.
   */
  private async deliverOwed(storyIds: string[]): Promise<Partial<Record<DeliveryResult, number>>> {
    const stories = [...new Set(storyIds)];
    await this.writeOutbox({ head: this.log.lastSeq, stories });
    return this.deliverStories(stories);
  }

  private async writeOutbox(outbox: Outbox): Promise<void> {
    const text = JSON.stringify(outbox);
    if (text === this.written) return;
    await this.outbox.set(OUTBOX, outbox);
    this.written = text;
  }

  private async deliverStories(storyIds: string[]): Promise<Partial<Record<DeliveryResult, number>>> {
    const counts: Partial<Record<DeliveryResult, number>> = {};
    const sinks = await this.opts.sinks();
    const maxAge = this.opts.maxStoryAgeMs;
    const now = (this.opts.now?.() ?? new Date()).getTime();
    // Replaces `retry` only once every story was tried: until then an error leaves all of them owed.
    const retry = new Set<string>();
    const stories = [...new Set(storyIds.map((id) => this.index.resolve(id)))]
      .map((id) => this.index.live(id))
      .filter((s): s is StoryInfo => !!s)
      .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
    for (const story of stories) {
      const items = this.index.itemsOf(story);
      // Outlets as the digest counts them, by publisher: a story below a sink's threshold needs no digest.
      const outlets = publisherCount(items);
      // Building a digest classifies every sentence, so first ask which sinks still lack something.
      const pending: Sink[] = [];
      for (const sink of sinks) {
        if (outlets < sink.minSources) continue;
        if (sink.wants && !sink.wants(items)) continue;
        let state: Awaited<ReturnType<Deliverer['state']>>;
        try {
          state = await this.deliverer.state(sink, story.id, story.itemIds);
        } catch (err) {
          retry.add(story.id);
          this.opts.logger.warn(
            { err, sink: sink.id, story: story.id },
            'delivery state unreadable; retrying next pass',
          );
          continue;
        }
        if (state === 'holding') retry.add(story.id);
        if (state === 'new' && !isNews(items, sink, now, maxAge)) continue;
        if (state !== 'behind' && state !== 'new') continue;
        pending.push(sink);
      }
      if (!pending.length) continue;
      const digest = this.digestOf(story, items);
      for (const sink of pending) {
        try {
          const result = await this.deliverer.deliver(sink, digest);
          counts[result] = (counts[result] ?? 0) + 1;
          if (result === 'held') retry.add(story.id);
        } catch (err) {
          // The pending record stays; the next pass retries with the same idempotency key.
          retry.add(story.id);
          this.opts.logger.warn(
            { err, sink: sink.id, story: story.id },
            'delivery failed; retrying next pass',
          );
        }
      }
    }
    this.retry = retry;
    return counts;
  }
}

/**
 * Whether a story not yet posted to `sink` is news there: it has a report published within `maxAge` (0: any
 * age) and since the sink began following what brings it the story.
 */
function isNews(items: Item[], sink: Sink, now: number, maxAge: number | undefined): boolean {
  const followed = sink.newsSince?.(items);
  const from = Math.max(
    maxAge ? now - maxAge : Number.NEGATIVE_INFINITY,
    followed ?? Number.NEGATIVE_INFINITY,
  );
  return from === Number.NEGATIVE_INFINITY || reportedSince(items, from);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
