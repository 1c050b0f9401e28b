import type { DevOpsEvent, EventEnvelope } from './events';
import { firmwareVersionFrom } from './firmware-version';
import * as n from './normalize';
import type { ApprovalView, DevOpsLocation, RunKind, RunResult, RunState, StageState } from './run';

/** What one event says about one run; merged into the stored run by `mergeRun`. */
export interface RunPatch {
  readonly runId: string;
  readonly kind: RunKind;
  readonly pipeline?: string;
  readonly pipelineId?: string;
  readonly runNumber?: string;
  readonly branch?: string;
  readonly commit?: string;
  readonly triggeredBy?: string;
  readonly state?: RunState;
  readonly result?: RunResult;
  readonly createdAt?: string;
  readonly finishedAt?: string;
  readonly links?: { readonly web?: string; readonly pipeline?: string };
  readonly firmwareVersion?: string;
  readonly location: DevOpsLocation;
  readonly stage?: { name: string; state?: StageState; result?: RunResult; startedAt?: string; finishedAt?: string };
  readonly approval?: Omit<ApprovalView, 'lastError' | 'note'>;
}

const ZERO_GUID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;
const real = (value: string | null | undefined): string | undefined => (value && !ZERO_GUID.test(value) ? value : undefined);
const positive = (value: number | null | undefined): number | undefined => (typeof value === 'number' && value > 0 ? value : undefined);
const who = (identity: { displayName?: string | null; uniqueName?: string | null } | null | undefined): string | undefined =>
  identity?.displayName || identity?.uniqueName || undefined;
const idText = (value: string | number | null | undefined): string | undefined => (value === null || value === undefined ? undefined : String(value));

function messageHtml(event: EventEnvelope): string {
  return [event.message?.html, event.message?.markdown, event.detailedMessage?.html, event.detailedMessage?.markdown].filter(Boolean).join(' ');
}

