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
