import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { LeaseSlot } from './index.js';

/** The table every namespace shares, keys prefixed by namespace (as Keyv writes them). */
const TABLE = 'threadline';

/** How long an operation waits for a server that is down or restarting before it fails. */
export const POSTGRES_OUTAGE_MS = 60_000;

const SERVER_GONE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
]);

/**
 * Whether an error says the server is not there right now (refused, reset, shutting down or starting up)
 * rather than that the query is wrong. SQLSTATE class 08 is a connection exception.
 */
function serverGone(err: unknown): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (SERVER_GONE.has(code) || code.startsWith('08'))) return true;
  // pg tells of a connection that died under a query, or of a connect that timed out, by message only.
  return (
    typeof message === 'string' &&
    /^(connection terminated|timeout exceeded when trying to connect)/i.test(message)
  );
}

/**
 * Creates the table once per pool, on first use; a failed attempt (the server was down) is tried again by the
 * next operation instead of failing every later one.
 */
export class PostgresTable {
  private created?: Promise<void>;

  constructor(
    readonly pool: pg.Pool,
    private readonly outageMs = POSTGRES_OUTAGE_MS,
  ) {}

  /**
   * Runs a query, waiting out a server restart: while the server is unreachable the query is tried again, a
   * little less often each time, for up to `outageMs`. Every query the store makes is safe to repeat (reads,
   * upserts, deletes), even one the server finished before the connection broke.
   */
  async query<R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const giveUpAt = Date.now() + this.outageMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        await this.ready();
        return await this.pool.query<R>(sql, values);
      } catch (err) {
        const left = giveUpAt - Date.now();
        if (!serverGone(err) || left <= 0) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
      }
    }
  }

  /** The worker lease's record under `key` (see `LeaseSlot`): each statement is atomic. */
  leaseSlot(key: string): LeaseSlot {
    return {
      read: async () =>
        (await this.query<{ value: string }>(`SELECT value FROM ${TABLE} WHERE key = $1`, [key])).rows[0]
          ?.value,
      swap: async (owner, record) => {
        const res =
          owner === undefined
            ? await this.query(
                `INSERT INTO ${TABLE} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key`,
                [key, record],
              )
            : await this.query(
                `UPDATE ${TABLE} SET value = $2 WHERE key = $1 AND value::json->>'owner' = $3 RETURNING key`,
                [key, record, owner],
              );
        return res.rowCount === 1;
      },
      drop: async (owner) => {
        await this.query(`DELETE FROM ${TABLE} WHERE key = $1 AND value::json->>'owner' = $2`, [key, owner]);
      },
    };
  }

  /** Deletes the values whose time limit was before `now`. */
  async deleteExpired(now: number): Promise<void> {
    await this.query(`DELETE FROM ${TABLE} WHERE expires IS NOT NULL AND expires < $1`, [now]);
  }

  ready(): Promise<void> {
    // `expires` (epoch ms) lets values with a time limit be deleted once it has passed (see `purge`); a table
    // made by an earlier version gets the column.
    this.created ??= this.pool
      .query(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires BIGINT);` +
          `ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS expires BIGINT`,
      )
      .then(
        () => undefined,
        (err: { code?: string }) => {
          // Two processes creating the table at once: the other one won, which is as good.
          if (err.code === '23505' || err.code === '42P07') return;
          this.created = undefined;
          throw err;
        },
      );
    return this.created;
  }
}

/** Longest key stored as it is: a btree index entry holds at most 2,704 bytes. */
const KEY_BYTES_MAX = 1_000;

/**
 * The key as stored: a longer one (an article URL with a long tracking query) is its first 200 characters
 * (which keep its namespace, for `clear`) and a hash of the whole.
 */
function storedKey(key: string): string {
  if (Buffer.byteLength(key) <= KEY_BYTES_MAX) return key;
  return `${key.slice(0, 200)}#sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * A Keyv store adapter over one Postgres table, on a pool the store owns (so that the store decides when it
 * ends, and errors of idle connections are heard). Keys are unbounded text: feed and article URLs are keys.
 * Each value's time limit is kept beside it, so that the store can delete those past it.
 */
export class PostgresAdapter extends EventEmitter {
  namespace?: string;
  readonly opts = { dialect: 'postgres', table: TABLE };

  constructor(private readonly table: PostgresTable) {
    super();
  }

  async get(key: string): Promise<string | undefined> {
    const res = await this.table.query<{ value: string }>(`SELECT value FROM ${TABLE} WHERE key = $1`, [
      storedKey(key),
    ]);
    return res.rows[0]?.value;
  }

  async getMany(keys: string[]): Promise<(string | undefined)[]> {
    const stored = keys.map(storedKey);
    const res = await this.table.query<{ key: string; value: string }>(
      `SELECT key, value FROM ${TABLE} WHERE key = ANY($1)`,
      [stored],
    );
    const found = new Map(res.rows.map((r) => [r.key, r.value]));
    return stored.map((k) => found.get(k));
  }

  async set(key: string, value: string, ttl?: number): Promise<boolean> {
    const expires = ttl && ttl > 0 ? Date.now() + ttl : null;
    await this.table.query(
      `INSERT INTO ${TABLE} (key, value, expires) VALUES ($1, $2, $3) ` +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires',
      [storedKey(key), value, expires],
    );
    return true;
  }

  async delete(key: string): Promise<boolean> {
    const res = await this.table.query(`DELETE FROM ${TABLE} WHERE key = $1`, [storedKey(key)]);
    return (res.rowCount ?? 0) > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const res = await this.table.query(`DELETE FROM ${TABLE} WHERE key = ANY($1)`, [keys.map(storedKey)]);
    return (res.rowCount ?? 0) > 0;
  }

  async has(key: string): Promise<boolean> {
    const res = await this.table.query(`SELECT 1 FROM ${TABLE} WHERE key = $1`, [storedKey(key)]);
    return res.rows.length > 0;
  }

  /** Empties this adapter's namespace (the whole table when it has none). */
  async clear(): Promise<void> {
    if (!this.namespace) {
      await this.table.query(`DELETE FROM ${TABLE}`, []);
      return;
    }
    const prefix = `${this.namespace}:`.replace(/[\\%_]/g, (c) => `\\${c}`);
    await this.table.query(`DELETE FROM ${TABLE} WHERE key LIKE $1`, [`${prefix}%`]);
  }

  async disconnect(): Promise<void> {
    // The store ends the pool it shares among its namespaces.
  }
}
