/**
 * Deciding an approval in Azure DevOps. One implementation per world: the Azure
 * DevOps REST API, or a local stand-in that records the decision and sends the bot
 * the approval-completed event Azure DevOps would send.
 */
export interface ApprovalDecision {
  readonly approvalId: string;
  /** YAML pipeline checks (`_apis/pipelines/approvals`) or classic release approvals. */
  readonly api: 'pipelines' | 'release';
  readonly status: 'approved' | 'rejected';
  /** Names the Teams user: Azure DevOps records the identity of the token, not the clicker. */
  readonly comment: string;
  /** From the run's events; the adapter's configuration fills what is missing. */
  readonly organizationUrl?: string;
  readonly project?: string;
  /** Context for the local stand-in's approval-completed event. */
  readonly run: { readonly runId: string; readonly pipeline: string; readonly stageName?: string; readonly runNumber: string };
  readonly decidedBy: { readonly name: string; readonly upn?: string };
}

export type ApprovalFailure = 'already-decided' | 'not-approver' | 'not-found' | 'unauthorized' | 'misconfigured' | 'unavailable' | 'rejected-by-server';

export type ApprovalUpdateResult =
  | {
      readonly ok: true;
      /** `pending` when Azure DevOps recorded the decision but needs more approvers. */
      readonly status: 'approved' | 'rejected' | 'pending';
      readonly remainingApprovers?: number;
    }
  | { readonly ok: false; readonly failure: ApprovalFailure; readonly message: string };

export interface ApprovalsClient {
  readonly kind: 'azure' | 'local';
  update(decision: ApprovalDecision, options?: { abortSignal?: AbortSignal; timeoutInMs?: number }): Promise<ApprovalUpdateResult>;
}
