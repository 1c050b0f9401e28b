import { z } from 'zod';

/**
 * Azure DevOps service-hook events FleetOps understands. Microsoft's samples are
 * sparse and inconsistent (nulls where objects are expected, ids of 0), so every
 * nested field is optional and the model is built from whatever is present.
 */
export const SUPPORTED_EVENT_TYPES = [
  'ms.vss-pipelines.run-state-changed-event',
  'ms.vss-pipelines.stage-state-changed-event',
  'ms.vss-pipelinechecks-events.approval-pending',
  'ms.vss-pipelinechecks-events.approval-completed',
  'ms.vss-release.deployment-started-event',
  'ms.vss-release.deployment-completed-event',
  'ms.vss-release.deployment-approval-pending-event',
  'ms.vss-release.deployment-approval-completed-event',
  'build.complete',
] as const;
export type SupportedEventType = (typeof SUPPORTED_EVENT_TYPES)[number];

const text = z.string().nullish();
const identity = z.object({ id: text, displayName: text, uniqueName: text }).nullish();
const link = z.object({ href: z.string() }).nullish();
const links = z.record(z.string(), link).nullish();
const idValue = z.union([z.number(), z.string()]);
const variables = z.record(z.string(), z.object({ value: z.unknown() }).nullish()).nullish();

const message = z.object({ text, html: text, markdown: text }).nullish();

const envelope = z.object({
  id: z.string().min(1, 'id is empty'),
  eventType: z.string().min(1, 'eventType is empty'),
  publisherId: text,
  notificationId: z.number().nullish(),
  subscriptionId: text,
  message,
  detailedMessage: message,
  resource: z.unknown(),
  resourceContainers: z
    .object({
      account: z.object({ id: text, baseUrl: text }).nullish(),
      project: z.object({ id: text, baseUrl: text }).nullish(),
      collection: z.object({ id: text, baseUrl: text }).nullish(),
    })
    .nullish(),
  createdDate: z.string().min(1, 'createdDate is empty'),
});
export type EventEnvelope = z.infer<typeof envelope>;

const pipelineRef = z.object({ id: idValue.nullish(), name: text, url: text, folder: text }).nullish();

const pipelineRun = z.object({
  id: z.number(),
  name: text,
  state: text,
  result: text,
  createdDate: text,
  finishedDate: text,
  url: text,
  pipeline: pipelineRef,
  _links: links,
  resources: z.object({ repositories: z.record(z.string(), z.object({ refName: text, version: text }).nullish()).nullish() }).nullish(),
  variables,
  templateParameters: z.record(z.string(), z.unknown()).nullish(),
  tags: z.array(z.string()).nullish(),
  requestedFor: identity,
  requestedBy: identity,
});
export type PipelineRunResource = z.infer<typeof pipelineRun>;

const stage = z.object({
  id: text,
  name: text,
  displayName: text,
  state: text,
  result: text,
  startTime: text,
  finishTime: text,
  _links: links,
});

const runStateResource = z.object({ run: pipelineRun, pipeline: pipelineRef });
const stageStateResource = z.object({ stage, run: pipelineRun.nullish(), pipeline: pipelineRef });

const approvalStep = z.object({
  assignedApprover: identity,
  actualApprover: identity,
  status: text,
  comment: text,
  initiatedOn: text,
  lastModifiedOn: text,
});
const pipelineApproval = z.object({
  id: z.string().min(1),
  steps: z.array(approvalStep).nullish(),
  status: text,
  instructions: text,
  minRequiredApprovers: z.number().nullish(),
  createdOn: text,
  lastModifiedOn: text,
});
const approvalResource = z.object({
  approval: pipelineApproval,
  projectId: text,
  pipeline: pipelineRef,
  stage: stage.nullish(),
  run: pipelineRun.nullish(),
  stageName: text,
  attemptId: z.number().nullish(),
});

const releaseRef = z.object({ id: z.number().nullish(), name: text, url: text, _links: links }).nullish();
const definitionRef = z.object({ id: idValue.nullish(), name: text, url: text }).nullish();
const release = z
  .object({
    id: z.number().nullish(),
    name: text,
    status: text,
    createdOn: text,
    createdBy: identity,
    modifiedBy: identity,
    releaseDefinition: definitionRef,
    variables,
    tags: z.array(z.string()).nullish(),
    description: text,
    reason: text,
    _links: links,
    artifacts: z
      .array(
        z.object({
          alias: text,
          isPrimary: z.boolean().nullish(),
          definitionReference: z.record(z.string(), z.object({ id: text, name: text }).nullish()).nullish(),
        }),
      )
      .nullish(),
  })
  .nullish();
