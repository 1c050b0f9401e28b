import { UPDATE_PHASES, type UpdatePhase } from '../core/fleet/twin-view';
import { between, pick, type Random } from './random';

export interface UpdateRates {
  /** On a bad version: share of devices that fail (fwUpdateStatus error). */
  readonly badFailRate: number;
  /** On a bad version: share that boot it, fail the health check and roll back. */
  readonly badRollbackRate: number;
  /** On a good version: share that fail anyway (flaky download). */
  readonly goodFailRate: number;
}

export const DEFAULT_UPDATE_RATES: UpdateRates = { badFailRate: 0.3, badRollbackRate: 0.2, goodFailRate: 0 };

/** Seconds per phase (min, max); about 30 s end to end, so 4 waves finish in minutes. */
const PHASE_SECONDS: Record<UpdatePhase, readonly [number, number]> = {
  downloading: [6, 15],
  verifying: [2, 4],
  applying: [4, 10],
  rebooting: [4, 8],
};

export interface UpdatePlan {
  readonly durationsMs: Readonly<Record<UpdatePhase, number>>;
  readonly outcome: 'success' | 'error' | 'rollback';
  /** For `error`: the phase that fails, and why. */
  readonly failIn?: UpdatePhase;
  readonly reason?: string;
}

const FAILURES: ReadonlyArray<readonly [UpdatePhase, string]> = [
  ['downloading', 'download failed: connection reset'],
  ['verifying', 'signature check failed: checksum mismatch'],
  ['applying', 'apply failed: partition write error'],
];

/** Decides, from the device's own random stream, how its update of `target` will go. */
export function planUpdate(random: Random, bad: boolean, rates: UpdateRates, speed = 1): UpdatePlan {
  const durationsMs = Object.fromEntries(UPDATE_PHASES.map((p) => [p, Math.round((between(random, ...PHASE_SECONDS[p]) * 1000) / speed)])) as Record<
    UpdatePhase,
    number
  >;
  const roll = random();
  const failRate = bad ? rates.badFailRate : rates.goodFailRate;
  if (roll < failRate) {
    const [failIn, reason] = bad ? pick(random, FAILURES.slice(1)) : FAILURES[0]!;
    return { durationsMs, outcome: 'error', failIn, reason };
  }
  if (bad && roll < failRate + rates.badRollbackRate)
    return { durationsMs, outcome: 'rollback', reason: 'boot health check failed; reverted to the previous slot' };
  return { durationsMs, outcome: 'success' };
}
