import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import type { Item } from '../../src/model.js';

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
