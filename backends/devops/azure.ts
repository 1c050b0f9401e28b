import type { ApprovalDecision, ApprovalFailure, ApprovalsClient, ApprovalUpdateResult } from '../../core/ports/devops';

/** Entra ID resource of Azure DevOps: tokens for it are requested with this scope. */
export const AZURE_DEVOPS_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';

export type AzureDevOpsAuth = { readonly kind: 'pat'; readonly token: string } | { readonly kind: 'entra'; readonly getToken: () => Promise<string> };

export interface AzureDevOpsApprovalsOptions {
  /** e.g. https://dev.azure.com/contoso; used when the event did not name the organization. */
  readonly organizationUrl?: string;
  readonly project?: string;
  readonly auth: AzureDevOpsAuth;
  /** Injected in tests (a stub at the HTTP edge). */
  readonly fetch?: typeof fetch;
}

/**
 * Decides approvals with the Azure DevOps REST API:
 * YAML pipeline checks — PATCH {org}/{project}/_apis/pipelines/approvals?api-version=7.1 with [{approvalId, status, comment}];
 * classic releases — PATCH vsrm.dev.azure.com/{org}/{project}/_apis/release/approvals/{id}?api-version=7.1 with {status, comments}.
 */
export class AzureDevOpsApprovals implements ApprovalsClient {
  readonly kind = 'azure' as const;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: AzureDevOpsApprovalsOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async update(decision: ApprovalDecision, options: { abortSignal?: AbortSignal; timeoutInMs?: number } = {}): Promise<ApprovalUpdateResult> {
    const organizationUrl = (decision.organizationUrl ?? this.options.organizationUrl)?.replace(/\/+$/, '');
    const project = decision.project ?? this.options.project;
    if (!organizationUrl || !project) {
      return failure(
        'misconfigured',
        'FleetOps does not know the Azure DevOps organization or project of this run; set AZURE_DEVOPS_ORG_URL and AZURE_DEVOPS_PROJECT.',
      );
    }
    const request = decision.api === 'pipelines' ? pipelinesRequest(organizationUrl, project, decision) : releaseRequest(organizationUrl, project, decision);
    let authorization: string;
    try {
      authorization = await this.authorization();
    } catch (error) {
      return failure(
        'unauthorized',
        `FleetOps could not get an Entra ID token for Azure DevOps (${String(error)}); check the managed identity or AZURE_DEVOPS_PAT.`,
      );
    }
    const signals = [AbortSignal.timeout(options.timeoutInMs ?? 10_000), ...(options.abortSignal ? [options.abortSignal] : [])];
    let response: Response;
    try {
      response = await this.fetch(request.url, {
        method: 'PATCH',
        headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(request.body),
        signal: AbortSignal.any(signals),
        redirect: 'manual',
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return failure(
        'unavailable',
        timedOut
          ? 'Azure DevOps did not answer in time; try again, or decide in Azure DevOps.'
          : `Azure DevOps could not be reached (${(error as Error).message}).`,
      );
    }
    return interpret(response, decision);
  }

  private async authorization(): Promise<string> {
    const auth = this.options.auth;
    if (auth.kind === 'pat') return `Basic ${Buffer.from(`:${auth.token}`, 'utf8').toString('base64')}`;
    return `Bearer ${await auth.getToken()}`;
  }
}

function pipelinesRequest(organizationUrl: string, project: string, d: ApprovalDecision) {
  return {
    url: `${organizationUrl}/${encodeURIComponent(project)}/_apis/pipelines/approvals?api-version=7.1`,
    body: [{ approvalId: d.approvalId, status: d.status, comment: d.comment }],
  };
}

function releaseRequest(organizationUrl: string, project: string, d: ApprovalDecision) {
  const vsrm = organizationUrl.replace('https://dev.azure.com/', 'https://vsrm.dev.azure.com/');
  return {
    url: `${vsrm}/${encodeURIComponent(project)}/_apis/release/approvals/${encodeURIComponent(d.approvalId)}?api-version=7.1`,
    body: { status: d.status, comments: d.comment },
  };
}

const failure = (kind: ApprovalFailure, message: string): ApprovalUpdateResult => ({ ok: false, failure: kind, message });

interface PipelinesApproval {
  status?: string;
  minRequiredApprovers?: number;
  steps?: Array<{ status?: string }>;
}

async function interpret(response: Response, decision: ApprovalDecision): Promise<ApprovalUpdateResult> {
  const text = await response.text().catch(() => '');
  const json = safeJson(text);
  // Azure DevOps answers a bad or expired PAT with 203 and a sign-in page, or with a redirect.
  if (response.status === 203 || (response.status >= 300 && response.status < 400) || response.status === 401) {
    return failure(
      'unauthorized',
      'Azure DevOps refused FleetOps’ credentials (PAT expired or revoked?). It needs the scopes Build (read & execute) and Pipeline Resources (use).',
    );
  }
  if (!response.ok) {
    const message = typeof json?.message === 'string' ? json.message : `HTTP ${response.status}`;
    return failure(classify(response.status, message), `${message}`);
  }
  if (decision.api === 'release') {
    const status = String(json?.status ?? decision.status).toLowerCase();
    return { ok: true, status: status === 'approved' || status === 'rejected' ? status : 'pending' };
  }
  const approval = (Array.isArray(json?.value) ? json.value[0] : undefined) as PipelinesApproval | undefined;
  if (!approval) return { ok: true, status: decision.status };
  const status = String(approval.status ?? '').toLowerCase();
  if (status === 'approved' || status === 'rejected') return { ok: true, status };
  const approved = (approval.steps ?? []).filter((s) => String(s.status).toLowerCase() === 'approved').length;
  const remaining = approval.minRequiredApprovers ? Math.max(approval.minRequiredApprovers - approved, 0) : undefined;
  return { ok: true, status: 'pending', remainingApprovers: remaining || undefined };
}

function classify(status: number, message: string): ApprovalFailure {
  if (/already|has been (approved|rejected|completed)|is (approved|rejected|completed|canceled|cancelled)|not pending/i.test(message)) return 'already-decided';
  if (status === 403 || /not (authorized|allowed|permitted|an? approver)|permission|cannot approve|can't approve/i.test(message)) return 'not-approver';
  if (status === 404) return 'not-found';
  if (status >= 500 || status === 429) return 'unavailable';
  return 'rejected-by-server';
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
