/**
 * `npm run bench:cluster`: throughput and per-item latency of the online clusterer with 100k active stories in
 * its index, memory per story, and memory over a long stream under the retention window.
 *
 * Load comes from replaying the rumca week many times. Each replay gets its own time shift, item ids and a
 * shuffle of its words, so that replays form stories of their own instead of joining the first copy's.
 *
 * `BENCH_STORIES` (default 100000): active stories before the timed run. `BENCH_REPLAY_HOURS` (default 6): hours
 * between the starts of consecutive replays; the clock never runs backwards, so a replay adds about this much
 * time. It sets how many of the active stories are recent enough for an item to join (their time decay still
 * lets them reach the threshold) and so are scored as candidates: 1 puts them all within reach, the hardest
 * case. `BENCH_ROUNDS` (default 8): timed rounds, each of two more replays, run back to back; long enough that a
 * full garbage collection of the grown heap falls inside the timed run, as it does in a worker that runs for
 * days, and each round's figure shows how much that (or a shared machine) moves it. The collections that fell
 * inside are printed: a run without a full one flatters the clusterer. Between rounds, untimed, a reference
 * loop times random reads of memory on the same core: a round that ran slow where reads did was slowed by the
 * host, not by the clusterer. `BENCH_WEEKS` (default 6): length of the retention run.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { type PerformanceEntry, PerformanceObserver, constants as perf } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { ClusterInput } from '../src/cluster/index.js';
import { DEFAULT_CLUSTER_OPTIONS, StoryClusterer } from '../src/cluster/online.js';
import { rng } from './rng.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const HOUR = 3_600_000;
const TARGET_STORIES = Number(process.env.BENCH_STORIES ?? 100_000);
const REPLAY_HOURS = Number(process.env.BENCH_REPLAY_HOURS ?? 6);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 8));
const rumcaPath = fileURLToPath(
  new URL('../../shared/data/rumca-news-2023-11-17_to_24.jsonl', import.meta.url),
);

interface Row {
  outlet: string;
  title: string;
  description?: string | null;
  date_published: string;
}

const rows = readFileSync(rumcaPath, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Row)
  .map((r, i) => ({ r, i, t: Date.parse(r.date_published) }))
  .sort((a, b) => a.t - b.t || a.i - b.i);
const t0 = rows[0]!.t;
const span = rows[rows.length - 1]!.t - t0;

// Each replay swaps every word for another of similar frequency (a fixed shuffle within frequency bands, one
// per replay): replays keep the week's vocabulary and term statistics but no longer read as the same stories.
const words = new Map<string, number>();
for (const { r } of rows) {
  for (const w of `${r.title} ${r.description ?? ''}`.toLowerCase().match(/[a-z]+/g) ?? []) {
    words.set(w, (words.get(w) ?? 0) + 1);
  }
}
const byFreq = [...words].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);

function wordMap(copy: number): Map<string, string> {
  const map = new Map<string, string>();
  if (copy === 0) return map;
  const rand = rng(copy * 7919 + 1);
  for (let start = 0; start < byFreq.length; start += 64) {
    const band = byFreq.slice(start, start + 64);
    const shuffled = [...band];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    band.forEach((w, i) => {
      map.set(w, shuffled[i]!);
    });
  }
  return map;
}

/** Replay `copy` of the week, starting at `startMs`. */
function replay(copy: number, startMs: number): ClusterInput[] {
  const map = wordMap(copy);
  const swap = (s: string) =>
    s.replace(/[A-Za-z]+/g, (w) => {
      const to = map.get(w.toLowerCase());
      if (!to) return w;
      if (w.length > 1 && w === w.toUpperCase()) return to.toUpperCase();
      return w[0] === w[0]!.toUpperCase() ? to[0]!.toUpperCase() + to.slice(1) : to;
    });
  return rows.map(({ r, i, t }) => ({
    id: `c${copy}-${i}`,
    title: swap(r.title),
    description: r.description ? swap(r.description) : undefined,
    source: r.outlet,
    publishedAt: new Date(startMs + (t - t0)).toISOString(),
  }));
}

/**
 * Memory in use after a full collection: the JS heap plus the typed arrays' buffers, which live outside it
 * (centroids, postings, vocabulary records, the word table).
 */
function memoryMb(): { heap: number; buffers: number } {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed / 2 ** 20, buffers: arrayBuffers / 2 ** 20 };
}

function totalMb(): number {
  const { heap, buffers } = memoryMb();
  return heap + buffers;
}

/**
 * How fast this core is at the moment, by two references that do not depend on the clusterer: nanoseconds per
 * step of an arithmetic loop, and per random read of a buffer far larger than the caches. The clusterer waits on
 * memory more than on arithmetic (posting lists, centroids, the word table, the collector's marking), so when
 * the host makes this core's memory slower, items/s fall with the second reference while the first holds.
 * Short, so that it can run between rounds without giving the collector's concurrent marking much time.
 */
