import { describe, expect, it } from 'vitest';
import {
  isValidTimeZone,
  lastOccurrence,
  localDate,
  parseClockTime,
  timeZoneNames,
} from '../../src/deliver/zoned-time.js';

describe('zoned time', () => {
  it('parses HH:MM and rejects anything else', () => {
    expect(parseClockTime('08:00')).toEqual({ hour: 8, minute: 0 });
    expect(parseClockTime('7:05')).toEqual({ hour: 7, minute: 5 });
    for (const bad of ['24:00', '12:60', '8am', '', '12:5']) expect(parseClockTime(bad)).toBeUndefined();
  });

  it('knows IANA zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('finds the last local occurrence of a clock time, across zones and days', () => {
    const now = new Date('2026-01-15T10:30:00Z');
    expect(lastOccurrence(now, '08:00', 'UTC').toISOString()).toBe('2026-01-15T08:00:00.000Z');
    // Berlin is UTC+1 in winter: 08:00 local is 07:00 UTC.
    expect(lastOccurrence(now, '08:00', 'Europe/Berlin').toISOString()).toBe('2026-01-15T07:00:00.000Z');
    // 11:00 in Berlin (10:00 UTC) has passed; 12:00 has not, so yesterday's.
    expect(lastOccurrence(now, '11:00', 'Europe/Berlin').toISOString()).toBe('2026-01-15T10:00:00.000Z');
    expect(lastOccurrence(now, '12:00', 'Europe/Berlin').toISOString()).toBe('2026-01-14T11:00:00.000Z');
    // New York is UTC-5 in winter: on the 15th at 10:30 UTC it is 05:30 local, so 08:00 was the 14th.
    expect(lastOccurrence(now, '08:00', 'America/New_York').toISOString()).toBe('2026-01-14T13:00:00.000Z');
  });

  it('follows daylight saving time', () => {
    // Berlin is UTC+2 in July.
    expect(lastOccurrence(new Date('2026-07-01T12:00:00Z'), '08:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-07-01T06:00:00.000Z',
    );
  });

  it('takes a time the clocks skip on the same local day, and a time they pass twice at its first', () => {
    // Santiago springs forward from 00:00 to 01:00 on 2025-09-07: 00:30 does not exist that night.
    const skipped = lastOccurrence(new Date('2025-09-07T12:00:00Z'), '00:30', 'America/Santiago');
    expect(localDate(skipped, 'America/Santiago')).toBe('2025-09-07');
    expect(skipped.toISOString()).toBe('2025-09-07T04:30:00.000Z');
    // New York: 02:30 is skipped on 2026-03-08 (02:00 -> 03:00) and happens twice on 2026-11-01.
    const spring = lastOccurrence(new Date('2026-03-08T12:00:00Z'), '02:30', 'America/New_York');
    expect(spring.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(localDate(spring, 'America/New_York')).toBe('2026-03-08');
    const fall = lastOccurrence(new Date('2026-11-01T12:00:00Z'), '01:30', 'America/New_York');
    expect(fall.toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('gives the local calendar date', () => {
    expect(localDate(new Date('2026-01-15T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-01-16');
    expect(localDate(new Date('2026-01-15T23:30:00Z'), 'UTC')).toBe('2026-01-15');
  });
});

describe('timeZoneNames', () => {
  it('offers UTC first and renamed zones under their current names, all of them valid', () => {
    const names = timeZoneNames();
    expect(names[0]).toBe('UTC');
    for (const zone of ['Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'America/Nuuk', 'Europe/Berlin'])
      expect(names).toContain(zone);
    expect(names.filter((z) => !isValidTimeZone(z))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });
});
