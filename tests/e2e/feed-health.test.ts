import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import type { FeedState } from '../../src/ingest/index.js';
import { silentLogger } from '../../src/log.js';
import { FeedServer, renderRss } from '../helpers/feed-server.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { tempDir } from '../helpers/temp.js';

/** A worker on a store of its own (SQLite, so that a restart finds it) that pauses a feed at its first failure. */
function pauseOnFirstFailure() {
  return parseConfig({
    store: `sqlite://${join(tempDir('threadline-notice-'), 'state.sqlite')}`,
    feeds: [],
    fetch: { allowPrivate: ['127.0.0.1'], pauseAfterFailures: 1, timeoutMs: 2000 },
    sinks: { console: { enabled: false } },
  });
}

describe('a failing feed', () => {
  const server = new FeedServer();

  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('is paused after repeated failures with one notice per subscribed channel, then resumes with one more', async () => {
    const adapter = new RecordingAdapter();
    const config = parseConfig({
      store: 'memory://',
      feeds: [],
      fetch: { allowPrivate: ['127.0.0.1'], pauseAfterFailures: 3, timeoutMs: 2000 },
      sinks: { console: { enabled: false } },
    });
    let now = new Date('2026-03-01T10:00:00Z');
    const app = new App(config, { logger: silentLogger, adapters: [adapter], now: () => now });
    await app.init();
    const url = server.url('/flaky.xml');
    for (const id of ['c1', 'c2']) {
      const channel = await app.channels.getOrCreate('discord', 'g1', id);
      await app.channels.save({ ...channel, feeds: [{ url }] });
    }
    const other = await app.channels.getOrCreate('discord', 'g1', 'c3');
    await app.channels.save({ ...other, topics: ['volcano'] });

    // No feed at that path yet: every poll fails.
    for (let i = 0; i < 6; i++) {
      await app.pollOnce(true);
      now = new Date(now.getTime() + 3_600_000);
    }
    const paused = adapter.notices.filter((n) => /paused/.test(n.text));
    expect(paused.map((n) => n.channel).sort()).toEqual(['discord:g1:c1', 'discord:g1:c2']);

    server.setFeed(
      '/flaky.xml',
      renderRss('Flaky Wire', 'https://flaky.example/', [
        { guid: '1', title: 'Back', link: 'https://flaky.example/1', body: 'Back again.', pubDate: now },
      ]),
    );
    await app.pollOnce(true);
    await app.pollOnce(true);
    const resumed = adapter.notices.filter((n) => /stories are back/.test(n.text));
    expect(resumed.map((n) => n.channel).sort()).toEqual(['discord:g1:c1', 'discord:g1:c2']);
    expect(adapter.notices).toHaveLength(4);
    await app.stop();
  });

  it('keeps a pause notice the platform failed to take, and sends it once after a restart', async () => {
    const adapter = new RecordingAdapter();
    const config = pauseOnFirstFailure();
    let now = new Date('2026-03-01T10:00:00Z');
    const app = new App(config, { logger: silentLogger, adapters: [adapter], now: () => now });
    await app.init();
    const url = server.url('/gone.xml');
    const channel = await app.channels.getOrCreate('discord', 'g1', 'c9');
    await app.channels.save({ ...channel, feeds: [{ url }] });
    // The platform is down while the pause is told: the state flip is saved, the notice is not sent.
    adapter.failNext('notice');
    await app.pollOnce(true);
    expect(adapter.notices).toHaveLength(0);
    // A worker started on the same store owes it, and sends it once, with its first pass.
    now = new Date(now.getTime() + 3_600_000);
    await app.stop();
    const restarted = new App(config, { logger: silentLogger, adapters: [adapter], now: () => now });
    await restarted.init();
    expect(adapter.notices).toHaveLength(0);
    await restarted.pollOnce(true);
    expect(adapter.notices.map((n) => n.channel)).toEqual(['discord:g1:c9']);
    await restarted.pollOnce(true);
    expect(adapter.notices).toHaveLength(1);
    await restarted.stop();
  });

  /**
   * A worker that pauses a feed at its first failure, on a clock the test moves on by `later(hours)`, with
   * channels c1 and c2 following the feed at `path`.
   */
  async function twoChannelsFollowing(path: string) {
    const adapter = new RecordingAdapter();
    const clock = { now: new Date('2026-03-01T10:00:00Z') };
    const app = new App(pauseOnFirstFailure(), {
      logger: silentLogger,
      adapters: [adapter],
      now: () => clock.now,
    });
    await app.init();
    const url = server.url(path);
    for (const id of ['c1', 'c2']) {
      const channel = await app.channels.getOrCreate('discord', 'g1', id);
      await app.channels.save({ ...channel, feeds: [{ url }] });
    }
    const later = (hours: number) => {
      clock.now = new Date(clock.now.getTime() + hours * 3_600_000);
    };
    return { adapter, app, url, clock, later };
  }

  it('tells every channel of a second pause, though one of them missed the first', async () => {
    const { adapter, app, clock, later } = await twoChannelsFollowing('/wobbly.xml');
    // Paused: the platform refuses the first channel's notice.
    adapter.failNext('notice');
    await app.pollOnce(true);
    // Back an hour later, with one more refusal; then failing again.
    server.setFeed(
      '/wobbly.xml',
      renderRss('Wobbly Wire', 'https://wobbly.example/', [
        { guid: '1', title: 'Up', link: 'https://wobbly.example/1', body: 'Up again.', pubDate: clock.now },
      ]),
    );
    later(1);
    adapter.failNext('notice');
    await app.pollOnce(true);
    server.setFeed('/wobbly.xml', '');
    later(1);
    await app.pollOnce(true);
    later(1);
    await app.pollOnce(true);
    // The feed is paused now, and the last each channel heard says so.
    for (const channel of ['discord:g1:c1', 'discord:g1:c2']) {
      const heard = adapter.notices.filter((n) => n.channel === channel);
      expect(heard.at(-1)?.text).toMatch(/keeps failing, so it is paused/);
    }
    await app.stop();
  });

  it('tells a channel that missed the pause notice, with the return, that the feed was paused and how long', async () => {
    const { adapter, app, url, clock, later } = await twoChannelsFollowing('/dozy.xml');
    // Paused; the platform refuses the first channel's notice, and the retry an hour later finds the feed back.
    adapter.failNext('notice');
    await app.pollOnce(true);
    server.setFeed(
      '/dozy.xml',
      renderRss('Dozy Wire', 'https://dozy.example/', [
        {
          guid: '1',
          title: 'Awake',
          link: 'https://dozy.example/1',
          body: 'Awake again.',
          pubDate: clock.now,
        },
      ]),
    );
    later(3);
    await app.pollOnce(true);
    const heard = (channel: string) =>
      adapter.notices.filter((n) => n.channel === channel).map((n) => n.text);
    expect(heard('discord:g1:c1')).toEqual([
      `Feed ${url} was paused for 3 hours because it kept failing; it answers again, and its stories are back.`,
    ]);
    expect(heard('discord:g1:c2')).toHaveLength(2);
    expect(heard('discord:g1:c2')[1]).toBe(heard('discord:g1:c1')[0]);
    await app.stop();
  });

  /**
   * A worker whose channel follows the failing feed at `path` is stopped while it stores its pass's items: the
   * pause is owed, the feed's state is not saved.
   */
  async function killedWhilePausing(path: string, channelId: string, at: Date) {
    const adapter = new RecordingAdapter();
    const config = pauseOnFirstFailure();
    const app = new App(config, { logger: silentLogger, adapters: [adapter], now: () => at });
    await app.init();
    const channel = await app.channels.getOrCreate('discord', 'g1', channelId);
    await app.channels.save({ ...channel, feeds: [{ url: server.url(path) }] });
    vi.spyOn(app.engine, 'ingest').mockRejectedValueOnce(new Error('killed'));
    await expect(app.pollOnce(true)).rejects.toThrow('killed');
    await app.stop();
    return { adapter, config };
  }

  it('tells a pause once when the worker stopped before saving it and pauses the feed again after a restart', async () => {
    let now = new Date('2026-03-01T10:40:00Z');
    const { adapter, config } = await killedWhilePausing('/down.xml', 'c7', now);
    expect(adapter.notices).toHaveLength(0);
    // Restarted in the next hour, it finds the feed failing and pauses it again: the same pause.
    now = new Date(now.getTime() + 3_600_000);
    const restarted = new App(config, { logger: silentLogger, adapters: [adapter], now: () => now });
    await restarted.init();
    await restarted.pollOnce(true);
    await restarted.pollOnce(true);
    expect(adapter.notices.map((n) => n.channel)).toEqual(['discord:g1:c7']);
    await restarted.stop();
  });

  it('tells no pause that the worker stopped before saving when the feed answers after a restart', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const { adapter, config } = await killedWhilePausing('/late.xml', 'c8', now);
    // The feed answers when the worker is back: it was never paused, and is not said to be.
    server.setFeed(
      '/late.xml',
      renderRss('Late Wire', 'https://late.example/', [
        { guid: '1', title: 'Up', link: 'https://late.example/1', body: 'Up again.', pubDate: now },
      ]),
    );
    now = new Date(now.getTime() + 600_000);
    const restarted = new App(config, { logger: silentLogger, adapters: [adapter], now: () => now });
    await restarted.init();
    await restarted.pollOnce(true);
    await restarted.pollOnce(true);
    expect(adapter.notices).toHaveLength(0);
    await restarted.stop();
  });
});

