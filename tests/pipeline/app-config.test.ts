import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { stopWorker } from '../../src/commands/worker.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import type { Item } from '../../src/model.js';
import { openStore } from '../../src/store/index.js';
import type { StoreLease } from '../../src/store/lease.js';
import { renderRss } from '../helpers/feed-server.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { tempDir } from '../helpers/temp.js';
import { storyDigest } from '../platforms/fixture.js';

const item = (id: string, title: string, source: string, publishedAt: string): Item => ({
  id,
  title,
  source,
  description: title,
  publishedAt,
});

describe('worker configuration', () => {
  for (const [windowHours, joined] of [
    [72, ['a', 'b']],
    [1, ['b']],
  ] as const) {
    it(`cluster.windowHours ${windowHours}: coverage three hours later ${joined.length === 2 ? 'joins' : 'starts a new story'}`, async () => {
      const app = new App(
        parseConfig({ store: 'memory://', sinks: { console: { enabled: false } }, cluster: { windowHours } }),
        { logger: silentLogger },
      );
      await app.init();
      try {
        await app.engine.ingest([
          item('a', 'Volcano erupts in Iceland, flights grounded', 'Wire A', '2026-01-01T10:00:00.000Z'),
          item('b', 'Iceland volcano erupts; flights grounded', 'Wire B', '2026-01-01T13:00:00.000Z'),
        ]);
        const latest = app.engine.stories()[0]!;
        expect(latest.itemIds).toEqual(joined);
      } finally {
        await app.stop();
      }
    });
  }
});

describe('delivery records', () => {
  it('are kept past the item log retention plus the month its story notes last, then deleted', async () => {
    const app = new App(
      parseConfig({
        store: 'memory://',
        sinks: { console: { enabled: false } },
        cluster: { retentionDays: 10 },
      }),
      {
        logger: silentLogger,
        sinks: [
          {
            id: 'test',
            minSources: 1,
            post: async () => ({ parentId: 'p1' }),
            update: async () => undefined,
          },
        ],
      },
    );
    await app.init();
    try {
      const before = Date.now();
      await app.engine.ingest([item('a', 'Volcano erupts in Iceland', 'Wire A', new Date().toISOString())]);
      const storyId = app.engine.stories()[0]!.id;
      const record = (await app.store.ns('deliveries').get(`test|${storyId}`, { raw: true })) as {
        value: { ref?: unknown };
        expires: number;
      };
      expect(record.value.ref).toEqual({ parentId: 'p1' });
      expect(record.expires - before).toBeGreaterThanOrEqual(40 * 86_400_000);
      expect(record.expires - before).toBeLessThan(41 * 86_400_000);
    } finally {
      await app.stop();
    }
  });
});

describe('worker shutdown', () => {
  it('lets the pass under way finish before the platforms disconnect, then closes the store', async () => {
    // A feed that answers after a while, so that the stop comes while the first pass still waits on it.
    let answered = false;
    const server = createServer((_req, res) => {
      setTimeout(() => {
        answered = true;
        res.setHeader('content-type', 'application/rss+xml');
        res.end(renderRss('Slow Wire', 'https://slow.example/', []));
      }, 300);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const app = new App(
        parseConfig({
          store: 'memory://',
          sinks: { console: { enabled: false } },
          feeds: [{ url: `http://127.0.0.1:${port}/rss` }],
          fetch: { allowPrivate: ['127.0.0.1'] },
        }),
        { logger: silentLogger },
      );
      await app.init();
      app.start();
      const order: string[] = [];
      await stopWorker(
        {
          finish: async () => {
            await app.finish();
            order.push(`pass finished, feed answered: ${answered}`);
          },
          stop: async () => {
            await app.stop();
            order.push('store closed');
          },
        },
        [{ stop: async () => order.push('platform stopped') }],
      );
      expect(order).toEqual(['pass finished, feed answered: true', 'platform stopped', 'store closed']);
    } finally {
      server.close();
    }
  });
});

describe('worker that loses its store', () => {
  it('starts no more passes once another worker has taken the store, and leaves that worker its lease', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.setHeader('content-type', 'application/rss+xml');
      res.end(renderRss('Wire', 'https://wire.example/', []));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const errors: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line).msg) });
    const told: string[] = [];
    const adapter = new RecordingAdapter();
    const app = new App(
      parseConfig({
        store: `sqlite://${join(tempDir('threadline-lost-'), 'state.sqlite')}`,
        sinks: { console: { enabled: false } },
        feeds: [{ url: `http://127.0.0.1:${port}/rss` }],
        fetch: { allowPrivate: ['127.0.0.1'] },
      }),
      { logger, adapters: [adapter], onStoreLost: (message) => told.push(message) },
    );
    try {
      await app.init();
      const channel = await app.channels.getOrCreate('discord', 'G1', 'C1');
      await app.channels.save({ ...channel, topics: ['harbour'] });
      // The worker stalled past its lease, and another on worker-2 took the store.
      const held = JSON.parse((await app.store.lease.read())!);
      const other = JSON.stringify({ ...held, owner: 'other', host: 'worker-2.internal', pid: 2 });
      expect(await app.store.lease.swap(held.owner, other)).toBe(true);
      const lease = (app as unknown as { lease: StoreLease }).lease;
      expect(await lease.renew()).toBe(false);
      expect(app.storeTaken).toBe(true);
      expect(told).toEqual([
        expect.stringMatching(/process 2 on worker-2\.internal\) took the store sqlite:/),
      ]);
      expect(errors).toEqual([
        expect.stringMatching(/this worker stops so that stories are not posted twice$/),
      ]);
      app.start();
      await app.finish();
      expect(requests).toBe(0);
      // A delivery already under way when the store was taken posts nothing more.
      const sink = (await app.sinks()).find((s) => s.id === channel.key)!;
      await expect(sink.post(storyDigest(), 'k1')).rejects.toThrow(
        'another worker has taken the store and delivers from now on',
      );
      expect(adapter.stories).toEqual([]);
    } finally {
      await app.stop();
      server.close();
    }
    const store = openStore(app.config.store);
    await store.open();
    expect(JSON.parse((await store.lease.read())!).owner).toBe('other');
    await store.close();
  });
});
