import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeParsePool,
  FeedParseError,
  type FetchPolicy,
  type ParseOptions,
  ParsePool,
  parseFeed,
  pollFeed,
  sharedParsePool,
} from '../../src/ingest/index.js';
import { startServer, type TestServer } from './helpers/server.js';

const now = new Date('2024-01-01T00:00:00Z');
const opts: ParseOptions = { now, url: 'https://feed.example/feed.xml', name: 'Example', kind: 'opinion' };

const rss = (n: number, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>` +
  `<title>Big &amp; busy</title><link>https://site.example/</link><ttl>30</ttl>${Array.from(
    { length: n },
    (_, i) =>
      `<item><title>Story ${i} &mdash; “quoted”</title><link>https://site.example/${i}?utm_source=rss#top</link>` +
      `<guid isPermaLink="false">g${i}</guid><pubDate>Mon, 20 Nov 2023 10:${String(i % 60).padStart(2, '0')}:00 GMT</pubDate>` +
      `<category>World</category><media:content url="https://img.example/${i}.jpg" medium="image" width="640"/>` +
      `<description><![CDATA[<p>Paragraph one of ${i}.</p><p>Second&nbsp;paragraph ${extra}</p>]]></description></item>`,
  ).join('')}</channel></rss>`;

const FIXTURES: Record<string, { body: Buffer; contentType?: string }> = {
  rss: { body: Buffer.from(rss(40)) },
  atomXhtml: {
    body: Buffer.from(
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/blog/"><title type="text">Atom</title>` +
        `<link rel="alternate" href="/"/><entry><id>tag:a,1</id><title type="html">A &lt;b&gt;bold&lt;/b&gt; one</title>` +
        `<link href="post/1"/><updated>2023-11-20T10:00:00Z</updated><author><name>Ann</name></author>` +
        `<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <em>there</em></p><p>Again</p></div></content></entry></feed>`,
    ),
  },
  json: {
    body: Buffer.from(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'JSON',
        home_page_url: 'https://j.example/',
        items: [
          { id: '1', url: 'https://j.example/1', title: 'One', content_text: 'Body\n\nMore', tags: ['x'] },
        ],
      }),
    ),
  },
  windows1252: {
    body: iconv.encode(
      `<rss version="2.0"><channel><title>Café</title><item><title>“Déjà vu” €5</title><link>https://w.example/1</link></item></channel></rss>`,
      'windows-1252',
    ),
    contentType: 'application/rss+xml; charset=windows-1252',
  },
  rdf: {
    body: Buffer.from(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
        `<channel rdf:about="https://r.example/"><title>RDF</title><link>https://r.example/</link></channel>` +
        `<item rdf:about="https://r.example/1"><title>R1</title><link>https://r.example/1</link><dc:date>2023-11-20T10:00:00Z</dc:date></item></rdf:RDF>`,
    ),
  },
  brokenButRepairable: {
    body: Buffer.from(
      `<rss version="2.0"><channel><title>Broken & bare</title><item><title>AT&T <b>news</title><link>https://b.example/1</link></item></channel></rss>`,
    ),
  },
};

// A few real captures too, when the shared corpora are checked out beside the repository.
const SHARED = path.resolve(process.cwd(), '../shared/feeds/rss-parser/test/input');
for (const f of ['reddit.rss', 'heise.atom', 'craigslist.rss']) {
  const p = path.join(SHARED, f);
  if (existsSync(p)) FIXTURES[`shared:${f}`] = { body: readFileSync(p) };
}

let pool: ParsePool;
beforeAll(() => {
  pool = new ParsePool({ size: 2 });
});
afterAll(() => pool.close());

