import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEEDS_DIR, isInput, type SweepResult, sweepAll, sweepFile } from './fixture-sweep.js';

// Known, accepted differences from the corpora's expected outputs (see each reason).
const ACCEPTED_MISMATCHES: Record<string, string> = {
  'rss-parser/test/input/encoding.rss':
    "rss-parser's expected output is mis-decoded (U+FFFD); we decode ISO-8859-1 correctly",
  'gofeed/testdata/parser/atom/atom03_feed_title_xhtml_escaped_markup.xml':
    'escaped markup in an XHTML title: we output text, gofeed keeps the markup',
  'gofeed/testdata/parser/atom/atom10_feed_title_xhtml_escaped_markup.xml':
    'escaped markup in an XHTML title: we output text, gofeed keeps the markup',
  'gofeed/testdata/parser/atom/atom03_feed_title_base64_escaped_markup.xml':
    'base64 title holding escaped markup: we output text',
  'gofeed/testdata/parser/atom/atom10_feed_title_base64.xml':
    'Atom 1.0 has no base64 mode; gofeed decodes by type sniffing',
  'gofeed/testdata/parser/atom/atom10_feed_title_base64_escaped_markup.xml':
    'Atom 1.0 has no base64 mode; gofeed decodes by type sniffing',
  'gofeed/testdata/parser/rss/rdf_item_links.xml':
    'several <link>s in one item: we take the first, gofeed an Atom-style href',
  'gofeed/testdata/parser/rss/rss_channel_item_links.xml':
    'several <link>s in one item: we take the first, gofeed an Atom-style href',
  'gofeed/testdata/translator/rss/feed_item_links_-_rss_channel_item_links.xml':
    'several <link>s in one item: we take the first',
};

// Files that are not feeds (or are gzip bytes) and must be rejected.
const MUST_REJECT = [
  'node-feedparser/test/feeds/notafeed.html',
  'node-feedparser/test/feeds/invalid-characters-gzipped.xml',
  'rss-parser/test/input/unrecognized.rss',
  'gofeed/testdata/parser/universal/invalid.json',
  'gofeed/testdata/parser/universal/unknown_feed.xml',
];

describe.skipIf(!existsSync(FEEDS_DIR))('fixture sweep over ../shared/feeds', () => {
  it('parses or cleanly rejects every file, each within a second, matching expected outputs', async () => {
    const results: SweepResult[] = await sweepAll();
    // A slow file is timed again once, so a busy machine (GC, parallel test files) is not taken for a hang.
    for (const r of results) {
      if (r.ms >= 1000) r.ms = Math.min(r.ms, (await sweepFile(path.join(FEEDS_DIR, r.file))).ms);
    }
    const inputs = results.filter((r) => isInput(r.file));
    const withExpected = inputs.filter((r) => r.matched !== undefined);
    const mismatched = withExpected.filter((r) => !r.matched);
    const counts = {
      files: results.length,
      feedInputs: inputs.length,
      parsed: inputs.filter((r) => r.ok).length,
      rejected: inputs.filter((r) => !r.ok).length,
      withExpected: withExpected.length,
      matched: withExpected.length - mismatched.length,
      mismatched: mismatched.length,
      nonInputsRejected: results.filter((r) => !isInput(r.file) && !r.ok).length,
    };
    console.log('fixture sweep', JSON.stringify(counts));
    for (const r of results) {
      expect(r.error ?? '', r.file).not.toMatch(/^CRASH/);
      expect(r.ms, r.file).toBeLessThan(1000);
      if (!r.ok) expect(r.error, r.file).toMatch(/^(not a feed|malformed|empty document)/);
    }
    for (const f of MUST_REJECT) expect(results.find((r) => r.file === f)?.ok, f).toBe(false);
    for (const r of mismatched) expect(ACCEPTED_MISMATCHES[r.file], `${r.file}: ${r.mismatch}`).toBeDefined();
    // Every expected-output fixture that is a feed must parse.
    for (const r of inputs)
      if (r.matched === undefined && !r.ok)
        expect(MUST_REJECT.concat(ALSO_REJECTED), r.file).toContain(r.file);
  }, 60_000);
});

const ALSO_REJECTED = [
  'node-feedparser/test/feeds/compressed.xml', // gzip bytes: decoded by the fetcher via Content-Encoding, not by the parser
  'gofeed/testdata/parser/json/invalid/invalid.json',
  'gofeed/testdata/parser/universal/empty_feed.xml',
];
