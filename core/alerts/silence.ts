import { alertTarget, type Alert } from './alert';

/** No cards for `rule` on `target` until `until`. */
export interface Silence {
  readonly id: number;
  readonly rule: string;
  readonly target: string;
  /** ISO time. */
  readonly until: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

export const SILENCE_DURATIONS_HOURS = [1, 4, 24] as const;
export type SilenceHours = (typeof SILENCE_DURATIONS_HOURS)[number];

export function silences(silence: Pick<Silence, 'rule' | 'target' | 'until'>, alert: Pick<Alert, 'rule' | 'deviceId' | 'targetIds' | 'configurationItems'>, now: Date): boolean {
  return silence.rule === alert.rule && silence.target === alertTarget(alert) && Date.parse(silence.until) > now.getTime();
}