class MachineReference {
  /** 128 MB, every page written once so that reads do not time page faults. */
  private readonly buffer = new Int32Array(1 << 25);
  private x = 1;
  /** Kept, so that neither loop is optimised away. */
  sum = 0;

  constructor() {
    for (let i = 0; i < this.buffer.length; i += 1024) this.buffer[i] = i;
  }

  sample(): { stepNs: number; readNs: number } {
    const STEPS = 20_000_000;
    const READS = 2_000_000;
    const buffer = this.buffer;
    const mask = buffer.length - 1;
    let x = this.x;
    let sum = 0;
    let t = performance.now();
    for (let i = 0; i < STEPS; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      sum += x & 7;
    }
    const stepNs = ((performance.now() - t) * 1e6) / STEPS;
    t = performance.now();
    for (let i = 0; i < READS; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      sum += buffer[(x >>> 5) & mask]!;
    }
    const readNs = ((performance.now() - t) * 1e6) / READS;
    this.x = x;
    this.sum += sum;
    return { stepNs, readNs };
  }
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

// Phase 1: fill the index to TARGET_STORIES active stories. Replays start REPLAY_HOURS apart, and the window
// is wide enough that none of them goes cold before the timed run.
const windowHours = 24 * 30;
const base = Date.UTC(2024, 0, 1);
// Allocated before memory is first measured, so that it is not counted as the clusterer's.
const reference = new MachineReference();
const mem0 = memoryMb();
const c = new StoryClusterer({ windowHours });
let copy = 0;
let filled = 0;
const fillStart = performance.now();
while (c.activeStories < TARGET_STORIES) {
  for (const it of replay(copy, base + copy * REPLAY_HOURS * HOUR)) c.add(it);
  filled += rows.length;
  copy++;
}
const fillSecs = (performance.now() - fillStart) / 1000;
// Past this idle time the decay alone keeps an item's score below the threshold: such stories are only shown.
const { threshold, decayHalfLifeHours } = DEFAULT_CLUSTER_OPTIONS;
const reachMs = decayHalfLifeHours * Math.log2(1 / threshold) * HOUR;
/** Stories last active within `reachMs` of the newest. */
function withinReach(): number {
  const lastMs = Array.from(c.stories(), (s) => Date.parse(s.lastUpdated));
  const latest = lastMs.reduce((a, b) => Math.max(a, b), 0);
  return lastMs.filter((t) => latest - t < reachMs).length;
}
// Counted before memory is measured, so that what counting allocates is gone by then.
const reachable = withinReach();
const mem1 = memoryMb();
const stories = c.activeStories;
// "One core" is meant literally: under `taskset -c 0` the garbage collector's helper threads share that core too.
const allowed = (() => {
  try {
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
})();
const load = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
const cpus = `${os.availableParallelism()} CPUs${allowed ? ` (this process may use ${allowed})` : ''}`;
console.log(`${process.version}; ${cpus}; load average ${load}`);
console.log(
  `index: ${stories} active stories from ${filled} items (${copy} replays of ${rows.length} items, ` +
    `${REPLAY_HOURS} h apart)`,
);
console.log(
  `  within reach: ${reachable} stories (${((100 * reachable) / stories).toFixed(0)}%) idle under ` +
    `${(reachMs / HOUR).toFixed(1)} h, which an item can still join`,
);
console.log(`  fill: ${(filled / fillSecs).toFixed(0)} items/s while growing`);
const heapMb = mem1.heap - mem0.heap;
const buffersMb = mem1.buffers - mem0.buffers;
console.log(
  `  memory: ${(heapMb + buffersMb).toFixed(1)} MB (${heapMb.toFixed(1)} MB JS heap, ${buffersMb.toFixed(1)} MB typed ` +
    `arrays), ${(((heapMb + buffersMb) * 2 ** 20) / stories).toFixed(0)} bytes per story (centroid, postings, item ` +
    `ids, headline pool, vocabulary and word cache share); vocabulary ${c.vocabularySize} terms`,
);

// Phase 2: timed, in rounds back to back. Each round, two more replays arrive on top of the full index; all
// are built first, so that building them is not timed.
const rounds: ClusterInput[][] = [];
for (let round = 0; round < ROUNDS; round++) {
  rounds.push(
    [
      ...replay(copy, base + copy * REPLAY_HOURS * HOUR),
      ...replay(copy + 1, base + (copy + 1) * REPLAY_HOURS * HOUR),
    ].sort((a, b) => (a.publishedAt! < b.publishedAt! ? -1 : a.publishedAt! > b.publishedAt! ? 1 : 0)),
  );
  copy += 2;
}
const timedItems = rounds.reduce((n, r) => n + r.length, 0);
// Collections are reported after the fact, once the event loop turns; each carries its start time.
const collections: { at: number; ms: number; kind?: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    collections.push({ at: e.startTime, ms: e.duration, kind });
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
const lat = new Float64Array(timedItems);
const roundRates: number[] = [];
// The machine reference is sampled between rounds, outside the time and CPU counted; the first sample only
// brings its buffer back into the caches and page tables, and is not kept.
reference.sample();
const references = [reference.sample()];
let timedSecs = 0;
let cpuSecs = 0;
const start = performance.now();
let done = 0;
for (let round = 0; round < ROUNDS; round++) {
  const timed = rounds[round]!;
  // A worker lets go of a poll's items once they are clustered: those of a round done are no longer held.
  rounds[round] = [];
  const cpu0 = process.cpuUsage();
  const roundStart = performance.now();
  for (let k = 0; k < timed.length; k++) {
    const a = performance.now();
    c.add(timed[k]!);
    lat[done++] = performance.now() - a;
  }
  const roundSecs = (performance.now() - roundStart) / 1000;
  const cpu = process.cpuUsage(cpu0);
  timedSecs += roundSecs;
  cpuSecs += (cpu.user + cpu.system) / 1e6;
  roundRates.push(timed.length / roundSecs);
  references.push(reference.sample());
}
const end = performance.now();
// A shared machine slows down now and then: the throughput of consecutive slices shows how much.
const SLICES = 12;
const sliceRates: number[] = [];
for (let i = 0; i < SLICES; i++) {
  const from = Math.floor((i * lat.length) / SLICES);
  const to = Math.floor(((i + 1) * lat.length) / SLICES);
  let ms = 0;
  for (let k = from; k < to; k++) ms += lat[k]!;
  sliceRates.push((to - from) / (ms / 1000));
}
sliceRates.sort((a, b) => a - b);
const sortedLat = lat.slice().sort();
const sortedRounds = [...roundRates].sort((a, b) => a - b);
console.log(
  `timed: ${timedItems} items in ${ROUNDS} rounds, with ${c.activeStories} active stories at the end`,
);
console.log(
  `  throughput ${(timedItems / timedSecs).toFixed(0)} items/s; latency p50 ${(pct(sortedLat, 0.5) * 1000).toFixed(1)} µs, ` +
    `p99 ${(pct(sortedLat, 0.99) * 1000).toFixed(1)} µs, max ${(sortedLat[sortedLat.length - 1]! * 1000).toFixed(0)} µs`,
);
console.log(
  `  rounds: ${roundRates.map((r) => r.toFixed(0)).join(', ')} items/s (median ` +
    `${((sortedRounds[Math.floor((ROUNDS - 1) / 2)]! + sortedRounds[Math.floor(ROUNDS / 2)]!) / 2).toFixed(0)})`,
);
// The machine may be shared: throughput per second of this process's CPU time is steadier than wall time.
console.log(`  ${(timedItems / cpuSecs).toFixed(0)} items per CPU-second`);
console.log(
  `  ${SLICES} slices of ~${Math.round(lat.length / SLICES)} items (time inside add only): median ` +
    `${pct(Float64Array.from(sliceRates), 0.5).toFixed(0)} items/s, slowest ${sliceRates[0]!.toFixed(0)}, ` +
    `fastest ${sliceRates[SLICES - 1]!.toFixed(0)}`,
);

const readNs = references.map((r) => r.readNs.toFixed(0)).join(', ');
const steps = references.map((r) => r.stepNs).sort((a, b) => a - b);
console.log(
  `  this core's memory, a random read before each round and after the last: ${readNs} ns (arithmetic step ` +
    `${steps[0]!.toFixed(2)} to ${steps[steps.length - 1]!.toFixed(2)} ns); the clusterer waits on memory, so ` +
    'rounds run slower where reads do',
);

// Node records each collection on the event loop and hands the records to observers a turn later.
for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
gcObserver.disconnect();
const inside = collections.filter((g) => g.at >= start && g.at < end);
const full = inside.filter((g) => g.kind === perf.NODE_PERFORMANCE_GC_MAJOR);
const young = inside.filter((g) => g.kind === perf.NODE_PERFORMANCE_GC_MINOR);
const sumMs = (list: { ms: number }[]) => list.reduce((t, g) => t + g.ms, 0);
console.log(
  `  garbage collection inside the timed run: ${young.length} young-generation pauses (${sumMs(young).toFixed(0)} ms), ` +
    `${full.length} full (${sumMs(full).toFixed(0)} ms of pauses; marking done alongside is not counted)` +
    (full.length === 0
      ? ' -- no full collection fell inside: raise BENCH_ROUNDS for a sustained figure'
      : ''),
);

// Phase 3: retention. A long stream under the default 72 h window: memory must level off, not grow.
const weeks = Number(process.env.BENCH_WEEKS ?? 6);
const r = new StoryClusterer({ windowHours: 72 });
const memR0 = totalMb();
console.log(`retention (windowHours 72): ${weeks} consecutive weeks, each a fresh replay`);
for (let w = 0; w < weeks; w++) {
  for (const it of replay(1000 + w, base + w * (span + HOUR))) r.add(it);
  console.log(
    `  after week ${w + 1}: ${r.activeStories} active stories, vocabulary ${r.vocabularySize}, ` +
      `word cache ${r.cachedWords}, ` +
      `memory +${(totalMb() - memR0).toFixed(1)} MB`,
  );
}
