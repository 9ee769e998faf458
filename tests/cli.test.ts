import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'threadline-cli-')), name);
  writeFileSync(file, text);
  return file;
}

const line = (o: object) => JSON.stringify(o);

describe('threadline CLI', () => {
  it('prints help listing the commands', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    for (const cmd of ['start', 'poll', 'cluster', 'replay'])
      expect(r.stdout).toMatch(new RegExp(`\\b${cmd}\\b`));
  });

  it('cluster: one {"id","storyId"} line per item, in input order, same story for the same event', () => {
    const items = [
      {
        id: 'a',
        title: 'Volcano erupts in Iceland, flights grounded',
        source: 'X',
        publishedAt: '2024-01-01T10:00:00Z',
      },
      {
        id: 7,
        title: 'Central bank raises interest rates again',
        source: 'Y',
        publishedAt: '2024-01-01T10:05:00Z',
      },
      { id: 'c', title: 'Iceland volcano erupts; flights grounded across region', source: 'Z' },
      { id: 'd', title: 'Central bank raises interest rates by a quarter point', source: 'W' },
    ];
    const file = tempFile('items.jsonl', `${items.map(line).join('\n')}\n\n`);
    const r = runCli(['cluster', '--input', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual(['a', '7', 'c', 'd']);
    for (const o of out) expect(Object.keys(o)).toEqual(['id', 'storyId']);
    expect(out[0].storyId).toBe(out[2].storyId);
    expect(out[1].storyId).toBe(out[3].storyId);
    expect(out[0].storyId).not.toBe(out[1].storyId);
    // Deterministic: a second run gives the same bytes.
    expect(runCli(['cluster', '--input', file]).stdout).toBe(r.stdout);
  });

  it('cluster: a malformed line gives a clear error naming the line number', () => {
    const file = tempFile('bad.jsonl', `${line({ id: 'a', title: 'ok' })}\n{not json\n`);
    const r = runCli(['cluster', '--input', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*line 2: not valid JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const missing = tempFile('missing.jsonl', `${line({ title: 'no id' })}\n`);
    expect(runCli(['cluster', '--input', missing]).stderr).toMatch(/line 1: "id" is required/);
    expect(runCli(['cluster', '--input', '/nonexistent.jsonl']).stderr).toMatch(/cannot read .*no such file/);
  });

  it('cluster reads stdin with --input -', () => {
    const r = runCli(['cluster', '--input', '-'], { input: `${line({ id: 'x', title: 'Only item' })}\n` });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ id: 'x', storyId: expect.any(String) });
  });

  it('fails fast on a bad config, naming the key', () => {
    const config = tempFile('bad.yaml', 'fetch:\n  maxRedirects: -1\n');
    const r = runCli(['poll', '--once', '--config', config]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: invalid config: "fetch\.maxRedirects"/);
  });
});
