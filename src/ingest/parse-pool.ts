/**
 * A small pool of parse worker threads. Parsing feeds and extracting articles are most of the poller's CPU, so
 * large bodies and pages go to the pool and the main thread keeps fetching (and answering chat commands); each
 * job has a time limit, after which its worker is terminated and replaced.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ExtractedPage } from '../extract/page.js';
import { FeedParseError, FetchError } from './errors.js';
import type { ParsedFeed, ParseOptions } from './parse.js';
import {
  PARSE_WORKER,
  type PageReply,
  type ParseReply,
  type ParseRequest,
  type ParseWorkerReady,
  type WorkerReply,
} from './parse-worker.js';

export interface ParsePoolOptions {
  /**
   * Worker threads. Default: one per CPU beyond the first, at least 1 and at most 2. The main thread keeps
   * fetching and parses the bodies below minBytes itself, so it needs a core of its own: with two workers on a
   * 2-CPU machine the three threads contend and throughput drops (bench/ingest.ts).
   */
  size?: number;
  /** Longest one parse may run before its worker is terminated (default 10 s). */
  timeoutMs?: number;
  /** Old-generation heap cap per worker (default 512 MB). */
  heapMb?: number;
  /**
   * Smallest body the poller sends to the pool (default 64 KiB). Smaller ones parse inline: the round trip and
   * a second heap cost more than they save, and at 64 KiB about half the parsing work of a typical mix of
   * feeds still lands in the pool.
   */
  minBytes?: number;
}

type Job = {
  req: DistributiveOmit<ParseRequest, 'id'>;
  transfer: ArrayBuffer[];
  timeoutMs: number;
  resolve: (reply: WorkerReply) => void;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  id?: number;
  timer?: NodeJS.Timeout;
}

function spawnWorker(heapMb: number): Worker {
  const here = import.meta.url;
  // From source (tsx, vitest) this file is .ts and so is the worker; built code has both as .js side by side.
  const fromSource = here.endsWith('.ts');
  const url = new URL(fromSource ? './parse-worker.ts' : './parse-worker.js', here);
  // Library code must not write to the parent's stdout (parse-feed prints JSON there), so output is captured.
  const opts = {
    workerData: PARSE_WORKER,
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
    stdout: true,
    stderr: true,
  };
  // Workers do not inherit tsx's loader; from source, register it inside the worker before loading the module.
  return fromSource
    ? new Worker(
        `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`,
        { ...opts, eval: true },
      )
    : new Worker(url, opts);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export class ParsePool {
  readonly size: number;
  readonly timeoutMs: number;
  readonly minBytes: number;
  private readonly heapMb: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private seq = 0;
  private closed = false;

  constructor(opts: ParsePoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? Math.min(2, availableParallelism() - 1));
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.heapMb = opts.heapMb ?? 512;
    this.minBytes = opts.minBytes ?? 64 * 1024;
  }

  /** Parses waiting for a free worker. */
  get backlog(): number {
    return this.queue.length;
  }

  /** Workers alive now (they start on demand). */
  get workers(): number {
    return this.slots.length;
  }

  /**
   * Parses a fetched body in a worker, resolving or rejecting exactly as parseFeed(body, opts) would. The body's
   * memory is transferred when the Buffer owns all of it (it is unusable afterwards), otherwise copied.
   */
  async parse(body: Buffer, opts: ParseOptions = {}, timeoutMs = this.timeoutMs): Promise<ParsedFeed> {
    // Transferring detaches the whole ArrayBuffer, so a slice of a shared one (Buffer pool, socket reads) is
    // copied into its own first.
    const owned =
      body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
    const r = (await this.run({ body: owned, opts }, [owned.buffer as ArrayBuffer], timeoutMs)) as ParseReply;
    if (r.ok) return r.feed;
    if (r.name === 'FeedParseError') throw new FeedParseError(r.error);
    if (r.name === 'FetchError') throw new FetchError(r.error);
    if (r.name === undefined) throw new FeedParseError(`cannot parse feed: ${r.error}`);
    const e = new Error(r.error);
    e.name = r.name;
    throw e;
  }

  /**
   * Extracts the article of a fetched page in a worker, as extractPage(html, url) would; rejects with the
   * reason when extraction fails, runs past its time or out of memory.
   */
  async extract(html: string, url: string, timeoutMs = this.timeoutMs): Promise<ExtractedPage> {
    const r = (await this.run({ html, url }, [], timeoutMs)) as PageReply;
    if (r.ok) return r.page;
    throw new Error(r.error);
  }

  /** Parses a file in a worker; failures come back as replies with display text, never as rejections. */
  async parseFile(file: string, timeoutMs = this.timeoutMs): Promise<ParseReply> {
    return (await this.run({ file }, [], timeoutMs)) as ParseReply;
  }

  /** Terminates every worker; parses still queued or running fail. The pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ id: 0, ok: false, error: 'parse pool closed' });
    await Promise.all(this.slots.splice(0).map((s) => this.retire(s, 'parse pool closed')));
  }

  private run(req: Job['req'], transfer: ArrayBuffer[], timeoutMs: number): Promise<WorkerReply> {
    if (this.closed) return Promise.resolve({ id: 0, ok: false, error: 'parse pool closed' });
    return new Promise((resolve) => {
      this.queue.push({ req, transfer, timeoutMs, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: spawnWorker(this.heapMb), ready: false };
    const w = slot.worker;
    w.on('message', (m: WorkerReply | ParseWorkerReady) => {
      if ('ready' in m) {
        slot.ready = true;
        if (slot.job) this.startTimer(slot, slot.job);
      } else if (m.id === slot.id) this.finish(slot, m);
    });
    w.on('error', (err: Error & { code?: string }) => {
      const error =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory' : `parser failed: ${err.message}`;
      void this.retire(slot, error);
    });
    w.on('exit', () => void this.retire(slot, 'parser exited unexpectedly'));
    this.slots.push(slot);
    return slot;
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.id = ++this.seq;
    // A busy worker holds the process open like any pending I/O; an idle one never does.
    slot.worker.ref();
    slot.worker.postMessage({ id: slot.id, ...job.req }, job.transfer);
    if (slot.ready) this.startTimer(slot, job);
  }

  private startTimer(slot: Slot, job: Job): void {
    slot.timer = setTimeout(
      () => void this.retire(slot, `timed out after ${seconds(job.timeoutMs)}`),
      job.timeoutMs,
    );
  }

  private finish(slot: Slot, reply: WorkerReply): void {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = slot.timer = slot.id = undefined;
    if (job) job.resolve(reply);
    const next = this.queue.shift();
    if (next) this.dispatch(slot, next);
    else slot.worker.unref();
  }

  /** Drops a worker (time-out, crash, exit, close), failing its parse; a replacement starts if work is queued. */
  private async retire(slot: Slot, error: string): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = slot.timer = undefined;
    job?.resolve({ id: slot.id ?? 0, ok: false, error });
    slot.worker.removeAllListeners('message');
    if (!this.closed) this.pump();
    await slot.worker.terminate();
  }
}

let shared: ParsePool | undefined;

/** The process-wide pool the poller uses; created on first use, workers started on demand. */
export function sharedParsePool(): ParsePool {
  shared ??= new ParsePool();
  return shared;
}

/** Stops the shared pool's workers (a later parse starts a new pool). Call on shutdown. */
export async function closeParsePool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}
