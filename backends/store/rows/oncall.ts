import type { EscalationState } from '../../../core/oncall/escalation';
import type { MaintenanceWindow } from '../../../core/oncall/maintenance';
import type { Override } from '../../../core/oncall/override';
import type { TimelineEntry, TimelineKind } from '../../../core/oncall/timeline';
import type { TimeWindow } from '../../../core/oncall/window';

/** On-call rows as either adapter reads them (PostgreSQL returns BIGSERIAL ids as text). */
export interface OverrideRow {
  id: number | string;
  rotation: string;
  member_id: string;
  member_name: string;
  start_at: string;
  end_at: string;
  created_by: string;
  created_at: string;
}

export const toOverride = (r: OverrideRow): Override => ({
  id: Number(r.id),
  rotation: r.rotation,
  member: { id: r.member_id, name: r.member_name },
  start: r.start_at,
  end: r.end_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export interface WindowRow {
  id: number | string;
  filter: string;
  window: string;
  created_by: string;
  created_at: string;
}

export const toWindow = (r: WindowRow): MaintenanceWindow => ({
  id: Number(r.id),
  filter: r.filter,
  window: JSON.parse(r.window) as TimeWindow,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export interface TimelineRow {
  id: number | string;
  alert_id: string;
  at: string;
  kind: TimelineKind;
  actor: string;
  detail: string | null;
}

export const toEntry = (r: TimelineRow): TimelineEntry => ({
  id: Number(r.id),
  alertId: r.alert_id,
  at: r.at,
  kind: r.kind,
  actor: r.actor,
  detail: r.detail ?? undefined,
});

/** The escalation's due time as stored: none once acknowledged or when no page is left. */
export const escalationDueAt = (s: EscalationState): string | null => (s.acknowledgedAt || s.nextDueAt === undefined ? null : s.nextDueAt);
