import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';

const run = promisify(execFile);
const tsx = path.resolve(process.cwd(), 'node_modules/.bin/tsx');
const runner = path.resolve(process.cwd(), 'tests/ingest/helpers/run-parse-feed.ts');

async function parseFeedCli(...files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(tsx, [runner, 'parse-feed', ...files], { timeout: 30_000 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('threadline parse-feed', () => {
  const dir = tempDir('parse-feed-');
  const good = path.join(dir, 'good.xml');
  const bad = path.join(dir, 'page.html');
  writeFileSync(
    good,
    '<rss version="2.0"><channel><title>Good</title><item><title>A</title><link>https://g.example/a</link></item></channel></rss>',
  );
  writeFileSync(bad, '<!DOCTYPE html><html><body>nope</body></html>');

  it('prints one normalised feed as JSON', async () => {
    const r = await parseFeedCli(good);
    expect(r.code).toBe(0);
    const feed = JSON.parse(r.stdout);
    expect(feed.title).toBe('Good');
    expect(feed.items[0].url).toBe('https://g.example/a');
  });

  it('prints one error line and exits 1 for one bad file', async () => {
    const r = await parseFeedCli(bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: not a feed: HTML page\n');
  });

  it('exits 1 for one bad file through the real CLI entry point too', async () => {
    try {
      await run(tsx, [path.resolve(process.cwd(), 'src/cli.ts'), 'parse-feed', bad], { timeout: 30_000 });
      expect.unreachable('parse-feed should have failed');
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      expect(e.code).toBe(1);
      expect(e.stdout).toBe('');
      expect(e.stderr).toBe('error: not a feed: HTML page\n');
    }
  });

  it('prints one summary line per file for several files and exits 0', async () => {
    const r = await parseFeedCli(good, bad, path.join(dir, 'missing.xml'));
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { file: good, ok: true, title: 'Good', items: 1, error: null },
      { file: bad, ok: false, title: null, items: 0, error: 'not a feed: HTML page' },
      { file: path.join(dir, 'missing.xml'), ok: false, title: null, items: 0, error: 'no such file' },
    ]);
  });
});