describe('feed states', () => {
  const server = new FeedServer();

  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('forgets the state of a feed nobody follows 90 days after its last poll, and keeps those still followed', async () => {
    const dir = tempDir('threadline-feed-states-');
    const config = parseConfig({
      store: `sqlite://${join(dir, 'state.sqlite')}`,
      feeds: [],
      fetch: { allowPrivate: ['127.0.0.1'], timeoutMs: 2000 },
      sinks: { console: { enabled: false } },
    });
    // Only the clock is fake: stored values expire by it, while sockets and timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00Z'));
    const app = new App(config, { logger: silentLogger });
    try {
      await app.init();
      const [kept, dropped] = ['/kept.xml', '/dropped.xml'].map((path) => {
        server.setFeed(path, renderRss('Wire', 'https://wire.example/', []));
        return server.url(path);
      });
      for (const [id, url] of [
        ['c1', kept!],
        ['c2', dropped!],
      ] as const) {
        const channel = await app.channels.getOrCreate('discord', 'g1', id);
        await app.channels.save({ ...channel, feeds: [{ url }] });
      }
      await app.pollOnce(true);
      const states = app.store.ns<FeedState>('feeds');
      expect((await states.get(dropped!))?.lastSuccessAt).toBe('2026-03-01T10:00:00.000Z');
      // The second channel drops its feed; the first keeps polling its own.
      const c2 = (await app.channels.get('discord:g1:c2'))!;
      await app.channels.save({ ...c2, feeds: [] });
      for (let day = 1; day <= 100; day += 7) {
        vi.setSystemTime(new Date(Date.parse('2026-03-01T10:00:00Z') + day * 86_400_000));
        await app.pollOnce(true);
      }
      expect(await states.get(dropped!)).toBeUndefined();
      expect((await states.get(kept!))?.lastSuccessAt).toBe('2026-06-08T10:00:00.000Z');
    } finally {
      await app.stop();
      vi.useRealTimers();
    }
  });
});
