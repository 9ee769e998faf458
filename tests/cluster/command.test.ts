import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/ingest/text.js';
import { runCli } from '../helpers/cli.js';
import { SHARED } from '../helpers/shared.js';
import { tempDir } from '../helpers/temp.js';

const line = (o: object) => JSON.stringify(o);
const MARKUP = /<\/?[a-z][^>]*>|&[a-z#0-9]+;/i;

function tempFile(name: string, text: string | Buffer): string {
  const file = join(tempDir('threadline-cluster-'), name);
  writeFileSync(file, text);
  return file;
}

function cluster(file: string): { id: string; storyId: string }[] {
  const r = runCli(['cluster', '--input', file]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** The rumca week's first items in time order, with ids, as `cluster` takes them. */
function rumcaHead(n: number): object[] {
  const rows = readFileSync(resolve(SHARED, 'data/rumca-news-2023-11-17_to_24.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string>)
    .sort((a, b) => a.date_published!.localeCompare(b.date_published!));
  return rows.slice(0, n).map((o, i) => ({
    id: `r${i}`,
    title: o.title,
    description: o.description,
    url: o.link,
    source: o.outlet,
    publishedAt: o.date_published,
  }));
}

// Each case starts the real CLI; on a busy machine that takes a while.
describe('threadline cluster', { timeout: 90_000 }, () => {
  it('prints each item under its story final id however long the file runs on after a merge', () => {
    const items = rumcaHead(600);
    const alone = cluster(tempFile('week.jsonl', `${items.map(line).join('\n')}\n`));
    // Two unrelated items weeks later: the stories above go cold and the clusterer's memory of their merges
    // runs out. What was printed for the first 600 items must not change.
    const later = [
      { id: 'late-1', title: 'Completely unrelated quiet item', publishedAt: '2024-01-30T00:00:00Z' },
      { id: 'late-2', title: 'Another unrelated quiet item', publishedAt: '2024-03-30T00:00:00Z' },
    ];
    const longer = cluster(tempFile('longer.jsonl', `${[...items, ...later].map(line).join('\n')}\n`));
    expect(longer.slice(0, items.length)).toEqual(alone);
  });

  it('reads feed HTML in titles and descriptions as text, as the poller, replay and digest do', () => {
    // The rumca items carry their feeds' entities and markup (&#8217;, <p>…). The poller hands the clusterer
    // text, and so do replay and digest; `cluster` must group the raw archive as it groups its text.
    const raw = rumcaHead(600) as Record<string, string>[];
    const text = raw.map((o) => ({
      ...o,
      title: MARKUP.test(o.title!) ? htmlToText(o.title!) : o.title,
      description: o.description && MARKUP.test(o.description) ? htmlToText(o.description) : o.description,
    }));
    expect(text.filter((o, i) => o.description !== raw[i]!.description).length).toBeGreaterThan(50);
    const asRaw = cluster(tempFile('raw.jsonl', raw.map(line).join('\n')));
    const asText = cluster(tempFile('text.jsonl', text.map(line).join('\n')));
    expect(asRaw).toEqual(asText);
  });

  it('refuses input that is not UTF-8, naming the line, instead of merging the items it mangles', () => {
    // Two items whose ids differ only in a Latin-1 byte: decoded leniently both became "caf\uFFFD", and the
    // second item was taken for a repeat of the first and silently put in its story.
    const file = tempFile(
      'latin1.jsonl',
      Buffer.concat([
        Buffer.from(`${line({ id: 'ok', title: 'Café owners protest new rules' })}\n`),
        Buffer.from('{"id":"caf\xe9","title":"Volcano erupts in Iceland"}\n', 'latin1'),
        Buffer.from('{"id":"caf\xe8","title":"Central bank raises rates"}\n', 'latin1'),
      ]),
    );
    const r = runCli(['cluster', '--input', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*line 2: not valid UTF-8/);
    expect(r.stdout).toBe('');
  });

  it('a folder given as --input is a user error (exit 1, one line), not an internal one', () => {
    const dir = tempDir('threadline-cluster-dir-');
    const r = runCli(['cluster', '--input', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot read .*: is a folder/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const classify = runCli(['classify', '--input', dir]);
    expect(classify.status).toBe(1);
    expect(classify.stderr).toMatch(/^error: cannot read .*: is a folder/);
  });
});
