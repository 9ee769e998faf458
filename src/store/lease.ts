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

/** Where workers before the atomic lease kept theirs: one of them still running holds the store too. */
const LEGACY_KEY = 'worker-lease';

/** The process holding a lease: its host and process id. */
export interface Holder {
  host: string;
  pid: number;
}

export interface LeaseOptions {
  ttlMs?: number;
  now?: () => number;
  holder?: Holder;
  /**
   * Told when another worker has taken the lease from this one (this one stalled, or could not reach the
   * store, for longer than the lease lasts): this worker must stop, or both would post.
   */
  onLost?: (message: string) => void;
}

/**
 * One worker per store. The item log numbers its entries from the head it holds in memory, so two processes
 * writing one store (a second `start`, or `poll` beside a running worker) would overwrite each other's items,
 * and both would post. A worker holds this lease in the store and renews it while it runs; another refuses to
 * start until it is released or runs out. A lease left on this host by a process that is gone is taken over
 * at once, so a worker restarted after a crash need not wait. Every change is a compare-and-set on the
 * holder, so of two workers starting at once exactly one gets the store.
 */
export class StoreLease {
  private readonly owner = randomUUID();
  private readonly since = new Date().toISOString();
  /** Set while the lease is held. */
  private timer?: NodeJS.Timeout;
  /** When the lease this worker last wrote runs out (epoch ms, by this worker's clock). */
  private until = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: LeaseOptions = {},
  ) {}

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
    const legacy = await this.store.ns<Lease>('meta').get(LEGACY_KEY);
    if (legacy && this.blocks(legacy)) throw this.busy(legacy);
    const held = await this.read();
    if (held && this.blocks(held)) throw this.busy(held);
    if (!(await this.write(held?.owner)))
      throw new StoreError(`another Threadline worker took the store ${this.store.url} at the same moment`);
    this.timer = setInterval(() => void this.renew().catch(() => undefined), this.ttlMs / 3);
    this.timer.unref();
  }

  /**
   * Renews the lease (the worker does so every third of its time); false, and `onLost` told, when another
   * worker has taken it. A store that cannot be reached is an error: the lease may still be ours.
   */
  async renew(): Promise<boolean> {
    if (!this.timer) return false;
    if (await this.write(this.owner)) return true;
    if (!this.timer) return false;
    clearInterval(this.timer);
    this.timer = undefined;
    const now = await this.read().catch(() => undefined);
    this.opts.onLost?.(
      `another Threadline worker${now ? ` (process ${now.pid} on ${now.host})` : ''} took the store ` +
        `${this.store.url} while this one could not renew its hold`,
    );
    return false;
  }

  /**
   * Whether this worker may act as the store's holder now: it holds the lease and its last renewal has not run
   * out. A worker that stalled (a suspended process or machine, a long pause) past that may have lost the store
   * to another before its next renewal finds out, so it does nothing until a renewal succeeds. The margin
   * allows for clocks that differ between hosts.
   */
  get held(): boolean {
    return !!this.timer && this.now() < this.until - this.ttlMs / 6;
  }

  /** Gives the lease up, if it was taken and is still ours; a store that was never reached is not asked. */
  async release(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.store.lease.drop(this.owner);
  }

  private async read(): Promise<Lease | undefined> {
    const record = await this.store.lease.read();
    return record === undefined ? undefined : (JSON.parse(record) as Lease);
  }

  /** Writes this worker's record if `from` holds the lease (undefined: nobody); true if the lease is ours. */
  private async write(from: string | undefined): Promise<boolean> {
    const { host, pid } = this.holder;
    const record: Lease = { owner: this.owner, host, pid, since: this.since, until: this.now() + this.ttlMs };
    // The write may have been made all the same, its answer lost (a connection dropped under it and the query
    // was tried again): the record says whose the lease is.
    const ours =
      (await this.store.lease.swap(from, JSON.stringify(record))) ||
      (await this.read())?.owner === this.owner;
    if (ours) this.until = record.until;
    return ours;
  }

  /** Whether `lease` keeps this worker out: another's, not run out, and not left by a process gone from here. */
  private blocks(lease: Lease): boolean {
    return lease.owner !== this.owner && lease.until > this.now() && !this.gone(lease);
  }

  private busy(held: Lease): StoreError {
    const left = Math.ceil((held.until - this.now()) / 1000);
    return new StoreError(
      `another Threadline worker (process ${held.pid} on ${held.host}, running since ${held.since}) is using ` +
        `the store ${this.store.url}; stop it first (if it was stopped without closing, the store is free in ` +
        `${left} s)`,
    );
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
