import type { ApprovalStatus, RunResult, RunState, StageState } from '../core/deployments/run';

/** Shared wording and icons of the deployment cards. */
export function stateIcon(state: RunState | StageState, result?: RunResult): string {
  if (state === 'completed') {
    switch (result) {
      case 'succeeded':
        return '✅';
      case 'partiallySucceeded':
        return '⚠️';
      case 'failed':
        return '❌';
      case 'rejected':
      case 'canceled':
        return '🚫';
      case 'skipped':
        return '⏭️';
      default:
        return '✔️';
    }
  }
  switch (state) {
    case 'running':
      return '🔄';
    case 'waiting':
      return '⏳';
    case 'canceling':
      return '🛑';
    default:
      return '⏸️';
  }
}

export function stateLabel(state: RunState | StageState, result?: RunResult): string {
  if (state === 'completed') {
    switch (result) {
      case 'partiallySucceeded':
        return 'Partially succeeded';
      case undefined:
        return 'Completed';
      default:
        return result.charAt(0).toUpperCase() + result.slice(1);
    }
  }
  switch (state) {
    case 'notStarted':
      return 'Not started';
    case 'waiting':
      return 'Waiting for approval';
    default:
      return state.charAt(0).toUpperCase() + state.slice(1);
  }
}

/** Adaptive Card TextBlock colors for a state (never Warning: pale yellow on white in Teams' light theme). */
export function stateColor(state: RunState | StageState, result?: RunResult): 'Good' | 'Attention' | 'Accent' | 'Default' {
  if (state === 'completed') {
    if (result === 'succeeded') return 'Good';
    if (result === 'failed' || result === 'rejected') return 'Attention';
    if (result === 'partiallySucceeded') return 'Attention';
    return 'Default';
  }
  if (state === 'waiting') return 'Attention';
  if (state === 'running') return 'Accent';
  return 'Default';
}

export const approvalWord = (status: ApprovalStatus): string =>
  ({ pending: 'Pending', approved: 'Approved', rejected: 'Rejected', canceled: 'Canceled', timedOut: 'Timed out', skipped: 'Skipped' })[status];

/** `3m 05s`, `1h 02m`, `45s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

export function durationBetween(start: string | undefined, end: string | undefined): string {
  if (!start || !end) return '';
  return formatDuration(Date.parse(end) - Date.parse(start));
}

export const shortCommit = (sha: string | undefined): string | undefined => (sha ? sha.slice(0, 8) : undefined);

/** `__default` is what Azure DevOps calls the single stage of a pipeline without stages. */
export const stageTitle = (name: string): string => (name === '__default' ? 'Pipeline' : name);

export const isWebUrl = (value: string | undefined): value is string => Boolean(value && /^https?:\/\//i.test(value));
