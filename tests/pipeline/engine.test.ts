import { describe, expect, it } from 'vitest';
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
});
