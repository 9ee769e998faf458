import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { StoreLease } from '../../src/store/lease.js';

describe('store lease', () => {
  it('lets one worker use a store at a time, naming the holder to the other', async () => {
    const store = openStore('memory://');
    const elsewhere = new StoreLease(store, { holder: { host: 'worker-2.internal', pid: 4242 } });
    await elsewhere.acquire();
    await expect(new StoreLease(store).acquire()).rejects.toThrow(
      /another Threadline worker \(process 4242 on worker-2\.internal, running since .*\) is using the store memory:\/\/; stop it first/,
    );
    await elsewhere.release();
    const here = new StoreLease(store);
    await here.acquire();
    await here.release();
  });

  it('takes over a lease that ran out, or that a process gone from this host left behind', async () => {
    const store = openStore('memory://');
    let now = 0;
    const stopped = new StoreLease(store, {
      ttlMs: 1000,
      now: () => now,
      holder: { host: 'elsewhere', pid: 1 },
    });
    await stopped.acquire();
    now = 999;
    await expect(new StoreLease(store, { now: () => now }).acquire()).rejects.toThrow(/free in 1 s/);
    now = 1001;
    await new StoreLease(store, { now: () => now }).acquire();

    // No process has this id: the worker that held the lease here crashed, and a new one takes over at once.
    const left = openStore('memory://');
    await new StoreLease(left, { holder: { host: hostname(), pid: 2 ** 22 + 12345 } }).acquire();
    await new StoreLease(left).acquire();
    // A live process on this host (the one that started this test) keeps its lease.
    const store2 = openStore('memory://');
    await new StoreLease(store2, { holder: { host: hostname(), pid: process.ppid } }).acquire();
    await expect(new StoreLease(store2).acquire()).rejects.toThrow(/another Threadline worker/);
  });
});
