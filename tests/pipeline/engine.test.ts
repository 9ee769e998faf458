import { describe, expect, it } from 'vitest';
import { createClusterer } from '../../src/cluster/index.js';
import type { PostedRef, Sink } from '../../src/deliver/sink.js';
import { silentLogger } from '../../src/log.js';
import type { Item, StoryDigest } from '../../src/model.js';
import { StoryEngine } from '../../src/pipeline/engine.js';
import { openStore } from '../../src/store/index.js';

const item = (id: string, title: string, source: string): Item => ({
  id,
  title,
  source,
  description: title,
  publishedAt: '2026-01-01T10:00:00.000Z',
});

class FlakySink implements Sink {
  readonly id = 'flaky';
  readonly minSources = 1;
  failures = 0;
  posted: string[] = [];
  async post(digest: StoryDigest): Promise<PostedRef> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('platform unavailable');
    }
    this.posted.push(digest.id);
    return { parentId: digest.id };
  }
  async update(): Promise<void> {}
}

describe('StoryEngine', () => {
  it('retries a failed delivery on the next pass even when nothing new joins the story', async () => {
    const sink = new FlakySink();
    sink.failures = 1;
    const engine = new StoryEngine({
      store: openStore('memory://'),
      sinks: () => [sink],
      logger: silentLogger,
    });
    await engine.init();
    const first = await engine.ingest([item('a', 'Volcano erupts in Iceland', 'Wire A')]);
    expect(first.delivered).toEqual({});
    expect(sink.posted).toEqual([]);
    const second = await engine.ingest([]);
    expect(second.delivered).toEqual({ posted: 1 });
    expect(sink.posted).toHaveLength(1);
    expect((await engine.ingest([])).delivered).toEqual({});
  });

  it('rebuilds the same stories after a restart and delivers nothing twice', async () => {
    const store = openStore('memory://');
    const sink = new FlakySink();
    const engine = new StoryEngine({ store, sinks: () => [sink], logger: silentLogger });
    await engine.init();
    await engine.ingest([
      item('a', 'Volcano erupts in Iceland, flights grounded', 'Wire A'),
      item('b', 'Iceland volcano erupts; flights grounded', 'Wire B'),
      item('c', 'Central bank raises interest rates', 'Wire C'),
    ]);
    const before = engine.stories().map((s) => [s.id, [...s.itemIds].sort()]);
    const restarted = new StoryEngine({ store, sinks: () => [sink], logger: silentLogger });
    await restarted.init();
    expect(restarted.stories().map((s) => [s.id, [...s.itemIds].sort()])).toEqual(before);
    expect(sink.posted).toHaveLength(2);
  });

  it('keeps a story that went cold for lookups while its items are kept, across a restart', async () => {
    const store = openStore('memory://');
    let now = new Date('2026-01-03T12:00:00.000Z');
    const start = async () => {
      const engine = new StoryEngine({
        store,
        sinks: () => [],
        logger: silentLogger,
        retentionMs: 14 * 86_400_000,
        now: () => now,
        clusterer: (onExpire) => createClusterer({ windowHours: 24, onExpire }),
      });
      await engine.init();
      return engine;
    };
    const at = (i: Item, publishedAt: string): Item => ({ ...i, publishedAt });
    const engine = await start();
    await engine.ingest([
      at(item('a', 'Volcano erupts in Iceland, flights grounded', 'Wire A'), '2026-01-01T10:00:00.000Z'),
      at(item('b', 'Iceland volcano erupts; flights grounded', 'Wire B'), '2026-01-01T11:00:00.000Z'),
      at(item('c', 'Village fair draws record crowd of goats', 'Wire C'), '2026-01-01T12:00:00.000Z'),
      // Two days later: the stories above have gone cold in a 24-hour window.
      at(item('d', 'Central bank raises interest rates', 'Wire A'), '2026-01-03T10:00:00.000Z'),
    ]);
    const listed = (e: StoryEngine) => e.stories().map((s) => [...s.itemIds].sort().join(','));
    // The volcano, covered by two outlets, is kept; the one-outlet fair is not.
    expect(listed(engine)).toEqual(['d', 'a,b']);
    const volcano = engine.stories().find((s) => s.itemIds.includes('a'))!;
    expect(engine.digest(volcano.id)?.outletCount).toBe(2);
    expect(engine.storyItems(volcano.id).map((i) => i.id)).toEqual(['a', 'b']);

    const restarted = await start();
    expect(listed(restarted)).toEqual(['d', 'a,b']);

    // Once its items leave the log, the cold story goes too.
    now = new Date('2026-01-20T12:00:00.000Z');
    await restarted.prune();
    expect(listed(restarted)).toEqual(['d']);
    expect(restarted.digest(volcano.id)).toBeUndefined();
  });
});
