import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';

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
  readonly url: string;
  ns<V = unknown>(name: Namespace): Keyv<V>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  override name = 'StoreError';
}

/** Opens the store named by a URL: `sqlite://PATH` (created if missing) or `memory://`. */
export function openStore(url: string): Store {
  const scheme = url.slice(0, url.indexOf('://'));
  if (scheme === 'memory') return new KeyvStore(url, () => undefined);
  if (scheme === 'sqlite') {
    const path = url.slice('sqlite://'.length);
    if (!path) throw new StoreError(`store URL ${url} names no file`);
    const file = path === ':memory:' ? path : resolve(path);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return new KeyvStore(
      url,
      () => new KeyvSqlite({ uri: `sqlite://${file}`, table: 'threadline', busyTimeout: 10_000 }),
    );
  }
  throw new StoreError(`store URL scheme "${scheme}" is not supported yet (use sqlite:// or memory://)`);
}

class KeyvStore implements Store {
  private readonly spaces = new Map<Namespace, Keyv>();
  private readonly adapters: KeyvSqlite[] = [];

  constructor(
    readonly url: string,
    private readonly makeAdapter: () => KeyvSqlite | undefined,
  ) {}

  ns<V = unknown>(name: Namespace): Keyv<V> {
    let keyv = this.spaces.get(name);
    if (!keyv) {
      const adapter = this.makeAdapter();
      if (adapter) this.adapters.push(adapter);
      keyv = new Keyv({
        store: adapter ?? new Map(),
        namespace: name,
        useKeyPrefix: true,
        throwOnErrors: true,
      });
      this.spaces.set(name, keyv);
    }
    return keyv as Keyv<V>;
  }

  async close(): Promise<void> {
    await Promise.all(this.adapters.map((a) => a.disconnect()));
    this.spaces.clear();
  }
}
