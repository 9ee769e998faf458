import type { Item } from '../model.js';
import type { Store } from '../store/index.js';

const HEAD = 'log:head';
const CHUNK = 500;

/**
 * Append-only log of every item the worker has accepted, in arrival order. It is the source of truth for
 * story state: the clusterer is rebuilt by replaying it, so a restart reproduces the same assignments.
 * Each item is written under its sequence number before the head moves; a crash between the two leaves an
 * entry past the head, which `load` picks up, so nothing accepted is lost and nothing is accepted twice.
 */
export class ItemLog {
  private readonly ids = new Set<string>();
  private head = 0;

  constructor(private readonly store: Store) {}

  get size(): number {
    return this.head;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Reads the whole log in arrival order. */
  async load(): Promise<Item[]> {
    const log = this.store.ns<Item>('log');
    const recorded = (await this.store.ns<number>('meta').get(HEAD)) ?? 0;
    const items: Item[] = [];
    for (let from = 1; from <= recorded; from += CHUNK) {
      const keys = [];
      for (let seq = from; seq < from + CHUNK && seq <= recorded; seq++) keys.push(String(seq));
      for (const item of await log.getMany(keys)) if (item) items.push(item);
    }
    let head = recorded;
    for (let next = await log.get(String(head + 1)); next; next = await log.get(String(head + 1))) {
      items.push(next);
      head++;
    }
    if (head !== recorded) await this.store.ns<number>('meta').set(HEAD, head);
    this.head = head;
    this.ids.clear();
    for (const item of items) this.ids.add(item.id);
    return items;
  }

  /** Appends the items not seen before (in order, first copy wins) and returns them. */
  async append(items: Item[]): Promise<Item[]> {
    const log = this.store.ns<Item>('log');
    const fresh: Item[] = [];
    for (const item of items) {
      if (this.ids.has(item.id)) continue;
      this.ids.add(item.id);
      fresh.push(item);
    }
    if (!fresh.length) return fresh;
    let seq = this.head;
    for (const item of fresh) await log.set(String(++seq), item);
    await this.store.ns<number>('meta').set(HEAD, seq);
    this.head = seq;
    return fresh;
  }
}
