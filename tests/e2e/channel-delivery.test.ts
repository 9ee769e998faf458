import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { type FeedEntry, FeedServer, renderRss } from '../helpers/feed-server.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { loadSeeds } from '../helpers/shared.js';
import { tempDir } from '../helpers/temp.js';

const OUTLETS = ['Valley Newz', 'Truth and Resistance', 'Capital Ledger', 'Morning Wire', 'Global Desk'];

describe('realtime delivery to a subscribed channel', () => {
  const server = new FeedServer();
  let dir: string;
  const seeds = loadSeeds();

  const feedFor = (i: number, count: number) =>
    renderRss(
      OUTLETS[i]!,
      `https://outlet${i}.example/`,
      seeds.slice(i, i + count).map((seed, j) => ({
        guid: `seed-${i + j}`,
        title: seed.title,
        link: `https://outlet${i}.example/news/${i + j}`,
        body: seed.body,
        pubDate: new Date(Date.UTC(2025, 7, 17, 12 + i + j)),
      })),
    );

  beforeAll(async () => {
    await server.start();
    dir = mkdtempSync(join(tmpdir(), 'threadline-channel-'));
    // Two outlets at first; three more later.
    for (let i = 0; i < 5; i++) server.setFeed(`/feed/${i}.xml`, i < 2 ? feedFor(i, 1) : feedFor(i, 0));
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function makeApp(adapter: RecordingAdapter) {
    const config = parseConfig({
      store: `sqlite://${join(dir, 'state.sqlite')}`,
      fetch: { allowPrivate: ['127.0.0.1'] },
      // The seed reports are dated August 2025: first posts here have no age limit.
      updates: { maxStoryAgeHours: 0 },
      sinks: { console: { enabled: false } },
    });
    return new App(config, { logger: silentLogger, adapters: [adapter] });
  }

  it('posts once at the minimum of sources, then adds later coverage to the same thread, across a restart', async () => {
    const adapter = new RecordingAdapter();
    const app = makeApp(adapter);
    await app.init();
    const channel = await app.channels.getOrCreate('discord', 'g1', 'c1');
    await app.channels.save({
      ...channel,
      feeds: OUTLETS.map((_, i) => ({ url: server.url(`/feed/${i}.xml`) })),
    });

    await app.pollOnce(true);
    expect(adapter.stories).toHaveLength(1);
    expect(adapter.stories[0]).toMatchObject({ channel: 'discord:g1:c1' });
    await app.stop();

    for (let i = 2; i < 5; i++) server.setFeed(`/feed/${i}.xml`, feedFor(i, 1));
    const restarted = makeApp(adapter);
    await restarted.init();
    // The stories rebuilt at start-up are indexed for /story before anyone asks, not on the first search.
    expect(restarted.commands.indexedStories).toBe(restarted.engine.stories().length);
    expect(restarted.commands.indexedStories).toBeGreaterThan(0);
    await restarted.pollOnce(true);
    expect(adapter.stories).toHaveLength(1);
    expect(adapter.updates).toHaveLength(1);
    expect(adapter.updates[0]!.parentId).toBe('m1');
    expect(adapter.updates[0]!.newSources.sort()).toEqual(OUTLETS.slice(2).sort());
    await restarted.pollOnce(true);
    expect(adapter.updates).toHaveLength(1);
    await restarted.stop();
  });
});

describe('the back catalogue of a newly followed feed', () => {
  const server = new FeedServer();
  const now = new Date('2026-03-10T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const report = (outlet: number, slug: string, title: string, body: string, at: Date) => ({
    guid: `${outlet}-${slug}`,
    title,
    link: `https://outlet${outlet}.example/${slug}`,
    body,
    pubDate: at,
  });
  const rates = (outlet: number, at: Date) =>
    report(
      outlet,
      'rates',
      'Central bank raises interest rates to 5 percent',
      'The central bank raised its benchmark interest rate to 5 percent on Tuesday.',
      at,
    );
  const volcano = (outlet: number, at: Date) =>
    report(
      outlet,
      'volcano',
      'Volcano erupts in Iceland, flights grounded',
      'A volcano erupted in southwest Iceland and flights were grounded across the region.',
      at,
    );
  const feed = (outlet: number, entries: FeedEntry[]) =>
    server.setFeed(
      `/feed/${outlet}.xml`,
      renderRss(`Outlet ${outlet}`, `https://outlet${outlet}.example/`, entries),
    );

  /** A worker on a memory store whose clock stands at `now`, posting to a recording adapter. */
  const memoryApp = async () => {
    const adapter = new RecordingAdapter();
    const config = parseConfig({
      store: 'memory://',
      fetch: { allowPrivate: ['127.0.0.1'] },
      sinks: { console: { enabled: false } },
    });
    const app = new App(config, { logger: silentLogger, adapters: [adapter], now: () => now });
    await app.init();
    return { adapter, app };
  };

  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('posts no story whose newest report is over a day old, until fresh coverage comes; old coverage of a posted story still goes to its thread', async () => {
    // Two feeds carry a story from yesterday morning, and two one from this morning.
    feed(0, [rates(0, hoursAgo(26))]);
    feed(1, [rates(1, hoursAgo(25)), volcano(1, hoursAgo(2))]);
    feed(2, [volcano(2, hoursAgo(3))]);
    const { adapter, app } = await memoryApp();
    const channel = await app.channels.getOrCreate('discord', 'g1', 'c1');
    await app.channels.save({
      ...channel,
      feeds: [0, 1, 2].map((i) => ({ url: server.url(`/feed/${i}.xml`) })),
    });

    await app.pollOnce(true);
    expect(adapter.stories.map((s) => s.headline)).toEqual(['Volcano erupts in Iceland, flights grounded']);

    // A third outlet reports the rate rise now, and one files a report of the eruption written two days ago.
    feed(0, [rates(0, hoursAgo(26)), volcano(0, hoursAgo(48))]);
    feed(2, [volcano(2, hoursAgo(3)), rates(2, hoursAgo(1))]);
    await app.pollOnce(true);
    expect(adapter.stories.map((s) => s.headline)).toEqual([
      'Volcano erupts in Iceland, flights grounded',
      'Central bank raises interest rates to 5 percent',
    ]);
    expect(adapter.updates.map((u) => [u.parentId, u.newSources])).toEqual([['m1', ['Outlet 0']]]);
    await app.stop();
  });

  it('posts no story that feeds followed by command reported before they were followed, unless within the hour before, until fresh coverage comes', async () => {
    feed(0, [volcano(0, hoursAgo(4)), rates(0, hoursAgo(0.5))]);
    feed(1, [volcano(1, hoursAgo(3)), rates(1, hoursAgo(0.25))]);
    const { adapter, app } = await memoryApp();
    const ctx = { platform: 'discord' as const, workspaceId: 'g1', channelId: 'c3' };
    for (const i of [0, 1]) {
      const reply = await app.commands.subscribeFeed(ctx, server.url(`/feed/${i}.xml`));
      expect(reply).toMatchObject({
        ok: true,
        text: expect.stringContaining(
          'Stories reported before now come here only if fresh coverage of them does.',
        ),
      });
    }

    // The eruption, three and four hours old, is the feeds' back catalogue; the rate rise came out as they were
    // followed.
    await app.pollOnce(true);
    expect(adapter.stories.map((s) => s.headline)).toEqual([
      'Central bank raises interest rates to 5 percent',
    ]);

    // Fresh coverage of the eruption makes it news here, with all its reports.
    feed(1, [
      volcano(1, hoursAgo(3)),
      rates(1, hoursAgo(0.25)),
      report(
        1,
        'volcano-flights',
        'Volcano erupts in Iceland, flights grounded',
        'Flights stay grounded.',
        now,
      ),
    ]);
    await app.pollOnce(true);
    expect(adapter.stories.map((s) => s.headline)).toEqual([
      'Central bank raises interest rates to 5 percent',
      'Volcano erupts in Iceland, flights grounded',
    ]);
    const posted = app.engine.stories().find((s) => s.id === adapter.stories[1]!.storyId);
    expect(posted?.itemIds).toHaveLength(3);
    await app.stop();
  });
  it('posts no story that newly followed feeds list without dates, until one lists a new report of it', async () => {
    const undated = (outlet: number, slug: string) => ({
      ...volcano(outlet, now),
      guid: `${outlet}-${slug}`,
      pubDate: undefined,
    });
    feed(0, [undated(0, 'volcano')]);
    feed(1, [undated(1, 'volcano')]);
    const { adapter, app } = await memoryApp();
    const ctx = { platform: 'discord' as const, workspaceId: 'g1', channelId: 'c4' };
    for (const i of [0, 1])
      expect((await app.commands.subscribeFeed(ctx, server.url(`/feed/${i}.xml`))).ok).toBe(true);

    // Two outlets carry the eruption, but undated at their first poll: it may be days old.
    await app.pollOnce(true);
    expect(adapter.stories).toEqual([]);

    // A report that appears between polls is new, dated or not.
    feed(1, [undated(1, 'volcano-flights'), undated(1, 'volcano')]);
    await app.pollOnce(true);
    expect(adapter.stories.map((s) => s.headline)).toEqual(['Volcano erupts in Iceland, flights grounded']);
    await app.stop();
  });

  it('posts nothing while its hold on the store has run out by its own clock, and the story goes out once it holds it again', async () => {
    feed(0, [volcano(0, hoursAgo(3))]);
    feed(1, [volcano(1, hoursAgo(2))]);
    const adapter = new RecordingAdapter();
    const config = parseConfig({
      store: `sqlite://${join(tempDir('threadline-stall-'), 'state.sqlite')}`,
      fetch: { allowPrivate: ['127.0.0.1'] },
      sinks: { console: { enabled: false } },
    });
    // Only the clock is fake: the worker's hold on the store runs by it, while sockets and timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
    const app = new App(config, { logger: silentLogger, adapters: [adapter], now: () => now });
    try {
      await app.init();
      const channel = await app.channels.getOrCreate('discord', 'g1', 'c2');
      await app.channels.save({
        ...channel,
        feeds: [0, 1].map((i) => ({ url: server.url(`/feed/${i}.xml`) })),
      });
      // The process was suspended for 55 s: its renewals did not run, and another worker may take the store.
      vi.setSystemTime(now.getTime() + 55_000);
      await app.pollOnce(true);
      expect(adapter.stories).toEqual([]);
      // Its hold is current again (as after a renewal): the story it owes goes out.
      vi.setSystemTime(now.getTime() + 1_000);
      await app.pollOnce(true);
      expect(adapter.stories.map((s) => s.headline)).toEqual(['Volcano erupts in Iceland, flights grounded']);
    } finally {
      await app.stop();
      vi.useRealTimers();
    }
  });
});
