import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, redactUrl, StoreError } from '../../src/store/index.js';
import { StoreLease } from '../../src/store/lease.js';
import { PostgresTable } from '../../src/store/postgres.js';
import { PostgresServer, postgresAvailable } from '../helpers/postgres-server.js';
import { RedisServer, redisAvailable } from '../helpers/redis-server.js';

const redis = new RedisServer();
const postgres = new PostgresServer();
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'threadline-store-'));
  if (redisAvailable) await redis.start();
  if (postgresAvailable) await postgres.start();
}, 30_000);

afterAll(async () => {
  await redis.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
});

const backends = [
  { name: 'sqlite', url: () => `sqlite://${join(dir, 'state.sqlite')}`, enabled: true },
  { name: 'redis', url: () => redis.url, enabled: redisAvailable },
  { name: 'postgres', url: () => postgres.url, enabled: postgresAvailable },
];

/** The stores with a server of their own, and how to take that server down and bring it back on its port. */
const servers = [
  {
    name: 'redis',
    url: () => redis.url,
    enabled: redisAvailable,
    down: () => redis.stop(),
    up: () => redis.start(),
  },
  {
    name: 'postgres',
    url: () => postgres.url,
    enabled: postgresAvailable,
    down: () => postgres.halt(),
    up: () => postgres.launch(),
  },
];

describe.each(backends)('$name store', ({ url, enabled }) => {
  it.skipIf(!enabled)(
    'keeps namespaces apart, reads and deletes many keys at once, and takes long keys',
    async () => {
      const store = openStore(url());
      await store.open();
      const log = store.ns<{ n: number }>('log');
      const meta = store.ns<string>('meta');
      await log.set('same-key', { n: 1 });
      await log.set('other', { n: 2 });
      await meta.set('same-key', 'meta value');
      expect(await log.get('same-key')).toEqual({ n: 1 });
      expect(await meta.get('same-key')).toBe('meta value');
      expect(await log.getMany(['same-key', 'missing', 'other'])).toEqual([{ n: 1 }, undefined, { n: 2 }]);
      // Feed and article URLs are keys too.
      const longKey = `https://example.org/${'very-long-path/'.repeat(60)}`;
      await log.set(longKey, { n: 3 });
      expect(await log.get(longKey)).toEqual({ n: 3 });
      await log.deleteMany(['same-key', 'other']);
      expect(await log.getMany(['same-key', 'other'])).toEqual([undefined, undefined]);
      expect(await meta.get('same-key')).toBe('meta value');
      await store.close();
    },
  );

  it.skipIf(!enabled)(
    'takes a key too long for an index entry: an article URL with a long random query',
    async () => {
      const store = openStore(url());
      await store.open();
      const articles = store.ns<{ ok: boolean }>('articles');
      const key = `article:https://news.example/a?utm=${randomBytes(1_500).toString('hex')}`;
      await articles.set(key, { ok: true });
      expect(await articles.get(key)).toEqual({ ok: true });
      expect(await articles.getMany([key, 'article:other'])).toEqual([{ ok: true }, undefined]);
      // A key sharing its first part is another key (x is never a hex digit, so it differs from the last one).
      expect(await articles.get(`${key.slice(0, -1)}x`)).toBeUndefined();
      expect(await articles.delete(key)).toBe(true);
      expect(await articles.get(key)).toBeUndefined();
      await store.close();
    },
  );

  it.skipIf(!enabled)('finishes a write under way when it is closed, and refuses one after', async () => {
    const store = openStore(url());
    await store.open();
    const meta = store.ns<string>('meta');
    await meta.set('warm', 'x');
    // A write still in flight (a command saving a channel) when the worker shuts down.
    const write = meta.set('pending', 'saved');
    await store.close();
    await expect(write).resolves.toBe(true);
    await expect(meta.set('late', 'x')).rejects.toThrow(/is closed/);
    const again = openStore(url());
    await again.open();
    expect(await again.ns<string>('meta').get('pending')).toBe('saved');
    await again.close();
  });

  it.skipIf(!enabled)('keeps what was written across a close and a reopen', async () => {
    const first = openStore(url());
    await first.open();
    await first.ns('deliveries').set('rec|s1', { ref: { parentId: 'm1' }, updates: 2 });
    await first.close();
    const second = openStore(url());
    await second.open();
    expect(await second.ns('deliveries').get('rec|s1')).toEqual({ ref: { parentId: 'm1' }, updates: 2 });
    await second.close();
  });
});

