import type { DigestCoverage, DigestFact, DigestOpinion, StoryDigest } from '../model.js';
import type { Store } from '../store/index.js';
import { publisherCount, publishersOf } from '../util/outlet.js';
import type { PostedRef, Sink } from './sink.js';

/** What a sink has been given of one story. Written before each act (pending) and after it (done). */
export interface DeliveryRecord {
  ref?: PostedRef;
  itemIds: string[];
  factKeys: string[];
  /** The act under way; `since` (epoch ms) is when it was recorded, so a search for its result can stop there. */
  pending?: PendingAct;
  updates: number;
  /** Quiet coverage (see `DelivererOptions.quietHoldMs`) kept back from the thread, and since when. */
  held?: HeldCoverage;
}

interface HeldCoverage {
  /** On the deliverer's clock (epoch ms). */
  since: number;
  itemIds: string[];
}

interface PendingAct {
  op: 'post' | 'update';
  key: string;
  itemIds: string[];
  factKeys: string[];
  since?: number;
  /**
   * A post's facts exactly as sent. A fact's wording and count move with later coverage; a retry that
   * rendered them afresh could split its thread replies differently, and be completed from the wrong reply.
   * Absent in records written before they were kept.
   */
  facts?: DigestFact[];
  /**
   * An update's new coverage and facts exactly as sent. A fact's wording and count move with later coverage;
   * a retry that rendered them afresh would not match the reply that already went out.
   */
  sent?: SentUpdate;
}

interface SentUpdate {
  coverage: DigestCoverage[];
  facts: DigestFact[];
  /** Absent in records written before they were kept; worked out again from the record then. */
  sources?: string[];
  opinion?: DigestOpinion[];
}

export type DeliveryResult = 'posted' | 'updated' | 'held' | 'unchanged' | 'below-threshold';

/**
 * Where a sink stands with a story: has all of it, waits on quiet coverage it holds back, lacks some, or has
 * never been sent it (nor begun to be).
 */
export type DeliveryState = 'current' | 'holding' | 'behind' | 'new';

export interface DelivererOptions {
  /**
   * How long a record is kept after it was last written; forever by default. Set past the time a story can
   * still be delivered (the item log's retention, and the notes of which story an item went out under), so
   * that the records of stories long gone are deleted without one ever being missed.
   */
  keepMs?: number;
  /**
   * How long coverage that brings neither a new outlet, nor a new fact, nor an opinion or analysis piece (more
   * reports from outlets already in the thread) waits for something new to go out with, so that such reports
   * reach a thread at most once in this long instead of one reply each. 0 sends every update at once.
   */
  quietHoldMs?: number;
  /** The clock holds are timed on (epoch ms); the scheduler's, so that a replay runs on archive time. */
  now?: () => number;
}

const recordKey = (sink: Sink, storyId: string) => `${sink.id}|${storyId}`;

/** Which story an item was delivered under, on any sink; shares the namespace under its own prefix. */
const storyOfKey = (itemId: string) => `story-of|${itemId}`;
/** How long that is kept: a story's newer items keep it findable, however long it runs. */
const STORY_OF_TTL_MS = 30 * 86_400_000;

/**
 * How long delivery records must be kept for an item log that keeps items `retentionMs`: a story can be
 * delivered while its items are kept, and found again through its notes for as long as those are.
 */
export function recordsKeptFor(retentionMs: number): number {
  return retentionMs + STORY_OF_TTL_MS;
}
const NOTED_MAX = 10_000;
/** Coverage time between two notes of one story; the item log keeps far longer than this. */
const NOTE_EVERY_MS = 86_400_000;

/**
 * The digest as an interrupted post attempt had it: its reports and opinion pieces only, and its facts as they
 * were sent (for records that kept them; those filtered from the digest's otherwise). The digest itself when
 * none of the attempt's reports is left in the story (a merge, the retention window).
 */
function asAttempted(digest: StoryDigest, attempt: PendingAct): StoryDigest {
  const items = new Set(attempt.itemIds);
  const facts = new Set(attempt.factKeys);
  const coverage = digest.coverage.filter((c) => items.has(c.itemId));
  if (!coverage.length) return digest;
  return {
    ...digest,
    coverage,
    facts: attempt.facts ?? digest.facts.filter((f) => facts.has(f.key)),
    opinion: digest.opinion.filter((o) => items.has(o.itemId)),
    outletCount: publisherCount(coverage),
  };
}

