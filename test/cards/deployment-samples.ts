import type { PipelineRun } from '../../core/deployments/run';

/** Runs in the states a card must show; shared by the card tests. */
export const NOW = '2026-03-01T10:07:30.000Z';

const base: PipelineRun = {
  runId: 'run-11',
  kind: 'pipeline',
  pipeline: 'firmware-release',
  pipelineId: '7',
  runNumber: '20260301.1',
  branch: 'release/2.4',
  commit: '9f1c2ab34de5f6a7b8c9',
  triggeredBy: 'Dana Builder',
  state: 'running',
  createdAt: '2026-03-01T10:00:00Z',
  stages: [
    {
      name: 'Build',
      state: 'completed',
      result: 'succeeded',
      startedAt: '2026-03-01T10:00:05Z',
      finishedAt: '2026-03-01T10:03:05Z',
      updatedAt: '2026-03-01T10:03:05Z',
    },
    { name: 'Publish', state: 'running', startedAt: '2026-03-01T10:03:10Z', updatedAt: '2026-03-01T10:03:10Z' },
  ],
  approvals: [],
  links: { web: 'https://dev.azure.com/contoso/Fleet/_build/results?buildId=11' },
  location: { organizationUrl: 'https://dev.azure.com/contoso', project: 'Fleet' },
  stateUpdatedAt: '2026-03-01T10:00:00Z',
  updatedAt: '2026-03-01T10:03:10Z',
  version: 3,
};

export const runningRun: PipelineRun = base;

export const waitingRun: PipelineRun = {
  ...base,
  state: 'waiting',
  stages: [
    ...base.stages.slice(0, 1),
    {
      name: 'Publish',
      state: 'completed',
      result: 'succeeded',
      startedAt: '2026-03-01T10:03:10Z',
      finishedAt: '2026-03-01T10:04:00Z',
      updatedAt: '2026-03-01T10:04:00Z',
    },
    { name: 'Production', state: 'waiting', startedAt: '2026-03-01T10:04:10Z', updatedAt: '2026-03-01T10:04:10Z' },
  ],
  approvals: [
    {
      id: 'aab27959-a5be-4ee3-97ca-f19b3602cd2f',
      api: 'pipelines',
      stageName: 'Production',
      status: 'pending',
      instructions: 'Check the canary dashboard before approving.',
      approvers: ['Release Leads'],
      minRequiredApprovers: 1,
      requestedAt: '2026-03-01T10:04:10Z',
    },
  ],
};

export const approvedRun: PipelineRun = {
  ...waitingRun,
  state: 'running',
  stages: waitingRun.stages.map((s) => (s.name === 'Production' ? { ...s, state: 'running' } : s)),
  approvals: [{ ...waitingRun.approvals[0]!, status: 'approved', decidedBy: 'Rita Lead', decidedAt: '2026-03-01T10:06:00Z' }],
};

export const errorRun: PipelineRun = {
  ...waitingRun,
  approvals: [{ ...waitingRun.approvals[0]!, lastError: 'User Rita is not authorized to approve this request. (tried by Rita Lead at 10:06 UTC)' }],
};

export const releasedRun: PipelineRun = {
  ...approvedRun,
  state: 'completed',
  result: 'succeeded',
  finishedAt: '2026-03-01T10:07:00Z',
  firmwareVersion: '2.4.1',
  stages: approvedRun.stages.map((s) => (s.name === 'Production' ? { ...s, state: 'completed', result: 'succeeded', finishedAt: '2026-03-01T10:07:00Z' } : s)),
};

export const failedRun: PipelineRun = {
  ...base,
  runId: 'run-12',
  pipeline: 'FleetOps CI',
  runNumber: '20260301.4',
  branch: 'main',
  state: 'completed',
  result: 'failed',
  finishedAt: '2026-03-01T10:05:00Z',
  stages: [
    {
      name: '__default',
      state: 'completed',
      result: 'failed',
      startedAt: '2026-03-01T10:00:05Z',
      finishedAt: '2026-03-01T10:05:00Z',
      updatedAt: '2026-03-01T10:05:00Z',
    },
  ],
};

/** A worst case for size: 40 stages and two pending approvals with long texts. */
export const hugeRun: PipelineRun = {
  ...waitingRun,
  stages: Array.from({ length: 40 }, (_, i) => ({
    name: `Region ${i} ${'x'.repeat(40)}`,
    state: 'completed' as const,
    result: 'succeeded' as const,
    startedAt: '2026-03-01T10:00:00Z',
    finishedAt: '2026-03-01T10:01:00Z',
    updatedAt: '2026-03-01T10:01:00Z',
  })),
  approvals: [0, 1, 2].map((i) => ({
    ...waitingRun.approvals[0]!,
    id: `approval-${i}`,
    stageName: `Stage ${i}`,
    instructions: 'y'.repeat(500),
    approvers: Array.from({ length: 10 }, (_, j) => `Approver ${j}`),
  })),
};
