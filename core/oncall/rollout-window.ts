import { formatDuration } from '../text/duration';
import { fine, problem, type Checked } from './rotation';
import { currentOrNext, describeWindow, nominalLengthMs, parseWindow, type Occurrence, type TimeWindow } from './window';

/**
 * A rollout window (as AWS IoT Jobs' scheduling config): waves write to devices only inside
 * it, and a wave still running when it closes pauses with that reason.
 */
export const ROLLOUT_WINDOW_EXAMPLE = 'rollout plan 2.4.1 to site:berlin window "Sat 02:00-06:00 Europe/Berlin"';

/** Recurring windows are weekly unless they say otherwise; a window must fit at least one soak. */
export function parseRolloutWindow(text: string, soakMs: number): Checked<TimeWindow> {
  const window = parseWindow(text);
  if (!window.ok) return problem(`${window.error} Example: \`${ROLLOUT_WINDOW_EXAMPLE}\`.`);
  const length = nominalLengthMs(window.value);
  if (length < soakMs) {
    return problem(
      `The window \`${describeWindow(window.value)}\` lasts ${formatDuration(length)}, shorter than the soak of ${formatDuration(soakMs)} each wave needs, so no wave could finish in it. ` +
        `Make it longer. Example: \`${ROLLOUT_WINDOW_EXAMPLE}\`.`,
    );
  }
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
