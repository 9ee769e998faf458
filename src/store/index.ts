import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import KeyvRedis, { createClient, type RedisClientType } from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import pg from 'pg';
import { POSTGRES_OUTAGE_MS, PostgresAdapter, PostgresTable } from './postgres.js';

/** Every namespace the product keeps; one Keyv each, so keys never collide. */
export type Namespace =
  | 'meta'
  | 'log'
  | 'seen'
  | 'feeds'
  | 'deliveries'
  | 'subscriptions'
  | 'channels'
  | 'installations'
  | 'articles';

/**
 * The worker lease's record (JSON with an `owner` field), kept beside the namespaces and changed only by
 * atomic compare-and-set: with a read followed by a write, two workers starting at once on two hosts could
 * both find the store free and both take it.
 */
export interface LeaseSlot {
  /** The record as stored, or undefined when no worker holds the store. */
  read(): Promise<string | undefined>;
  /**
   * Stores `record` if the record's owner is still `owner` (undefined: if there is no record). False when
   * another write came first; a write whose answer was lost may still have been made, so read it back then.
   */
  swap(owner: string | undefined, record: string): Promise<boolean>;
  /** Deletes the record if `owner` holds it. */
  drop(owner: string): Promise<void>;
}

export interface Store {
  /** The store's URL without any password, fit for logs and messages. */
  readonly url: string;
  ns<V = unknown>(name: Namespace): Keyv<V>;
  readonly lease: LeaseSlot;
  /** Checks that the store can be reached, with an error that says which store and why when it cannot. */
  open(): Promise<void>;
  /** Deletes the values whose time limit has passed; a store also does so by itself, hourly, as it is written. */
  purgeExpired(): Promise<void>;
  /** Lets the operations under way finish (for a few seconds at most), then closes. */
  close(): Promise<void>;
}

export class StoreError extends Error {
  override name = 'StoreError';
}

/** How long a connection to a store server may take before the store reports it unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;
/** The lease record's key: outside every namespace, which Keyv prefixes to its keys (`meta:…`). */
const LEASE_KEY = 'lease:worker';

/** Longest `close` waits for the operations under way. */
const CLOSE_WAIT_MS = 10_000;
/** How often values past their time limit are deleted, at most. */
const PURGE_EVERY_MS = 3_600_000;

/** `url` with its password (if any) masked. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}

/**
 * Opens the store named by a URL: `sqlite://PATH` (created if missing), `memory://`,
 * `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS) or
 * `postgres://[user:password@]host[:port]/database` (a `threadline` table, created if missing).
 */
export interface StoreOptions {
  /** Redis: how long an operation waits on a server that does not answer before it fails (default 60 s). */
  answerWithinMs?: number;
}

export function openStore(url: string, options: StoreOptions = {}): Store {
  const colon = url.indexOf('://');
  if (colon < 0) {
    throw new StoreError(
      `store "${redactUrl(url)}" is not a URL (use sqlite://PATH, redis://HOST, postgres://HOST/DB or memory://)`,
    );
  }
  const scheme = url.slice(0, colon);
  if (scheme === 'memory') return new KeyvStore(url, () => undefined);
  if (scheme === 'sqlite') {
    const path = url.slice('sqlite://'.length);
    if (!path) throw new StoreError(`store URL ${url} names no file`);
    const file = path === ':memory:' ? path : resolve(path);
    if (file !== ':memory:') {
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (err) {
        throw new StoreError(`cannot create the folder of SQLite store ${file}: ${(err as Error).message}`);
      }
    }
    return new KeyvStore(
      url,
      () => new KeyvSqlite({ uri: `sqlite://${file}`, table: 'threadline', busyTimeout: 10_000 }),
      file,
    );
  }
  if (scheme === 'redis' || scheme === 'rediss') return new RedisStore(url, options.answerWithinMs);
  if (scheme === 'postgres' || scheme === 'postgresql') return new PostgresStore(url);
  throw new StoreError(
    `store URL scheme "${scheme}" is not supported (use sqlite://, redis://, postgres:// or memory://)`,
  );
}

/** Keyv's operations, which `close` waits for. */
const OPERATIONS = new Set(['get', 'getMany', 'set', 'setMany', 'delete', 'deleteMany', 'has', 'clear']);

/**
 * One Keyv per namespace, made on first use and kept; subclasses say how a namespace's Keyv is made. The
 * operations under way are counted, so that `close` lets them finish: a write still in flight when the
 * connection closed was lost (a command answered "done", a lease renewal), or failed half done.
 */
abstract class NamespacedStore implements Store {
  private readonly spaces = new Map<Namespace, Keyv>();
  private readonly inflight = new Set<Promise<unknown>>();
  private closing = false;
  readonly url: string;

