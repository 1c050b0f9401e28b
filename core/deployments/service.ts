import type { ApprovalsClient, ApprovalUpdateResult } from '../ports/devops';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { patchFromEvent } from './event-patch';
import { parseDevOpsEvent } from './events';
import { mergeRun } from './merge';
import type { DeploymentRepository } from './repository';
import type { ApprovalView, PipelineRun } from './run';
import { Refusal } from '../refusal';
import { FLEETOPS_ACTOR, type AuditLog } from '../audit/audit-log';
import type { UnitOfWork } from '../unit-of-work';
import type { PublishEvent } from '../notifications/broadcaster';
import type { DeploymentEvent } from './run-events';

export type ReceiveOutcome =
  | { status: 'accepted'; eventKey: string; runId: string; conversations: number }
  | { status: 'duplicate'; eventKey: string; runId?: string }
  /** A well-formed event of a type FleetOps does not handle: acknowledged, so Azure DevOps keeps the subscription healthy. */
  | { status: 'ignored'; eventType: string }
  | { status: 'rejected'; reason: 'malformed'; error: string; eventType?: string };

export interface DecisionRequest {
  readonly runId: string;
  readonly approvalId: string;
  readonly decision: 'approved' | 'rejected';
  readonly actor: { readonly id: string; readonly name: string; readonly upn?: string };
}

export interface DeploymentServiceDeps {
  readonly repository: DeploymentRepository;
  readonly approvals: ApprovalsClient;
  /** Where every change of a run goes (the feature's broadcaster: the run's card in the subscribed conversations). */
  readonly publish: PublishEvent<DeploymentEvent>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Bounds the Azure DevOps call so a card click answers within Teams' timeout. */
  readonly approvalTimeoutInMs?: number;
  /** The event, its run and its card posts commit together (when the store and the outbox share a database). */
  readonly unitOfWork?: UnitOfWork;
  /** Transitions no user clicked (an approval timing out in Azure DevOps) are recorded with FleetOps as the actor. */
  readonly audit?: AuditLog;
}

/** Deployments: service-hook events in, one card per run out, approvals decided from Teams. */
export class DeploymentService {
  private readonly inFlight = new Map<string, string>();

  constructor(private readonly deps: DeploymentServiceDeps) {}

  /** Stores the event durably, merges it into its run and queues the run's card updates. */
  async receive(body: unknown, rawBody: string): Promise<ReceiveOutcome> {
    return await this.atomically(() => this.receiveNow(body, rawBody));
  }

  private atomically<T>(work: () => Promise<T>): Promise<T> {
    return this.deps.unitOfWork ? this.deps.unitOfWork.run(work) : work();
  }

  private async receiveNow(body: unknown, rawBody: string): Promise<ReceiveOutcome> {
    const parsed = parseDevOpsEvent(body);
    if (!parsed.ok && parsed.reason === 'unsupported') {
      this.deps.log.debug({ eventType: parsed.eventType }, 'devops event of an unhandled type ignored');
      return { status: 'ignored', eventType: parsed.eventType ?? 'unknown' };
    }
    if (!parsed.ok) {
      this.deps.log.warn({ eventType: parsed.eventType, reason: parsed.reason, error: parsed.error }, 'devops event rejected');
      return { status: 'rejected', reason: 'malformed', error: parsed.error, eventType: parsed.eventType };
    }
    const event = parsed.event;
    const eventKey = `${event.eventType}:${event.id}`;
    const patch = patchFromEvent(event);
    const receivedAt = this.deps.clock.now().toISOString();
    const result = await this.deps.repository.ingest({ key: eventKey, eventType: event.eventType, receivedAt, body: rawBody }, patch.runId, (current) =>
      mergeRun(current, patch, event.createdDate, receivedAt),
    );
    if (result.duplicate) {
      this.deps.log.info({ eventKey, runId: result.run?.runId }, 'devops event redelivered; already stored');
      // A crash between storing and announcing leaves the event unannounced: finish the job now.
      if (!result.announced && result.run) await this.announce(eventKey, result.run);
      return { status: 'duplicate', eventKey, runId: result.run?.runId };
    }
    if (patch.approval?.status === 'timedOut') {
      const where = patch.approval.stageName ? ` (${patch.approval.stageName})` : '';
      await this.deps.audit?.record({
        ...FLEETOPS_ACTOR,
        action: 'deployment.approval',
        target: result.run.runId,
        outcome: 'ok',
        detail: `approval${where} of ${result.run.pipeline} ${result.run.runNumber} timed out in Azure DevOps`,
      });
    }
    const conversations = await this.announce(eventKey, result.run);
    this.deps.log.info({ eventKey, runId: result.run.runId, state: result.run.state, conversations }, 'devops event applied');
    return { status: 'accepted', eventKey, runId: result.run.runId, conversations };
  }

  /** Re-announces events stored before a crash but not yet handed to the outbox. */
  async recover(): Promise<number> {
    let count = 0;
    for (const { eventKey, runId } of await this.deps.repository.unannounced(500)) {
      const run = await this.deps.repository.get(runId);
      if (run) await this.announce(eventKey, run);
      else await this.deps.repository.markAnnounced(eventKey);
      count++;
    }
    return count;
  }

