/**
 * Ingest throughput: a child process serves N feeds on 127.0.0.1 (real captures from ../shared/feeds plus RSS
 * rendered from the rumca week in ../shared/data); this process polls them with pollFeed, as the worker does.
 * (a) first poll, every feed 200 with a full body; (b) second poll with the states from (a), where most feeds
 * answer 304 and a few have changed. Prints feeds/s, items/s and peak RSS, plus where the CPU went: main-thread
 * utilisation, process CPU per feed (parse workers included) and the server's CPU, so runs on a loaded machine can
 * still be compared. `--rounds` repeats (b), changing the same share of feeds each time; `--inline` parses on the
 * main thread only; `--pool-size` and `--pool-min-kb` override the default pool's workers and body threshold.
 *
 *   npm run bench:ingest -- [--feeds 2000] [--concurrency 32] [--changed 0.1] [--rounds 1]
 *     [--inline | --pool-size N --pool-min-kb K]
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  closeParsePool,
  type FeedState,
  type FetchPolicy,
  HostLimiter,
  ParsePool,
  type PollOutcome,
  pollFeed,
  sharedParsePool,
} from '../src/ingest/index.js';

const SHARED = path.resolve(process.cwd(), '../shared');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Real captures that are feeds of a realistic size, plus one RSS document per rumca outlet and day. */
function loadBodies(): Buffer[] {
  const bodies: Buffer[] = [];
  const dirs = [
    path.join(SHARED, 'feeds/rss-parser/test/input'),
    path.join(SHARED, 'feeds/node-feedparser/test/feeds'),
  ];
  for (const d of dirs) {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      const size = statSync(p).size;
      // Skip the non-feeds, gzip bytes and the 1.6 MB podcast outlier.
      if (size < 1000 || size > 400_000 || /notafeed|gzip|compressed|unrecognized/.test(f)) continue;
      bodies.push(readFileSync(p));
    }
  }
  const byFeed = new Map<string, { outlet: string; url: string; items: Record<string, string>[] }>();
  for (const line of readFileSync(path.join(SHARED, 'data/rumca-news-2023-11-17_to_24.jsonl'), 'utf8').split(
    '\n',
  )) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as Record<string, string>;
    const key = `${r.feed_url}|${r.day_dir}`;
    let g = byFeed.get(key);
    if (!g) {
      g = { outlet: r.outlet!, url: r.feed_url!, items: [] };
      byFeed.set(key, g);
    }
    g.items.push(r);
  }
  for (const g of byFeed.values()) {
    const items = g.items
      .map(
        (r) =>
          `<item><title>${esc(r.title ?? '')}</title><link>${esc(r.link ?? '')}</link><guid>${esc(r.link ?? '')}</guid>` +
          `<description>${esc(r.description ?? '')}</description><pubDate>${new Date(r.date_published ?? Date.now()).toUTCString()}</pubDate></item>`,
      )
      .join('\n');
    bodies.push(
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${esc(g.outlet)}</title><link>${esc(g.url)}</link>` +
          `<description>${esc(g.outlet)}</description><ttl>5</ttl>\n${items}\n</channel></rss>`,
      ),
    );
  }
  return bodies;
}

/** Child process: serves /feed/<i> with ETags; /changed marks a fraction of feeds as updated. */
function serve(): void {
  const bodies = loadBodies();
  let changedFrom = Number.POSITIVE_INFINITY;
  let gen = 0;
  let connections = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/stats') {
      const cpu = process.cpuUsage();
      return res.end(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, connections }));
    }
    if (req.url?.startsWith('/changed/')) {
      changedFrom = Number(req.url.slice(9));
      gen++;
      return res.end('ok');
    }
    const i = Number(req.url?.slice(6));
    const changed = i >= changedFrom;
    const etag = `"f${i}-${changed ? gen : 0}"`;
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      res.setHeader('etag', etag);
      return res.end();
    }
    let body = bodies[i % bodies.length]!;
    // A changed feed gains one item so the poll finds something new.
    if (changed) {
      body = Buffer.from(
        body
          .toString('utf8')
          .replace(
            /<item>/,
            `<item><title>Update ${gen} for ${i}</title><link>https://bench.example/${i}/${gen}</link></item><item>`,
          ),
      );
    }
    res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
    res.setHeader('etag', etag);
    res.end(body);
  });
  server.on('connection', () => connections++);
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () =>
    process.send!({ port: (server.address() as AddressInfo).port, feeds: bodies.length }),
  );
}

