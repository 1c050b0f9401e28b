import { fine, problem, type Checked } from './rotation';
import { currentOrNext, describeWindow, nominalLengthMs, parseWindow, type Occurrence, type TimeWindow } from './window';

/**
 * A rollout window (as AWS IoT Jobs' scheduling config): waves write to devices only inside
 * it, and a wave still running when it closes pauses with that reason.
 */
export const ROLLOUT_WINDOW_EXAMPLE = 'rollout plan 2.4.1 to site:berlin window "Sat 02:00-06:00 Europe/Berlin"';

/** Recurring windows are weekly unless they say otherwise; a window must fit at least one soak. */
export function parseRolloutWindow(text: string, soakMs: number): Checked<TimeWindow> {
  const window = parseWindow(text, 'rollout');
  if (!window.ok) return window;
  const lengthMs = nominalLengthMs(window.value);
  if (lengthMs < soakMs) return problem('rollout_window_shorter_than_soak', { window: describeWindow(window.value), lengthMs, soakMs });
  return fine(window.value);
}

export type RolloutWindowState = { readonly open: true; readonly closesAt: Date } | { readonly open: false; readonly next?: Occurrence };

export function rolloutWindowState(window: TimeWindow, now: Date): RolloutWindowState {
  const occurrence = currentOrNext(window, now);
  if (occurrence && occurrence.start.getTime() <= now.getTime()) return { open: true, closesAt: occurrence.end };
  return { open: false, next: occurrence };
}

/** The reason a wave pauses at the window's end. */
export const windowClosedReason = (window: TimeWindow): string => `the rollout window (${describeWindow(window)}) closed; it resumes in the next window`;
