import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
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

  it('after a stall past its last renewal, a worker holds off until a renewal succeeds or finds the store taken', async () => {
    const store = openStore('memory://');
    let now = 0;
    let lost = '';
    const stalled = new StoreLease(store, {
      ttlMs: 60_000,
      now: () => now,
      holder: { host: 'worker-1.internal', pid: 1 },
      onLost: (message) => {
        lost = message;
      },
    });
    expect(stalled.held).toBe(false);
    await stalled.acquire();
    expect(stalled.held).toBe(true);
    // Suspended for 55 s: its renewals did not run, and the lease is about to run out.
    now = 55_000;
    expect(stalled.held).toBe(false);
    expect(await stalled.renew()).toBe(true);
    expect(stalled.held).toBe(true);
    // Suspended for two minutes: another worker took the store meanwhile.
    now = 175_000;
    expect(stalled.held).toBe(false);
    await new StoreLease(store, { now: () => now, holder: { host: 'worker-2.internal', pid: 2 } }).acquire();
    expect(stalled.held).toBe(false);
    expect(await stalled.renew()).toBe(false);
    expect(lost).toMatch(/another Threadline worker \(process 2 on worker-2\.internal\) took the store/);
    expect(stalled.held).toBe(false);
  });

  it('of two workers that find the store free at once, exactly one takes it', async () => {
    const store = openStore('memory://');
    const first = new StoreLease(store, { holder: { host: 'worker-1.internal', pid: 1 } });
    // The second reads the store before the first has written, and writes after it has.
    let firstIn!: () => void;
    const firstHolds = new Promise<void>((resolve) => {
      firstIn = resolve;
    });
    const late: Store = Object.create(store);
    Object.defineProperty(late, 'lease', {
      value: {
        ...store.lease,
        read: async () => {
          const record = await store.lease.read();
          await firstHolds;
          return record;
        },
      },
    });
    const second = new StoreLease(late, { holder: { host: 'worker-2.internal', pid: 2 } });
    const secondTries = second.acquire();
    await first.acquire();
    firstIn();
    await expect(secondTries).rejects.toThrow(
      /another Threadline worker took the store memory:\/\/ at the same moment/,
    );
    expect(JSON.parse((await store.lease.read())!)).toMatchObject({ host: 'worker-1.internal', pid: 1 });
    await first.release();
  });

  it('a worker whose lease another took stops renewing, is told who took it, and leaves the new lease be', async () => {
    const store = openStore('memory://');
    let now = 0;
    const lost: string[] = [];
    const stalled = new StoreLease(store, {
      ttlMs: 1000,
      now: () => now,
      holder: { host: 'worker-1.internal', pid: 1 },
      onLost: (message) => lost.push(message),
    });
    await stalled.acquire();
    expect(await stalled.renew()).toBe(true);
    // It stalls past its lease; another worker starts and takes the store.
    now = 1500;
    const next = new StoreLease(store, {
      ttlMs: 1000,
      now: () => now,
      holder: { host: 'worker-2.internal', pid: 2 },
    });
    await next.acquire();
    expect(await stalled.renew()).toBe(false);
    expect(lost).toEqual([
      'another Threadline worker (process 2 on worker-2.internal) took the store memory:// while this one could not renew its hold',
    ]);
    // Told once; its release does not free the store the other now holds.
    expect(await stalled.renew()).toBe(false);
    expect(lost).toHaveLength(1);
    await stalled.release();
    await expect(new StoreLease(store, { now: () => now }).acquire()).rejects.toThrow(
      /process 2 on worker-2\.internal/,
    );
    expect(await next.renew()).toBe(true);
  });

  it('a worker of an earlier version, holding its lease where those kept it, keeps the store', async () => {
    const store = openStore('memory://');
    await store.ns('meta').set('worker-lease', {
      owner: 'earlier',
      host: 'worker-1.internal',
      pid: 7,
      since: '2026-01-01T00:00:00.000Z',
      until: Date.now() + 60_000,
    });
    await expect(new StoreLease(store).acquire()).rejects.toThrow(/process 7 on worker-1\.internal/);
    await store.ns('meta').set('worker-lease', {
      owner: 'earlier',
      host: 'worker-1.internal',
      pid: 7,
      since: '2026-01-01T00:00:00.000Z',
      until: Date.now() - 1,
    });
    await new StoreLease(store).acquire();
  });
});
