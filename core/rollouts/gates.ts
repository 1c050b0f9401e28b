import { FAILURE_STATES, IN_FLIGHT_STATES, sumStates, type Gates, type StateCounts } from './model';

export type GateVerdict = 'pending' | 'passed' | 'breached';

export interface GateResult {
  readonly verdict: GateVerdict;
  readonly finished: number;
  readonly succeeded: number;
  readonly failures: number;
  readonly successPct: number;
  readonly failurePct: number;
  /** The minimum finished devices before the gate judges. */
  readonly minFinished: number;
  /** Why it breached, in words for the alert card. */
  readonly reason?: string;
}

/**
 * Judges one wave (pure). Finished = succeeded (incl. found already current) + failures (failed, timed-out, rolled-back),
 * minus the failures a resume acknowledged. The failure gate trips as soon as M devices
 * finished; the success gate is judged when nothing in the wave is queued or in flight.
 * Queued and in-flight devices are read only as their sum (the engine hands them over
 * lumped as `queued`, see RolloutRepository.gateCounts).
 */
export function judgeWave(counts: StateCounts, gates: Gates, acknowledgedFailures = 0): GateResult {
  const size = sumStates(counts, ['queued', ...IN_FLIGHT_STATES, 'succeeded', 'already-current', ...FAILURE_STATES, 'skipped-offline']);
  // A wave device found already on the version when its turn came (updated elsewhere, or late after a retry) is a success.
  const succeeded = (counts.succeeded ?? 0) + (counts['already-current'] ?? 0);
  const failures = Math.max(0, sumStates(counts, FAILURE_STATES) - acknowledgedFailures);
  const finished = succeeded + failures;
  const open = sumStates(counts, ['queued', ...IN_FLIGHT_STATES]);
  const minFinished = Math.max(1, Math.min(gates.minFinished ?? 10, size));
  const successPct = finished === 0 ? 0 : (100 * succeeded) / finished;
  const failurePct = finished === 0 ? 0 : (100 * failures) / finished;
  const base = { finished, succeeded, failures, successPct, failurePct, minFinished };
  const pct = (v: number) => `${Math.round(v * 10) / 10} %`;

  if (finished >= minFinished && failurePct >= gates.failurePct) {
    return {
      ...base,
      verdict: 'breached',
      reason: `failures reached ${pct(failurePct)} (${failures} of ${finished} finished), the limit is under ${gates.failurePct} %`,
    };
  }
  if (open > 0) return { ...base, verdict: 'pending' };
  if (size === 0) return { ...base, verdict: 'passed' };
  if (finished === 0) return { ...base, verdict: 'breached', reason: `no device of the wave finished (${counts['skipped-offline'] ?? 0} skipped offline)` };
  if (successPct < gates.successPct) {
    return {
      ...base,
      verdict: 'breached',
      reason: `success is ${pct(successPct)} (${succeeded} of ${finished} finished), the gate needs ${gates.successPct} %`,
    };
  }
  return { ...base, verdict: 'passed' };
}
