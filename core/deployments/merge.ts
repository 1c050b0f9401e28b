import type { RunPatch } from './event-patch';
import type { ApprovalView, PipelineRun, RunState, StageView } from './run';

/**
 * Merges what one event says into the stored run. Azure DevOps may deliver events
 * late or out of order, so a state only moves forward in event time: an older
 * "inProgress" never overwrites a newer "completed". Values an event does not carry
 * keep what earlier events said.
 */
export function mergeRun(current: PipelineRun | undefined, patch: RunPatch, eventAt: string, receivedAt: string): PipelineRun {
  const base: PipelineRun = current ?? blankRun(patch, eventAt);
  const newer = isNewer(eventAt, base.stateUpdatedAt, base.state, patch.state);
  let state: RunState = base.state;
  let result = base.result;
  let finishedAt = base.finishedAt;
  let stateUpdatedAt = base.stateUpdatedAt;
  if (patch.state && newer) {
    state = patch.state;
    result = patch.state === 'completed' ? (patch.result ?? base.result) : undefined;
    finishedAt = patch.state === 'completed' ? (patch.finishedAt ?? base.finishedAt ?? eventAt) : undefined;
    stateUpdatedAt = eventAt;
  }
  const stages = patch.stage ? mergeStage(base.stages, patch.stage, eventAt) : [...base.stages];
  const approvals = patch.approval ? mergeApproval(base.approvals, patch.approval) : [...base.approvals];
  const withWaiting = markWaitingStages(patch.approval ? settleDecidedStage(stages, patch.approval, eventAt) : stages, approvals);
  const anyPending = approvals.some((a) => a.status === 'pending');
  if (state !== 'completed' && state !== 'canceling') state = anyPending ? 'waiting' : state === 'waiting' ? 'running' : state;
  return {
    runId: base.runId,
    kind: base.kind === 'approval' ? patch.kind : base.kind,
    pipeline: patch.pipeline ?? base.pipeline,
    pipelineId: patch.pipelineId ?? base.pipelineId,
    runNumber: patch.runNumber ?? base.runNumber,
    branch: patch.branch ?? base.branch,
    commit: patch.commit ?? base.commit,
    triggeredBy: patch.triggeredBy ?? base.triggeredBy,
    state,
    result,
    createdAt: base.createdAt ?? patch.createdAt,
    finishedAt,
    stages: withWaiting,
    approvals,
    links: { web: patch.links?.web ?? base.links.web, pipeline: patch.links?.pipeline ?? base.links.pipeline },
    firmwareVersion: patch.firmwareVersion ?? base.firmwareVersion,
    location: { organizationUrl: base.location.organizationUrl ?? patch.location.organizationUrl, project: base.location.project ?? patch.location.project },
    stateUpdatedAt,
    updatedAt: receivedAt,
    version: base.version + 1,
  };
}

function blankRun(patch: RunPatch, eventAt: string): PipelineRun {
  return {
    runId: patch.runId,
    kind: patch.kind,
    pipeline: patch.pipeline ?? 'Unnamed pipeline',
    runNumber: patch.runNumber ?? patch.runId,
    state: 'queued',
    // Only the run's own start time: an approval or stage event's date is not when the run started
    // (an approval-pending event once made a card say "Duration 61176h 29m so far").
    createdAt: patch.createdAt,
    stages: [],
    approvals: [],
    links: {},
    location: {},
    // Earlier than any event, so the first event always applies.
    stateUpdatedAt: '',
    updatedAt: eventAt,
    version: 0,
  };
}

/** Newer in event time; on a tie, a terminal state is not undone. */
function isNewer(eventAt: string, lastAt: string, lastState: string, nextState: string | undefined): boolean {
  if (eventAt > lastAt) return true;
  if (eventAt < lastAt) return false;
  return !(lastState === 'completed' && nextState !== 'completed');
}

