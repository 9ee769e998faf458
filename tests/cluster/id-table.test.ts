import { describe, expect, it } from 'vitest';
import { rng } from '../../bench/rng.js';
import { IdTable } from '../../src/cluster/id-table.js';

describe('IdTable', () => {
  it('maps ids to values, tells absent ids apart, and overwrites', () => {
    const t = new IdTable();
    t.set('rumca-1', 7);
    t.set('rumca-2', 0);
    expect(t.get('rumca-1')).toBe(7);
    expect(t.get('rumca-2')).toBe(0);
    expect(t.get('rumca-3')).toBe(-1);
    expect(t.has('rumca-2')).toBe(true);
    expect(t.has('rumca-3')).toBe(false);
    t.set('rumca-1', 9);
    expect(t.get('rumca-1')).toBe(9);
    expect(t.size).toBe(2);
  });

  it('finds a key by its characters, not by the string object', () => {
    const t = new IdTable();
    const parts = ['item', '42'];
    t.set(parts.join('-'), 3);
    expect(t.get(`item-${40 + 2}`)).toBe(3);
  });

  it('refuses a value it cannot hold', () => {
    const t = new IdTable();
    expect(() => t.set('a', -1)).toThrow(RangeError);
    expect(() => t.set('a', 1.5)).toThrow(RangeError);
    expect(t.size).toBe(0);
  });

  it('agrees with a Map through growth, removals anywhere in a run, and shrinking', () => {
    const t = new IdTable();
    const m = new Map<string, number>();
    const rand = rng(20261124);
    // Few distinct keys in a long random sequence: runs form, wrap and are cut in the middle by removals.
    for (let step = 0; step < 60_000; step++) {
      const phase = Math.floor(step / 15_000);
      const key = `s-${Math.floor(rand() * (phase % 2 === 0 ? 5_000 : 300))}`;
      const r = rand();
      if (r < (phase % 2 === 0 ? 0.6 : 0.2)) {
        const value = Math.floor(rand() * 1e6);
        t.set(key, value);
        m.set(key, value);
      } else if (r < 0.9) {
        expect(t.delete(key)).toBe(m.delete(key));
      } else {
        expect(t.get(key)).toBe(m.get(key) ?? -1);
      }
      expect(t.size).toBe(m.size);
    }
    for (let k = 0; k < 5_000; k++) expect(t.get(`s-${k}`)).toBe(m.get(`s-${k}`) ?? -1);
  });

  it('finds keys through their values when it keeps none, through growth, removals and shrinking', () => {
    const names = Array.from({ length: 4_000 }, (_, k) => `term-${k}`);
    const t = new IdTable((id) => names[id]!);
    const held = new Set<number>();
    const rand = rng(7);
    for (let step = 0; step < 40_000; step++) {
      const id = Math.floor(rand() * (step < 20_000 ? names.length : 200));
      if (rand() < (step < 20_000 ? 0.6 : 0.3)) {
        t.set(names[id]!, id);
        held.add(id);
      } else expect(t.delete(names[id]!)).toBe(held.delete(id));
      expect(t.size).toBe(held.size);
    }
    for (let id = 0; id < names.length; id++) expect(t.get(names[id]!)).toBe(held.has(id) ? id : -1);
    expect(t.get('term-x')).toBe(-1);
  });

  it('empties completely and fills again', () => {
    const t = new IdTable();
    for (let k = 0; k < 10_000; k++) t.set(`i${k}`, k);
    for (let k = 0; k < 10_000; k++) expect(t.delete(`i${k}`)).toBe(true);
    expect(t.size).toBe(0);
    expect(t.get('i5')).toBe(-1);
    expect(t.delete('i5')).toBe(false);
    for (let k = 0; k < 100; k++) t.set(`j${k}`, k + 1);
    for (let k = 0; k < 100; k++) expect(t.get(`j${k}`)).toBe(k + 1);
  });
});
