import Keyv from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import { ArticleFetcher, extractPage, needsArticleFetch, type PageFetch } from '../../src/extract/index.js';
import { closeParsePool, ParsePool } from '../../src/ingest/parse-pool.js';

const body = `<html><head><script type="application/ld+json">{"@type":"ReportageNewsArticle","headline":"Talks"}</script></head>
<body><article>${[1, 2, 3, 4].map((n) => `<p>Leaders met in Geneva on Tuesday for round ${n} and agreed to resume talks next month, officials said.</p>`).join('')}</article></body></html>`;

function fakeFetch(responses: Record<string, Awaited<ReturnType<PageFetch>> | Error>) {
  const calls: string[] = [];
  const fn: PageFetch = async (url) => {
    calls.push(url);
    const r = responses[url];
    if (!r) return { status: 404, body: '', finalUrl: url };
    if (r instanceof Error) throw r;
    return r;
  };
  return { fn, calls };
}

describe('ArticleFetcher', () => {
  it('extracts the page and serves repeats from the cache', async () => {
    const { fn, calls } = fakeFetch({
      'https://e.com/a': {
        status: 200,
        body,
        finalUrl: 'https://e.com/a-final',
        contentType: 'text/html; charset=utf-8',
      },
    });
    const fetcher = new ArticleFetcher(fn, new Keyv());
    const first = await fetcher.get('https://e.com/a');
    expect(first).toMatchObject({ ok: true, cached: false, finalUrl: 'https://e.com/a-final' });
    if (!first.ok) throw new Error('expected success');
    expect(first.page.pageType).toBe('ReportageNewsArticle');
    expect(first.page.text).toMatch(/^Leaders met in Geneva/);
    const second = await fetcher.get('https://e.com/a');
    expect(second).toMatchObject({ ok: true, cached: true });
    expect(calls).toEqual(['https://e.com/a']);
  });

  it('shares one fetch between concurrent requests', async () => {
    const { fn, calls } = fakeFetch({
      'https://e.com/a': { status: 200, body, finalUrl: 'https://e.com/a' },
    });
    const fetcher = new ArticleFetcher(fn, new Keyv());
    const results = await Promise.all([fetcher.get('https://e.com/a'), fetcher.get('https://e.com/a')]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('returns clear errors, and caches them too', async () => {
    const { fn, calls } = fakeFetch({
      'https://e.com/blocked': new Error('refused: 10.0.0.1 is a private or reserved address'),
      'https://e.com/pdf': {
        status: 200,
        body: '%PDF',
        finalUrl: 'https://e.com/pdf',
        contentType: 'application/pdf',
      },
      'https://e.com/empty': {
        status: 200,
        body: '<html><body><p>Subscribe</p></body></html>',
        finalUrl: 'https://e.com/empty',
      },
      'https://e.com/gone': { status: 410, body: '', finalUrl: 'https://e.com/gone' },
    });
    const fetcher = new ArticleFetcher(fn, new Keyv());
    expect(await fetcher.get('https://e.com/blocked')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^fetch failed: refused/),
    });
    expect(await fetcher.get('https://e.com/pdf')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not an HTML page/),
    });
    expect(await fetcher.get('https://e.com/empty')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no article text/),
    });
    expect(await fetcher.get('https://e.com/gone')).toMatchObject({
      ok: false,
      status: 410,
      error: 'HTTP 410',
    });
    expect(await fetcher.get('https://e.com/gone')).toMatchObject({ ok: false, cached: true });
    expect(calls.filter((u) => u === 'https://e.com/gone')).toHaveLength(1);
  });
});

describe('needsArticleFetch', () => {
  it('fetches only summary-only items from feeds that have it on', () => {
    expect(needsArticleFetch({ url: 'https://e.com/a', description: 'A summary.' }, true)).toBe(true);
    expect(needsArticleFetch({ url: 'https://e.com/a', description: 'A summary.' }, false)).toBe(false);
    expect(needsArticleFetch({ description: 'No link.' }, true)).toBe(false);
    expect(needsArticleFetch({ url: 'https://e.com/a', text: 'Full text. '.repeat(100) }, true)).toBe(false);
  });
});

describe('big pages', () => {
  /** A page of `size` characters or so: an article, and a large inline script as news sites have. */
  function bigPage(size: number): string {
    const paragraphs = Array.from(
      { length: 40 },
      (_, n) =>
        `<p>Leaders met in Geneva on Tuesday for round ${n} and agreed to resume talks next month, officials said.</p>`,
    ).join('');
    const script = `<script>window.__STATE__=${JSON.stringify({ cache: 'x'.repeat(size) })}</script>`;
    return `<html><head><title>Talks</title>${script}</head><body><article>${paragraphs}</article></body></html>`;
  }

  afterAll(() => closeParsePool());

  it('are extracted in a worker, as on the main thread, while the main thread goes on', async () => {
    const html = bigPage(3_000_000);
    const { fn } = fakeFetch({
      'https://e.com/big': { status: 200, body: html, finalUrl: 'https://e.com/big' },
    });
    let turns = 0;
    const ticking = setInterval(() => turns++, 1);
    try {
      const result = await new ArticleFetcher(fn, new Keyv()).get('https://e.com/big');
      if (!result.ok) throw new Error(result.error);
      expect(result.page).toEqual({ ...extractPage(html, 'https://e.com/big'), text: result.page.text });
      expect(result.page.text).toMatch(/^Leaders met in Geneva on Tuesday for round 0/);
      expect(result.page.text).toMatch(/round 39 and agreed/);
      // The main thread ran timers while the page was being extracted.
      expect(turns).toBeGreaterThan(0);
    } finally {
      clearInterval(ticking);
    }
  });

  it('that take longer to extract than the time limit fail with the reason, and are not retried at once', async () => {
    const pool = new ParsePool({ size: 1, timeoutMs: 20 });
    const { fn, calls } = fakeFetch({
      'https://e.com/huge': { status: 200, body: bigPage(4_000_000), finalUrl: 'https://e.com/huge' },
    });
    try {
      const fetcher = new ArticleFetcher(fn, new Keyv(), { extract: (html, url) => pool.extract(html, url) });
      expect(await fetcher.get('https://e.com/huge')).toMatchObject({
        ok: false,
        error: 'extraction failed: timed out after 20 ms',
      });
      expect(await fetcher.get('https://e.com/huge')).toMatchObject({ ok: false, cached: true });
      expect(calls).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });
});
