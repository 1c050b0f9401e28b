import { rolloutWindowState } from '../oncall/rollout-window';
import { describeWindow } from '../oncall/window';
import { judgeWave, type GateResult } from './gates';
import { IN_FLIGHT_STATES, sumStates, type Rollout, type RolloutDevice, type StateCounts, type WaveCounts } from './model';

export interface ProgressCounts {
  readonly targets: number;
  readonly queued: number;
  readonly inProgress: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly rolledBack: number;
  readonly timedOut: number;
  readonly skippedOffline: number;
  readonly canceled: number;
}

export interface WaveView {
  readonly index: number;
  /** Cumulative % of the targets covered once this wave is done. */
  readonly upToPct: number;
  readonly size: number;
  readonly counts: ProgressCounts;
  readonly gate: GateResult;
  readonly status: 'not started' | 'awaiting approval' | 'running' | 'paused' | 'passed' | 'breached' | 'canceled';
}

export interface RolloutView {
  readonly rollout: Rollout;
  readonly totals: ProgressCounts;
  readonly alreadyCurrent: number;
  readonly incompatible: number;
  readonly waves: readonly WaveView[];
  /** Time left for the waves started so far, when it can be estimated. */
  readonly etaMs?: number;
  readonly firstFailures: readonly RolloutDevice[];
  readonly asOf: string;
  /** The rollout window, while the rollout has waves to run: open until when, or when it next opens (ISO times). */
  readonly window?: { readonly text: string; readonly closesAt?: string; readonly nextOpensAt?: string };
}

/** Counts of wave devices; a device found already on the version when its turn came counts as succeeded. */
const progress = (c: StateCounts): ProgressCounts => ({
  targets: sumStates(c, ['queued', ...IN_FLIGHT_STATES, 'succeeded', 'already-current', 'failed', 'rolled-back', 'timed-out', 'skipped-offline', 'canceled']),
  queued: c.queued ?? 0,
  inProgress: sumStates(c, IN_FLIGHT_STATES),
  succeeded: (c.succeeded ?? 0) + (c['already-current'] ?? 0),
  failed: c.failed ?? 0,
  rolledBack: c['rolled-back'] ?? 0,
  timedOut: c['timed-out'] ?? 0,
  skippedOffline: c['skipped-offline'] ?? 0,
  canceled: c.canceled ?? 0,
});

/** The progress card's view model (pure): per-wave counts and gate, totals, ETA. */
export function buildView(rollout: Rollout, counts: readonly WaveCounts[], firstFailures: readonly RolloutDevice[], now: Date): RolloutView {
  // Wave 0 holds the devices set aside at plan time (already current, incompatible); the totals are the waves'.
  const all: StateCounts = {};
  for (const c of counts) {
    if (c.wave === 0) continue;
    for (const [state, n] of Object.entries(c.counts)) all[state as keyof StateCounts] = (all[state as keyof StateCounts] ?? 0) + (n ?? 0);
  }
  const outside = counts.find((c) => c.wave === 0)?.counts ?? {};
  const waves = rollout.waves.map((w, i): WaveView => {
    const c = counts.find((x) => x.wave === w.index)?.counts ?? {};
    const gate = judgeWave(c, rollout.settings.gates, w.acknowledgedFailures);
    return {
      index: w.index,
      upToPct: rollout.settings.waves[i] ?? 100,
      size: w.size,
      counts: progress(c),
      gate,
      status: waveStatus(rollout, w.index, w.passedAt !== undefined, gate),
    };
  });
  return {
    rollout,
    totals: progress(all),
    alreadyCurrent: outside['already-current'] ?? 0,
    incompatible: outside.incompatible ?? 0,
    waves,
    etaMs: eta(rollout, waves, now),
    firstFailures,
    asOf: now.toISOString(),
    ...windowOf(rollout, now),
  };
}

function windowOf(r: Rollout, now: Date): Pick<RolloutView, 'window'> {
  if (!r.settings.window || r.state === 'completed' || r.state === 'aborted') return {};
  const state = rolloutWindowState(r.settings.window, now);
  const text = describeWindow(r.settings.window);
  if (state.open) return { window: { text, closesAt: state.closesAt.toISOString() } };
  return { window: { text, ...(state.next ? { nextOpensAt: state.next.start.toISOString() } : {}) } };
}

function waveStatus(r: Rollout, index: number, passed: boolean, gate: GateResult): WaveView['status'] {
  if (passed) return 'passed';
  if (r.state === 'aborted' && index >= r.currentWave) return 'canceled';
  if (index > r.currentWave || r.state === 'planned') return 'not started';
  if (index < r.currentWave) return gate.verdict === 'breached' ? 'breached' : 'passed';
  if (r.state === 'awaiting-approval') return 'awaiting approval';
  if (r.state === 'paused') return gate.verdict === 'breached' ? 'breached' : 'paused';
  if (r.state === 'completed') return 'passed';
  return 'running';
}

function eta(r: Rollout, waves: readonly WaveView[], now: Date): number | undefined {
  if (r.state !== 'running') return undefined;
  const wave = r.waves[r.currentWave - 1];
  const view = waves[r.currentWave - 1];
  if (!wave?.startedAt || !view) return undefined;
  const open = view.counts.queued + view.counts.inProgress;
  if (open === 0) return 0;
  const finished = view.gate.finished;
  const elapsed = now.getTime() - Date.parse(wave.startedAt);
  if (finished === 0) return Math.ceil(view.counts.queued / r.settings.dispatchPerSecond) * 1000 + r.settings.soakMs;
  return Math.round((elapsed / finished) * open);
}