/**
 * Delivers story digests to sinks with at-most-once effects per idempotency key: the intent is persisted
 * before the sink acts, the outcome after. A crash in between leaves a pending record; the next attempt
 * reuses its key, so platforms that dedupe on it never show the story twice.
 */
export class Deliverer {
  /** When (in coverage time) each story was last noted (see `noteStoryOf`). */
  private readonly noted = new Map<string, number>();

  private readonly quietHoldMs: number;
  private readonly keepMs?: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    opts: DelivererOptions = {},
  ) {
    this.quietHoldMs = opts.quietHoldMs ?? 0;
    this.keepMs = opts.keepMs;
    this.now = opts.now ?? Date.now;
  }

  private get records() {
    return this.store.ns<DeliveryRecord>('deliveries');
  }

  /** Writes a record, kept for `keepMs` from now. */
  private keep<V extends object>(key: string, record: V): Promise<boolean> {
    return this.store.ns<V>('deliveries').set(key, record, this.keepMs);
  }

  /**
   * Whether a sink already has every one of these items of a story with nothing left pending ('current'),
   * holds back the ones it lacks as quiet coverage whose time has not come ('holding'), or needs a delivery.
   */
  async state(sink: Sink, storyId: string, itemIds: string[]): Promise<DeliveryState> {
    const record = await this.records.get(recordKey(sink, storyId));
    if (!record) return 'new';
    if (!record.ref || record.pending) return 'behind';
    const known = new Set(record.itemIds);
    const missing = itemIds.filter((id) => !known.has(id));
    if (!missing.length) return 'current';
    const held = record.held;
    if (!held || this.holdOver(held.since)) return 'behind';
    const waiting = new Set(held.itemIds);
    return missing.every((id) => waiting.has(id)) ? 'holding' : 'behind';
  }

  /**
   * After completing an interrupted post: the coverage that came in since it began goes out as an update
   * now, rather than waiting for the story's next report. 'held' if that update waits as quiet coverage.
   */
  private async followUp(sink: Sink, digest: StoryDigest, posted: string[]): Promise<DeliveryResult> {
    const known = new Set(posted);
    if (digest.coverage.every((c) => known.has(c.itemId))) return 'posted';
    return (await this.deliver(sink, digest)) === 'held' ? 'held' : 'posted';
  }

  async deliver(sink: Sink, digest: StoryDigest): Promise<DeliveryResult> {
    if (digest.outletCount < sink.minSources) return 'below-threshold';
    const key = recordKey(sink, digest.id);
    const record = await this.recordOf(sink, digest);
    const itemIds = digest.coverage.map((c) => c.itemId);
    const factKeys = digest.facts.map((f) => f.key);

    if (!record.ref) {
      const interrupted = record.pending?.op === 'post' ? record.pending : undefined;
      const attemptKey = interrupted?.key ?? `${key}|post`;
      const recovered =
        record.pending && sink.recover ? await sink.recover(attemptKey, record.pending.since) : undefined;
      if (recovered) {
        // What the interrupted attempt posted, not the story as it is now: coverage that came in since goes
        // out as an update.
        const sent = interrupted ?? { itemIds, factKeys };
        await this.keep(key, {
          ref: recovered,
          itemIds: sent.itemIds,
          factKeys: sent.factKeys,
          updates: 0,
        });
        return this.followUp(sink, digest, sent.itemIds);
      }
      // A retry posts what its interrupted attempt was posting, no more: the platform completes that post
      // (its thread may be partly sent already), and coverage that came in since goes out as an update.
      const attempt = interrupted ? asAttempted(digest, interrupted) : digest;
      const sent = attempt === digest ? { itemIds, factKeys, facts: digest.facts } : interrupted!;
      await this.noteStoryOf(digest.id, attempt.coverage);
      await this.keep(key, {
        ...record,
        // Wall-clock time, not the scheduler's: platforms stamp messages on the wall clock. A retry keeps the
        // first attempt's start, so that the platform still searches from there for what that attempt posted.
        pending: {
          op: 'post',
          key: attemptKey,
          itemIds: sent.itemIds,
          factKeys: sent.factKeys,
          facts: sent.facts ?? attempt.facts,
          since: interrupted?.since ?? Date.now(),
        },
      });
      const ref = await sink.post(attempt, attemptKey);
      await this.keep(key, { ref, itemIds: sent.itemIds, factKeys: sent.factKeys, updates: 0 });
      return this.followUp(sink, digest, sent.itemIds);
    }

    const known = new Set(record.itemIds);
    const postedFacts = new Set(record.factKeys);
    const unsent = digest.coverage.filter((c) => !known.has(c.itemId));
    // A retry sends what its interrupted attempt was sending, no more, so that the platform can recognise what
    // already arrived; coverage that came in since goes out as the next update. If none of the attempt's items
    // is left in the story (a merge, the retention window), this is a fresh update instead.
    const pending = record.pending?.op === 'update' ? record.pending : undefined;
    const pendingItems = new Set(pending?.itemIds);
    const retry = unsent.some((c) => pendingItems.has(c.itemId)) ? pending : undefined;
    const newCoverage = retry ? unsent.filter((c) => pendingItems.has(c.itemId)) : unsent;
    if (!newCoverage.length) return 'unchanged';
    const inAttempt = new Set(retry ? retry.factKeys : factKeys);
    const newFacts = digest.facts.filter((f) => !postedFacts.has(f.key) && inAttempt.has(f.key));
    const sent: SentUpdate = retry?.sent ?? { coverage: newCoverage, facts: newFacts };
    sent.sources ??= sourcesNewTo(digest.coverage, known, sent.coverage);
    sent.opinion ??= opinionOf(digest, sent.coverage);
    const quiet = !sent.sources.length && !sent.facts.length && !sent.opinion.length;
    if (!retry && quiet && (await this.hold(key, record, newCoverage))) return 'held';
    const attempt = retry ?? { itemIds, factKeys };
    const attemptKey = retry ? retry.key : `${key}|update-${record.updates + 1}`;
    // A retry keeps the first attempt's start, so that what that attempt sent is still searched for.
    const since = retry?.since ?? Date.now();
    await this.noteStoryOf(digest.id, sent.coverage);
    await this.keep(key, {
      ...record,
      pending: {
        op: 'update',
        key: attemptKey,
        itemIds: attempt.itemIds,
        factKeys: attempt.factKeys,
        since,
        sent,
      },
    });
    await sink.update(
      record.ref,
      {
        digest,
        newCoverage: sent.coverage,
        newFacts: sent.facts,
        newOpinion: sent.opinion,
        newSources: sent.sources,
      },
      attemptKey,
      retry ? since : undefined,
    );
    const done = new Set([...record.itemIds, ...attempt.itemIds]);
    await this.keep(key, {
      ref: record.ref,
      itemIds: [...done],
      factKeys: [...new Set([...record.factKeys, ...attempt.factKeys])],
      updates: record.updates + 1,
    });
    // What arrived after the interrupted attempt: its own update, now.
    if (retry && itemIds.some((id) => !done.has(id))) await this.deliver(sink, digest);
    return 'updated';
  }

  /**
   * Keeps quiet coverage back while the story's hold runs (it starts with the first such coverage); records it,
   * so that passes in between know the story needs nothing yet. Returns false once the hold is over.
   */
  private async hold(key: string, record: DeliveryRecord, coverage: DigestCoverage[]): Promise<boolean> {
    const since = record.held?.since ?? this.now();
    if (this.holdOver(since)) return false;
    const itemIds = coverage.map((c) => c.itemId);
    const before = record.held?.itemIds;
    if (before?.length !== itemIds.length || itemIds.some((id, i) => before[i] !== id))
      await this.keep(key, { ...record, held: { since, itemIds } });
    return true;
  }

  /** Whether a hold that began at `since` has run out; one of no length always has. */
  private holdOver(since: number): boolean {
    return this.now() - since >= this.quietHoldMs;
  }

  /**
   * Performs a one-off act (a digest header, a notice) that posts `text`, at most once per key: done keys are
   * skipped, and an act interrupted by a crash is first looked for with `recover` before it is tried again. A
   * retry posts, and looks for, the text of the first attempt with that attempt's start, however the text
   * would read now (a digest's header counts stories that may have changed since).
   */
  async once(
    key: string,
    text: string,
    act: (key: string, text: string) => Promise<PostedRef>,
    recover?: (key: string, since: number | undefined, text: string) => Promise<PostedRef | undefined>,
  ): Promise<PostedRef> {
    const records = this.store.ns<{ ref?: PostedRef; pending?: boolean; since?: number; text?: string }>(
      'deliveries',
    );
    const recordKey = `once|${key}`;
    const record = await records.get(recordKey);
    if (record?.ref) return record.ref;
    const first = record?.pending ? { since: record.since, text: record.text ?? text } : undefined;
    const sent = first?.text ?? text;
    let ref = first && recover ? await recover(key, first.since, sent) : undefined;
    if (!ref) {
      await this.keep(recordKey, { pending: true, since: first?.since ?? Date.now(), text: sent });
      ref = await act(key, sent);
    }
    await this.keep(recordKey, { ref });
    return ref;
  }

  /**
   * Notes the story an act delivers under its newest item, once a day of coverage per story: a story rebuilt
   * under another id (its items older than the retention gone) holds its last days of coverage, so one noted
   * item a day finds it, at a write a day instead of one per item. Several sinks taking the same act share it.
   */
  private async noteStoryOf(storyId: string, coverage: readonly DigestCoverage[]): Promise<void> {
    let newest: DigestCoverage | undefined;
    for (const c of coverage) if (!newest || c.publishedAt >= newest.publishedAt) newest = c;
    if (!newest) return;
    const at = Date.parse(newest.publishedAt);
    const last = this.noted.get(storyId);
    if (last !== undefined && at - last < NOTE_EVERY_MS) return;
    await this.store.ns<string>('deliveries').set(storyOfKey(newest.itemId), storyId, STORY_OF_TTL_MS);
    if (this.noted.size >= NOTED_MAX) this.noted.clear();
    this.noted.set(storyId, at);
  }

  /**
   * The sink's record of a story, taking in what was delivered under other ids for the same coverage: stories
   * folded into it, and (for a story the sink has no record of) the stories its items were delivered under,
   * as when a restart rebuilt a story that began before the item log's retention under a new id. A story that
   * had no record continues the first such thread (or finishes its interrupted post under the same key); one
   * that had its own keeps it, and the coverage sent in the other thread counts as sent. The result is stored
   * before anything is acted on and depends only on what is stored, so it holds however the worker stopped and
   * whichever sinks were delivering when the stories were joined.
   */
  private async recordOf(sink: Sink, digest: StoryDigest): Promise<DeliveryRecord> {
    const key = recordKey(sink, digest.id);
    let record = await this.records.get(key);
    if (record?.pending) return record;
    const aliases = [...(digest.mergedFrom ?? [])];
    if (!record) {
      const keys = digest.coverage.map((c) => storyOfKey(c.itemId));
      for (const story of await this.store.ns<string>('deliveries').getMany(keys)) {
        if (story && story !== digest.id && !aliases.includes(story)) aliases.push(story);
      }
    }
    let changed = false;
    for (const alias of aliases) {
      const old = await this.records.get(recordKey(sink, alias));
      if (!old?.ref && old?.pending?.op !== 'post') continue;
      if (!record) {
        record = { ...old, itemIds: [...old.itemIds], factKeys: [...old.factKeys] };
        changed = true;
        continue;
      }
      if (!old.ref || !record.ref) continue;
      const known = new Set(record.itemIds);
      const facts = new Set(record.factKeys);
      const items = old.itemIds.filter((id) => !known.has(id));
      const keys = old.factKeys.filter((k) => !facts.has(k));
      if (!items.length && !keys.length) continue;
      record = { ...record, itemIds: [...record.itemIds, ...items], factKeys: [...record.factKeys, ...keys] };
      changed = true;
    }
    if (!record) return { itemIds: [], factKeys: [], updates: 0 };
    if (changed) await this.keep(key, record);
    return record;
  }
}

/**
 * Names of the publishers among `fresh` that a thread holding the `known` items of `coverage` has no report
 * from, each once, in the order `fresh` lists them.
 */
export function sourcesNewTo(
  coverage: readonly DigestCoverage[],
  known: ReadonlySet<string>,
  fresh: readonly DigestCoverage[],
): string[] {
  const shown = coverage.filter((c) => known.has(c.itemId));
  const publishers = publishersOf([...shown, ...fresh]);
  // A publisher is named by its first item, so one first named in the thread has an index below `shown`.
  const named = new Set(publishers.slice(0, shown.length));
  const names: string[] = [];
  fresh.forEach((c, i) => {
    const publisher = publishers[shown.length + i]!;
    if (named.has(publisher)) return;
    named.add(publisher);
    names.push(c.source);
  });
  return names;
}

/** The digest's opinion, analysis and advocacy pieces that belong to `coverage`. */
function opinionOf(digest: StoryDigest, coverage: readonly DigestCoverage[]): DigestOpinion[] {
  const items = new Set(coverage.map((c) => c.itemId));
  return digest.opinion.filter((o) => items.has(o.itemId));
}
