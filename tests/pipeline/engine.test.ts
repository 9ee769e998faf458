import { describe, expect, it } from 'vitest';
import { createClusterer, type ExpireListener } from '../../src/cluster/index.js';
import type { PostedRef, Sink, StoryUpdate } from '../../src/deliver/sink.js';
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
  constructor(readonly id = 'flaky') {}
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
  updates = 0;
  async update(): Promise<void> {
    this.updates++;
  }
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

  it('builds a story’s digest and the story list again only once something changed', async () => {
    const engine = new StoryEngine({ store: openStore('memory://'), sinks: () => [], logger: silentLogger });
    await engine.init();
    await engine.ingest([item('a', 'Volcano erupts in Iceland, flights grounded', 'Wire A')]);
    const list = engine.stories();
    const id = list[0]!.id;
    const digest = engine.digest(id)!;
    expect(engine.stories()).toBe(list);
    expect(engine.digest(id)).toBe(digest);
    // Shared between callers, so nobody may change them.
    expect(() => (digest.coverage as unknown[]).push({})).toThrow(TypeError);
    expect(() => (list as unknown[]).pop()).toThrow(TypeError);

    await engine.ingest([item('b', 'Iceland volcano erupts, grounding flights', 'Wire B')]);
    const grown = engine.digest(id)!;
    expect(grown).not.toBe(digest);
    expect(grown.coverage.map((c) => c.source).sort()).toEqual(['Wire A', 'Wire B']);
    expect(engine.stories()).not.toBe(list);
    expect(engine.stories()[0]!.itemIds).toEqual(['a', 'b']);

    // Another story arrives: the list changes, this story's digest does not.
    await engine.ingest([item('c', 'Central bank raises rates again', 'Wire C')]);
    expect(engine.stories()).toHaveLength(2);
    expect(engine.digest(id)).toBe(grown);
    // Many other stories asked for push it out of the kept digests; it is built again, the same.
    const others = Array.from({ length: 40 }, (_, k) =>
      item(`o${k}`, `Kx${k}ab Qz${k}cd Vw${k}ef`, `Outlet ${k}`),
    );
    await engine.ingest(others);
    expect(engine.stories()).toHaveLength(42);
    for (const s of engine.stories()) engine.digest(s.id);
    const rebuilt = engine.digest(id)!;
    expect(rebuilt).not.toBe(grown);
    expect(rebuilt).toEqual(grown);
  });

  it('delivers the stories of a pass that failed after logging its items, on the next pass', async () => {
    // Each way a pass can stop once its items are in the log: the feed-state commit, the outbox write, and a
    // delivery record that cannot be read.
    for (const failAt of ['commit', 'outbox', 'state'] as const) {
      const store = openStore('memory://');
      let armed = false;
      const failOnce = (what: string) => {
        if (!armed) return;
        armed = false;
        throw new Error(`${what} failed`);
      };
      const meta = store.ns('meta');
      const setMeta = meta.set.bind(meta);
      meta.set = async (key, value, ttl) => {
        if (failAt === 'outbox' && key === 'outbox') failOnce('outbox write');
        return setMeta(key, value, ttl);
      };
      const records = store.ns('deliveries');
      const getRecord = records.get.bind(records) as typeof records.get;
      records.get = (async (key: string) => {
        if (failAt === 'state') failOnce('delivery record read');
        return getRecord(key);
      }) as typeof records.get;
      const sink = new FlakySink();
      const engine = new StoryEngine({
        store,
        sinks: () => [{ ...sink, minSources: 2, post: sink.post.bind(sink), update: sink.update.bind(sink) }],
        logger: silentLogger,
      });
      await engine.init();
      await engine.ingest([item('a', 'Volcano erupts in Iceland, flights grounded', 'Wire A')]);
      // The second outlet arrives: the story is now owed to the sink, and the pass fails part-way.
      const second = [item('b', 'Iceland volcano erupts; flights grounded', 'Wire B')];
      armed = true;
      const commit =
        failAt === 'commit'
          ? async () => {
              throw new Error('feed-state commit failed');
            }
          : undefined;
      await engine.ingest(second, commit).catch(() => {});
      // The feed is polled again: its item is now a duplicate, and the story must still go out.
      await engine.ingest(second);
      expect(sink.posted, failAt).toHaveLength(1);
      expect(
        engine.stories().map((s) => s.itemIds.join('+')),
        failAt,
      ).toEqual(['a+b']);
    }
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

  it('after a restart, finishes what was owed and gives a sink added meanwhile only what changes', async () => {
    const store = openStore('memory://');
    const first = new FlakySink();
    const sinks: Sink[] = [first];
    const start = async () => {
      const engine = new StoryEngine({ store, sinks: () => sinks, logger: silentLogger });
      await engine.init();
      return engine;
    };
    const engine = await start();
    await engine.ingest([item('a', 'Volcano erupts in Iceland, flights grounded', 'Wire A')]);
    first.failures = 1;
    await engine.ingest([item('c', 'Central bank raises interest rates', 'Wire C')]);
    expect(first.posted).toHaveLength(1);
    // A channel subscribes; the worker restarts before anything new arrives.
    const added = new FlakySink('added');
    sinks.push(added);
    const restarted = await start();
    // The failed delivery was owed and is made, to every sink as the next pass would have; the story delivered
    // in full is not sent to the new sink until it changes.
    expect(first.posted).toEqual(['s-a', 's-c']);
    expect(added.posted).toEqual(['s-c']);
    await restarted.ingest([item('b', 'Iceland volcano erupts; flights grounded', 'Wire B')]);
    expect(added.posted).toEqual(['s-c', 's-a']);
    expect(first.updates).toBe(1);
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

  it('keeps a story running longer than the item log retention in its thread across a restart', async () => {
    const store = openStore('memory://');
    const sink = new FlakySink();
    let now = new Date('2026-01-01T12:00:00.000Z');
    const start = async () => {
      const engine = new StoryEngine({
        store,
        sinks: () => [sink],
        logger: silentLogger,
        retentionMs: 2 * 86_400_000,
        now: () => now,
      });
      await engine.init();
      return engine;
    };
    const volcano = (id: string, source: string, publishedAt: string): Item => ({
      ...item(id, 'Volcano erupts in Iceland, flights grounded', source),
      publishedAt,
    });
    const engine = await start();
    await engine.ingest([volcano('a', 'Wire A', '2026-01-01T11:00:00.000Z')]);
    for (const [day, id] of [
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ] as const) {
      now = new Date(Date.UTC(2026, 0, day, 12));
      await engine.ingest([volcano(id, `Wire ${id.toUpperCase()}`, now.toISOString())]);
    }
    expect(engine.stories()).toHaveLength(1);
    expect(sink.posted).toHaveLength(1);
    // The story's first items leave the log; rebuilt from the rest, it keeps its id.
    await engine.prune();
    const restarted = await start();
    expect(restarted.stories().map((s) => s.id)).toEqual(['s-a']);
    expect(restarted.digest('s-a')!.coverage.map((c) => c.itemId)).toEqual(['b', 'c', 'd']);
    expect(sink.posted).toHaveLength(1);
    expect(sink.updates).toBe(3);
    now = new Date(Date.UTC(2026, 0, 5, 12));
    await restarted.ingest([volcano('e', 'Wire E', now.toISOString())]);
    expect(sink.posted).toHaveLength(1);
    expect(sink.updates).toBe(4);
    // Days later, with more of its head pruned only when the worker starts again, it still keeps its id.
    now = new Date(Date.UTC(2026, 0, 6, 18));
    const again = await start();
    expect(again.stories().map((s) => s.id)).toEqual(['s-a']);
    expect(again.digest('s-a')!.coverage.map((c) => c.itemId)).toEqual(['e']);
    expect(sink.posted).toHaveLength(1);
  });

  it('holds quiet coverage across passes and a restart, and sends it once the hold is over', async () => {
    const store = openStore('memory://');
    const HOUR = 3_600_000;
    let clock = Date.UTC(2026, 0, 1, 10);
    const sent: string[][] = [];
    const sink: Sink = {
      id: 'quiet',
      minSources: 1,
      post: async (digest) => ({ parentId: digest.id }),
      update: async (_ref, update: StoryUpdate) => {
        sent.push(update.newCoverage.map((c) => c.itemId));
      },
    };
    const start = async () => {
      const engine = new StoryEngine({
        store,
        sinks: () => [sink],
        logger: silentLogger,
        quietHoldMs: HOUR,
        now: () => new Date(clock),
      });
      await engine.init();
      return engine;
    };
    let engine = await start();
    const title = 'Volcano erupts in Iceland, flights grounded';
    expect((await engine.ingest([item('a', title, 'Wire A')])).delivered).toEqual({ posted: 1 });
    // The same outlet again, with nothing it had not said: held back.
    expect((await engine.ingest([item('a2', title, 'Wire A')])).delivered).toEqual({ held: 1 });
    clock += HOUR / 2;
    expect((await engine.ingest([])).delivered).toEqual({});
    engine = await start();
    expect((await engine.ingest([])).delivered).toEqual({});
    expect(sent).toEqual([]);
    clock += HOUR / 2;
    expect((await engine.ingest([])).delivered).toEqual({ updated: 1 });
    expect(sent).toEqual([['a2']]);
    expect((await engine.ingest([])).delivered).toEqual({});
  });

  describe('a merge of two stories', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 10, minute)).toISOString();
    const news = (id: string, title: string, source: string, minute: number): Item => ({
      id,
      title,
      source,
      publishedAt: at(minute),
    });
    // Loose enough that the bridging item below folds the two stories it matches into one.
    const clusterer = (onExpire: ExpireListener) =>
      createClusterer({ threshold: 0.6, mergeThreshold: 0.1, onExpire });
    const storyA = [news('a', 'alpha beta gamma delta', 'A', 0)];
    const storyB = [
      news('b', 'gamma delta epsilon zeta', 'B', 1),
      news('b2', 'gamma delta epsilon zeta', 'B2', 1),
    ];
    const bridge = [news('c', 'alpha beta gamma delta epsilon zeta', 'C', 2)];

    class ThreadSink implements Sink {
      readonly id = 'chan';
      log: string[] = [];
      constructor(readonly minSources: number) {}
      async post(d: StoryDigest): Promise<PostedRef> {
        this.log.push(`post ${d.coverage.map((c) => c.itemId).join(',')}`);
        return { parentId: `msg-${d.id}` };
      }
      async update(ref: PostedRef, u: StoryUpdate): Promise<void> {
        this.log.push(`reply in ${ref.parentId}: ${u.newCoverage.map((c) => c.itemId).join(',')}`);
      }
    }

    const engineOn = (store: ReturnType<typeof openStore>, sinks: () => Sink[]) =>
      new StoryEngine({ store, sinks, logger: silentLogger, clusterer });

    it('continues the posted thread even when the worker stopped before delivering the merge', async () => {
      const store = openStore('memory://');
      const sink = new ThreadSink(2);
      const first = engineOn(store, () => [sink]);
      await first.init();
      await first.ingest(storyA);
      await first.ingest(storyB);
      // Story b is the one posted (a alone has too few outlets); its thread is the one to continue.
      const posted = first.stories()[0]!.id;
      // The bridging item is in the log; the worker dies before the pass goes on.
      await expect(
        first.ingest(bridge, async () => {
          throw new Error('killed');
        }),
      ).rejects.toThrow('killed');
      const restarted = engineOn(store, () => [sink]);
      await restarted.init();
      expect(sink.log).toEqual([`post b,b2`, `reply in msg-${posted}: a,c`]);
    });

    it('continues the posted thread in a channel that was not being delivered to when the merge happened', async () => {
      const sink = new ThreadSink(2);
      let delivering = true;
      const engine = engineOn(openStore('memory://'), () => (delivering ? [sink] : []));
      await engine.init();
      await engine.ingest(storyA);
      await engine.ingest(storyB);
      const thread = sink.log.length;
      delivering = false;
      await engine.ingest(bridge);
      delivering = true;
      await engine.ingest([news('d', 'alpha beta gamma delta epsilon zeta', 'D', 3)]);
      expect(sink.log).toHaveLength(thread + 1);
      expect(sink.log.at(-1)).toMatch(/^reply in msg-.*: a,c,d$/);
    });

    it('does not repeat in the surviving thread the coverage already posted in the other', async () => {
      const sink = new ThreadSink(1);
      const engine = engineOn(openStore('memory://'), () => [sink]);
      await engine.init();
      await engine.ingest(storyA);
      await engine.ingest([storyB[0]!]);
      await engine.ingest(bridge);
      expect(sink.log).toEqual(['post a', 'post b', `reply in msg-${engine.stories()[0]!.id}: c`]);
    });
  });
});
