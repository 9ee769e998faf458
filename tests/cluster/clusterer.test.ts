import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ClusterInput, createClusterer, StoryClusterer } from '../../src/cluster/index.js';
import { DEFAULT_CLUSTER_OPTIONS } from '../../src/cluster/online.js';

const shared = (p: string) => fileURLToPath(new URL(`../../../shared/${p}`, import.meta.url));
const H = 3_600_000;
const at = (ms: number) => new Date(Date.UTC(2024, 0, 1) + ms).toISOString();

/** Seed write-ups: a short first line is the title; otherwise the first sentence is. */
function seeds(startMs: number): ClusterInput[] {
  const dir = shared('seeds');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f, k) => {
      const body = readFileSync(`${dir}/${f}`, 'utf8');
      const lines = body.split('\n').map((l) => l.trim());
      const line = lines.find((l) => l.split(/\s+/).length >= 6);
      const words = line?.split(/\s+/).length ?? 0;
      const title =
        line && words <= 25
          ? line
          : (body.trim().match(/^.*?[a-z0-9][.!?](?=\s)/s)?.[0] ?? body.slice(0, 120));
      return {
        id: `seed-${k}`,
        title,
        text: body,
        source: `seed outlet ${k}`,
        publishedAt: new Date(startMs + k * 20 * 60_000).toISOString(),
      };
    });
}

interface RumcaRow {
  outlet: string;
  title: string;
  description?: string | null;
  date_published: string;
}