/** The keys a store's table holds, read past Keyv (which hides expired values but leaves them there). */
async function rawKeys(name: string, url: string): Promise<string[]> {
  if (name === 'sqlite') {
    const db = new sqlite3.Database(url.slice('sqlite://'.length));
    const rows = await new Promise<{ key: string }[]>((resolve, reject) =>
      db.all('SELECT key FROM threadline', (e, r) => (e ? reject(e) : resolve(r as { key: string }[]))),
    );
    await new Promise((resolve) => db.close(resolve));
    return rows.map((r) => r.key).sort();
  }
  const client = new pg.Client(url);
  await client.connect();
  const res = await client.query<{ key: string }>('SELECT key FROM threadline');
  await client.end();
  return res.rows.map((r) => r.key).sort();
}

describe.each(backends)('$name store lease', ({ url, enabled }) => {
  const record = (owner: string) => JSON.stringify({ owner, host: 'h', pid: 1, since: '', until: 0 });

  it.skipIf(!enabled)('changes the lease record only from the holder it names', async () => {
    const store = openStore(url());
    await store.open();
    try {
      await store.lease.drop('a');
      await store.lease.drop('b');
      expect(await store.lease.read()).toBeUndefined();
      expect(await store.lease.swap(undefined, record('a'))).toBe(true);
      expect(await store.lease.swap(undefined, record('b'))).toBe(false);
      expect(await store.lease.swap('b', record('b'))).toBe(false);
      expect(await store.lease.swap('a', record('a2'))).toBe(true);
      expect(JSON.parse((await store.lease.read())!).owner).toBe('a2');
      await store.lease.drop('a');
      expect(await store.lease.read()).toBeDefined();
      await store.lease.drop('a2');
      expect(await store.lease.read()).toBeUndefined();
      // The record lives outside the namespaces: clearing one leaves it, and it is not one of its keys.
      await store.lease.swap(undefined, record('c'));
      await store.ns('meta').clear();
      expect(JSON.parse((await store.lease.read())!).owner).toBe('c');
      await store.lease.drop('c');
    } finally {
      await store.close();
    }
  });

  it.skipIf(!enabled)(
    'gives the store to one of two workers starting at once, over two connections',
    async () => {
      const stores = [openStore(url()), openStore(url())];
      await Promise.all(stores.map((s) => s.open()));
      try {
        for (let round = 0; round < 10; round++) {
          const leases = stores.map((s, pid) => new StoreLease(s, { holder: { host: `host-${pid}`, pid } }));
          const tries = await Promise.allSettled(leases.map((l) => l.acquire()));
          expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
          for (const l of leases) await l.release();
        }
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    },
  );
});

describe.each(backends.filter((b) => b.name !== 'redis'))('$name store expiry', ({ name, url, enabled }) => {
  it.skipIf(!enabled)('deletes values past their time limit, which nothing reads again', async () => {
    const at = url().replace('state.sqlite', 'expiry.sqlite');
    const store = openStore(at);
    await store.open();
    if (name === 'postgres')
      await new pg.Client(at).connect().then(async (c) => {
        await c.query('DELETE FROM threadline');
        await c.end();
      });
    // What the article cache, the item log's pruned ids and the deliverer's story notes write.
    await store
      .ns('articles')
      .set('article:https://news.example/a', { ok: true, text: 'x'.repeat(10_000) }, 50);
    await store.ns('seen').set('item-1', true, 50);
    await store.ns('meta').set('log:head', 1);
    await store.ns('meta').set('for-a-day', 1, 86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await store.purgeExpired();
    expect(await rawKeys(name, at)).toEqual(['meta:for-a-day', 'meta:log:head']);
    await store.close();
  });
});

describe('memory store expiry', () => {
  it('deletes values past their time limit, which nothing reads again, so a worker on it stays bounded', async () => {
    const store = openStore('memory://');
    await store.open();
    const articles = store.ns('articles');
    const seen = store.ns('seen');
    // A worker's hours of pages and pruned ids, each written once and never read again.
    for (let i = 0; i < 1000; i++) {
      await articles.set(`article:https://news.example/${i}`, { ok: true, text: 'x'.repeat(100) }, 50);
      await seen.set(`item-${i}`, true, 50);
    }
    await store.ns('meta').set('log:head', 1);
    await store.ns('meta').set('for-a-day', 1, 86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await store.purgeExpired();
    const held = (name: 'articles' | 'seen' | 'meta') => (store.ns(name).store as Map<string, unknown>).size;
    expect([held('articles'), held('seen'), held('meta')]).toEqual([0, 0, 2]);
    expect(await store.ns('meta').get('for-a-day')).toBe(1);
    await store.close();
  });
});

describe.each(servers)('$name store connection', ({ url, enabled, down, up }) => {
  it.skipIf(!enabled)(
    'waits out a server that is down: a write made meanwhile lands once it is back',
    async () => {
      const store = openStore(url());
      await store.open();
      const meta = store.ns<string>('meta');
      await meta.set('before', 'x');
      await down();
      const during = meta.set('during', 'y');
      // Down for longer than a store that never connected would wait.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await up();
      await during;
      expect(await meta.get('during')).toBe('y');
      await store.close();
    },
  );
});

describe.skipIf(!redisAvailable)('redis store connection', () => {
  it('sends again a write cut off by the server going down while it was in flight', async () => {
    const store = openStore(redis.url, { answerWithinMs: 15_000 });
    await store.open();
    const meta = store.ns<string>('meta');
    await meta.set('before', 'x');
    redis.freeze();
    const inFlight = meta.set('in-flight', 'y');
    // Written to the socket of a server that reads nothing; then the server dies with it unanswered.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await redis.kill();
    await redis.start();
    await inFlight;
    expect(await meta.get('in-flight')).toBe('y');
    await store.close();
  });

  it('fails an operation on a server that stays down, instead of waiting for good', async () => {
    const store = openStore(redis.url, { answerWithinMs: 1_500 });
    await store.open();
    await store.ns('meta').set('before', 1);
    await redis.stop();
    try {
      // A command sent before the client saw the connection close fails at once, with the socket's error.
      // Once it has seen it, commands wait for the server, and fail after the time given.
      const first = await store
        .ns('meta')
        .get('before')
        .then(
          () => 'answered',
          (err: Error) => err.message,
        );
      expect(first).toMatch(/has not answered for 1\.5 s|Socket closed unexpectedly/);
      const started = Date.now();
      await expect(store.ns('meta').get('before')).rejects.toThrow(/has not answered for 1\.5 s/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    } finally {
      await redis.start();
    }
    // Back (the test server keeps nothing across a restart): the store works again.
    await vi.waitFor(
      async () => {
        await store.ns('meta').set('after', 2);
        expect(await store.ns('meta').get('after')).toBe(2);
      },
      { timeout: 10_000 },
    );
    await store.close();
  });
});

describe.skipIf(!postgresAvailable)('postgres store connection', () => {
  it('works again after the server restarts; what it wrote before is still there', async () => {
    const store = openStore(postgres.url);
    await store.open();
    const meta = store.ns<string>('meta');
    await meta.set('before', 'x');
    await postgres.restart();
    // The pool's connections died with the server; the next query opens a new one.
    expect(await meta.get('before')).toBe('x');
    await meta.set('after', 'y');
    expect(await meta.get('after')).toBe('y');
    await store.close();
  });

  it('gives up on a server that stays down, with the connection error', async () => {
    const pool = new pg.Pool({ connectionString: postgres.url, connectionTimeoutMillis: 1_000 });
    pool.on('error', () => undefined);
    const table = new PostgresTable(pool, 1_500);
    await table.query('SELECT 1', []);
    await postgres.halt();
    try {
      const started = Date.now();
      await expect(table.query('SELECT 1', [])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      // A query that is wrong is not retried: it fails at once.
      await postgres.launch();
      const wrongAt = Date.now();
      await expect(table.query('SELECT * FROM no_such_table', [])).rejects.toMatchObject({ code: '42P01' });
      expect(Date.now() - wrongAt).toBeLessThan(1_000);
    } finally {
      if (!postgres.running) await postgres.launch();
      await pool.end();
    }
  });
});

describe('store URLs', () => {
  it('an unreachable Redis is a clear error that names the store without its password', async () => {
    const store = openStore('redis://threadline:s3cret@127.0.0.1:1/0');
    expect(store.url).toBe('redis://threadline:***@127.0.0.1:1/0');
    const err = await store.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(
      /^cannot reach the Redis store at redis:\/\/threadline:\*\*\*@127\.0\.0\.1:1\/0: /,
    );
    expect((err as Error).message).not.toContain('s3cret');
    await store.close();
  });

  it('an unreachable Postgres is a clear error that names the store without its password', async () => {
    const store = openStore('postgres://threadline:s3cret@127.0.0.1:1/threadline');
    expect(store.url).toBe('postgres://threadline:***@127.0.0.1:1/threadline');
    const err = await store.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(
      /^cannot reach the Postgres store at postgres:\/\/threadline:\*\*\*@127\.0\.0\.1:1\/threadline: /,
    );
    expect((err as Error).message).not.toContain('s3cret');
    await store.close();
  });

  it('a SQLite file that cannot be opened is a clear error at start-up, naming the file', async () => {
    // A directory where the database file should be: SQLite cannot open it, whoever runs the worker.
    const taken = join(dir, 'is-a-directory.sqlite');
    mkdirSync(taken);
    const store = openStore(`sqlite://${taken}`);
    // Namespaces made before the check fail too, without ending the process (vitest fails a test on an
    // unhandled rejection).
    store.ns('log');
    store.ns('seen');
    await new Promise((r) => setTimeout(r, 100));
    const err = await store.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(
      /^cannot open SQLite store .*is-a-directory\.sqlite: .*SQLITE_CANTOPEN/,
    );
    await store.close();
    // A file where its folder should be.
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => openStore(`sqlite://${file}/sub/db.sqlite`)).toThrow(
      /^cannot create the folder of SQLite store .*plain-file\/sub\/db\.sqlite: /,
    );
  });

  it('refuses a scheme it does not support, naming the ones it does', () => {
    expect(() => openStore('mysql://db.example/threadline')).toThrow(
      /"mysql" is not supported \(use sqlite:\/\/, redis:\/\/, postgres:\/\/ or memory:\/\/\)/,
    );
    expect(() => openStore('bogus')).toThrow(/store "bogus" is not a URL \(use sqlite:\/\/PATH/);
  });

  it('redacts only the password of a URL', () => {
    expect(redactUrl('rediss://:pw@cache.example:6380')).toBe('rediss://:***@cache.example:6380');
    expect(redactUrl('redis://cache.example:6379/2')).toBe('redis://cache.example:6379/2');
    expect(redactUrl('sqlite://./data/threadline.sqlite')).toBe('sqlite://./data/threadline.sqlite');
  });
});
