/** Wall-clock arithmetic in IANA time zones with Intl only: no time-zone database of our own. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Current IANA names of zones that ICU (and so Intl) still lists under a former name: people look for Kyiv and
 * Kolkata, not Kiev and Calcutta. Both names work in settings.
 */
const RENAMED_ZONES: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

let zoneNames: string[] | undefined;

/** Every zone name to offer, UTC first: each listed zone under its current name and, if renamed, its former one. */
export function timeZoneNames(): string[] {
  if (!zoneNames) {
    const listed = Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC');
    const known = new Set(listed);
    const current = listed.flatMap((z) => {
      const now = RENAMED_ZONES[z];
      return now && isValidTimeZone(now) && !known.has(now) ? [now, z] : [z];
    });
    zoneNames = ['UTC', ...current];
  }
  return zoneNames;
}

/** A zone's name in the case the list of zones spells it ("europe/berlin" is Europe/Berlin); else as given. */
export function canonicalTimeZone(timeZone: string): string {
  const lower = timeZone.toLowerCase();
  return [...timeZoneNames(), 'UTC'].find((z) => z.toLowerCase() === lower) ?? timeZone;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** HH:MM, 00:00 to 23:59. */
export function parseClockTime(text: string): { hour: number; minute: number } | undefined {
  // 08:00, and as written in much of the world, 8.00 and 8h00.
  const m = /^([01]?\d|2[0-3])[:.h]([0-5]\d)$/.exec(text.trim());
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : undefined;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(t: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return parts as unknown as LocalParts;
}

/** The zone's wall-clock reading at instant `t`, as if it were UTC. */
function wallAt(t: number, timeZone: string): number {
  const p = localParts(t, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** Milliseconds the zone is ahead of UTC at instant `t`. */
function offsetAt(t: number, timeZone: string): number {
  return wallAt(t, timeZone) - Math.floor(t / 1000) * 1000;
}

const DAY = 86_400_000;

/**
 * The UTC instant of a local wall-clock time. A time the clocks pass twice (falling back) is its first
 * occurrence; a time they skip (springing forward) is taken as far past the jump as it was into it: 00:30 on a
 * night the clocks go from 00:00 to 01:00 is 01:30. When that would be the next day (a zone that springs
 * forward late in the evening, as Greenland's at 23:00), it is as far before the jump instead, on its own day.
 */
function zonedToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offsets in force a day either side; a transition between them is what makes a time ambiguous or absent.
  const before = wall - offsetAt(wall - DAY, timeZone);
  const after = wall - offsetAt(wall + DAY, timeZone);
  const valid = [before, after].filter((t) => wallAt(t, timeZone) === wall);
  if (valid.length) return Math.min(...valid);
  const sameDay = (t: number) => Math.floor(wallAt(t, timeZone) / DAY) === Math.floor(wall / DAY);
  return sameDay(before) ? before : after;
}

/** The latest instant at or before `now` when the clock in `timeZone` read `hh:mm`. */
export function lastOccurrence(now: Date, clock: string, timeZone: string): Date {
  const time = parseClockTime(clock);
  if (!time) throw new Error(`not a HH:MM time: ${clock}`);
  const today = localParts(now.getTime(), timeZone);
  for (let daysBack = 0; daysBack < 3; daysBack++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day - daysBack));
    const t = zonedToUtc(
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      time.hour,
      time.minute,
      timeZone,
    );
    if (t <= now.getTime()) return new Date(t);
  }
  throw new Error('unreachable: a daily time occurs within three days');
}

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(t: Date, timeZone: string): string {
  const p = localParts(t.getTime(), timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
