import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import { StoreLease } from '../src/store/lease.js';
import { exitWithin, runCli, spawnCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

function tempFile(name: string, text: string): string {
  const file = join(tempDir('threadline-cli-'), name);
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

  it('stops quietly when its reader closes the pipe early', async () => {
    const child = spawnCli(['cluster', '--input', '-']);
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({ id: `i${i}`, title: `Story number ${i} about topic ${i % 97}` }),
    );
    child.stdin.end(`${lines.join('\n')}\n`);
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    // Read one chunk, as `| head -1` does, then close the pipe.
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it('refuses to start with a platform half configured, naming what is missing', () => {
    const r = runCli(['start'], {
      env: { THREADLINE_STORE: 'memory://', SLACK_APP_TOKEN: 'xapp-1-x', SLACK_BOT_TOKEN: '' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: SLACK_APP_TOKEN is set but Slack also needs SLACK_BOT_TOKEN/);
    // Only what is missing is named.
    const half = runCli(['start'], {
      env: { THREADLINE_STORE: 'memory://', SLACK_CLIENT_ID: 'c', SLACK_BOT_TOKEN: '' },
    });
    expect(half.status).toBe(1);
    expect(half.stderr).toMatch(
      /error: SLACK_CLIENT_ID is set but Slack also needs SLACK_BOT_TOKEN \(one workspace\) or SLACK_CLIENT_SECRET \(installs\)/,
    );
    const discord = runCli(['start'], {
      env: { THREADLINE_STORE: 'memory://', DISCORD_APPLICATION_ID: '123', DISCORD_TOKEN: '' },
    });
    expect(discord.status).toBe(1);
    expect(discord.stderr).toMatch(/error: DISCORD_APPLICATION_ID is set but DISCORD_TOKEN is not/);
  });

  it('poll exits with an error when no feed could be fetched', () => {
    const config = tempFile(
      'dead.yaml',
      'feeds:\n  - url: http://127.0.0.1:1/rss\n  - url: http://10.255.255.1/rss\n',
    );
    const r = runCli(['poll', '--config', config], {
      env: { THREADLINE_STORE: 'memory://', LOG_LEVEL: 'warn' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: all 2 feeds failed; the log says why for each/);
    expect(`${r.stdout}${r.stderr}`).toContain('fetch.allowPrivate');
  });

  it('refuses to run beside a worker that holds the store, and runs once it is released', async () => {
    const dir = tempDir('threadline-lease-');
    const url = `sqlite://${join(dir, 'state.sqlite')}`;
    const config = tempFile('none.yaml', 'feeds: []\n');
    // This test's process stands for a worker running on the store.
    const store = openStore(url);
    await store.open();
    const lease = new StoreLease(store);
    await lease.acquire();
    const env = { THREADLINE_STORE: url, LOG_LEVEL: 'warn' };
    const refused = runCli(['poll', '--config', config], { env });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `error: another Threadline worker \\(process ${process.pid} on .*\\) is using the store sqlite://`,
      ),
    );
    await lease.release();
    await store.close();
    const ran = runCli(['poll', '--config', config], { env });
    expect(ran.stderr).not.toMatch(/another Threadline worker/);
  });

  it('start runs on the store until SIGTERM, then finishes, says so, and leaves the store free', async () => {
    const url = `sqlite://${join(tempDir('threadline-start-'), 'state.sqlite')}`;
    const config = tempFile('quiet.yaml', 'feeds: []\nsinks:\n  console:\n    enabled: false\n');
    const child = spawnCli(['start', '--config', config], { THREADLINE_STORE: url, LOG_LEVEL: 'info' });
    const lines: { msg: string; store?: string }[] = [];
    let buffered = '';
    child.stderr.on('data', (chunk) => {
      buffered += chunk;
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const l of complete) if (l.trim()) lines.push(JSON.parse(l));
    });
    for (let i = 0; i < 600 && !lines.some((l) => l.msg === 'worker started'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(lines.find((l) => l.msg === 'worker started')).toMatchObject({ store: url });
    child.kill('SIGTERM');
    expect(await exitWithin(child, 30_000)).toBe(0);
    expect(lines.map((l) => l.msg).slice(-2)).toEqual([
      'shutting down',
      'worker stopped; the store is closed',
    ]);
    const store = openStore(url);
    await store.open();
    expect(await store.lease.read()).toBeUndefined();
    await store.close();
  }, 60_000);

  it('fails fast on a bad config, naming the key', () => {
    const config = tempFile('bad.yaml', 'fetch:\n  maxRedirects: -1\n');
    const r = runCli(['poll', '--once', '--config', config]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: invalid config: "fetch\.maxRedirects"/);
  });

  it('replay: more reports from an outlet already in the thread go out together once their hold ends', () => {
    const title = 'Volcano erupts in Iceland, flights grounded';
    const text = 'A volcano erupted in southwest Iceland on Monday, grounding flights at Keflavik airport.';
    const report = (id: string, source: string, time: string, headline = title) =>
      line({ id, title: headline, description: text, source, publishedAt: `2024-01-01T${time}:00Z` });
    const archive = tempFile(
      'archive.jsonl',
      [
        report('a', 'Wire A', '10:00'),
        report('b', 'Wire B', '10:05', 'Iceland volcano erupts; flights grounded at Keflavik'),
        // Wire A again, saying nothing new, 35 and 75 minutes later: within one hold of three hours.
        report('c', 'Wire A', '10:40'),
        report('d', 'Wire A', '11:20'),
      ].join('\n'),
    );
    const updates = (out: string) => out.split('\n').filter((l) => l.startsWith('↻'));
    const held = runCli(['replay', '--input', archive]);
    expect(held.status).toBe(0);
    expect(held.stdout).toMatch(/^■ .*2 outlets/m);
    expect(updates(held.stdout)).toHaveLength(1);
    expect(held.stdout).toMatch(/↻ .*\n {2}↳ More from Wire A\n/);
    const config = tempFile('nohold.yaml', 'updates:\n  quietHoldMinutes: 0\n');
    const each = runCli(['replay', '--input', archive, '--config', config]);
    expect(each.status).toBe(0);
    expect(updates(each.stdout)).toHaveLength(2);
  });

  it('replay takes an archived article filed again under another path for the item it already has', () => {
    const text = 'A volcano erupted in southwest Iceland on Monday, grounding flights at Keflavik airport.';
    const slug = 'volcano-erupts-in-iceland-flights-grounded-ca193efb';
    const raw = (link: string, outlet: string, time: string, title: string) =>
      line({ link, outlet, title, description: text, date_published: `2024-01-01T${time}:00Z` });
    const archive = tempFile(
      'two-paths.jsonl',
      [
        raw(
          `https://wire-a.example/articles/${slug}`,
          'Wire A',
          '10:00',
          'Volcano erupts in Iceland, flights grounded',
        ),
        raw(
          'https://wire-b.example/iceland-volcano',
          'Wire B',
          '10:05',
          'Iceland volcano erupts; flights grounded',
        ),
        raw(
          `https://wire-a.example/world/europe/${slug}`,
          'Wire A',
          '12:00',
          'Iceland volcano erupts, grounding flights',
        ),
      ].join('\n'),
    );
    const r = runCli(['replay', '--input', archive]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^■ .*2 outlets/m);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('↻'))).toEqual([]);
    expect(r.stdout).not.toMatch(/world\/europe/);
  });

  it('replay keeps an item without a date in its story instead of dropping it', () => {
    const text = 'A volcano erupted in southwest Iceland on Monday, grounding flights at Keflavik airport.';
    const archive = tempFile(
      'undated.jsonl',
      [
        line({
          id: 'a',
          title: 'Volcano erupts in Iceland, flights grounded',
          description: text,
          source: 'Wire A',
          publishedAt: '2024-01-01T10:00:00Z',
        }),
        line({
          id: 'b',
          title: 'Iceland volcano erupts; flights grounded at Keflavik',
          description: text,
          source: 'Wire B',
        }),
        line({
          id: 'c',
          title: 'Iceland volcano eruption grounds flights at Keflavik',
          description: text,
          source: 'Wire C',
          publishedAt: '2024-01-01T10:10:00Z',
        }),
      ].join('\n'),
    );
    const r = runCli(['replay', '--input', archive]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^■ .*3 outlets/m);
    expect(r.stdout).toMatch(/Wire B — /);
  });

  it('replay refuses a --batch-minutes too large to keep a clock, in one line', () => {
    const archive = tempFile(
      'one.jsonl',
      line({ id: 'a', title: 'Only item', publishedAt: '2024-01-01T10:00:00Z' }),
    );
    const r = runCli(['replay', '--input', archive, '--batch-minutes', '1e12']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: --batch-minutes must be a positive number/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('replay stops soon after its reader closes the pipe, not at the end of the archive', async () => {
    // The rumca week replays in 40 s or more; `| head -1` must not keep it running all that time.
    const child = spawnCli([
      'replay',
      '--input',
      resolve('../shared/data/rumca-news-2023-11-17_to_24.jsonl'),
    ]);
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    child.stdout.destroy();
    expect(await exitWithin(child, 15_000)).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error/);
  }, 90_000);

  it('poll ends when the reader of its log goes away (`2>&1 | head -1`), instead of retrying the log for good', async () => {
    const config = tempFile(
      'gone.yaml',
      'feeds:\n  - url: http://127.0.0.1:1/a.xml\n  - url: http://127.0.0.1:1/b.xml\n',
    );
    const child = spawnCli(['poll', '--config', config], {
      THREADLINE_STORE: 'memory://',
      LOG_LEVEL: 'info',
    });
    // The reader takes the first line and goes.
    await new Promise<void>((done) => child.stderr.once('data', () => done()));
    child.stdout.destroy();
    child.stderr.destroy();
    // Every feed failed: the usual status of such a pass.
    expect(await exitWithin(child, 30_000)).toBe(1);
  }, 90_000);
});