/** Links in the message (Microsoft's samples sometimes have them only there, even unquoted or reversed). */
function messageLinks(event: EventEnvelope): string[] {
  return [...messageHtml(event).matchAll(/https?:\/\/[^\s"'<>)\]]+/g)].map((m) => m[0]);
}

/** The org and project: the event's containers first (real ids), then its links. */
function locate(event: EventEnvelope, ...hrefs: Array<string | null | undefined>): DevOpsLocation {
  const fromLinks = [...hrefs, ...messageLinks(event)].map(n.locationFromUrl).find((l) => l.organizationUrl) ?? {};
  const base = event.resourceContainers?.account?.baseUrl || event.resourceContainers?.collection?.baseUrl;
  const fromBase = n.locationFromUrl(base ?? undefined);
  return {
    organizationUrl: fromBase.organizationUrl ?? fromLinks.organizationUrl,
    project: real(event.resourceContainers?.project?.id) ?? fromLinks.project,
  };
}

type Run = NonNullable<Extract<DevOpsEvent, { kind: 'run-state' }>['run']['run']>;

function fromPipelineRun(run: Run, event: EventEnvelope, pipelineName?: string | null): RunPatch {
  const self = run.resources?.repositories?.self ?? Object.values(run.resources?.repositories ?? {})[0];
  const state = n.runState(run.state);
  return {
    runId: `run-${run.id}`,
    kind: 'pipeline',
    pipeline: run.pipeline?.name ?? pipelineName ?? undefined,
    pipelineId: idText(run.pipeline?.id),
    runNumber: run.name ?? String(run.id),
    branch: n.branchName(self?.refName),
    commit: self?.version ?? undefined,
    triggeredBy: who(run.requestedFor) ?? who(run.requestedBy),
    state,
    result: n.result(run.result),
    createdAt: run.createdDate ?? undefined,
    finishedAt: state === 'completed' ? (run.finishedDate ?? undefined) : undefined,
    links: { web: run._links?.web?.href, pipeline: run._links?.['pipeline.web']?.href },
    firmwareVersion: firmwareVersionFrom(run),
    location: locate(event, run._links?.web?.href, run.url),
  };
}

/** Turns one parsed event into what it says about its run. */
export function patchFromEvent(event: DevOpsEvent): RunPatch {
  switch (event.kind) {
    case 'run-state':
      return fromPipelineRun(event.run.run, event, event.run.pipeline?.name);
    case 'stage-state': {
      const { stage, run, pipeline } = event.stage;
      const web = stage._links?.web?.href;
      const base: RunPatch = run
        ? fromPipelineRun(run, event, pipeline?.name)
        : { runId: runIdFromLinks(event, web), kind: 'pipeline', pipeline: pipeline?.name ?? undefined, location: locate(event, web) };
      const state = n.stageState(stage.state);
      return {
        ...base,
        links: { web: base.links?.web ?? web, pipeline: base.links?.pipeline ?? stage._links?.['pipeline.web']?.href },
        stage: {
          name: stage.displayName || stage.name || 'default',
          state,
          result: n.result(stage.result),
          startedAt: stage.startTime ?? undefined,
          finishedAt: stage.finishTime ?? undefined,
        },
      };
    }
    case 'approval':
      return fromPipelineApproval(event);
    case 'deployment':
      return fromDeployment(event);
    case 'release-approval':
      return fromReleaseApproval(event);
    case 'build':
      return fromBuild(event);
  }
}

function runIdFromLinks(event: EventEnvelope, ...hrefs: Array<string | null | undefined>): string {
  for (const href of [...hrefs, ...messageLinks(event)]) {
    const id = /[?&]buildId=(\d+)/.exec(href ?? '')?.[1];
    if (id) return `run-${id}`;
  }
  return `event-${event.id}`;
}

function fromPipelineApproval(event: Extract<DevOpsEvent, { kind: 'approval' }>): RunPatch {
  const { approval, run, pipeline, stage, stageName } = event.approval;
  const text = event.message?.text ?? '';
  const environment = /to environment (.+?)\.?$/.exec(text)?.[1];
  const namedPipeline = /deployment of pipeline (.+?) to environment/.exec(text)?.[1];
  const runPatch: RunPatch | undefined = run ? fromPipelineRun(run, event, pipeline?.name) : undefined;
  const linkedRunId = run ? undefined : runIdFromLinks(event);
  const known = runPatch ?? (linkedRunId && !linkedRunId.startsWith('event-') ? { runId: linkedRunId, kind: 'pipeline' as const } : undefined);
  const steps = approval.steps ?? [];
  const decidedStep = steps.find((s) => s.actualApprover || (s.status && n.approvalStatus(s.status) !== 'pending'));
  const status = event.completed ? (n.approvalStatus(approval.status) ?? 'approved') : 'pending';
  return {
    ...(runPatch ?? {}),
    runId: known?.runId ?? `approval-${approval.id}`,
    kind: known ? 'pipeline' : 'approval',
    pipeline: runPatch?.pipeline ?? pipeline?.name ?? namedPipeline,
    location: runPatch?.location ?? locate(event),
    approval: {
      id: approval.id,
      api: 'pipelines',
      stageName: stageName ?? stage?.displayName ?? stage?.name ?? (environment ? `environment ${environment}` : undefined),
      status,
      instructions: approval.instructions ?? undefined,
      approvers: steps.map((s) => who(s.assignedApprover)).filter((name): name is string => Boolean(name)),
      minRequiredApprovers: approval.minRequiredApprovers ?? undefined,
      requestedAt: approval.createdOn ?? undefined,
      decidedBy: status === 'pending' ? undefined : (who(decidedStep?.actualApprover) ?? who(decidedStep?.assignedApprover)),
      decidedAt: status === 'pending' ? undefined : (decidedStep?.lastModifiedOn ?? approval.lastModifiedOn ?? event.createdDate),
      comment: status === 'pending' ? undefined : (decidedStep?.comment ?? undefined),
    },
  };
}

function fromDeployment(event: Extract<DevOpsEvent, { kind: 'deployment' }>): RunPatch {
  const { environment: env, release, project } = event.deployment;
  const releaseId = positive(env.release?.id) ?? positive(release?.id);
  const web = env.release?._links?.web?.href ?? release?._links?.web?.href;
  const status = event.completed ? n.combinedStatus(env.status) : { state: 'running' as const, result: undefined };
  const location = locate(event, web, env.release?.url, release?.releaseDefinition?.url);
  return {
    runId: releaseId ? `release-${releaseId}` : `event-${event.id}`,
    kind: 'release',
    pipeline: release?.releaseDefinition?.name ?? env.releaseDefinition?.name ?? undefined,
    pipelineId: idText(release?.releaseDefinition?.id ?? env.releaseDefinition?.id),
    runNumber: env.release?.name ?? release?.name ?? undefined,
    triggeredBy: who(release?.createdBy),
    state: event.completed ? 'completed' : 'running',
    result: event.completed ? status.result : undefined,
    links: { web },
    firmwareVersion: firmwareVersionFrom({ variables: { ...(release?.variables ?? {}), ...(env.variables ?? {}) }, tags: release?.tags }),
    location: { ...location, project: location.project ?? real(project?.id) ?? project?.name ?? undefined },
    stage: env.name ? { name: env.name, state: status.state, result: status.result } : undefined,
  };
}

function fromReleaseApproval(event: Extract<DevOpsEvent, { kind: 'release-approval' }>): RunPatch {
  const { approval, release, project } = event.releaseApproval;
  const releaseId = positive(approval.release?.id) ?? positive(release?.id);
  const status = event.completed ? (n.approvalStatus(approval.status) ?? 'approved') : 'pending';
  const stageName = approval.releaseEnvironment?.name ?? undefined;
  const location = locate(event, approval.release?.url, approval.releaseDefinition?.url);
  const kindLabel = approval.approvalType === 'postDeploy' ? 'post-deployment' : 'pre-deployment';
  return {
    runId: releaseId ? `release-${releaseId}` : `event-${event.id}`,
    kind: 'release',
    pipeline: approval.releaseDefinition?.name ?? release?.releaseDefinition?.name ?? undefined,
    runNumber: approval.release?.name ?? release?.name ?? undefined,
    triggeredBy: who(release?.createdBy),
    links: { web: release?._links?.web?.href },
    firmwareVersion: firmwareVersionFrom({ variables: release?.variables, tags: release?.tags }),
    location: { ...location, project: location.project ?? real(project?.id) ?? project?.name ?? undefined },
    approval: {
      id: String(approval.id),
      api: 'release',
      stageName,
      status,
      instructions: `${kindLabel} approval`,
      approvers: [who(approval.approver)].filter((name): name is string => Boolean(name)),
      requestedAt: approval.createdOn ?? undefined,
      decidedBy: status === 'pending' ? undefined : (who(approval.approvedBy) ?? who(approval.approver)),
      decidedAt: status === 'pending' ? undefined : (approval.modifiedOn ?? event.createdDate),
      comment: status === 'pending' ? undefined : approval.comments || undefined,
    },
  };
}

function fromBuild(event: Extract<DevOpsEvent, { kind: 'build' }>): RunPatch {
  const b = event.build;
  const web = b._links?.web?.href ?? messageLinks(event)[0];
  return {
    runId: `run-${b.id}`,
    kind: 'pipeline',
    pipeline: b.definition?.name ?? undefined,
    pipelineId: idText(b.definition?.id),
    runNumber: b.buildNumber ?? String(b.id),
    branch: n.branchName(b.sourceBranch ?? b.sourceGetVersion),
    commit: b.sourceVersion ?? n.commitFromGetVersion(b.sourceGetVersion),
    triggeredBy: who(b.requestedFor) ?? who(b.requests?.[0]?.requestedFor) ?? who(b.lastChangedBy),
    state: 'completed',
    result: n.result(b.result ?? b.status),
    createdAt: b.startTime ?? undefined,
    finishedAt: b.finishTime ?? undefined,
    links: { web },
    firmwareVersion: firmwareVersionFrom({ tags: b.tags }),
    location: locate(event, b.url, web),
  };
}
