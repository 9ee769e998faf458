/**
 * Digest build time for a large story: 100 full-text reports of one event from 20 outlets, built once
 * (every sentence classified) and rebuilt (as on each update of a posted story). Prints CPU milliseconds.
 *
 *   npm run bench:digest
 */
import { resolve } from 'node:path';
import type { StoryInfo } from '../src/cluster/index.js';
import { buildDigest } from '../src/digest/build.js';
import type { Item } from '../src/model.js';
import { loadSeeds } from '../tests/helpers/shared.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100);
const seeds = loadSeeds();
if (!seeds.length) throw new Error(`no seed documents under ${resolve(process.cwd(), '../shared/seeds')}`);

function items(round: number): Item[] {
  return Array.from({ length: ITEMS }, (_, i) => {
    const seed = seeds[i % seeds.length]!;
    return {
      id: `r${round}-${i}`,
      title: seed.title,
      text: seed.body,
      source: `Outlet ${i % 20}`,
      publishedAt: new Date(Date.UTC(2025, 7, 17, 12, i)).toISOString(),
    };
  });
}

function story(list: Item[]): StoryInfo {
  return {
    id: 's',
    headline: list[0]!.title,
    itemIds: list.map((i) => i.id),
    sources: [...new Set(list.map((i) => i.source))],
    keywords: [],
    entities: [],
    firstSeen: list[0]!.publishedAt,
    lastUpdated: list.at(-1)!.publishedAt,
  };
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const list = items(0);
const words = list.reduce((n, i) => n + (i.text ?? '').split(/\s+/).length, 0);
const first = cpuMs(() => buildDigest(story(list), list));
const rebuilds = Array.from({ length: 15 }, () => cpuMs(() => buildDigest(story(list), list))).sort(
  (a, b) => a - b,
);
const digest = buildDigest(story(list), list);
console.log(
  `story: ${ITEMS} items, ${words} words, ${digest.facts.length} facts kept, ${digest.opinion.length} opinion entries`,
);
console.log(`first build (classifies every sentence): ${first.toFixed(0)} ms CPU`);
console.log(
  `rebuild: p50 ${rebuilds[7]!.toFixed(1)} ms, max ${rebuilds.at(-1)!.toFixed(1)} ms CPU (15 runs; goal: well under 50 ms)`,
);