const releaseEnvironment = z.object({
  id: z.number().nullish(),
  name: text,
  status: text,
  variables,
  release: releaseRef,
  releaseDefinition: definitionRef,
  owner: identity,
  modifiedOn: text,
  createdOn: text,
});
const project = z.object({ id: text, name: text }).nullish();

const deploymentResource = z.object({ environment: releaseEnvironment, release, project });
const releaseApprovalResource = z.object({
  approval: z.object({
    id: z.number(),
    approver: identity,
    approvedBy: identity,
    approvalType: text,
    status: text,
    comments: text,
    createdOn: text,
    modifiedOn: text,
    release: releaseRef,
    releaseDefinition: definitionRef,
    releaseEnvironment: z.object({ id: z.number().nullish(), name: text }).nullish(),
  }),
  release,
  project,
});

const buildResource = z.object({
  id: z.number(),
  buildNumber: text,
  status: text,
  result: text,
  startTime: text,
  finishTime: text,
  url: text,
  sourceBranch: text,
  sourceVersion: text,
  sourceGetVersion: text,
  definition: definitionRef,
  requestedFor: identity,
  requests: z.array(z.object({ requestedFor: identity })).nullish(),
  lastChangedBy: identity,
  tags: z.array(z.string()).nullish(),
  _links: links,
});

/** A parsed, typed event: the envelope plus the resource of its type. */
export type DevOpsEvent = EventEnvelope &
  (
    | { kind: 'run-state'; run: z.infer<typeof runStateResource> }
    | { kind: 'stage-state'; stage: z.infer<typeof stageStateResource> }
    | { kind: 'approval'; completed: boolean; approval: z.infer<typeof approvalResource> }
    | { kind: 'deployment'; completed: boolean; deployment: z.infer<typeof deploymentResource> }
    | { kind: 'release-approval'; completed: boolean; releaseApproval: z.infer<typeof releaseApprovalResource> }
    | { kind: 'build'; build: z.infer<typeof buildResource> }
  );

export type ParseEventResult = { ok: true; event: DevOpsEvent } | { ok: false; reason: 'malformed' | 'unsupported'; error: string; eventType?: string };

/** Turns a request body into a typed event, or says precisely what is wrong with it. */
export function parseDevOpsEvent(body: unknown): ParseEventResult {
  const head = envelope.safeParse(body);
  if (!head.success) return { ok: false, reason: 'malformed', error: `Not an Azure DevOps service-hook event: ${describe(head.error)}` };
  const env = head.data;
  const type = env.eventType;
  if (!(SUPPORTED_EVENT_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      reason: 'unsupported',
      eventType: type,
      error: `Event type "${type}" is not handled. Subscribe the service hook to one of: ${SUPPORTED_EVENT_TYPES.join(', ')}.`,
    };
  }
  const fail = (error: string): ParseEventResult => ({ ok: false, reason: 'malformed', eventType: type, error });
  const build = <S extends z.ZodType>(schema: S, make: (resource: z.infer<S>) => DevOpsEvent): ParseEventResult => {
    const r = schema.safeParse(env.resource);
    return r.success ? { ok: true, event: make(r.data) } : fail(`${type}: resource ${describe(r.error)}`);
  };
  const completed = type.includes('completed');
  switch (type as SupportedEventType) {
    case 'ms.vss-pipelines.run-state-changed-event':
      return build(runStateResource, (run) => ({ ...env, kind: 'run-state', run }));
    case 'ms.vss-pipelines.stage-state-changed-event':
      return build(stageStateResource, (stage) => ({ ...env, kind: 'stage-state', stage }));
    case 'ms.vss-pipelinechecks-events.approval-pending':
    case 'ms.vss-pipelinechecks-events.approval-completed':
      return build(approvalResource, (approval) => ({ ...env, kind: 'approval', completed, approval }));
    case 'ms.vss-release.deployment-started-event':
    case 'ms.vss-release.deployment-completed-event':
      return build(deploymentResource, (deployment) => ({ ...env, kind: 'deployment', completed, deployment }));
    case 'ms.vss-release.deployment-approval-pending-event':
    case 'ms.vss-release.deployment-approval-completed-event':
      return build(releaseApprovalResource, (releaseApproval) => ({ ...env, kind: 'release-approval', completed, releaseApproval }));
    case 'build.complete':
      return build(buildResource, (b) => ({ ...env, kind: 'build', build: b }));
  }
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
