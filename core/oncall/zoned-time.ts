/**
 * Wall-clock time in an IANA time zone, with nothing but Intl: a rotation hands off at
 * "Mon 09:00 Europe/Berlin" whatever the UTC offset is that week. Local dates are plain
 * civil dates (no zone); instants are Dates.
 */

export interface LocalDate {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
}

export interface LocalDateTime extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday … 6 = Saturday */
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for names Intl knows (Europe/Berlin, UTC); false for "CET+1", "Berlin" or typos. */
export function isTimeZone(name: string): boolean {
  if (!name || !/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `instant`. */
export function localTime(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const date = { year: parts.year!, month: parts.month!, day: parts.day! };
  return { ...date, hour: parts.hour!, minute: parts.minute!, second: parts.second!, weekday: weekdayOf(date) };
}

/** Local time minus UTC at `instant`, in ms (Berlin in summer: +7,200,000). */
export function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const l = localTime(new Date(whole), timeZone);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - whole;
}

/**
 * The instant the wall clock in `timeZone` shows `date` at `hour:minute`. Like Temporal's
 * "compatible" disambiguation: in a DST gap (02:30 on spring-forward day in Berlin) the
 * clock time that does not exist moves forward by the gap (03:30); in an overlap (02:30 on
 * fall-back day) the earlier of the two instants is taken.
 */
export function instantAt(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const before = offsetAt(asUtc - 86_400_000, timeZone);
  const after = offsetAt(asUtc + 86_400_000, timeZone);
  const candidates = [...new Set([asUtc - before, asUtc - after])].sort((a, b) => a - b);
  for (const candidate of candidates) {
    const l = localTime(new Date(candidate), timeZone);
    if (l.hour === hour && l.minute === minute && l.day === date.day && l.month === date.month && l.year === date.year) return new Date(candidate);
  }
  // A gap: read the wall time with the offset from before the change.
  return new Date(asUtc - before);
}

export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000);
}

export function parseLocalDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const round = addDays(date, 0);
  return round.year === date.year && round.month === date.month && round.day === date.day ? date : undefined;
}

export const formatLocalDate = (d: LocalDate): string => `${d.year}-${pad(d.month)}-${pad(d.day)}`;

/** "HH:MM" → minutes after midnight, or undefined. */
export function parseClock(text: string): number | undefined {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export const formatClock = (minutes: number): string => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** "Sat", "saturday", "SAT" → 6. */
export function parseWeekday(text: string): number | undefined {
  const word = text.trim().toLowerCase();
  if (word.length < 3) return undefined;
  const index = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].findIndex((day) => day.startsWith(word));
  return index >= 0 ? index : undefined;
}

/** How a local time reads in a reply: "Sat 5 Dec 09:00 Europe/Berlin". */
export function formatLocal(instant: Date, timeZone: string): string {
  const l = localTime(instant, timeZone);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][l.month - 1];
  return `${WEEKDAYS[l.weekday]} ${l.day} ${month} ${pad(l.hour)}:${pad(l.minute)} ${timeZone}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
