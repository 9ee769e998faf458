import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Store, StoreError } from './index.js';

interface Lease {
  owner: string;
  host: string;
  pid: number;
  since: string;
  /** Epoch ms the lease runs out unless renewed. */
  until: number;
}

const KEY = 'worker-lease';

/** The process holding a lease: its host and process id. */
export interface Holder {
  host: string;
  pid: number;
}

/**
 * One worker per store. The item log numbers its entries from the head it holds in memory, so two processes
 * writing one store (a second `start`, or `poll` beside a running worker) would overwrite each other's items.
 * A worker holds this lease in the store and renews it while it runs; another refuses to start until it is
 * released or runs out. A lease left on this host by a process that is gone is taken over at once, so a
 * worker restarted after a crash need not wait.
 */
export class StoreLease {
  private readonly owner = randomUUID();
  private readonly since = new Date().toISOString();
  /** Set while the lease is held. */
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly opts: { ttlMs?: number; now?: () => number; holder?: Holder } = {},
  ) {}

  private get meta() {
    return this.store.ns<Lease>('meta');
  }

  private get ttlMs(): number {
    return this.opts.ttlMs ?? 60_000;
  }

  private get holder(): Holder {
    return this.opts.holder ?? { host: hostname(), pid: process.pid };
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** Takes the lease, or throws a StoreError naming the worker that holds it. */
  async acquire(): Promise<void> {
    const held = await this.meta.get(KEY);
    if (held && held.owner !== this.owner && held.until > this.now() && !this.gone(held)) {
      const left = Math.ceil((held.until - this.now()) / 1000);
      throw new StoreError(
        `another Threadline worker (process ${held.pid} on ${held.host}, running since ${held.since}) is using ` +
          `the store ${this.store.url}; stop it first (if it was stopped without closing, the store is free in ` +
          `${left} s)`,
      );
    }
    await this.renew();
    // Two starting at once both find the lease free: the later write wins, and the other sees it here.
    if ((await this.meta.get(KEY))?.owner !== this.owner)
      throw new StoreError(`another Threadline worker took the store ${this.store.url} at the same moment`);
    this.timer = setInterval(() => void this.renew().catch(() => undefined), this.ttlMs / 3);
    this.timer.unref();
  }

  /** Gives the lease up, if it was taken and is still ours; a store that was never reached is not asked. */
  async release(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if ((await this.meta.get(KEY))?.owner === this.owner) await this.meta.delete(KEY);
  }

  private async renew(): Promise<void> {
    const { host, pid } = this.holder;
    await this.meta.set(KEY, {
      owner: this.owner,
      host,
      pid,
      since: this.since,
      until: this.now() + this.ttlMs,
    });
  }

  /** A lease left on this host by a process that no longer runs (or by this process, before a restart). */
  private gone(lease: Lease): boolean {
    const me = this.holder;
    if (lease.host !== me.host) return false;
    if (lease.pid === me.pid) return true;
    try {
      process.kill(lease.pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}
