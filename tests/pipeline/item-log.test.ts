import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/model.js';
import { ItemLog } from '../../src/pipeline/item-log.js';
import { openStore } from '../../src/store/index.js';

const item = (id: string): Item => ({
  id,
  title: `t ${id}`,
  source: 's',
  publishedAt: '2025-01-01T00:00:00.000Z',
});

describe('ItemLog', () => {
  it('appends only unseen items, in order, and reloads them after a restart', async () => {
    const store = openStore('memory://');
    const log = new ItemLog(store);
    await log.load();
    expect((await log.append([item('a'), item('b'), item('a')])).map((i) => i.id)).toEqual(['a', 'b']);
    expect((await log.append([item('b'), item('c')])).map((i) => i.id)).toEqual(['c']);

    const reopened = new ItemLog(store);
    expect((await reopened.load()).map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(reopened.has('b')).toBe(true);
    expect(await reopened.append([item('c')])).toEqual([]);
  });

  it('knows an item by its alternate ids too, and remembers them when the item is pruned', async () => {
    const store = openStore('memory://');
    const log = new ItemLog(store);
    await log.load();
    await log.append([{ ...item('by-guid'), altIds: [] }], new Date('2025-01-01T00:00:00Z'));
    // The same article polled again under its link, with the id it had as an alternate.
    expect(await log.append([{ ...item('by-link'), altIds: ['by-guid'] }])).toEqual([]);
    const reopened = new ItemLog(store);
    await reopened.load();
    expect(await reopened.append([{ ...item('by-link'), altIds: ['by-guid'] }])).toEqual([]);
    expect(await reopened.prune(new Date('2025-06-01T00:00:00Z'))).toEqual(['by-guid']);
    expect(await reopened.append([{ ...item('by-link'), altIds: ['by-guid'] }])).toEqual([]);
    expect((await reopened.append([item('other')])).map((i) => i.id)).toEqual(['other']);
  });

  it('accepts nothing from an append whose write fails, so the same items are taken the next time', async () => {
    const store = openStore('memory://');
    const log = new ItemLog(store);
    await log.load();
    await log.append([item('a')]);
    const entries = store.ns('log');
    const write = entries.set.bind(entries);
    let writes = 0;
    // The second entry of the batch fails to be written: the first is already past the head.
    entries.set = async (...args: Parameters<typeof write>) => {
      if (++writes === 2) throw new Error('store write timed out');
      return write(...args);
    };
    await expect(log.append([item('b'), item('c')])).rejects.toThrow('timed out');
    expect(log.has('b')).toBe(false);
    expect((await log.append([item('b'), item('c')])).map((i) => i.id)).toEqual(['b', 'c']);
    expect((await new ItemLog(store).load()).map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });

  it('recovers an entry written past the head by a crash, without duplicating it', async () => {
    const store = openStore('memory://');
    const log = new ItemLog(store);
    await log.load();
    await log.append([item('a')]);
    // A crash after the entry was written but before the head moved.
    await store.ns('log').set('2', { item: item('b'), acceptedAt: '2025-01-01T00:00:00.000Z' });

    const reopened = new ItemLog(store);
    expect((await reopened.load()).map((i) => i.id)).toEqual(['a', 'b']);
    expect(reopened.size).toBe(2);
    expect(await reopened.append([item('b')])).toEqual([]);
    expect((await reopened.append([item('c')])).map((i) => i.id)).toEqual(['c']);
    expect((await new ItemLog(store).load()).map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });

  it('prunes entries accepted before the cutoff and still refuses their ids afterwards', async () => {
    const store = openStore('memory://');
    const log = new ItemLog(store);
    await log.load();
    await log.append([item('old1'), item('old2')], new Date('2025-01-01T00:00:00Z'));
    await log.append([item('new1')], new Date('2025-01-20T00:00:00Z'));
    expect(await log.prune(new Date('2025-01-10T00:00:00Z'))).toEqual(['old1', 'old2']);
    expect(log.size).toBe(1);
    expect(await log.prune(new Date('2025-01-10T00:00:00Z'))).toEqual([]);

    const reopened = new ItemLog(store);
    expect((await reopened.load()).map((i) => i.id)).toEqual(['new1']);
    expect(await reopened.append([item('old1'), item('new2')])).toEqual([item('new2')]);
    expect((await new ItemLog(store).load()).map((i) => i.id)).toEqual(['new1', 'new2']);
  });
});
