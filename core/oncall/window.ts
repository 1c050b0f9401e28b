import type { WindowUse } from '../refusal';
import { fine, problem, type Checked } from './rotation';
import {
  addDays,
  formatClock,
  isTimeZone,
  formatLocalDate,
  instantAt,
  localTime,
  parseClock,
  parseLocalDate,
  parseWeekday,
  WEEKDAYS,
  type LocalDate,
} from './zoned-time';

/**
 * A window of wall-clock time in a time zone: once (`2026-12-12 02:00-04:00 Europe/Berlin`),
 * weekly (`Sat 02:00-04:00 Europe/Berlin weekly`) or daily (`daily 22:00-02:00 UTC`). An end
 * at or before the start ends the next day. Used by maintenance windows and rollout windows.
 */
export interface TimeWindow {
  readonly recurrence: 'once' | 'daily' | 'weekly';
  readonly weekday?: number;
  /** `once` windows: the local date (YYYY-MM-DD). */
  readonly date?: string;
  readonly startMinutes: number;
  readonly endMinutes: number;
  readonly timeZone: string;
}

export interface Occurrence {
  readonly start: Date;
  readonly end: Date;
}

export const WINDOW_EXAMPLE = 'Sat 02:00-04:00 Europe/Berlin weekly';

/**
 * `Sat 02:00-04:00 Europe/Berlin weekly`, `2026-12-12 02:00-04:00 UTC`, `daily 22:00-02:00 Asia/Kolkata`.
 * `usedIn` says where it was written, so a refusal's text can show an example of that command.
 */
export function parseWindow(text: string, usedIn: WindowUse = 'maintenance'): Checked<TimeWindow> {
  const words = text.trim().replace(/^"|"$/g, '').split(/\s+/).filter(Boolean);
  let recurrence: TimeWindow['recurrence'] | undefined;
  const last = words[words.length - 1]?.toLowerCase();
  if (last === 'weekly' || last === 'once' || (last === 'daily' && words.length > 3)) {
    recurrence = last;
    words.pop();
  }
  if (words[0]?.toLowerCase() === 'daily') {
    recurrence = 'daily';
    words.shift();
  } else if (recurrence === 'daily') {
    words.shift(); // "Sat 02:00-04:00 UTC daily": the day means nothing then; "daily" wins.
  }
  const day = recurrence === 'daily' ? undefined : words.shift();
  const [range, timeZone, ...extra] = words;
  if (!range || !timeZone || extra.length > 0) return problem('window_unreadable', { text, usedIn });
  const times = /^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/.exec(range);
  const startMinutes = times ? parseClock(times[1]!) : undefined;
  const endMinutes = times ? parseClock(times[2]!) : undefined;
  if (startMinutes === undefined || endMinutes === undefined) return problem('window_range_invalid', { range, usedIn });
  if (startMinutes === endMinutes) return problem('window_range_empty', { range, usedIn });
  if (!isTimeZone(timeZone)) return problem('time_zone_unknown', { timeZone, usedIn });
  if (recurrence === 'daily') return fine({ recurrence, startMinutes, endMinutes, timeZone });
  const date = day ? parseLocalDate(day) : undefined;
  if (date) {
    if (recurrence === 'weekly')
      return fine({ recurrence, weekday: new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay(), startMinutes, endMinutes, timeZone });
    return fine({ recurrence: 'once', date: formatLocalDate(date), startMinutes, endMinutes, timeZone });
  }
  const weekday = day ? parseWeekday(day) : undefined;
  if (weekday === undefined) return problem('window_day_invalid', { day: day ?? '', usedIn });
  if (recurrence === 'once') return problem('window_once_without_date', { day: day ?? '', usedIn });
  return fine({ recurrence: 'weekly', weekday, startMinutes, endMinutes, timeZone });
}

/** The nominal length (a DST change inside an occurrence makes that one an hour longer or shorter). */
export const nominalLengthMs = (w: TimeWindow): number => ((w.endMinutes - w.startMinutes + 1440) % 1440 || 1440) * 60_000;

function occurrenceOn(w: TimeWindow, date: LocalDate): Occurrence | undefined {
  if (w.recurrence === 'once' && w.date !== formatLocalDate(date)) return undefined;
  if (w.recurrence === 'weekly' && new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() !== w.weekday) return undefined;
  const endDate = w.endMinutes <= w.startMinutes ? addDays(date, 1) : date;
  const start = instantAt(date, Math.floor(w.startMinutes / 60), w.startMinutes % 60, w.timeZone);
  const end = instantAt(endDate, Math.floor(w.endMinutes / 60), w.endMinutes % 60, w.timeZone);
  return end.getTime() > start.getTime() ? { start, end } : undefined;
}

/** Occurrences whose start date lies from `from`'s local date minus one day, for `days` days. */
function* occurrencesFrom(w: TimeWindow, from: Date, days: number): Generator<Occurrence> {
  const today = localTime(from, w.timeZone);
  for (let d = -1; d < days; d++) {
    const found = occurrenceOn(w, addDays(today, d));
    if (found) yield found;
  }
}

/** The occurrence that contains `instant`, if any. */
export function occurrenceAt(w: TimeWindow, instant: Date): Occurrence | undefined {
  for (const o of occurrencesFrom(w, instant, 2)) if (o.start.getTime() <= instant.getTime() && instant.getTime() < o.end.getTime()) return o;
  return undefined;
}

/** The first occurrence that ends after `instant` (the current one, or the next). */
export function currentOrNext(w: TimeWindow, instant: Date): Occurrence | undefined {
  if (w.recurrence === 'once') {
    const date = parseLocalDate(w.date ?? '');
    const only = date ? occurrenceOn(w, date) : undefined;
    return only && only.end.getTime() > instant.getTime() ? only : undefined;
  }
  for (const o of occurrencesFrom(w, instant, 9)) if (o.end.getTime() > instant.getTime()) return o;
  return undefined;
}

export function describeWindow(w: TimeWindow): string {
  const range = `${formatClock(w.startMinutes)}-${formatClock(w.endMinutes)} ${w.timeZone}`;
  if (w.recurrence === 'daily') return `daily ${range}`;
  if (w.recurrence === 'once') return `${w.date} ${range}`;
  return `${WEEKDAYS[w.weekday ?? 0]} ${range} weekly`;
}
