import { matchesFilter, parseAlertFilter } from '../alerts/filter';
import type { Alert } from '../alerts/alert';
import { parseLocalDate, parseWeekday } from './zoned-time';
import { fine, problem, type Checked } from './rotation';
import { currentOrNext, occurrenceAt, parseWindow, WINDOW_EXAMPLE, type Occurrence, type TimeWindow } from './window';

/**
 * A scheduled silence: alerts matching `filter` that fire inside the window are stored and
 * listed, but not carded or paged. Those still firing when it ends are posted then.
 */
export interface MaintenanceWindow {
  readonly id: number;
  /** An alerts filter (`rule:"Device offline" site:berlin`); empty = every alert. */
  readonly filter: string;
  readonly window: TimeWindow;
  readonly createdBy: string;
  readonly createdAt: string;
}

export type NewMaintenanceWindow = Omit<MaintenanceWindow, 'id' | 'createdAt'>;

export const SILENCE_SCHEDULE_EXAMPLE = `silence schedule rule:"Device offline" site:berlin ${WINDOW_EXAMPLE}`;

/**
 * `rule:"Device offline" site:berlin Sat 02:00-04:00 Europe/Berlin weekly`: the filter terms
 * have a colon or a comparison; the window starts at the first word that has neither.
 */
export function parseMaintenanceWindow(text: string, createdBy: string): Checked<NewMaintenanceWindow> {
  const tokens = text.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  const split = tokens.findIndex(startsWindow);
  const windowStart = split < 0 ? tokens.length : split;
  const filter = tokens.slice(0, windowStart).join(' ');
  const windowText = tokens.slice(windowStart).join(' ');
  if (!windowText) return problem('maintenance_window_missing', { filter });
  const parsedFilter = parseAlertFilter(filter);
  if (!parsedFilter.ok) return parsedFilter;
  const window = parseWindow(windowText, 'maintenance');
  if (!window.ok) return window;
  return fine({ filter, window: window.value, createdBy });
}

/** A weekday, a date, `daily` or a time range: filter terms are `key:value` or `sev<=N`, so none looks like these. */
const startsWindow = (token: string): boolean =>
  parseWeekday(token) !== undefined || parseLocalDate(token) !== undefined || token.toLowerCase() === 'daily' || /^\d{1,2}:\d{2}-/.test(token);

/** The maintenance window `alert` falls in at `instant`, with the occurrence, if any. */
export function maintenanceFor(
  alert: Pick<Alert, 'severity' | 'site' | 'deviceId' | 'rule'>,
  windows: readonly MaintenanceWindow[],
  instant: Date,
): { window: MaintenanceWindow; occurrence: Occurrence } | undefined {
  for (const window of windows) {
    const occurrence = occurrenceAt(window.window, instant);
    if (!occurrence) continue;
    const filter = parseAlertFilter(window.filter);
    if (filter.ok && matchesFilter(alert, filter.filter)) return { window, occurrence };
  }
  return undefined;
}

/** One-off windows that are over can go. */
export const isOver = (w: MaintenanceWindow, now: Date): boolean => w.window.recurrence === 'once' && currentOrNext(w.window, now) === undefined;
