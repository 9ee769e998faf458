import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import KeyvRedis, { createClient, type RedisClientType } from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import pg from 'pg';
import { PostgresAdapter, PostgresTable } from './postgres.js';

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

export interface Store {
  /** The store's URL without any password, fit for logs and messages. */
  readonly url: string;
  ns<V = unknown>(name: Namespace): Keyv<V>;
  /** Checks that the store can be reached, with an error that says which store and why when it cannot. */
  open(): Promise<void>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  override name = 'StoreError';
}

/** How long a connection to a store server may take before the store reports it unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/** `url` with its password (if any) masked. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}

/**
 * Opens the store named by a URL: `sqlite://PATH` (created if missing), `memory://`,
 * `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS) or
 * `postgres://[user:password@]host[:port]/database` (a `threadline` table, created if missing).
 */
export function openStore(url: string): Store {
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
  if (scheme === 'redis' || scheme === 'rediss') return new RedisStore(url);
  if (scheme === 'postgres' || scheme === 'postgresql') return new PostgresStore(url);
  throw new StoreError(
    `store URL scheme "${scheme}" is not supported (use sqlite://, redis://, postgres:// or memory://)`,
  );
}

/** One Keyv per namespace, made on first use and kept; subclasses say how a namespace's Keyv is made. */
abstract class NamespacedStore implements Store {
  private readonly spaces = new Map<Namespace, Keyv>();
  readonly url: string;

  constructor(url: string) {
    this.url = redactUrl(url);
  }

  ns<V = unknown>(name: Namespace): Keyv<V> {
    let keyv = this.spaces.get(name);
    if (!keyv) {
      keyv = this.create(name);
      // Failures reach the caller through the operation's promise (throwOnErrors); an error event nobody
      // listens to would end the process.
      keyv.on('error', () => undefined);
      this.spaces.set(name, keyv);
    }
    return keyv as Keyv<V>;
  }

  abstract open(): Promise<void>;

  async close(): Promise<void> {
    this.spaces.clear();
    await this.release();
  }

  protected abstract create(name: Namespace): Keyv;
  protected abstract release(): Promise<void>;
}

/** SQLite (one adapter per namespace, all in one table) or memory. */
class KeyvStore extends NamespacedStore {
  private readonly adapters: KeyvSqlite[] = [];

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
    return new Keyv({
      store: adapter ?? new Map(),
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

  protected async release(): Promise<void> {
    // An adapter whose file never opened has nothing to close; its error was reported when it was used.
    await Promise.all(this.adapters.map((a) => a.disconnect().catch(() => undefined)));
    this.adapters.length = 0;
  }
}

/**
 * Redis: one connection shared by every namespace, each namespace a key prefix ("threadline:log:…"). Errors
 * are thrown, never swallowed, so that a write the worker relies on cannot silently fail.
 */
class RedisStore extends NamespacedStore {
  private readonly client: RedisClientType;
  private connectedOnce = false;

  constructor(url: string) {
    super(url);
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

  async open(): Promise<void> {
    try {
      await this.table.ready();
    } catch (err) {
      throw new StoreError(`cannot reach the Postgres store at ${this.url}: ${(err as Error).message}`);
    }
  }

  protected async release(): Promise<void> {
    await this.pool.end();
  }
}