function rumca(): ClusterInput[] {
  const rows = readFileSync(shared('data/rumca-news-2023-11-17_to_24.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RumcaRow);
  return rows
    .map((r, i) => ({ r, i, t: Date.parse(r.date_published) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ r, i, t }) => ({
      id: `rumca-${i}`,
      title: r.title,
      description: r.description ?? undefined,
      source: r.outlet,
      publishedAt: new Date(t).toISOString(),
    }));
}

const week = rumca();

describe('the seed story', () => {
  it('forms one story from the five write-ups', () => {
    const c = createClusterer();
    const ids = seeds(Date.UTC(2025, 7, 17, 9)).map((s) => c.add(s).storyId);
    const story = c.resolve(ids[0]!);
    expect(ids.map((id) => c.resolve(id))).toEqual(Array(5).fill(story));
    const info = c.story(story)!;
    expect(info.itemIds).toEqual(['seed-0', 'seed-1', 'seed-2', 'seed-3', 'seed-4']);
    expect(info.sources).toHaveLength(5);
    expect(info.keywords).toEqual(expect.arrayContaining(['trump', 'russia']));
    expect(info.entities.join(' ')).toMatch(/Trump/);
    expect(info.headline).toMatch(/progress/i);
  });

  it('takes in no item of the rumca week, when the seeds follow that week in the same stream', () => {
    const c = createClusterer();
    const assigned = new Map<string, string>();
    for (const it of week) assigned.set(it.id, c.add(it).storyId);
    // The seeds arrive on their own date, as they would on a worker that has been running since.
    const seedItems = seeds(Date.UTC(2025, 7, 17, 9));
    for (const it of seedItems) assigned.set(it.id, c.add(it).storyId);
    const seedStory = c.resolve(assigned.get('seed-0')!);
    const members = [...assigned].filter(([, s]) => c.resolve(s) === seedStory).map(([id]) => id);
    expect(members.sort()).toEqual(seedItems.map((s) => s.id));
  });
});

describe('determinism and restart', () => {
  const items = week.slice(0, 3000);

  it('gives identical assignments on two runs', () => {
    const run = () => {
      const c = createClusterer();
      const a = items.map((it) => c.add(it));
      return a.map((x) => `${x.id}:${c.resolve(x.storyId)}:${x.merged.join(',')}:${x.score}`);
    };
    expect(run()).toEqual(run());
  });

  it('continues after a restart (replay of the log) exactly as without one', () => {
    const k = 1700;
    const straight = createClusterer();
    const before = items.slice(0, k).map((it) => straight.add(it).storyId);
    const after = items.slice(k).map((it) => straight.add(it).storyId);
    // Restart: a fresh clusterer replays the logged items, then carries on with the rest.
    const restarted = createClusterer();
    const replayed = items.slice(0, k).map((it) => restarted.add(it).storyId);
    const continued = items.slice(k).map((it) => restarted.add(it).storyId);
    expect(replayed).toEqual(before);
    expect(continued).toEqual(after);
    expect(items.map((it) => restarted.resolve(restarted.add(it).storyId))).toEqual(
      items.map((it) => straight.resolve(straight.add(it).storyId)),
    );
  });
});

describe('StoryClusterer features', () => {
  it('joins the same story across outlets and keeps different stories apart', () => {
    const c = createClusterer();
    const a = c.add({
      id: '1',
      title: 'Zorblax recalls Quibbit phones over battery fires',
      source: 'A',
      publishedAt: at(0),
    });
    const b = c.add({
      id: '2',
      title: 'Quibbit phone battery fires force Zorblax recall',
      source: 'B',
      publishedAt: at(H),
    });
    const d = c.add({
      id: '3',
      title: 'Volcano erupts near Reykjavik, flights grounded',
      source: 'A',
      publishedAt: at(2 * H),
    });
    expect(b.storyId).toBe(a.storyId);
    expect(d.storyId).not.toBe(a.storyId);
    expect(b.score).toBeGreaterThan(0);
    expect(b.score).toBeLessThanOrEqual(1);
    expect([...c.stories()].map((s) => s.id)).toEqual([a.storyId, d.storyId]);
    const info = c.story(a.storyId)!;
    expect(info.sources).toEqual(['A', 'B']);
    expect(info.firstSeen).toBe(at(0));
    expect(info.lastUpdated).toBe(at(H));
  });

  it('counts a name once however it is written: with or without dots or a possessive ending', () => {
    const c = createClusterer();
    const texts = [
      [
        'Zorblax recalls Quibbit phones over battery fires',
        'The U.S. regulator and Zürich’s testers found faults.',
      ],
      [
        'Quibbit phone battery fires force Zorblax recall',
        "US regulator says Zürich's lab confirmed the fires.",
      ],
      [
        'Zorblax widens Quibbit phone recall after battery fires',
        'The U.S regulator thanked Zürich testers.',
      ],
    ];
    const ids = texts.map(
      ([title, description], k) =>
        c.add({ id: `${k}`, title: title!, description, source: `o${k}`, publishedAt: at(k * H) }).storyId,
    );
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(1);
    const entities = c.story(ids[0]!)!.entities;
    expect(entities.filter((e) => /^u\.?s\.?$/i.test(e))).toHaveLength(1);
    expect(entities.filter((e) => /^Zürich/.test(e))).toEqual(['Zürich']);
  });

  it('shows a name as a report writes it, not as a shouted headline first had it', () => {
    const c = createClusterer();
    // An earlier report teaches that Zorblax and Quibbit are names, so they are read as names in capitals too.
    c.add({
      id: 'earlier',
      title: 'Shares slip as markets wait',
      description: 'Analysts at Zorblax said that Quibbit sales were slow.',
      source: 'o0',
      publishedAt: at(0),
    });
    const { storyId } = c.add({
      id: 'shouted',
      title: 'ZORBLAX RECALLS QUIBBIT PHONES OVER BATTERY FIRES',
      description: 'The maker said that Zorblax will recall every Quibbit phone sold this year.',
      source: 'o1',
      publishedAt: at(H),
    });
    const entities = c.story(storyId)!.entities;
    expect(entities).toEqual(expect.arrayContaining(['Zorblax', 'Quibbit']));
    expect(entities.join('|')).not.toMatch(/ZORBLAX|QUIBBIT/);
  });

  it('picks the most representative title as headline, not the first', () => {
    const c = createClusterer();
    const titles = [
      'Zorblax recalls Quibbit phones; plus weather, football scores and more in our morning roundup',
      'Zorblax recalls Quibbit phones over battery fires',
      'Zorblax Quibbit phones recalled after battery fires',
      'Battery fires force Zorblax to recall Quibbit phones',
      'Zorblax expands Quibbit phone recall over battery fires',
    ];
    const ids = titles.map(
      (title, k) => c.add({ id: `${k}`, title, source: `o${k}`, publishedAt: at(k * H) }).storyId,
    );
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(1);
    const headline = c.story(ids[0]!)!.headline;
    expect(headline).not.toBe(titles[0]);
    expect(titles.slice(1)).toContain(headline);
  });

  it('leads a story of two reports with the earlier title: both score the same against their sum', () => {
    const pairs = [
      [
        'Zorblax recalls Quibbit phones over battery fires',
        'Battery fires force Zorblax into Quibbit phone recall',
      ],
      ['Marnovia elects Tessa Vlk as first woman president', 'Tessa Vlk wins Marnovia presidential runoff'],
      [
        'Storm Elvira floods Port Sallow harbour district',
        'Port Sallow harbour underwater as Storm Elvira hits',
      ],
      [
        'Grennick Bank fined over Ostwald money laundering',
        'Ostwald regulator hands Grennick Bank laundering fine',
      ],
      [
        'Kaloo volcano erupts, Dunmere villages evacuated',
        'Dunmere evacuates villages as Kaloo volcano erupts',
      ],
      [
        'Trellis Air pilots strike over Brovik pay deal',
        'Brovik pay deal row grounds Trellis Air as pilots strike',
      ],
      [
        'Quenby council bans cars from Alder Street centre',
        'Cars banned from Alder Street as Quenby council votes',
      ],
      ['Halvard Oil spill reaches Merrow Bay beaches', 'Merrow Bay beaches closed after Halvard Oil spill'],
    ];
    let stories = 0;
    pairs.forEach(([first, second], k) => {
      const c = createClusterer();
      const a = c.add({ id: `${k}a`, title: first!, source: 'A', publishedAt: at(0) });
      const b = c.add({ id: `${k}b`, title: second!, source: 'B', publishedAt: at(H) });
      if (c.resolve(b.storyId) !== c.resolve(a.storyId)) return;
      stories++;
      expect(c.story(a.storyId)!.headline).toBe(first);
    });
    expect(stories).toBeGreaterThanOrEqual(6);
  });

  it('lets a story go cold: similarity decays with idle time', () => {
    const c = new StoryClusterer({ windowHours: 500 });
    const title = 'Zorblax recalls Quibbit phones over battery fires';
    const first = c.add({ id: '1', title, publishedAt: at(0) });
    c.add({ id: 'x', title: 'Unrelated filler about tulip prices in Holland', publishedAt: at(H) });
    const soon = c.add({
      id: '2',
      title: 'Zorblax Quibbit recall widens after battery fires',
      publishedAt: at(2 * H),
    });
    const late = c.add({
      id: '3',
      title: 'Zorblax Quibbit recall widens after battery fires',
      publishedAt: at(200 * H),
    });
    expect(soon.storyId).toBe(first.storyId);
    expect(late.storyId).not.toBe(first.storyId);
  });

  it('asks more of an item with a summary before it makes a story of one item a story of two, and more still of a join on one term', () => {
    const quake = {
      id: 'a',
      title: 'Strong earthquake shakes eastern Myanmar',
      description:
        'A magnitude 6.1 quake struck near the border town before dawn, damaging homes and a bridge, the national seismology office said.',
      source: 'Wire A',
      publishedAt: at(0),
    };
    // Another story that shares the country's name and little else.
    const fighting = {
      id: 'b',
      title: 'Myanmar army and rebels fight for port town',
      description:
        'Insurgent groups said they had surrounded the harbour after three days of clashes with government troops.',
      source: 'Wire B',
      publishedAt: at(2 * H),
    };
    const sameQuake = {
      id: 'c',
      title: 'Earthquake in eastern Myanmar damages homes and a bridge',
      description:
        'The 6.1 magnitude quake hit before dawn near the border, officials said, with no deaths reported so far.',
      source: 'Wire C',
      publishedAt: at(3 * H),
    };
    const lax = new StoryClusterer({ summaryThreshold: 0.18, oneTermThreshold: 0 });
    // A higher bar for such items, or for a join that rests on one shared term, keeps the two apart.
    const higher = new StoryClusterer({ summaryThreshold: 0.3, oneTermThreshold: 0 });
    const oneTerm = new StoryClusterer({ summaryThreshold: 0.18, oneTermThreshold: 0.3 });
    for (const c of [lax, higher, oneTerm]) c.add(quake);
    const laxJoin = lax.add(fighting);
    expect(laxJoin.storyId).toBe('s-a');
    expect(laxJoin.score).toBeLessThan(0.3);
    expect(higher.add(fighting).storyId).toBe('s-b');
    expect(oneTerm.add(fighting).storyId).toBe('s-b');
    // The same report from another outlet still joins, and headlines alone keep the lower bar.
    expect(higher.add(sameQuake).storyId).toBe('s-a');
    expect(oneTerm.add(sameQuake).storyId).toBe('s-a');
    // Into a story of several items too: the fighting does not join the earthquake on the country's name, and
    // more fighting joins the fighting.
    const moreFighting = {
      id: 'd',
      title: 'Myanmar junta and rebels clash in eastern Myanmar',
      description: 'Fighting spread to a second town in eastern Myanmar, residents said.',
      source: 'Wire D',
      publishedAt: at(4 * H),
    };
    const grown = [new StoryClusterer({ oneTermThreshold: 0 }), new StoryClusterer()];
    for (const c of grown) for (const item of [quake, { ...sameQuake, publishedAt: at(H) }]) c.add(item);
    expect(grown[0]!.add(fighting).storyId).toBe('s-a');
    expect(grown[1]!.add(fighting).storyId).toBe('s-b');
    expect(grown[1]!.add(moreFighting).storyId).toBe('s-b');
    const headlines = new StoryClusterer({ summaryThreshold: 0.3, oneTermThreshold: 0.3 });
    headlines.add({ ...quake, description: undefined });
    expect(headlines.add({ ...fighting, description: undefined }).storyId).toBe('s-a');
    expect(DEFAULT_CLUSTER_OPTIONS.summaryThreshold).toBeGreaterThan(DEFAULT_CLUSTER_OPTIONS.threshold);
  });

  it('does not make a story of two from reports that share only names', () => {
    const auction = {
      id: 'a',
      title: "Lionel Messi's World Cup shirts to be sold at auction",
      description:
        'Six shirts Lionel Messi wore for Argentina at the World Cup in Qatar go under the hammer at Sotheby’s next month, and collectors expect bidding to break records.',
      source: 'Wire A',
      publishedAt: at(0),
    };
    // Who and where are the same; what happened is not.
    const robbery = {
      id: 'b',
      title: "Lionel Messi's in-laws robbed at gunpoint in Rosario",
      description:
        'Armed men burst into a family home in Rosario, tied up three relatives of Lionel Messi and escaped with cash and jewellery, police said on Tuesday.',
      source: 'Wire B',
      publishedAt: at(2 * H),
    };
    const sameAuction = {
      id: 'c',
      title: 'Messi World Cup shirts head to auction, could fetch a record',
      description:
        'Sotheby’s will auction six shirts Lionel Messi wore during Argentina’s World Cup win in Qatar.',
      source: 'Wire C',
      publishedAt: at(H),
    };
    const namesCount = new StoryClusterer({ namesOnlyThreshold: 0 });
    namesCount.add(auction);
    const namesJoin = namesCount.add(robbery);
    expect(namesJoin.storyId).toBe('s-a');
    expect(namesJoin.score).toBeLessThan(DEFAULT_CLUSTER_OPTIONS.namesOnlyThreshold);
    const c = new StoryClusterer();
    c.add(auction);
    expect(c.add(robbery).storyId).toBe('s-b');
    // Another report of the auction shares what happened as well, and joins.
    expect(c.add(sameAuction).storyId).toBe('s-a');

    // The bar holds for a story of any size; headlines alone keep the usual bar.
    const strict = { namesOnlyThreshold: 0.99, namesOnlyShare: 1.01 };
    const single = new StoryClusterer(strict);
    single.add(auction);
    expect(single.add(sameAuction).storyId).toBe('s-c');
    const grown = new StoryClusterer(strict);
    grown.add({ ...auction, description: undefined });
    grown.add({ ...sameAuction, id: 'd', description: undefined });
    expect(grown.add(sameAuction).storyId).toBe('s-c');
    const headlines = new StoryClusterer(strict);
    headlines.add({ ...auction, description: undefined });
    expect(headlines.add({ ...sameAuction, description: undefined }).storyId).toBe('s-a');
  });

  it('keeps roundups apart when they share only their format: "Briefing", "newsletter", "podcast"', () => {
    const c = new StoryClusterer();
    c.add({
      id: 'a',
      title: 'The Morning Briefing',
      description: 'Ferry fares at the northern quay.',
      source: 'Paper A',
      publishedAt: at(0),
    });
    expect(
      c.add({ id: 'b', title: 'Evening briefing: Minister resigns', source: 'Paper B', publishedAt: at(H) })
        .storyId,
    ).toBe('s-b');
    expect(
      c.add({ id: 'c', title: 'Weekly newsletter and podcast', source: 'Paper C', publishedAt: at(H) })
        .storyId,
    ).toBe('s-c');
    expect(
      c.add({ id: 'd', title: 'Orchard newsletter and podcast', source: 'Paper D', publishedAt: at(H) })
        .storyId,
    ).toBe('s-d');
  });

  it('keeps a report that shares only the sides of a running story out of it', () => {
    const report = (id: string, hours: number, source: string, title: string, description: string) => ({
      id,
      title,
      description,
      source,
      publishedAt: at(hours * H),
    });
    const raid: ClusterInput[] = [
      report(
        'r1',
        0,
        'Wire A',
        'Israeli troops search Gaza hospital for Hamas tunnels',
        'Israeli soldiers went room by room through the main hospital in Gaza City for a second day, saying Hamas fighters used tunnels beneath the wards; doctors said patients were left without power.',
      ),
      report(
        'r2',
        1,
        'Wire B',
        'Gaza hospital raid enters second day as Israel hunts for Hamas tunnels',
        'Troops searched the hospital wards and basement for tunnel shafts while doctors inside warned that patients, among them newborns, were dying without power.',
      ),
      report(
        'r3',
        2,
        'Wire C',
        'Israel shows tunnel shaft it says it found under Gaza hospital',
        'The military released video of a tunnel shaft in the hospital grounds, which it said Hamas used as a command post; the hospital director denied it.',
      ),
    ];
    // The same war, the same sides, another event.
    const settlers = report(
      's1',
      3,
      'Wire D',
      'US presses Israel to act on settler attacks in the West Bank',
      'The US secretary of state told Israel to stop attacks by settlers on Palestinian villages in the West Bank, as the war with Hamas in Gaza entered its sixth week.',
    );
    const moreRaid = report(
      'r4',
      4,
      'Wire E',
      'Doctors describe hospital under siege as Israeli search for tunnels goes on',
      'Doctors at the Gaza hospital said troops had held staff in the courtyard while soldiers searched for tunnels beneath the building.',
    );
    const c = new StoryClusterer();
    for (const report of raid) expect(c.add(report).storyId).toBe('s-r1');
    expect(c.add(settlers).storyId).toBe('s-s1');
    expect(c.add(moreRaid).storyId).toBe('s-r1');
    // Only the names-only bar keeps it out: without it the report joins on Israel, Gaza and Hamas.
    const namesCount = new StoryClusterer({ namesOnlyThreshold: 0 });
    for (const report of raid) namesCount.add(report);
    expect(namesCount.add(settlers).storyId).toBe('s-r1');
  });

  it('merges two stories an item shows to be one, and records the merge', () => {
    const c = new StoryClusterer({ threshold: 0.6, mergeThreshold: 0.1 });
    const a = c.add({ id: 'a', title: 'alpha beta gamma delta', source: 'A', publishedAt: at(0) });
    const b = c.add({ id: 'b', title: 'gamma delta epsilon zeta', source: 'B', publishedAt: at(60_000) });
    expect(b.storyId).not.toBe(a.storyId);
    const bridge = c.add({
      id: 'c',
      title: 'alpha beta gamma delta epsilon zeta',
      source: 'C',
      publishedAt: at(120_000),
    });
    expect(bridge.storyId).toBe(a.storyId); // the older story survives
    expect(bridge.merged).toEqual([b.storyId]);
    expect(c.resolve(b.storyId)).toBe(a.storyId);
    expect(c.story(b.storyId)?.id).toBe(a.storyId);
    const info = c.story(a.storyId)!;
    expect(info.itemIds).toEqual(['a', 'b', 'c']);
    expect(info.sources).toEqual(['A', 'B', 'C']);
    expect([...c.stories()].map((s) => s.id)).toEqual([a.storyId]);
  });

  it('keeps a merged story in arrival order, each outlet once at its first report', () => {
    const c = new StoryClusterer({ threshold: 0.6, mergeThreshold: 0.1 });
    const x = c.add({ id: 'x1', title: 'alpha beta gamma delta', source: 'A', publishedAt: at(0) });
    const y = c.add({ id: 'y1', title: 'gamma delta epsilon zeta', source: 'B', publishedAt: at(60_000) });
    expect(
      c.add({ id: 'x2', title: 'alpha beta gamma delta', source: 'B', publishedAt: at(120_000) }).storyId,
    ).toBe(x.storyId);
    expect(
      c.add({ id: 'y2', title: 'gamma delta epsilon zeta', source: 'A', publishedAt: at(180_000) }).storyId,
    ).toBe(y.storyId);
    const bridge = c.add({
      id: 'b',
      title: 'alpha beta gamma delta epsilon zeta',
      source: 'C',
      publishedAt: at(240_000),
    });
    expect(bridge.merged).toEqual([y.storyId]);
    const info = c.story(x.storyId)!;
    expect(info.itemIds).toEqual(['x1', 'y1', 'x2', 'y2', 'b']);
    expect(info.sources).toEqual(['A', 'B', 'C']);
    expect([...c.stories()]).toHaveLength(1);
  });

  it('evicts idle stories after the window but still resolves merged ids for a while', () => {
    const c = new StoryClusterer({
      threshold: 0.6,
      mergeThreshold: 0.1,
      windowHours: 10,
      mergeMemoryHours: 10,
    });
    const a = c.add({ id: 'a', title: 'alpha beta gamma delta', publishedAt: at(0) });
    const b = c.add({ id: 'b', title: 'gamma delta epsilon zeta', publishedAt: at(60_000) });
    c.add({ id: 'c', title: 'alpha beta gamma delta epsilon zeta', publishedAt: at(120_000) });
    expect(c.activeStories).toBe(1);
    // 11 hours later the story is gone from memory and from the candidates.
    const later = c.add({ id: 'd', title: 'alpha beta gamma delta epsilon zeta', publishedAt: at(11 * H) });
    expect(later.storyId).not.toBe(a.storyId);
    expect(c.story(a.storyId)).toBeUndefined();
    expect(c.resolve(b.storyId)).toBe(a.storyId);
    expect(c.activeStories).toBe(1);
    // After the merge memory runs out too, the record is dropped (memory stays bounded).
    c.add({ id: 'e', title: 'unrelated words here', publishedAt: at(30 * H) });
    expect(c.resolve(b.storyId)).toBe(b.storyId);
  });

  it('reports each story with its final metadata as it goes cold and leaves memory', () => {
    const gone: { id: string; itemIds: string[]; sources: string[]; lastUpdated: string }[] = [];
    const c = new StoryClusterer({ threshold: 0.6, windowHours: 10, onExpire: (_, s) => gone.push(s()) });
    const a = c.add({ id: 'a', title: 'alpha beta gamma delta', source: 'One', publishedAt: at(0) });
    c.add({ id: 'b', title: 'alpha beta gamma delta', source: 'Two', publishedAt: at(H) });
    expect(gone).toEqual([]);
    c.add({ id: 'c', title: 'unrelated words here', source: 'One', publishedAt: at(12 * H) });
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatchObject({ id: a.storyId, itemIds: ['a', 'b'], sources: ['One', 'Two'] });
    expect(gone[0]!.lastUpdated).toBe(at(H));
    expect(c.story(a.storyId)).toBeUndefined();
  });

  it('keeps memory bounded by the window on a long stream', () => {
    const c = new StoryClusterer({ windowHours: 24 });
    const counts: number[] = [];
    for (let day = 0; day < 12; day++) {
      for (let k = 0; k < 50; k++) {
        c.add({
          id: `${day}-${k}`,
          title: `Topic${day}x${k} happening in Place${k} today`,
          publishedAt: at(day * 24 * H + k * 60_000),
        });
      }
      counts.push(c.activeStories);
    }
    expect(Math.max(...counts.slice(2))).toBeLessThanOrEqual(100);
    expect(c.vocabularySize).toBeLessThan(12 * 50 * 2);
    // Words are forgotten with the vocabulary: the cache holds the last days' words, not the whole stream's.
    expect(c.cachedWords).toBeLessThan((12 * 50) / 2);
  });

  it('gives a slot freed by an expired story to a new one without mixing the two', () => {
    const c = new StoryClusterer({ windowHours: 10 });
    const old = c.add({
      id: 'a',
      title: 'Zorblax recalls Quibbit phones over battery fires',
      publishedAt: at(0),
    });
    // Shares "Zorblax" with the first story, and keeps that term's postings alive after it expires.
    const kept = c.add({
      id: 'k',
      title: 'Zorblax shares slump in Frankfurt trading',
      publishedAt: at(9 * H),
    });
    const fresh = c.add({
      id: 'f',
      title: 'Volcano erupts near Reykjavik, flights grounded',
      publishedAt: at(11 * H),
    });
    expect(c.story(old.storyId)).toBeUndefined();
    const again = c.add({
      id: 'b',
      title: 'Zorblax recalls Quibbit phones over battery fires',
      publishedAt: at(11 * H + 60_000),
    });
    expect(again.storyId).not.toBe(fresh.storyId);
    expect(again.storyId).not.toBe(old.storyId);
    expect(c.story(fresh.storyId)!.itemIds).toEqual(['f']);
    expect(c.story(kept.storyId)!.itemIds).toContain('k');
  });

  it('finds candidates through the index as an exhaustive scan would', () => {
    const items = week.slice(0, 1500);
    const fast = new StoryClusterer();
    const full = new StoryClusterer({ queryTerms: 1e6, postingScan: 1e9, candidates: 1e9 });
    const a = items.map((it) => fast.resolve(fast.add(it).storyId));
    const b = items.map((it) => full.resolve(full.add(it).storyId));
    const same = a.filter((s, k) => s === b[k]).length;
    expect(same / items.length).toBeGreaterThan(0.97);
  });

  it('returns the existing story for a repeated item id', () => {
    const c = createClusterer();
    const first = c.add({ id: 'x', title: 'Zorblax recalls Quibbit phones', publishedAt: at(0) });
    const again = c.add({ id: 'x', title: 'Zorblax recalls Quibbit phones', publishedAt: at(60_000) });
    expect(again.storyId).toBe(first.storyId);
    expect(c.story(first.storyId)!.itemIds).toEqual(['x']);
  });
});
