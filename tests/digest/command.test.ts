import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { loadSeeds, SHARED } from '../helpers/shared.js';

const haveSeeds = existsSync(resolve(SHARED, 'seeds'));
const OUTLETS = ['Valley Newz', 'Truth and Resistance', 'Capital Courier', 'Market Express', 'World Wire'];

/** An invented second story, so that --query has something to choose between. */
const FLOOD = [
  {
    id: 'flood-1',
    title: 'Storm floods Lisbon streets as river bursts its banks',
    description:
      'Heavy rain flooded low-lying streets in Lisbon on Sunday, the civil protection agency said.',
    source: 'Iberia Today',
    url: 'https://iberiatoday.example/lisbon-floods',
    publishedAt: '2025-08-17T09:00:00Z',
  },
  {
    id: 'flood-2',
    title: 'Lisbon floods: hundreds evacuated after storm',
    description:
      'About 300 people were evacuated from flooded homes in Lisbon, the civil protection agency said.',
    source: 'Atlantic Post',
    url: 'https://atlanticpost.example/floods',
    publishedAt: '2025-08-17T10:30:00Z',
  },
];

let dir = '';
let archive = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'threadline-digest-'));
  archive = join(dir, 'items.jsonl');
  const seeds = haveSeeds
    ? loadSeeds().map((seed, n) => ({
        id: `seed-${n}`,
        title: seed.title,
        text: seed.body,
        source: OUTLETS[n],
        url: `https://seed${n}.example/story`,
        publishedAt: new Date(Date.UTC(2025, 7, 17, 12 + n)).toISOString(),
      }))
    : [];
  writeFileSync(archive, [...FLOOD, ...seeds].map((x) => JSON.stringify(x)).join('\n'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function digestJson(args: string[]) {
  const r = runCli(['digest', '--input', archive, ...args]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

// Each case starts the real CLI a few times; on a busy machine that takes a while.
describe('threadline digest', { timeout: 60_000 }, () => {
  it('prints every story as the documented JSON model when no query is given', () => {
    const out = digestJson([]);
    expect(Object.keys(out)).toEqual(['stories']);
    expect(out.stories.length).toBeGreaterThanOrEqual(haveSeeds ? 2 : 1);
    for (const story of out.stories) {
      expect(Object.keys(story)).toEqual([
        'id',
        'headline',
        'latest',
        'lead',
        'facts',
        'opinion',
        'coverage',
      ]);
      // These stories each span a day at most: none has moved on from its headline.
      expect(story.latest).toBeNull();
      for (const fact of story.facts) {
        expect(Object.keys(fact)).toEqual(['text', 'attribution', 'sources', 'count']);
        if (fact.attribution !== null) expect(Object.keys(fact.attribution)).toEqual(['speaker', 'verb']);
        expect(fact.count).toBe(fact.sources.length);
      }
      for (const o of story.opinion) {
        expect(Object.keys(o)).toEqual(['source', 'kind', 'gist', 'url']);
        expect(['opinion', 'analysis', 'advocacy']).toContain(o.kind);
      }
      for (const c of story.coverage) expect(Object.keys(c)).toEqual(['source', 'url', 'publishedAt']);
    }
    const flood = out.stories.find((s: { coverage: { source: string }[] }) =>
      s.coverage.some((c) => c.source === 'Iberia Today'),
    );
    expect(flood.coverage).toEqual([
      { source: 'Iberia Today', url: FLOOD[0]!.url, publishedAt: '2025-08-17T09:00:00.000Z' },
      { source: 'Atlantic Post', url: FLOOD[1]!.url, publishedAt: '2025-08-17T10:30:00.000Z' },
    ]);
    const agency = flood.facts.find((f: { text: string }) => /flood/i.test(f.text));
    expect(agency.attribution).toEqual({ speaker: expect.stringMatching(/agency/), verb: 'according to' });
  });

  it.skipIf(!haveSeeds)('picks the story that best matches --query', () => {
    const out = digestJson(['--query', 'Witkoff Ukraine security guarantee']);
    expect(out.stories).toHaveLength(1);
    const [story] = out.stories;
    expect(story.coverage.every((c: { source: string }) => OUTLETS.includes(c.source))).toBe(true);
    expect(story.coverage.length).toBeGreaterThanOrEqual(3);
    const post = story.facts.find((f: { text: string }) => /BIG PROGRESS ON RUSSIA/.test(f.text));
    expect(post.attribution.speaker).toMatch(/Trump$/);
    expect(post.count).toBeGreaterThanOrEqual(3);

    const flood = digestJson(['--query', 'lisbon floods']);
    expect(flood.stories).toHaveLength(1);
    expect(flood.stories[0].coverage.map((c: { source: string }) => c.source)).toEqual([
      'Iberia Today',
      'Atlantic Post',
    ]);
  });

  it('prints the console rendering and the exact Discord and Slack payloads', () => {
    const text = runCli(['digest', '--input', archive, '--query', 'lisbon floods', '--format', 'text']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/Reported facts/);
    expect(text.stdout).toMatch(/Iberia Today/);

    const discord = JSON.parse(
      runCli(['digest', '--input', archive, '--query', 'lisbon floods', '--format', 'discord']).stdout,
    );
    expect(discord.stories).toHaveLength(1);
    expect(Object.keys(discord.stories[0])).toEqual(['id', 'parent', 'threadName', 'replies']);
    expect(Array.isArray(discord.stories[0].replies)).toBe(true);

    const slack = JSON.parse(
      runCli(['digest', '--input', archive, '--query', 'lisbon floods', '--format', 'slack']).stdout,
    );
    expect(Object.keys(slack.stories[0])).toEqual(['id', 'parent', 'replies']);
  });

  it('fails clearly on a missing or malformed archive', () => {
    const missing = runCli(['digest', '--input', join(dir, 'nope.jsonl')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read .*nope\.jsonl: no such file/);
    expect(missing.stdout).toBe('');

    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, `${JSON.stringify(FLOOD[0])}\n{"id": "x", "title": \n`);
    const bad = runCli(['digest', '--input', broken]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/line 2: not valid JSON/);

    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '\n');
    const none = runCli(['digest', '--input', empty]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no items/);
  });

  it('fails clearly on bad options', () => {
    const format = runCli(['digest', '--input', archive, '--format', 'xml']);
    expect(format.status).not.toBe(0);
    expect(format.stderr).toMatch(/json, text, discord, slack/);

    const noInput = runCli(['digest']);
    expect(noInput.status).not.toBe(0);
    expect(noInput.stderr).toMatch(/--input/);
  });

  it('keeps an item without a date in its story, as the file places it, instead of dropping it', () => {
    // Wire B's report has no date: it takes the previous item's, as `cluster` gives it. At the epoch it would
    // sort first, go cold alone decades before the others, and vanish from the digest.
    const mixed = join(dir, 'undated.jsonl');
    const report = 'A volcano erupted in southwest Iceland on Monday, grounding flights at Keflavik airport.';
    writeFileSync(
      mixed,
      [
        {
          id: 'v1',
          title: 'Volcano erupts in Iceland, flights grounded',
          source: 'Wire A',
          publishedAt: '2024-01-01T10:00:00Z',
        },
        { id: 'v2', title: 'Iceland volcano erupts; flights grounded at Keflavik', source: 'Wire B' },
        {
          id: 'v3',
          title: 'Iceland volcano eruption grounds flights at Keflavik',
          source: 'Wire C',
          publishedAt: '2024-01-01T10:10:00Z',
        },
      ]
        .map((x) => JSON.stringify({ ...x, description: report }))
        .join('\n'),
    );
    const r = runCli(['digest', '--input', mixed]);
    expect(r.status).toBe(0);
    const { stories } = JSON.parse(r.stdout);
    expect(stories).toHaveLength(1);
    expect(stories[0].coverage.map((c: { source: string }) => c.source)).toEqual([
      'Wire A',
      'Wire B',
      'Wire C',
    ]);
  });

  it('reads items from standard input when the input is -', () => {
    const lines = [
      { id: 'p1', title: 'Port strike halts shipping in Rotterdam', source: 'Wire A' },
      { id: 'p2', title: 'Rotterdam port strike halts shipping for a second day', source: 'Wire B' },
    ].map((x, n) =>
      JSON.stringify({
        ...x,
        description:
          "Dock workers in Rotterdam walked out on Monday, halting container shipping at Europe's largest port.",
        publishedAt: `2024-03-04T0${8 + n}:00:00Z`,
      }),
    );
    const r = runCli(['digest', '--input', '-', '--format', 'json'], { input: lines.join('\n') });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { stories } = JSON.parse(r.stdout);
    expect(stories).toHaveLength(1);
    expect(stories[0].coverage.map((c: { source: string }) => c.source)).toEqual(['Wire A', 'Wire B']);

    const bad = runCli(['digest', '--input', '-'], { input: '{"id": "x", "title": 1}\nnot json\n' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/standard input: line 1/);
  });

  it('says so when no story matches the query', () => {
    const nothing = runCli(['digest', '--input', archive, '--query', 'zzzqx']);
    expect(nothing.status).toBe(1);
    expect(nothing.stderr).toBe('error: no story matches "zzzqx"\n');

    const blank = runCli(['digest', '--input', archive, '--query', '  ']);
    expect(blank.status).toBe(1);
    expect(blank.stderr).toMatch(/--query needs a few words/);
  });
});
