/**
 * One pipeline run (a YAML pipeline run, a build, or a classic release) as FleetOps
 * shows it: everything on its card, merged from the events Azure DevOps sends.
 */
export type RunState = 'queued' | 'running' | 'waiting' | 'canceling' | 'completed';
export type StageState = 'notStarted' | 'waiting' | 'running' | 'completed';
/** Azure DevOps results, normalised (camelCase). */
export type RunResult = 'succeeded' | 'partiallySucceeded' | 'failed' | 'canceled' | 'rejected' | 'skipped';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'canceled' | 'timedOut' | 'skipped';

export type RunKind = 'pipeline' | 'release' | 'approval';

export interface StageView {
  readonly name: string;
  readonly state: StageState;
  readonly result?: RunResult;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Time of the newest event applied to this stage (out-of-order events never regress it). */
  readonly updatedAt: string;
}

export interface ApprovalView {
  readonly id: string;
  /** Which API decides it: YAML pipeline checks or classic release approvals. */
  readonly api: 'pipelines' | 'release';
  readonly stageName?: string;
  readonly status: ApprovalStatus;
  readonly instructions?: string;
  readonly approvers: readonly string[];
  readonly minRequiredApprovers?: number;
  readonly requestedAt?: string;
  /** Who decided and when (the Teams user when decided from a card). */
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly comment?: string;
  /** The last error Azure DevOps returned for a decision made from Teams. */
  readonly lastError?: string;
  /** A decision from Teams that Azure DevOps accepted but that still needs more approvers. */
  readonly note?: string;
}

/** Where the run lives in Azure DevOps: what the approvals API needs. */
export interface DevOpsLocation {
  readonly organizationUrl?: string;
  readonly project?: string;
}

export interface PipelineRun {
  /** Stable key: `run-<buildId>`, `release-<releaseId>`, or `approval-<id>` when Azure DevOps did not name the run. */
  readonly runId: string;
  readonly kind: RunKind;
  readonly pipeline: string;
  readonly pipelineId?: string;
  readonly runNumber: string;
  readonly branch?: string;
  readonly commit?: string;
  readonly triggeredBy?: string;
  readonly state: RunState;
  readonly result?: RunResult;
  readonly createdAt?: string;
  readonly finishedAt?: string;
  readonly stages: readonly StageView[];
  readonly approvals: readonly ApprovalView[];
  readonly links: { readonly web?: string; readonly pipeline?: string };
  /** The firmware version this run published (from its variables or tags). */
  readonly firmwareVersion?: string;
  readonly location: DevOpsLocation;
  /** Time of the newest event applied to the run's own state. */
  readonly stateUpdatedAt: string;
  /** When FleetOps last changed this record (receive time). */
  readonly updatedAt: string;
  /** Increases on every change; cards carry it. */
  readonly version: number;
}

export const pendingApprovals = (run: PipelineRun): ApprovalView[] => run.approvals.filter((a) => a.status === 'pending');
