/**
 * `npm run eval:cluster`: scores the `cluster` command on the labelled dev set (BCubed, headline only), checks
 * that the score holds on two halves split by story, and for the rumca week (titles with summaries) counts how
 * many of 300 judged item pairs end up together (`scripts/rumca-pairs.jsonl`) and shows the stories built
 * for its big known events.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BCubed, bcubed } from '../src/cluster/bcubed.js';
import { type Assignment, type ClusterInput, createClusterer, type StoryInfo } from '../src/cluster/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pairsPath = fileURLToPath(new URL('./rumca-pairs.jsonl', import.meta.url));
const devPath = fileURLToPath(new URL('../../shared/data/uci-news-dev.jsonl', import.meta.url));
const rumcaPath = fileURLToPath(
  new URL('../../shared/data/rumca-news-2023-11-17_to_24.jsonl', import.meta.url),
);

interface DevRow {
  id: string;
  title: string;
  source: string;
  publishedAt: string;
  story: string;
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

const fmt = (s: BCubed) => `P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}`;

/** Same steps as the command: add in file order, then resolve every assignment through merges. */
function clusterInProcess(items: ClusterInput[]): string[] {
  const c = createClusterer();
  const assigned = items.map((it) => c.add(it).storyId);
  return assigned.map((s) => c.resolve(s));
}