  constructor(url: string) {
    this.url = redactUrl(url);
  }

  ns<V = unknown>(name: Namespace): Keyv<V> {
    let keyv = this.spaces.get(name);
    if (!keyv) {
      const made = this.create(name);
      // Failures reach the caller through the operation's promise (throwOnErrors); an error event nobody
      // listens to would end the process.
      made.on('error', () => undefined);
      keyv = new Proxy(made, {
        get: (target, prop, receiver) => {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function' || !OPERATIONS.has(prop as string)) return value;
          return (...args: unknown[]) => {
            // Keyv's operations are idempotent: one cut off by a dropped connection is sent again.
            const operation = () => value.apply(target, args) as Promise<unknown>;
            const running = this.track(() => operation().catch((err) => this.again(err, operation)));
            if (prop === 'set' || prop === 'setMany') this.schedulePurge();
            return running;
          };
        },
      });
      this.spaces.set(name, keyv);
    }
    return keyv as Keyv<V>;
  }

  /** How long an operation may wait on a server that does not answer before it fails; none by default. */
  protected readonly answerWithinMs?: number;

  readonly lease: LeaseSlot = {
    read: () => this.track(() => this.slot().read()) as Promise<string | undefined>,
    swap: (owner, record) => this.track(() => this.slot().swap(owner, record)) as Promise<boolean>,
    drop: (owner) => this.track(() => this.slot().drop(owner)) as Promise<void>,
  };

  private madeSlot?: LeaseSlot;

  /** Made on first use: SQLite's needs an adapter, which opens the file. */
  private slot(): LeaseSlot {
    this.madeSlot ??= this.leaseSlot();
    return this.madeSlot;
  }

  /** The lease record's compare-and-set, in the store's own terms. */
  protected abstract leaseSlot(): LeaseSlot;

  /**
   * When `err` says the connection dropped after an operation was sent and before its answer came, a promise
   * that resolves once the operation can be sent again; undefined for any other error (and by default).
   */
  protected resendable(_err: unknown): Promise<void> | undefined {
    return undefined;
  }

  /** `operation` once more when `err` cut off its first try (see `resendable`); else `err` again. */
  private again(err: unknown, operation: () => Promise<unknown>): Promise<unknown> {
    return this.resendable(err)?.then(operation) ?? Promise.reject(err);
  }

  private track(operation: () => Promise<unknown>): Promise<unknown> {
    if (this.closing) return Promise.reject(new StoreError(`the store ${this.url} is closed`));
    const running = this.answerWithinMs ? this.withinTime(operation(), this.answerWithinMs) : operation();
    this.inflight.add(running);
    const done = () => this.inflight.delete(running);
    running.then(done, done);
    return running;
  }

  /** `running`, or a StoreError once `ms` have passed without its answer. */
  private withinTime<T>(running: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreError(`the store ${this.url} has not answered for ${ms / 1000} s`)),
        ms,
      );
      timer.unref();
    });
    return Promise.race([running, late]).finally(() => clearTimeout(timer));
  }

  private purgedAt = 0;

  /**
   * Values with a time limit (cached article pages, item ids of pruned items, story notes) are deleted once it
   * has passed, at most an hour after; Keyv alone deletes one only when it is read again, which most never are.
   */
  private schedulePurge(): void {
    const now = Date.now();
    if (now - this.purgedAt < PURGE_EVERY_MS || this.closing) return;
    this.purgedAt = now;
    this.purgeExpired().catch(() => undefined);
  }

  async purgeExpired(): Promise<void> {
    await this.track(() => this.deleteExpired(Date.now()));
  }

  /** Deletes the values whose time limit was before `now`; stores that expire values themselves do nothing. */
  protected async deleteExpired(_now: number): Promise<void> {}

  abstract open(): Promise<void>;

  async close(): Promise<void> {
    this.closing = true;
    // What is under way finishes first (within a bound: a store that stopped answering must not hold the
    // shutdown for good).
    const deadline = Date.now() + CLOSE_WAIT_MS;
    while (this.inflight.size && Date.now() < deadline) {
      await Promise.race([
        Promise.allSettled([...this.inflight]),
        new Promise((resolve) => setTimeout(resolve, deadline - Date.now()).unref()),
      ]);
    }
    this.spaces.clear();
    await this.release();
  }

  protected abstract create(name: Namespace): Keyv;
  protected abstract release(): Promise<void>;
}

/** SQLite (one adapter per namespace, all in one table) or memory. */
class KeyvStore extends NamespacedStore {
  private readonly adapters: KeyvSqlite[] = [];
  /** A memory store's namespaces: Keyv's serialized values by key. */
  private readonly maps: Map<string, unknown>[] = [];

