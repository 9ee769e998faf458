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

  it('recovers an entry written past the head by a crash, without duplicating it', async () => {
    const store = openStore('memory://');
    const log = new ItemLog(store);
    await log.load();
    await log.append([item('a')]);
    // A crash after the entry was written but before the head moved.
    await store.ns<Item>('log').set('2', item('b'));

    const reopened = new ItemLog(store);
    expect((await reopened.load()).map((i) => i.id)).toEqual(['a', 'b']);
    expect(reopened.size).toBe(2);
    expect(await reopened.append([item('b')])).toEqual([]);
    expect((await reopened.append([item('c')])).map((i) => i.id)).toEqual(['c']);
    expect((await new ItemLog(store).load()).map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });
});
