import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { FeedServer, renderRss } from '../helpers/feed-server.js';
import { PostgresServer, postgresAvailable } from '../helpers/postgres-server.js';
import { RedisServer, redisAvailable } from '../helpers/redis-server.js';
import { loadSeeds } from '../helpers/shared.js';

const OUTLETS = ['Valley Newz', 'Truth and Resistance', 'Capital Ledger', 'Morning Wire', 'Global Desk'];

const redis = new RedisServer();
const postgres = new PostgresServer();
const stores = [
  { name: 'SQLite', url: (dir: string) => `sqlite://${join(dir, 'state.sqlite')}`, enabled: true },
  { name: 'Redis', url: () => redis.url, enabled: redisAvailable, storeServer: redis },
  { name: 'Postgres', url: () => postgres.url, enabled: postgresAvailable, storeServer: postgres },
];

describe.each(stores)(
  'walking skeleton on $name: five seed feeds become one story',
  ({ url, enabled, storeServer }) => {
    const server = new FeedServer();
    let dir: string;

    beforeAll(async () => {
      if (!enabled) return;
      await storeServer?.start();
      await server.start();
      dir = mkdtempSync(join(tmpdir(), 'threadline-e2e-'));
      loadSeeds().forEach((seed, i) => {
        const link = `https://outlet${i}.example/news/trump-russia-progress`;
        server.setFeed(
          `/feed/${i}.xml`,
          renderRss(OUTLETS[i]!, `https://outlet${i}.example/`, [
            {
              guid: `seed-${i}`,
              title: seed.title,
              link,
              body: seed.body,
              pubDate: new Date(Date.UTC(2025, 7, 17, 12 + i, 0, 0)),
            },
          ]),
        );
      });
    });

    afterAll(async () => {
      if (!enabled) return;
      await server.stop();
      await storeServer?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    function makeApp(output: string[]) {
      const config = parseConfig({
        store: url(dir),
        fetch: { allowPrivate: ['127.0.0.1'] },
        // The seed reports are dated August 2025: first posts here have no age limit.
        updates: { maxStoryAgeHours: 0 },
        feeds: OUTLETS.map((name, i) => ({ url: server.url(`/feed/${i}.xml`), name })),
      });
      return new App(config, { logger: silentLogger, write: (text) => output.push(text) });
    }

    it.skipIf(!enabled)(
      'posts exactly one story with five sources, then nothing on a second poll or after a restart',
      async () => {
        const first: string[] = [];
        const app = makeApp(first);
        await app.init();
        const pass = await app.pollOnce(true);
        expect(pass.poll.polled).toBe(5);
        expect(pass.ingest.accepted).toBe(5);
        expect(pass.ingest.stories).toBe(1);
        // No chat platform, so no one can search: the pass spends nothing on a story index.
        expect(app.commands.indexedStories).toBe(0);

        const posts = first.filter((text) => text.startsWith('■'));
        expect(posts).toHaveLength(1);
        expect(posts[0]).toMatch(/— 5 outlets/);
        for (const outlet of OUTLETS) expect(posts[0]).toContain(outlet);
        expect(posts[0]).toContain('Reported facts');
        expect(posts[0]).toContain('Coverage');

        const [story] = app.engine.stories();
        expect(story?.sources).toHaveLength(5);
        expect(story?.itemIds).toHaveLength(5);

        const second = await app.pollOnce(true);
        expect(second.ingest.accepted).toBe(0);
        expect(first.filter((text) => text.startsWith('■'))).toHaveLength(1);
        expect(first.some((text) => text.startsWith('↻'))).toBe(false);
        // The second poll was conditional: every feed answered 304.
        expect(server.requests.slice(-5).every((r) => r.status === 304 && r.ifNoneMatch)).toBe(true);
        await app.stop();

        const afterRestart: string[] = [];
        const restarted = makeApp(afterRestart);
        await restarted.init();
        expect(restarted.engine.itemCount).toBe(5);
        const third = await restarted.pollOnce(true);
        expect(third.ingest.accepted).toBe(0);
        expect(afterRestart).toEqual([]);
        expect(restarted.engine.stories()).toHaveLength(1);
        await restarted.stop();
      },
    );
  },
);