  constructor(
    url: string,
    private readonly makeAdapter: () => KeyvSqlite | undefined,
    /** The SQLite file, for messages; none for memory. */
    private readonly file?: string,
  ) {
    super(url);
  }

  protected create(name: Namespace): Keyv {
    const adapter = this.makeAdapter();
    if (adapter) {
      this.adapters.push(adapter);
      // The adapter opens its file at once but reports a failure only to queries: one now gives the failure a
      // handler, so that it reaches open() and the operations that need the store instead of ending the process.
      adapter.query('SELECT 1').catch(() => undefined);
    }
    const map = adapter ? undefined : new Map<string, unknown>();
    if (map) this.maps.push(map);
    return new Keyv({
      store: adapter ?? map,
      namespace: name,
      useKeyPrefix: true,
      throwOnErrors: true,
    });
  }

  async open(): Promise<void> {
    // SQLite opens its file on first use: one read now reports a file that cannot be opened or written, naming
    // it, before the worker starts; memory cannot fail.
    if (this.file === undefined) return;
    try {
      await this.ns('meta').get('store-check');
    } catch (err) {
      throw new StoreError(`cannot open SQLite store ${this.file}: ${(err as Error).message}`);
    }
  }

  /** A memory store's lease record. */
  private memoryLease?: string;

  protected leaseSlot(): LeaseSlot {
    if (this.file === undefined) {
      // One process: nothing else can come between the check and the write.
      return {
        read: async () => this.memoryLease,
        swap: async (owner, record) => {
          if (leaseOwner(this.memoryLease) !== owner) return false;
          this.memoryLease = record;
          return true;
        },
        drop: async (owner) => {
          if (leaseOwner(this.memoryLease) === owner) this.memoryLease = undefined;
        },
      };
    }
    // Each statement is atomic in SQLite, across processes too; RETURNING says whether it wrote.
    this.ns('meta');
    const db = this.adapters[0]!;
    return {
      read: async () => {
        const rows = (await db.query('SELECT value FROM threadline WHERE key = ?', LEASE_KEY)) as {
          value: string;
        }[];
        return rows[0]?.value;
      },
      swap: async (owner, record) => {
        const rows = (await (owner === undefined
          ? db.query(
              'INSERT INTO threadline (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING RETURNING key',
              LEASE_KEY,
              record,
            )
          : db.query(
              "UPDATE threadline SET value = ? WHERE key = ? AND json_extract(value, '$.owner') = ? RETURNING key",
              record,
              LEASE_KEY,
              owner,
            ))) as unknown[];
        return rows.length === 1;
      },
      drop: async (owner) => {
        await db.query(
          "DELETE FROM threadline WHERE key = ? AND json_extract(value, '$.owner') = ?",
          LEASE_KEY,
          owner,
        );
      },
    };
  }

  protected override async deleteExpired(now: number): Promise<void> {
    // In memory, as in the table: Keyv deletes an expired value only when it is read again.
    for (const map of this.maps) {
      for (const [key, raw] of map) if (expiresOf(raw) < now) map.delete(key);
    }
    // Keyv keeps a value as JSON with its `expires` (epoch ms); every namespace shares the one table.
    await this.adapters[0]?.query(
      "DELETE FROM threadline WHERE json_valid(value) AND json_extract(value, '$.expires') < ?",
      now,
    );
  }

  protected async release(): Promise<void> {
    // An adapter whose file never opened has nothing to close; its error was reported when it was used.
    await Promise.all(this.adapters.map((a) => a.disconnect().catch(() => undefined)));
    this.adapters.length = 0;
  }
}

/** When a value Keyv stored runs out (epoch ms); never for one without a time limit. */
function expiresOf(raw: unknown): number {
  const value = typeof raw === 'string' ? (JSON.parse(raw) as { expires?: unknown }) : raw;
  const expires = (value as { expires?: unknown } | undefined)?.expires;
  return typeof expires === 'number' ? expires : Number.POSITIVE_INFINITY;
}

/** The owner named in a lease record; undefined for none. */
function leaseOwner(record: string | undefined): string | undefined {
  return record === undefined ? undefined : (JSON.parse(record) as { owner: string }).owner;
}

