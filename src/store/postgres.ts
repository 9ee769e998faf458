import { EventEmitter } from 'node:events';
import type pg from 'pg';

/** The table every namespace shares, keys prefixed by namespace (as Keyv writes them). */
const TABLE = 'threadline';

/**
 * Creates the table once per pool, on first use; a failed attempt (the server was down) is tried again by the
 * next operation instead of failing every later one.
 */
export class PostgresTable {
  private created?: Promise<void>;

  constructor(readonly pool: pg.Pool) {}

  ready(): Promise<void> {
    this.created ??= this.pool
      .query(`CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`)
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

/**
 * A Keyv store adapter over one Postgres table, on a pool the store owns (so that the store decides when it
 * ends, and errors of idle connections are heard). Keys are unbounded text: feed and article URLs are keys.
 */
export class PostgresAdapter extends EventEmitter {
  namespace?: string;
  readonly opts = { dialect: 'postgres', table: TABLE };

  constructor(private readonly table: PostgresTable) {
    super();
  }

  private async query<R extends pg.QueryResultRow>(
    sql: string,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    await this.table.ready();
    return this.table.pool.query<R>(sql, values);
  }

  async get(key: string): Promise<string | undefined> {
    const res = await this.query<{ value: string }>(`SELECT value FROM ${TABLE} WHERE key = $1`, [key]);
    return res.rows[0]?.value;
  }

  async getMany(keys: string[]): Promise<(string | undefined)[]> {
    const res = await this.query<{ key: string; value: string }>(
      `SELECT key, value FROM ${TABLE} WHERE key = ANY($1)`,
      [keys],
    );
    const found = new Map(res.rows.map((r) => [r.key, r.value]));
    return keys.map((k) => found.get(k));
  }

  async set(key: string, value: string): Promise<boolean> {
    await this.query(
      `INSERT INTO ${TABLE} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [key, value],
    );
    return true;
  }

  async delete(key: string): Promise<boolean> {
    const res = await this.query(`DELETE FROM ${TABLE} WHERE key = $1`, [key]);
    return (res.rowCount ?? 0) > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const res = await this.query(`DELETE FROM ${TABLE} WHERE key = ANY($1)`, [keys]);
    return (res.rowCount ?? 0) > 0;
  }

  async has(key: string): Promise<boolean> {
    const res = await this.query(`SELECT 1 FROM ${TABLE} WHERE key = $1`, [key]);
    return res.rows.length > 0;
  }

  /** Empties this adapter's namespace (the whole table when it has none). */
  async clear(): Promise<void> {
    if (!this.namespace) {
      await this.query(`DELETE FROM ${TABLE}`, []);
      return;
    }
    const prefix = `${this.namespace}:`.replace(/[\\%_]/g, (c) => `\\${c}`);
    await this.query(`DELETE FROM ${TABLE} WHERE key LIKE $1`, [`${prefix}%`]);
  }

  async disconnect(): Promise<void> {
    // The store ends the pool it shares among its namespaces.
  }
}
