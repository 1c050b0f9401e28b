import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { ApprovalDecision, ApprovalsClient, ApprovalUpdateResult } from '../../core/ports/devops';

export interface LocalApprovalsOptions {
  /** The bot's own base URL: the decision comes back through POST /api/devops, like from Azure DevOps. */
  readonly selfUrl: string;
  readonly credentials: { readonly user: string; readonly password: string };
  readonly clock: Clock;
  readonly log: Logger;
  readonly fetch?: typeof fetch;
}

export interface RecordedDecision extends ApprovalDecision {
  readonly at: string;
}

/**
 * The embedded world's Azure DevOps: records each decision and sends the bot the
 * approval-completed event Azure DevOps would send, with the same basic auth and path.
 */
export class LocalApprovals implements ApprovalsClient {
  readonly kind = 'local' as const;
  readonly decisions: RecordedDecision[] = [];
  private readonly fetch: typeof fetch;

  constructor(private readonly options: LocalApprovalsOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async update(decision: ApprovalDecision): Promise<ApprovalUpdateResult> {
    const previous = this.decisions.find((d) => d.approvalId === decision.approvalId && d.api === decision.api);
    if (previous) {
      return { ok: false, failure: 'already-decided', message: `This approval was already ${previous.status} by ${previous.decidedBy.name}.` };
    }
    const at = this.options.clock.now().toISOString();
    this.decisions.push({ ...decision, at });
    await this.emit(decision, at);
    return { ok: true, status: decision.status };
  }

  private async emit(decision: ApprovalDecision, at: string): Promise<void> {
    const event = decision.api === 'release' ? releaseApprovalCompleted(decision, at) : pipelineApprovalCompleted(decision, at);
    try {
      const response = await this.fetch(`${this.options.selfUrl}/api/devops`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${this.options.credentials.user}:${this.options.credentials.password}`, 'utf8').toString('base64')}`,
        },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) this.options.log.warn({ status: response.status, approvalId: decision.approvalId }, 'local approval event was not accepted');
    } catch (error) {
      // The decision stands (the card already shows it); only the echo event is lost.
      this.options.log.warn({ err: String(error), approvalId: decision.approvalId }, 'could not send the local approval event');
    }
  }
}

const numericId = (runId: string, prefix: string): number | undefined => {
  const match = new RegExp(`^${prefix}-(\\d+)$`).exec(runId);
  return match ? Number(match[1]) : undefined;
};

function pipelineApprovalCompleted(d: ApprovalDecision, at: string) {
  const runId = numericId(d.run.runId, 'run');
  const person = { displayName: d.decidedBy.name, uniqueName: d.decidedBy.upn ?? null, id: null };
  return {
    id: randomUUID(),
    eventType: 'ms.vss-pipelinechecks-events.approval-completed',
    publisherId: 'pipelines',
    message: { text: `Approval completed for deployment of pipeline ${d.run.pipeline}.` },
    resource: {
      approval: {
        id: d.approvalId,
        steps: [{ assignedApprover: person, actualApprover: person, status: d.status, comment: d.comment, initiatedOn: at, lastModifiedOn: at }],
        status: d.status,
        createdOn: at,
        lastModifiedOn: at,
        minRequiredApprovers: 1,
      },
      pipeline: { name: d.run.pipeline },
      // The stand-in does not know the run's state: saying nothing keeps the run's timeline as the pipeline reported it.
      run: runId === undefined ? null : { id: runId, name: d.run.runNumber, state: null, pipeline: { name: d.run.pipeline } },
      stageName: d.run.stageName ?? null,
    },
    resourceVersion: '5.1-preview.1',
    createdDate: at,
  };
}

function releaseApprovalCompleted(d: ApprovalDecision, at: string) {
  const releaseId = numericId(d.run.runId, 'release') ?? 0;
  const person = { displayName: d.decidedBy.name, uniqueName: d.decidedBy.upn ?? null };
  return {
    id: randomUUID(),
    eventType: 'ms.vss-release.deployment-approval-completed-event',
    publisherId: 'rm',
    message: { text: `${d.status === 'approved' ? 'Approved' : 'Rejected'} deployment of ${d.run.runNumber}.` },
    resource: {
      approval: {
        id: Number(d.approvalId),
        approver: person,
        approvedBy: person,
        approvalType: 'preDeploy',
        status: d.status,
        comments: d.comment,
        createdOn: at,
        modifiedOn: at,
        release: { id: releaseId, name: d.run.runNumber },
        releaseDefinition: { name: d.run.pipeline },
        releaseEnvironment: { name: d.run.stageName ?? null },
      },
    },
    resourceVersion: '3.0-preview.1',
    createdDate: at,
  };
}
