import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedState, type FetchPolicy, isDue, nextInterval, pollFeed } from '../../src/ingest/index.js';
import { startServer, type TestServer } from './helpers/server.js';

const policy: FetchPolicy = {
  timeoutMs: 2000,
  maxBytes: 1_000_000,
  maxRedirects: 3,
  userAgent: 'Threadline-test/1',
  concurrency: 4,
  allowPrivate: ['127.0.0.1'],
  pauseAfterFailures: 3,
};

function rss(items: { title: string; link: string; guid?: string; date?: string }[], extra = ''): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Test Feed</title><link>https://news.example/</link>${extra}${items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>${i.link}</link>${i.guid ? `<guid>${i.guid}</guid>` : ''}<pubDate>${i.date ?? 'Mon, 20 Nov 2023 10:00:00 GMT'}</pubDate></item>`,
    )
    .join('')}</channel></rss>`;
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(() => srv.close());

const now = new Date('2023-11-20T12:00:00Z');
const later = (min: number) => new Date(now.getTime() + min * 60_000);

describe('pollFeed', () => {
  it('sends If-None-Match / If-Modified-Since and handles 304', async () => {
    srv.routes.set('/cond', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.statusCode = 304;
        return res.end();
      }
      res.setHeader('etag', '"v1"');
      res.setHeader('last-modified', 'Mon, 20 Nov 2023 10:00:00 GMT');
      res.end(rss([{ title: 'A', link: 'https://news.example/a' }]));
    });
    const feed = { url: `${srv.url}/cond`, name: 'Cond News' };
    const first = await pollFeed(feed, undefined, { policy, now });
    expect(first.status).toBe('ok');
    expect(first.items).toHaveLength(1);
    expect(first.items[0]!.source).toBe('Cond News');
    expect(first.state.etag).toBe('"v1"');
    const second = await pollFeed(feed, first.state, { policy, now: later(30) });
    expect(srv.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(srv.requests.at(-1)!.headers['if-modified-since']).toBe('Mon, 20 Nov 2023 10:00:00 GMT');
    expect(second.status).toBe('not-modified');
    expect(second.items).toEqual([]);
    expect(second.state.intervalMinutes!).toBeGreaterThan(first.state.intervalMinutes!);
  });

  it('returns only new items, with ids stable across re-ordering, title edits and guid changes', async () => {
    let body = rss([
      { title: 'One', link: 'https://news.example/1?utm_source=rss&utm_medium=feed', guid: 'g1' },
      { title: 'Two', link: 'https://news.example/2', guid: 'g2' },
    ]);
    srv.routes.set('/stable', (_req, res) => res.end(body));
    const feed = { url: `${srv.url}/stable` };
    const a = await pollFeed(feed, undefined, { policy, now });
    expect(a.items.map((i) => i.url)).toEqual(['https://news.example/1', 'https://news.example/2']);
    body = rss([
      { title: 'Three', link: 'https://news.example/3', guid: 'g3' },
      { title: 'Two (updated)', link: 'https://news.example/2', guid: 'g2-changed' },
      { title: 'One, edited', link: 'https://news.example/1?utm_campaign=x', guid: 'g1' },
    ]);
    const b = await pollFeed(feed, a.state, { policy, now: later(60) });
    expect(b.status).toBe('ok');
    expect(b.items.map((i) => i.title)).toEqual(['Three']);
    expect(a.items[0]!.source).toBe('Test Feed');
  });

  it('does not take a guid every item shares for an identity: new items still come through', async () => {
    const item = (n: number) => ({
      title: `Story ${n}`,
      link: `https://news.example/${n}`,
      guid: 'https://news.example/',
    });
    let body = rss([item(1), item(2)]);
    srv.routes.set('/shared-guid', (_req, res) => res.end(body));
    const feed = { url: `${srv.url}/shared-guid` };
    const first = await pollFeed(feed, undefined, { policy, now });
    expect(first.items.map((i) => i.title)).toEqual(['Story 1', 'Story 2']);
    body = rss([item(3), item(1), item(2)]);
    const second = await pollFeed(feed, first.state, { policy, now: later(60) });
    expect(second.items.map((i) => i.title)).toEqual(['Story 3']);
    // Without links, items sharing one guid are told apart by their titles, not collapsed into the first.
    const linkless = (n: number) =>
      `<item><title>Bulletin ${n}</title><guid isPermaLink="false">bulletin</guid><pubDate>Mon, 20 Nov 2023 1${n}:00:00 GMT</pubDate></item>`;
    body = `<rss version="2.0"><channel><title>B</title>${linkless(1)}${linkless(2)}</channel></rss>`;
    srv.routes.set('/linkless', (_req, res) => res.end(body));
    const bulletins = await pollFeed({ url: `${srv.url}/linkless` }, undefined, { policy, now });
    expect(bulletins.items.map((i) => i.title)).toEqual(['Bulletin 1', 'Bulletin 2']);
  });

  it('keeps an item the same when a sibling sharing its link comes or goes', async () => {
    const shared = 'https://news.example/live';
    let body = rss([
      { title: 'Morning update', link: shared, guid: 'm1' },
      { title: 'Noon update', link: shared, guid: 'm2' },
    ]);
    srv.routes.set('/siblings', (_req, res) => res.end(body));
    const feed = { url: `${srv.url}/siblings` };
    const first = await pollFeed(feed, undefined, { policy, now });
    expect(first.items.map((i) => i.title)).toEqual(['Morning update', 'Noon update']);
    // Alone, the noon update's link identifies it; it is still the item seen before.
    body = rss([{ title: 'Noon update', link: shared, guid: 'm2' }]);
    const second = await pollFeed(feed, first.state, { policy, now: later(30) });
    expect(second.items).toEqual([]);
    // A new sibling shares the link again: only it is new.
    body = rss([
      { title: 'Noon update', link: shared, guid: 'm2' },
      { title: 'Evening update', link: shared, guid: 'm3' },
    ]);
    const third = await pollFeed(feed, second.state, { policy, now: later(60) });
    expect(third.items.map((i) => i.title)).toEqual(['Evening update']);
  });

  it('takes an article filed under a second path, at a later poll, for the item already seen', async () => {
    const slug = 'harbour-court-curbs-ferry-lawsuits-ca193efb';
    let body = rss([{ title: 'Court Curbs Ferry Lawsuits', link: `https://news.example/articles/${slug}` }]);
    srv.routes.set('/two-paths', (_req, res) => res.end(body));
    const feed = { url: `${srv.url}/two-paths` };
    const first = await pollFeed(feed, undefined, { policy, now });
    expect(first.items).toHaveLength(1);
    body = rss([
      {
        title: 'A federal court curbed ferry lawsuits on Monday.',
        link: `https://news.example/us-news/law/${slug}`,
      },
      { title: 'Quay reopens', link: 'https://news.example/quay-reopens' },
    ]);
    const second = await pollFeed(feed, first.state, { policy, now: later(60) });
    expect(second.items.map((i) => i.title)).toEqual(['Quay reopens']);
  });

  it('treats an unchanged body without validators as not modified', async () => {
    srv.routes.set('/same', (_req, res) => res.end(rss([{ title: 'A', link: 'https://news.example/a' }])));
    const a = await pollFeed({ url: `${srv.url}/same` }, undefined, { policy, now });
    const b = await pollFeed({ url: `${srv.url}/same` }, a.state, { policy, now: later(30) });
    expect(b.status).toBe('not-modified');
  });

  it('backs off exponentially, pauses once after N failures, and resumes when healthy', async () => {
    let healthy = false;
    srv.routes.set('/flaky', (_req, res) => {
      if (healthy) return res.end(rss([{ title: 'Back', link: 'https://news.example/back' }]));
      res.statusCode = 500;
      res.end('boom');
    });
    const feed = { url: `${srv.url}/flaky` };
    let state: FeedState | undefined;
    let t = now;
    const waits: number[] = [];
    const paused: boolean[] = [];
    let pausedAt: string | undefined;
    for (let i = 0; i < 5; i++) {
      const out = await pollFeed(feed, state, { policy, now: t });
      expect(out.status).toBe('error');
      expect(out.error).toBe('HTTP 500');
      paused.push(!!out.pausedNow);
      if (out.pausedNow) pausedAt = t.toISOString();
      state = out.state;
      const next = new Date(state.nextPollAt!);
      waits.push((next.getTime() - t.getTime()) / 60_000);
      expect(isDue(state, t)).toBe(false);
      t = next;
      expect(isDue(state, t)).toBe(true);
    }
    expect(paused).toEqual([false, false, true, false, false]);
    expect(state!.paused).toBe(true);
    expect(waits).toEqual([5, 10, 20, 40, 80]);
    healthy = true;
    const ok = await pollFeed(feed, state, { policy, now: t });
    expect(ok.status).toBe('ok');
    expect(ok.resumedNow).toBe(true);
    // The return says since when the feed was paused: the third failure, 15 minutes after the first.
    expect(ok.pausedSince).toBe(new Date(now.getTime() + 15 * 60_000).toISOString());
    expect(ok.pausedSince).toBe(pausedAt);
    expect(ok.state.paused).toBe(false);
    expect(ok.state.failures).toBe(0);
    const again = await pollFeed(feed, ok.state, { policy, now: later(600) });
    expect(again.resumedNow).toBeUndefined();
  });

  it('honours Retry-After on 429 and 503', async () => {
    srv.routes.set('/limited', (_req, res) => {
      res.statusCode = 429;
      res.setHeader('retry-after', '3600');
      res.end();
    });
    srv.routes.set('/busy', (_req, res) => {
      res.statusCode = 503;
      res.setHeader('retry-after', new Date(now.getTime() + 2 * 3600_000).toUTCString());
      res.end();
    });
    const a = await pollFeed({ url: `${srv.url}/limited` }, undefined, { policy, now });
    expect(a.status).toBe('error');
    expect(Date.parse(a.state.nextPollAt!) - now.getTime()).toBe(3600_000);
    const b = await pollFeed({ url: `${srv.url}/busy` }, undefined, { policy, now });
    expect(Math.abs(Date.parse(b.state.nextPollAt!) - now.getTime() - 2 * 3600_000)).toBeLessThan(60_000);
  });

  it('honours Cache-Control max-age and RSS ttl as a floor on the interval', async () => {
    srv.routes.set('/cc', (_req, res) => {
      res.setHeader('cache-control', 'public, max-age=7200');
      res.end(rss([{ title: 'A', link: 'https://news.example/cc' }]));
    });
    srv.routes.set('/ttl', (_req, res) =>
      res.end(rss([{ title: 'A', link: 'https://news.example/ttl' }], '<ttl>90</ttl>')),
    );
    const a = await pollFeed({ url: `${srv.url}/cc` }, undefined, { policy, now });
    expect(a.state.intervalMinutes).toBeGreaterThanOrEqual(120);
    const b = await pollFeed({ url: `${srv.url}/ttl` }, undefined, { policy, now });
    expect(b.state.intervalMinutes).toBeGreaterThanOrEqual(90);
  });

  it('reports network, SSRF and parse failures as errors without throwing', async () => {
    srv.routes.set('/html', (_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!DOCTYPE html><html><body>hi</body></html>');
    });
    const html = await pollFeed({ url: `${srv.url}/html` }, undefined, { policy, now });
    expect(html).toMatchObject({ status: 'error', error: 'not a feed: HTML page' });
    const ssrf = await pollFeed({ url: 'http://10.0.0.1/feed' }, undefined, {
      policy: { ...policy, allowPrivate: [] },
      now,
    });
    expect(ssrf.status).toBe('error');
    expect(ssrf.error).toMatch(/refused/);
    const bad = await pollFeed({ url: 'not a url' }, undefined, { policy, now });
    expect(bad.status).toBe('error');
  });

  it("marks the undated items of a feed's first successful poll as of unknown age, and no later ones", async () => {
    const undated = (title: string) =>
      `<item><title>${title}</title><link>https://news.example/${title.replace(/ /g, '-')}</link></item>`;
    const dated =
      '<item><title>Dated</title><link>https://news.example/dated</link><pubDate>Mon, 20 Nov 2023 10:00:00 GMT</pubDate></item>';
    const feedOf = (items: string[]) =>
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Undated</title>${items.join('')}</channel></rss>`;
    let body = feedOf([undated('Old one'), undated('Old two'), dated]);
    let up = false;
    srv.routes.set('/undated', (_req, res) => {
      if (!up) {
        res.statusCode = 500;
        return res.end('down');
      }
      res.end(body);
    });
    const feed = { url: `${srv.url}/undated` };
    // A first poll that fails reads nothing: the next one is the first to list the feed's items.
    const failed = await pollFeed(feed, undefined, { policy, now });
    expect(failed.status).toBe('error');
    up = true;
    const first = await pollFeed(feed, failed.state, { policy, now: later(5) });
    const polledAt = later(5).toISOString();
    expect(first.items.map((i) => [i.title, i.publishedAt, i.ageUnknown ?? false])).toEqual([
      ['Old one', polledAt, true],
      ['Old two', polledAt, true],
      ['Dated', '2023-11-20T10:00:00.000Z', false],
    ]);
    // An undated item that appears between two polls was published in between: dated by the poll, it is news.
    body = feedOf([undated('New one'), undated('Old one'), undated('Old two'), dated]);
    const second = await pollFeed(feed, first.state, { policy, now: later(35) });
    expect(second.items.map((i) => [i.title, i.publishedAt, i.ageUnknown ?? false])).toEqual([
      ['New one', later(35).toISOString(), false],
    ]);
  });

  it('marks items of opinion feeds', async () => {
    srv.routes.set('/opinion', (_req, res) =>
      res.end(rss([{ title: 'Op', link: 'https://news.example/op' }])),
    );
    const r = await pollFeed({ url: `${srv.url}/opinion`, kind: 'opinion' }, undefined, { policy, now });
    expect(r.items[0]!.kindHint).toBe('opinion');
  });
});

describe('adaptive interval', () => {
  const t = { min: 5, max: 360 };
  const nowMs = now.getTime();
  it('polls busy feeds often and quiet feeds rarely, within bounds', () => {
    const busy = Array.from({ length: 50 }, (_, i) => nowMs - i * 10 * 60_000);
    const quiet = [nowMs - 3 * 86400_000, nowMs - 5 * 86400_000, nowMs - 6 * 86400_000];
    expect(nextInterval(undefined, t, { newItems: 5, itemTimes: busy, now: nowMs })).toBe(5);
    expect(nextInterval(undefined, t, { newItems: 1, itemTimes: quiet, now: nowMs })).toBe(360);
    let i = 15;
    for (let k = 0; k < 30; k++)
      i = nextInterval(i, t, { newItems: 0, itemTimes: [], now: nowMs, notModified: true });
    expect(i).toBe(360);
  });
});
