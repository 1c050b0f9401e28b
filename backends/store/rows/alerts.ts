import { alertTarget, shortAlertId, type AlertRecord } from '../../../core/alerts/alert';
import type { Delivery } from '../../../core/alerts/repository';
import type { Silence } from '../../../core/alerts/silence';
import type { Storm, StormMember, StormView } from '../../../core/alerts/storm';

/**
 * The alert tables' rows as either adapter reads them, and their mapping to the domain.
 * PostgreSQL returns BIGINT/BIGSERIAL as text, SQLite as numbers; the mapping accepts both.
 */
export interface DeliveryRow {
  conversation_id: string;
  alert_id: string;
  card_key: string;
  delivered_at: number | string;
  storm_rule: string | null;
  storm_generation: number | null;
}

export interface StormRow {
  conversation_id: string;
  rule: string;
  generation: number;
  started_at: number | string;
  last_at: number | string;
}

export interface SilenceRow {
  id: number | string;
  rule: string;
  target: string;
  until: string;
  created_by: string;
  created_at: string;
}

export const toDelivery = (r: DeliveryRow): Delivery => ({
  conversationId: r.conversation_id,
  alertId: r.alert_id,
  cardKey: r.card_key,
  deliveredAt: Number(r.delivered_at),
  storm: r.storm_rule !== null && r.storm_generation !== null ? { rule: r.storm_rule, generation: r.storm_generation } : undefined,
});

export const toStorm = (r: StormRow): Storm => ({
  conversationId: r.conversation_id,
  rule: r.rule,
  generation: r.generation,
  startedAt: Number(r.started_at),
  lastAt: Number(r.last_at),
});

export const toSilence = (r: SilenceRow): Silence => ({
  id: Number(r.id),
  rule: r.rule,
  target: r.target,
  until: r.until,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** What a storm card shows of one member, from the alert's stored record. */
export const toStormMember = (r: AlertRecord): StormMember => ({
  alertId: r.alertId,
  target: alertTarget(r),
  severity: r.severity,
  site: r.site,
  monitorCondition: r.monitorCondition,
  state: r.state,
  firedAt: r.firedAt,
  resolvedAt: r.resolvedAt,
});

/** The alerts row of a record, in column order: alert_id, short_id, rule, severity, monitor_condition, state, device_id, site, target, fired_at, record_json. */
export const alertColumns = (record: AlertRecord) =>
  [
    record.alertId,
    shortAlertId(record.alertId),
    record.rule,
    record.severity,
    record.monitorCondition,
    record.state,
    record.deviceId ?? null,
    record.site ?? null,
    alertTarget(record),
    record.firedAt,
    JSON.stringify(record),
  ] as const;

/** A storm's running totals, as both adapters select them from alert_storms (columns aliased to these names). */
export interface StormTotals {
  total: number;
  firing: number;
  severity: number;
  firstFiredAt: string | null;
  lastFiredAt: string | null;
}

/** The totals of a storm that has no row yet. */
export const NO_STORM_TOTALS: StormTotals = { total: 0, firing: 0, severity: 4, firstFiredAt: null, lastFiredAt: null };

export const toStormView = (storm: Storm, totals: StormTotals, topSites: StormView['topSites'], members: StormMember[]): StormView => ({
  storm,
  total: totals.total,
  firing: totals.firing,
  resolved: totals.total - totals.firing,
  severity: totals.severity,
  firstFiredAt: totals.firstFiredAt ?? new Date(storm.startedAt).toISOString(),
  lastFiredAt: totals.lastFiredAt ?? new Date(storm.lastAt).toISOString(),
  topSites,
  members,
});
