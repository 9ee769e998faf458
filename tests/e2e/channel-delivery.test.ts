import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { FeedServer, renderRss } from '../helpers/feed-server.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { loadSeeds } from '../helpers/shared.js';

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