  async get(runId: string): Promise<PipelineRun | undefined> {
    return await this.deps.repository.get(runId);
  }

  async list(options: { pipeline?: string; limit?: number } = {}): Promise<PipelineRun[]> {
    return await this.deps.repository.listRecent({ pipeline: options.pipeline, limit: options.limit ?? 10 });
  }

  /**
   * Approves or rejects from a card: calls Azure DevOps, then shows who decided (or its error) on
   * every copy of the card. Returns the run after the decision; refused (core/refusal.ts) when the
   * run or approval is unknown, already decided, being decided by someone else, or when Azure
   * DevOps says no (its error is then on the run's card too).
   */
  async decide(request: DecisionRequest): Promise<PipelineRun> {
    const run = await this.deps.repository.get(request.runId);
    if (!run) throw new Refusal('deployment_run_unknown', { runId: request.runId });
    const approval = run.approvals.find((a) => a.id === request.approvalId);
    if (!approval)
      throw new Refusal('deployment_approval_unknown', { runId: run.runId, runNumber: run.runNumber, pipeline: run.pipeline, approvalId: request.approvalId });
    if (approval.status !== 'pending')
      throw new Refusal('deployment_approval_decided', { runId: run.runId, status: approval.status, by: approval.decidedBy, at: approval.decidedAt });
    const flightKey = `${run.runId}/${approval.id}`;
    const busy = this.inFlight.get(flightKey);
    if (busy) throw new Refusal('deployment_approval_busy', { runId: run.runId, by: busy });
    this.inFlight.set(flightKey, request.actor.name);
    try {
      return await this.send(run, approval, request);
    } finally {
      this.inFlight.delete(flightKey);
    }
  }

  private async send(run: PipelineRun, approval: ApprovalView, request: DecisionRequest): Promise<PipelineRun> {
    const verb = request.decision === 'approved' ? 'Approved' : 'Rejected';
    const who = request.actor.upn ? `${request.actor.name} (${request.actor.upn})` : request.actor.name;
    const result = await this.deps.approvals.update(
      {
        approvalId: approval.id,
        api: approval.api,
        status: request.decision,
        comment: `${verb} in Microsoft Teams by ${who} via FleetOps`,
        organizationUrl: run.location.organizationUrl,
        project: run.location.project,
        run: { runId: run.runId, pipeline: run.pipeline, stageName: approval.stageName, runNumber: run.runNumber },
        decidedBy: { name: request.actor.name, upn: request.actor.upn },
      },
      { timeoutInMs: this.deps.approvalTimeoutInMs ?? 10_000 },
    );
    const now = this.deps.clock.now().toISOString();
    const updated = await this.atomically(async () => {
      const next = await this.deps.repository.update(run.runId, (current) => applyDecision(current, approval, result, request, now));
      if (next)
        await this.deps.publish({
          type: 'deployment.approval-decided',
          runId: next.runId,
          run: next,
          at: now,
          approvalId: approval.id,
          decision: request.decision,
          actor: { name: request.actor.name },
          ok: result.ok,
        });
      return next;
    });
    if (!updated) throw new Refusal('deployment_run_vanished', { runId: run.runId, runNumber: run.runNumber });
    this.deps.log.info({ runId: run.runId, approvalId: approval.id, decision: request.decision, ok: result.ok }, 'approval decided from Teams');
    if (!result.ok) throw new Refusal('deployment_decision_refused', { runId: run.runId, reason: result.message });
    return updated;
  }

  private async announce(eventKey: string, run: PipelineRun): Promise<number> {
    const at = this.deps.clock.now().toISOString();
    const conversations = await this.deps.publish({ type: 'deployment.run-changed', runId: run.runId, run, at, eventKey });
    await this.deps.repository.markAnnounced(eventKey);
    return conversations.length;
  }
}

function applyDecision(run: PipelineRun, approval: ApprovalView, result: ApprovalUpdateResult, request: DecisionRequest, now: string): PipelineRun {
  if (result.ok && result.status !== 'pending') {
    // Same path as Azure DevOps' approval-completed event, so stages and state move alike.
    const decided = { ...approval, status: result.status, decidedBy: request.actor.name, decidedAt: now, comment: undefined };
    return mergeRun(run, { runId: run.runId, kind: run.kind, location: {}, approval: decided }, now, now);
  }
  const annotate = (a: ApprovalView): ApprovalView => {
    if (!result.ok) return { ...a, lastError: `${result.message} (tried by ${request.actor.name} at ${now.slice(11, 16)} UTC)` };
    const more = result.remainingApprovers ? `${result.remainingApprovers} more approver${result.remainingApprovers === 1 ? '' : 's'}` : 'more approvers';
    return { ...a, lastError: undefined, note: `${request.decision === 'approved' ? 'Approved' : 'Rejected'} by ${request.actor.name}; waiting for ${more}.` };
  };
  return {
    ...run,
    approvals: run.approvals.map((a) => (a.id === approval.id && a.api === approval.api ? annotate(a) : a)),
    updatedAt: now,
    version: run.version + 1,
  };
}