async function mapLimit<T, R>(inputs: T[], limit: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(inputs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, inputs.length) }, async () => {
      while (next < inputs.length) {
        const i = next++;
        out[i] = await fn(inputs[i]!, i);
      }
    }),
  );
  return out;
}

async function main(): Promise<void> {
  const n = arg('feeds', 2000);
  const concurrency = arg('concurrency', 32);
  const changedShare = arg('changed', 0.1);
  const rounds = arg('rounds', 1);
  const inline = process.argv.includes('--inline');
  const poolSize = arg('pool-size', 0);
  const poolMin = arg('pool-min-kb', 0);
  const pool = inline
    ? null
    : poolSize > 0 || poolMin > 0
      ? new ParsePool({
          ...(poolSize ? { size: poolSize } : {}),
          ...(poolMin ? { minBytes: poolMin * 1024 } : {}),
        })
      : undefined;
  const child = fork(new URL(import.meta.url).pathname, ['serve'], {
    execArgv: process.execArgv,
    stdio: 'inherit',
  });
  const { port, feeds } = await new Promise<{ port: number; feeds: number }>((r) =>
    child.once('message', r as never),
  );
  const base = `http://127.0.0.1:${port}`;
  const policy: FetchPolicy = {
    timeoutMs: 15_000,
    maxBytes: 5_000_000,
    maxRedirects: 5,
    userAgent: 'Threadline-bench/0.1',
    concurrency,
    allowPrivate: ['127.0.0.1'],
  };
  // Every bench feed lives on one host, so the per-host cap is lifted to the global concurrency here.
  const limiter = new HostLimiter(concurrency);
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const urls = Array.from({ length: n }, (_, i) => ({ url: `${base}/feed/${i}` }));

  const ctx = () => ({
    policy,
    now: new Date(),
    limiter,
    ...(pool !== undefined ? { parsePool: pool } : {}),
  });
  const serverStats = async () =>
    (await (await fetch(`${base}/stats`)).json()) as { cpuMs: number; connections: number };

  const run = async (label: string, states: (FeedState | undefined)[]) => {
    const srv0 = await serverStats();
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const outs: PollOutcome[] = await mapLimit(urls, concurrency, (feed, i) =>
      pollFeed(feed, states[i], ctx()),
    );
    const secs = (performance.now() - t0) / 1000;
    const elu = performance.eventLoopUtilization(elu0);
    const cpu = process.cpuUsage(cpu0);
    const srv1 = await serverStats();
    const items = outs.reduce((s, o) => s + o.items.length, 0);
    const by = (st: string) => outs.filter((o) => o.status === st).length;
    console.log(
      `${label}: ${n} feeds in ${secs.toFixed(2)} s = ${(n / secs).toFixed(0)} feeds/s, ${items} new items = ${(items / secs).toFixed(0)} items/s ` +
        `(ok ${by('ok')}, 304 ${by('not-modified')}, errors ${by('error')})`,
    );
    console.log(
      `  main thread busy ${(elu.utilization * 100).toFixed(0)}%; CPU per feed: poller ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms ` +
        `(user ${(cpu.user / 1000 / n).toFixed(2)}, sys ${(cpu.system / 1000 / n).toFixed(2)}), ` +
        `server ${((srv1.cpuMs - srv0.cpuMs) / n).toFixed(2)} ms; server connections so far ${srv1.connections}`,
    );
    const err = outs.find((o) => o.status === 'error');
    if (err) console.log(`  first error: ${err.error}`);
    return outs;
  };

  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(
    `serving ${feeds} distinct feed bodies as ${n} feeds; concurrency ${concurrency}; ${pool === null ? 'inline parsing' : `parse pool of ${(pool ?? sharedParsePool()).size}, bodies from ${(pool ?? sharedParsePool()).minBytes / 1024} KiB`}; ` +
      `${process.version}; ${os.availableParallelism()} CPUs, load average ${load()}`,
  );
  // Warm-up so JIT and keep-alive sockets do not count against either pass.
  await mapLimit(urls.slice(0, 200), concurrency, (f) => pollFeed(f, undefined, ctx()));
  let outs = await run('(a) 200 OK, full parse', []);
  for (let r = 0; r < rounds; r++) {
    await fetch(`${base}/changed/${Math.floor(n * (1 - changedShare))}`);
    const states = outs.map((o) => o.state);
    outs = await run(`(b) mostly 304 (${Math.round(changedShare * 100)}% changed)`, states);
  }
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB; load average ${load()}`);
  await pool?.close();
  await closeParsePool();
  child.kill();
}

if (process.argv[2] === 'serve') serve();
else await main();
