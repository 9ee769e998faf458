import { describe, expect, it } from 'vitest';
import { isValidTimeZone, lastOccurrence, localDate, parseClockTime } from '../../src/deliver/zoned-time.js';

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

  it('gives the local calendar date', () => {
    expect(localDate(new Date('2026-01-15T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-01-16');
    expect(localDate(new Date('2026-01-15T23:30:00Z'), 'UTC')).toBe('2026-01-15');
  });
});