function mergeStage(stages: readonly StageView[], patch: NonNullable<RunPatch['stage']>, eventAt: string): StageView[] {
  const index = stages.findIndex((s) => s.name.toLowerCase() === patch.name.toLowerCase());
  const existing = stages[index];
  const next: StageView = existing
    ? applyStage(existing, patch, eventAt)
    : applyStage({ name: patch.name, state: 'notStarted', updatedAt: '' }, patch, eventAt);
  const copy = [...stages];
  if (index >= 0) copy[index] = next;
  else copy.push(next);
  return copy;
}

function applyStage(stage: StageView, patch: NonNullable<RunPatch['stage']>, eventAt: string): StageView {
  if (!patch.state || !isNewer(eventAt, stage.updatedAt, stage.state, patch.state)) {
    return { ...stage, startedAt: stage.startedAt ?? patch.startedAt, finishedAt: stage.finishedAt ?? patch.finishedAt };
  }
  const running = patch.state === 'running' || patch.state === 'waiting';
  const completed = patch.state === 'completed';
  return {
    name: stage.name,
    state: patch.state,
    result: completed ? (patch.result ?? stage.result) : undefined,
    startedAt: patch.startedAt ?? stage.startedAt ?? (running ? eventAt : undefined),
    finishedAt: completed ? (patch.finishedAt ?? stage.finishedAt ?? eventAt) : undefined,
    updatedAt: eventAt,
  };
}

const decided = (a: ApprovalView): boolean => a.status !== 'pending';

function mergeApproval(approvals: readonly ApprovalView[], patch: NonNullable<RunPatch['approval']>): ApprovalView[] {
  const index = approvals.findIndex((a) => a.id === patch.id && a.api === patch.api);
  const existing = approvals[index];
  let next: ApprovalView;
  if (!existing) next = { ...patch };
  else if (decided(existing) && !decided(patch))
    next = existing; // a late "pending" never reopens a decision
  else {
    next = {
      ...existing,
      status: patch.status,
      stageName: existing.stageName ?? patch.stageName,
      instructions: patch.instructions ?? existing.instructions,
      approvers: patch.approvers.length > 0 ? patch.approvers : existing.approvers,
      minRequiredApprovers: patch.minRequiredApprovers ?? existing.minRequiredApprovers,
      requestedAt: existing.requestedAt ?? patch.requestedAt,
      // The Teams user who clicked is more useful than the service identity that called the API.
      decidedBy: existing.decidedBy ?? patch.decidedBy,
      decidedAt: existing.decidedAt ?? patch.decidedAt,
      comment: existing.comment ?? patch.comment,
      lastError: decided(patch) ? undefined : existing.lastError,
      note: decided(patch) ? undefined : existing.note,
    };
  }
  const copy = [...approvals];
  if (index >= 0) copy[index] = next;
  else copy.push(next);
  return copy;
}

/** A stage with a pending approval shows as waiting (until it completes). */
function markWaitingStages(stages: StageView[], approvals: readonly ApprovalView[]): StageView[] {
  const result = [...stages];
  for (const approval of approvals) {
    if (approval.status !== 'pending' || !approval.stageName) continue;
    const i = result.findIndex((s) => s.name.toLowerCase() === approval.stageName!.toLowerCase());
    if (i < 0) continue;
    const stage = result[i]!;
    if (stage.state === 'notStarted' || stage.state === 'running') result[i] = { ...stage, state: 'waiting' };
  }
  return result;
}

/** Once its approval is decided, a waiting stage runs (approved) or ends (rejected) without waiting for the stage event. */
function settleDecidedStage(stages: StageView[], approval: NonNullable<RunPatch['approval']>, eventAt: string): StageView[] {
  if (approval.status === 'pending' || !approval.stageName) return stages;
  return stages.map((stage) => {
    if (stage.name.toLowerCase() !== approval.stageName!.toLowerCase() || stage.state !== 'waiting') return stage;
    if (approval.status === 'approved') return { ...stage, state: 'running', updatedAt: eventAt > stage.updatedAt ? eventAt : stage.updatedAt };
    return { ...stage, state: 'completed', result: approval.status === 'rejected' ? 'rejected' : 'canceled', finishedAt: eventAt, updatedAt: eventAt };
  });
}