/** Runs `threadline cluster` on the items; falls back to the same code path in-process if the CLI cannot start. */
function clusterViaCommand(items: ClusterInput[]): { storyIds: string[]; how: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'threadline-eval-'));
  try {
    const file = path.join(dir, 'items.jsonl');
    writeFileSync(file, `${items.map((it) => JSON.stringify(it)).join('\n')}\n`);
    const run = spawnSync('npx', ['tsx', 'src/cli.ts', 'cluster', '--input', file], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status === 0) {
      const out = run.stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { id: string; storyId: string });
      if (out.length === items.length && out.every((o, i) => o.id === items[i]!.id)) {
        return { storyIds: out.map((o) => o.storyId), how: 'threadline cluster (CLI)' };
      }
      process.stderr.write('warning: cluster command output does not line up with its input\n');
    } else {
      const why = run.stderr
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('npm warn'))
        .slice(0, 3)
        .join(' / ');
      process.stderr.write(`warning: cluster command failed (exit ${run.status}): ${why}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { storyIds: clusterInProcess(items), how: 'createClusterer in-process (CLI unavailable)' };
}

function devSet(): void {
  const rows = readJsonl<DevRow>(devPath);
  // Headline only: the command sees id, title, outlet and time, never the gold label or the URL.
  const items = rows.map((r) => ({ id: r.id, title: r.title, source: r.source, publishedAt: r.publishedAt }));
  const { storyIds, how } = clusterViaCommand(items);
  const gold = rows.map((r) => r.story);
  console.log(`== UCI dev set: ${rows.length} headlines, ${new Set(gold).size} gold stories (${how})`);
  console.log(`BCubed  ${fmt(bcubed(storyIds, gold))}  predicted stories ${new Set(storyIds).size}`);

  // Halves by story (alternating in order of first appearance): default parameters must hold on both.
  const order = [...new Set(gold)];
  for (const half of [0, 1]) {
    const keep = new Set(order.filter((_, i) => i % 2 === half));
    const sub = rows.filter((r) => keep.has(r.story));
    const pred = clusterInProcess(sub.map((r) => items[rows.indexOf(r)]!));
    console.log(
      `half ${half + 1} (${keep.size} stories, ${sub.length} items)  ${fmt(
        bcubed(
          pred,
          sub.map((r) => r.story),
        ),
      )}`,
    );
  }
}

interface RumcaRow {
  outlet: string;
  title: string;
  description?: string | null;
  link: string;
  date_published: string;
}

const EVENTS: { name: string; match: (text: string) => boolean }[] = [
  { name: 'OpenAI / Altman ouster', match: (t) => /\b(openai|altman)\b/i.test(t) },
  { name: "Argentina's election", match: (t) => /\bmilei\b|argentin/i.test(t) },
  { name: 'Rosalynn Carter', match: (t) => /\brosalynn\b/i.test(t) },
  {
    name: 'Gaza truce',
    match: (t) =>
      /\b(truce|cease-?fire|pause in fighting|hostage (deal|release))/i.test(t) &&
      /gaza|hamas|israel/i.test(t),
  },
];

function rumcaWeek(): void {
  const rows = readJsonl<RumcaRow>(rumcaPath);
  // Arrival order is publication order (the file is grouped by day and outlet); ties keep file order.
  const order = rows
    .map((_, i) => i)
    .sort((a, b) => {
      const d = Date.parse(rows[a]!.date_published) - Date.parse(rows[b]!.date_published);
      return d || a - b;
    });
  const items: ClusterInput[] = order.map((i) => ({
    id: `rumca-${i}`,
    title: rows[i]!.title,
    description: rows[i]!.description ?? undefined,
    source: rows[i]!.outlet,
    publishedAt: new Date(Date.parse(rows[i]!.date_published)).toISOString(),
  }));
  const c = createClusterer();
  const assignments: Assignment[] = items.map((it) => c.add(it));
  const final = assignments.map((a) => c.resolve(a.storyId));
  const members = new Map<string, number[]>();
  final.forEach((s, k) => {
    const list = members.get(s);
    if (list) list.push(k);
    else members.set(s, [k]);
  });
  const sizes = [...members.values()].map((m) => m.length);
  console.log(
    `\n== rumca week: ${items.length} items -> ${members.size} stories; ` +
      `${sizes.filter((n) => n >= 5).length} with 5+ items, ${sizes.filter((n) => n === 1).length} singletons`,
  );
  judgedPairs(order, final);

  const chosen = EVENTS.map((ev) => {
    const hits = items
      .map((_, k) => k)
      .filter((k) => ev.match(`${items[k]!.title} ${items[k]!.description ?? ''}`));
    const count = new Map<string, number>();
    for (const k of hits) count.set(final[k]!, (count.get(final[k]!) ?? 0) + 1);
    const ranked = [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return { ev, hits, ranked, storyId: ranked[0]?.[0] };
  });

  // Stories may have left memory by the end of the week; replaying up to each story's last item (the
  // clusterer is deterministic) shows it as it stood then.
  const wanted = new Map<number, string>();
  for (const ch of chosen) if (ch.storyId) wanted.set(Math.max(...members.get(ch.storyId)!), ch.storyId);
  const info = new Map<string, StoryInfo>();
  const replay = createClusterer();
  const last = Math.max(-1, ...wanted.keys());
  for (let k = 0; k <= last; k++) {
    replay.add(items[k]!);
    const sid = wanted.get(k);
    if (sid) {
      const s = replay.story(sid);
      if (s) info.set(sid, s);
    }
  }

  for (const { ev, hits, ranked, storyId } of chosen) {
    console.log(`\n-- ${ev.name}: ${hits.length} items mention it`);
    if (!storyId) continue;
    const m = members.get(storyId)!;
    const s = info.get(storyId);
    const inStory = ranked[0]![1];
    const outlets = new Set(m.map((k) => items[k]!.source));
    console.log(
      `story ${storyId}: ${m.length} items, ${outlets.size} outlets; holds ${inStory} of the ${hits.length}`,
    );
    if (s) {
      console.log(`  headline: ${s.headline}`);
      console.log(`  keywords: ${s.keywords.join(', ')}`);
      console.log(`  entities: ${s.entities.join(', ')}`);
      console.log(`  ${s.firstSeen} .. ${s.lastUpdated}`);
    }
    console.log(`  outlets: ${[...outlets].join('; ')}`);
    const others = ranked.slice(1).filter(([, n]) => n >= 2);
    console.log(
      `  other stories with 2+ mentions: ${others.length}` +
        (others.length
          ? ` (sizes ${others.map(([id, n]) => `${n}/${members.get(id)!.length}`).join(', ')})`
          : ''),
    );
    const hitSet = new Set(hits);
    console.log(`  members not mentioning it: ${m.filter((k) => !hitSet.has(k)).length}`);
    const unsure = [...m].sort(
      (a, b) => (assignments[a]!.score ?? 1) - (assignments[b]!.score ?? 1) || a - b,
    );
    console.log('  five least certain members:');
    for (const k of unsure.slice(0, 5)) {
      console.log(`    ${(assignments[k]!.score ?? 1).toFixed(3)}  [${items[k]!.source}] ${items[k]!.title}`);
    }
  }
}

/**
 * Item pairs of the rumca week judged same story or not from their titles and summaries (`a`, `b`: line
 * numbers in the file). They are 300 of the pairs an earlier clusterer (before `summaryThreshold`) joined when
 * a story of one item took its second, the join that makes a story of two outlets and gets it posted: a
 * check of precision on text with summaries, where the UCI headlines say little.
 */
function judgedPairs(order: number[], final: string[]): void {
  const storyOfLine = new Map(order.map((line, k) => [line, final[k]!]));
  const pairs = readJsonl<{ a: number; b: number; same: boolean }>(pairsPath);
  const same = pairs.filter((p) => p.same);
  const different = pairs.filter((p) => !p.same);
  const together = (p: { a: number; b: number }) => storyOfLine.get(p.a) === storyOfLine.get(p.b);
  const kept = same.filter(together).length;
  const wrong = different.filter(together).length;
  console.log(
    `judged first joins: ${kept} of ${same.length} same-story pairs together, ${wrong} of ${different.length} ` +
      `different-story pairs together (precision ${(kept / Math.max(1, kept + wrong)).toFixed(3)})`,
  );
}

devSet();
rumcaWeek();