/** Sets KEYS[1] to ARGV[2] if its record's owner is ARGV[1] ('' for no record); 1 if it did. */
const SWAP_SCRIPT = `
local held = redis.call('GET', KEYS[1])
local owner = held and cjson.decode(held).owner or ''
if owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

/** Deletes KEYS[1] if its record's owner is ARGV[1]. */
const DROP_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if held and cjson.decode(held).owner == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Redis: one connection shared by every namespace, each namespace a key prefix ("threadline:log:…"). Errors
 * are thrown, never swallowed, so that a write the worker relies on cannot silently fail.
 */
class RedisStore extends NamespacedStore {
  private readonly client: RedisClientType;
  /**
   * The client waits out a server that went away (commands queue until it is back), which is right for a
   * restart; one that stays away fails each operation after as long as Postgres's outages are waited out,
   * rather than holding a pass, and every later one, for good.
   */
  protected override readonly answerWithinMs: number;
  private connectedOnce = false;

  constructor(url: string, answerWithinMs = POSTGRES_OUTAGE_MS) {
    super(url);
    this.answerWithinMs = answerWithinMs;
    this.client = createClient({
      url,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        // A server that went away (a restart, a failover) is waited for as long as it takes; one that never
        // answered is given up on quickly, so that start-up fails with a clear error.
        reconnectStrategy: (retries: number, cause: Error) =>
          this.connectedOnce || retries < 3 ? Math.min(2 ** retries * 100, 5_000) : cause,
      },
    }) as RedisClientType;
    this.client.on('ready', () => {
      this.connectedOnce = true;
    });
    // A connection error is reported through the operation that needed it; without a listener the client's
    // error event would crash the process.
    this.client.on('error', () => undefined);
  }

  protected create(name: Namespace): Keyv {
    const adapter = new KeyvRedis(this.client, {
      namespace: `threadline:${name}`,
      throwOnConnectError: true,
      throwOnErrors: true,
      connectionTimeout: CONNECT_TIMEOUT_MS,
    });
    return new Keyv({
      store: adapter as KeyvStoreAdapter,
      namespace: `threadline:${name}`,
      useKeyPrefix: false,
      throwOnErrors: true,
    });
  }

  /**
   * A command on a connection that closed or was reset before its answer: the client fails it at once, whether
   * or not the server ran it.
   */
  protected override resendable(err: unknown): Promise<void> | undefined {
    const cutOff =
      err instanceof Error && /socket closed unexpectedly|\bECONNRESET\b|\bEPIPE\b/i.test(err.message);
    return cutOff ? this.reconnected() : undefined;
  }

  /**
   * The error can come before the client has seen its connection close: it sees that first, then the command
   * waits for the server as any command made while it is down does.
   */
  private async reconnected(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    // Not `once` from node:events, which gives up at the first 'error': a failed reconnection attempt.
    if (!this.client.isReady)
      await new Promise<void>((resolve) => this.client.once('ready', () => resolve()));
  }

  protected leaseSlot(): LeaseSlot {
    const key = `threadline:${LEASE_KEY}`;
    return {
      read: async () => (await this.client.get(key)) ?? undefined,
      // A script runs alone on the server: nothing comes between its check and its write.
      swap: async (owner, record) =>
        (await this.client.eval(SWAP_SCRIPT, { keys: [key], arguments: [owner ?? '', record] })) === 1,
      drop: async (owner) => {
        await this.client.eval(DROP_SCRIPT, { keys: [key], arguments: [owner] });
      },
    };
  }

  async open(): Promise<void> {
    try {
      if (!this.client.isOpen) await this.client.connect();
      await this.client.ping();
    } catch (err) {
      throw new StoreError(`cannot reach the Redis store at ${this.url}: ${(err as Error).message}`);
    }
  }

  protected async release(): Promise<void> {
    if (this.client.isOpen) await this.client.close();
  }
}

/**
 * Postgres: one table, `threadline`, with each namespace a key prefix, as in SQLite; all namespaces share one
 * connection pool, which `close` ends. A connection the server drops is replaced on the next query.
 */
class PostgresStore extends NamespacedStore {
  private readonly pool: pg.Pool;
  private readonly table: PostgresTable;

  constructor(connectionString: string) {
    super(connectionString);
    this.pool = new pg.Pool({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle connection the server closed (a restart) is an error event on the pool; unheard, it would end
    // the process. The pool drops that connection and opens another when next needed.
    this.pool.on('error', () => undefined);
    this.table = new PostgresTable(this.pool);
  }

  protected create(name: Namespace): Keyv {
    const adapter = new PostgresAdapter(this.table) as unknown as KeyvStoreAdapter;
    return new Keyv({ store: adapter, namespace: name, useKeyPrefix: true, throwOnErrors: true });
  }

  protected leaseSlot(): LeaseSlot {
    return this.table.leaseSlot(LEASE_KEY);
  }

  async open(): Promise<void> {
    try {
      await this.table.ready();
    } catch (err) {
      throw new StoreError(`cannot reach the Postgres store at ${this.url}: ${(err as Error).message}`);
    }
  }

  protected override async deleteExpired(now: number): Promise<void> {
    await this.table.deleteExpired(now);
  }

  protected async release(): Promise<void> {
    await this.pool.end();
  }
}
