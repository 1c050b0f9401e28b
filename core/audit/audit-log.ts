export interface AuditEntry {
  readonly at: string; // ISO time
  readonly actorId: string;
  readonly actorName: string;
  readonly role: string;
  readonly action: string; // command name or card verb, e.g. 'rollout.pause'
  readonly target?: string;
  /** `refused`: the domain said no (a stale click, a verb the state does not allow); `code` says which refusal. */
  readonly outcome: 'ok' | 'denied' | 'failed' | 'noop' | 'refused';
  /** The refusal's code (core/refusal.ts), e.g. rollout_not_pausable, so refusals can be counted. */
  readonly code?: string;
  readonly detail?: string;
  readonly conversationId?: string;
}

export interface AuditLog {
  record(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void>;
  latest(limit: number): Promise<AuditEntry[]>;
}

/** Who the audit names for what FleetOps did by itself (a gate pausing a rollout) or was told by Azure (an alert resolved). */
export const FLEETOPS_ACTOR = { actorId: 'fleetops', actorName: 'FleetOps', role: 'system' } as const;
