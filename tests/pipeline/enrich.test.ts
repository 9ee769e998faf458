import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import type { Item } from '../../src/model.js';
import { ItemEnricher } from '../../src/pipeline/enrich.js';
import { openStore } from '../../src/store/index.js';
import { startServer, type TestServer } from '../ingest/helpers/server.js';

const policy = {
  timeoutMs: 1000,
  maxBytes: 1_000_000,
  maxRedirects: 3,
  userAgent: 'Threadline-test/1',
  concurrency: 8,
  perHostConcurrency: 2,
  allowPrivate: ['127.0.0.1'],
} as never;

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(() => srv.close());

const item = (path: string, i = 0): Item => ({
  id: `${path}-${i}`,
  title: 'Talks',
  description: 'feed summary',
  url: `${srv.url}${path}?n=${i}`,
  source: 'S',
  publishedAt: '2025-08-17T10:00:00Z',
});

describe('article pages in other encodings', () => {
  const ru = 'Лидеры встретились в Женеве во вторник и договорились возобновить переговоры.';
  const ja = '首脳らは火曜日にジュネーブで会談し、来月に協議を再開することで合意したと当局者が述べた。';
  const page = (head: string, p: string) =>
    `<html><head>${head}<title>T</title></head><body><article>${[1, 2, 3, 4, 5].map((n) => `<p>${p} (${n})</p>`).join('')}</article></body></html>`;

  it('decodes a windows-1251 page declared by <meta charset>', async () => {
    srv.routes.set('/ru', (_q, r) => {
      r.setHeader('content-type', 'text/html');
      r.end(iconv.encode(page('<meta charset="windows-1251">', ru), 'windows-1251'));
    });
    const [out] = await new ItemEnricher(policy, silentLogger, openStore('memory://')).enrich(
      [item('/ru')],
      [],
    );
    expect(out!.text).toContain(ru);
  });

  it('decodes a Shift_JIS page declared by <meta http-equiv>', async () => {
    srv.routes.set('/ja', (_q, r) => {
      r.setHeader('content-type', 'text/html');
      r.end(
        iconv.encode(
          page('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', ja),
          'Shift_JIS',
        ),
      );
    });
    const [out] = await new ItemEnricher(policy, silentLogger, openStore('memory://')).enrich(
      [item('/ja')],
      [],
    );
    expect(out!.text).toContain(ja);
  });
});

describe('article fetches in a pass', () => {
  it('keeps at most perHostConcurrency article requests in flight to one host', async () => {
    let active = 0;
    let most = 0;
    srv.routes.set('/busy', (_q, r) => {
      active++;
      most = Math.max(most, active);
      setTimeout(() => {
        active--;
        r.setHeader('content-type', 'text/html');
        r.end('<p>short</p>');
      }, 100);
    });
    const items = Array.from({ length: 8 }, (_, i) => item('/busy', i));
    await new ItemEnricher(policy, silentLogger, openStore('memory://')).enrich(items, []);
    expect(most).toBeLessThanOrEqual(2);
  });

  it('does not hold a pass for several fetch time-outs when one site stalls', async () => {
    srv.routes.set('/stall', () => {
      // never answers
    });
    const items = [...Array.from({ length: 16 }, (_, i) => item('/stall', i))];
    const t0 = Date.now();
    const out = await new ItemEnricher(policy, silentLogger, openStore('memory://')).enrich(items, []);
    const elapsed = Date.now() - t0;
    expect(out).toHaveLength(16);
    expect(out.every((i) => i.description === 'feed summary')).toBe(true);
    // Pages not started within one fetch time-out are left: one time-out, not one per round of fetches.
    expect(elapsed).toBeLessThan(1500);
  });
});

describe('what an article page replaces', () => {
  it('keeps the feed text when the page has less to say', async () => {
    const longSummary = `Leaders met in Geneva on Tuesday. ${'They agreed to resume talks next month. '.repeat(12)}`;
    srv.routes.set('/brief', (_q, r) => {
      r.setHeader('content-type', 'text/html');
      r.end(
        `<html><head><script type="application/ld+json">{"@type":"OpinionNewsArticle"}</script></head><body><article><p>${'Leaders met in Geneva on Tuesday and agreed to talk again. '.repeat(4)}</p></article></body></html>`,
      );
    });
    const brief = { ...item('/brief'), description: longSummary };
    const [out] = await new ItemEnricher(policy, silentLogger, openStore('memory://')).enrich([brief], []);
    expect(out!.text).toBeUndefined();
    expect(out!.description).toBe(longSummary);
    // What the page says about itself still counts.
    expect(out!.kindHint).toBe('opinion');
  });
});
