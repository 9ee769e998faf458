import type { Item } from '../model.js';
import type { Store } from '../store/index.js';

const HEAD = 'log:head';
const TAIL = 'log:tail';
const CHUNK = 500;
/** Ids of pruned items are remembered this long, so a feed that keeps old items never delivers them twice. */
const PRUNED_ID_TTL_MS = 365 * 86_400_000;

/** A logged item and when the worker accepted it (retention counts from acceptance, not publication). */
interface Entry {
  item: Item;
  acceptedAt: string;
}

/**
 * Append-only log of the items the worker has accepted, in arrival order. It is the source of truth for
 * story state: the clusterer is rebuilt by replaying it, so a restart reproduces the same assignments.
 * Each item is written under its sequence number before the head moves; a crash between the two leaves an
 * entry past the head, which `load` picks up, so nothing accepted is lost and nothing is accepted twice.
 * Entries older than the retention window are dropped from the tail, which bounds start-up time and memory.
 */
export class ItemLog {
  /** Kept items' ids, with when each was accepted (epoch ms). */
  private readonly ids = new Map<string, number>();
  private head = 0;
  /** First sequence number still kept. */
  private tail = 1;

  constructor(private readonly store: Store) {}

  /** Items currently kept. */
  get size(): number {
    return this.head - this.tail + 1;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /**
   * Ids of the items a prune at `cutoffMs` would drop: those accepted before it, up to the first accepted
   * after it (the log is pruned from its tail only).
   */
  acceptedBefore(cutoffMs: number): string[] {
    const ids: string[] = [];
    for (const [id, at] of this.ids) {
      if (at >= cutoffMs) break;
      ids.push(id);
    }
    return ids;
  }

  /** When a kept item was accepted (epoch ms). */
  acceptedAt(id: string): number | undefined {
    return this.ids.get(id);
  }

  private get entries() {
    return this.store.ns<Entry>('log');
  }

  private get meta() {
    return this.store.ns<number>('meta');
  }

  /** Sequence number of the newest item in the log (0 when none was ever accepted). */
  get lastSeq(): number {
    return this.head;
  }

  /** Reads every kept item in arrival order, first pruning those accepted before `cutoff` when given. */
  async load(cutoff?: Date): Promise<Item[]> {
    return (await this.loadSequenced(cutoff)).map((e) => e.item);
  }

  /** As `load`, with each item's sequence number. */
  async loadSequenced(cutoff?: Date): Promise<{ seq: number; item: Item }[]> {
    const recorded = (await this.meta.get(HEAD)) ?? 0;
    this.tail = (await this.meta.get(TAIL)) ?? 1;
    const entries: (Entry & { seq: number })[] = [];
    for (let from = this.tail; from <= recorded; from += CHUNK) {
      const keys = [];
      for (let seq = from; seq < from + CHUNK && seq <= recorded; seq++) keys.push(String(seq));
      const found = await this.entries.getMany(keys);
      found.forEach((entry, k) => {
        if (entry) entries.push({ ...entry, seq: from + k });
      });
    }
    let head = recorded;
    for (
      let next = await this.entries.get(String(head + 1));
      next;
      next = await this.entries.get(String(head + 1))
    ) {
      entries.push({ ...next, seq: ++head });
    }
    if (head !== recorded) await this.meta.set(HEAD, head);
    this.head = head;
    this.ids.clear();
    for (const entry of entries) {
      for (const id of identities(entry.item)) this.ids.set(id, Date.parse(entry.acceptedAt));
    }
    const dropped = cutoff ? await this.prune(cutoff) : [];
    return entries.slice(dropped.length).map((e) => ({ seq: e.seq, item: e.item }));
  }

  /**
   * Appends the items not seen before (in order, first copy wins) and returns them. They count as seen only
   * once the head has moved past them: an append whose write fails accepts nothing, so the same items are
   * taken when they come again (entries it did write past the head are written over, or found by `load`).
   */
  async append(items: Item[], now: Date = new Date()): Promise<Item[]> {
    const fresh: Item[] = [];
    const inBatch = new Set<string>();
    const pruned = this.store.ns<true>('seen');
    for (const item of items) {
      const known = identities(item);
      if (known.some((id) => this.ids.has(id) || inBatch.has(id))) continue;
      if ((await pruned.getMany(known)).some(Boolean)) continue;
      for (const id of known) inBatch.add(id);
      fresh.push(item);
    }
    if (!fresh.length) return fresh;
    const acceptedAt = now.toISOString();
    let seq = this.head;
    for (const item of fresh) await this.entries.set(String(++seq), { item, acceptedAt });
    await this.meta.set(HEAD, seq);
    this.head = seq;
    for (const id of inBatch) this.ids.set(id, now.getTime());
    return fresh;
  }

  /**
   * Drops entries accepted before `cutoff`, oldest first, and returns their item ids. The tail pointer moves
   * before the entries are deleted, so a crash in between only leaves unreachable rows behind.
   */
  async prune(cutoff: Date): Promise<string[]> {
    const dropped: string[] = [];
    const forgotten: string[] = [];
    let seq = this.tail;
    while (seq <= this.head) {
      const entry = await this.entries.get(String(seq));
      if (entry && Date.parse(entry.acceptedAt) >= cutoff.getTime()) break;
      if (entry) {
        dropped.push(entry.item.id);
        forgotten.push(...identities(entry.item));
      }
      seq++;
    }
    if (seq === this.tail) return dropped;
    const pruned = this.store.ns<true>('seen');
    for (const id of forgotten) await pruned.set(id, true, PRUNED_ID_TTL_MS);
    const from = this.tail;
    this.tail = seq;
    await this.meta.set(TAIL, seq);
    const keys = [];
    for (let s = from; s < seq; s++) keys.push(String(s));
    await this.entries.deleteMany(keys);
    for (const id of forgotten) this.ids.delete(id);
    return dropped;
  }
}

/** Every id an item is known by: its own and its alternates. */
function identities(item: Item): string[] {
  return item.altIds?.length ? [item.id, ...item.altIds] : [item.id];
}