describe('ParsePool', () => {
  it('gives exactly the result of inline parsing', async () => {
    expect(Object.keys(FIXTURES).length).toBeGreaterThanOrEqual(6);
    for (const [name, f] of Object.entries(FIXTURES)) {
      const o = { ...opts, contentType: f.contentType };
      const inline = await parseFeed(f.body, o);
      // The pool takes over the body's memory, so it gets its own copy.
      const pooled = await pool.parse(Buffer.from(f.body), o);
      expect(pooled, name).toStrictEqual(inline);
      expect(JSON.stringify(pooled), name).toBe(JSON.stringify(inline));
    }
  });

  it('rejects as inline parsing does', async () => {
    for (const body of [
      '<!DOCTYPE html><html><body>x</body></html>',
      '{"nope": 1}',
      '\u0001\u0002binary',
      '',
    ]) {
      const inline = await parseFeed(Buffer.from(body), opts).then(
        () => undefined,
        (e: Error) => e,
      );
      const pooled = await pool.parse(Buffer.from(body), opts).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(inline, body).toBeInstanceOf(FeedParseError);
      expect(pooled, body).toBeInstanceOf(FeedParseError);
      expect(pooled!.message, body).toBe(inline!.message);
    }
  });

  it('copies a Buffer that shares its memory and transfers one that owns it', async () => {
    const body = Buffer.from(rss(20));
    const shared = Buffer.concat([Buffer.alloc(16), body]).subarray(16);
    expect((await pool.parse(shared, opts)).items).toHaveLength(20);
    expect(shared.toString()).toBe(body.toString());
    // Above half of Buffer.poolSize, Buffer.from allocates memory of its own.
    const owned = Buffer.from(rss(20));
    expect(owned.byteLength).toBe(owned.buffer.byteLength);
    expect((await pool.parse(owned, opts)).items).toHaveLength(20);
    expect(owned.byteLength).toBe(0);
  });

  it('cuts off a parse that runs past its time limit, then carries on with a fresh worker', async () => {
    const slow = new ParsePool({ size: 1, timeoutMs: 50 });
    try {
      // Warm up so the worker is running; its start-up time never counts against a parse.
      await slow.parse(Buffer.from(rss(1)), opts);
      // About 14 MB of items: around a second to parse, far past the 50 ms limit.
      const huge = Buffer.from(rss(20_000, 'x'.repeat(400)));
      const t0 = Date.now();
      await expect(slow.parse(huge, opts)).rejects.toThrow(
        new FeedParseError('cannot parse feed: timed out after 50 ms'),
      );
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(slow.workers).toBe(0);
      const next = await slow.parse(Buffer.from(rss(2)), opts, 10_000);
      expect(next.items).toHaveLength(2);
      expect(slow.workers).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('fails queued and later parses after close', async () => {
    const p = new ParsePool({ size: 1 });
    // One parse running, one queued behind it.
    const settled = Promise.allSettled([
      p.parse(Buffer.from(rss(5)), opts),
      p.parse(Buffer.from(rss(5)), opts),
    ]);
    await p.close();
    for (const r of await settled) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toStrictEqual(
        new FeedParseError('cannot parse feed: parse pool closed'),
      );
    }
    await expect(p.parse(Buffer.from(rss(1)), opts)).rejects.toThrow('parse pool closed');
    expect(p.workers).toBe(0);
  });

  it('closeParsePool stops the shared pool; the next use starts a new one', async () => {
    const a = sharedParsePool();
    await a.parse(Buffer.from(rss(1)), opts);
    expect(a.workers).toBe(1);
    await closeParsePool();
    expect(a.workers).toBe(0);
    const b = sharedParsePool();
    expect(b).not.toBe(a);
    await closeParsePool();
  });

  it('an idle pool does not keep the process alive', async () => {
    const tsx = path.resolve(process.cwd(), 'node_modules/.bin/tsx');
    const script = path.resolve(process.cwd(), 'tests/ingest/helpers/idle-pool.ts');
    const t0 = Date.now();
    const { stdout } = await promisify(execFile)(tsx, [script], { timeout: 15_000 });
    expect(stdout.trim()).toBe('parsed 2 items');
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});

describe('pollFeed with the parse pool', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(() => srv.close());

  const policy: FetchPolicy = {
    timeoutMs: 5000,
    maxBytes: 10_000_000,
    maxRedirects: 3,
    userAgent: 'Threadline-test/1',
    concurrency: 4,
    allowPrivate: ['127.0.0.1'],
  };

  it('returns the same outcome as inline parsing, for bodies above and below the threshold', async () => {
    const big = rss(400, 'y'.repeat(200));
    expect(big.length).toBeGreaterThan(64 * 1024);
    srv.routes.set('/big', (_req, res) => {
      res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
      res.setHeader('etag', '"b1"');
      res.end(big);
    });
    srv.routes.set('/bad', (_req, res) => res.end(`<!DOCTYPE html><html>${'x'.repeat(70_000)}</html>`));
    const feed = { url: `${srv.url}/big`, name: 'Big' };
    const counting = new ParsePool({ size: 1, minBytes: 1 });
    try {
      for (const f of [feed, { url: `${srv.url}/bad` }]) {
        const inline = await pollFeed(f, undefined, { policy, now, parsePool: null });
        const pooled = await pollFeed(f, undefined, { policy, now, parsePool: counting });
        expect(pooled).toStrictEqual(inline);
      }
      expect(counting.workers).toBe(1);
      const inline = await pollFeed(feed, undefined, { policy, now, parsePool: null });
      expect(inline.status).toBe('ok');
      expect(inline.items).toHaveLength(400);
    } finally {
      await counting.close();
    }
  });
});
