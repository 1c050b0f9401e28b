/**
 * FleetOps' own model of an Azure Monitor alert, whatever its signal type. Built from
 * the common alert schema (common-schema.ts); cards, routing and storage use only this.
 */

export const SEVERITIES = [0, 1, 2, 3, 4] as const;
export type Severity = (typeof SEVERITIES)[number];
export type MonitorCondition = 'Fired' | 'Resolved';

export type AlertKind = 'metric' | 'log' | 'activity-log' | 'resource-health' | 'service-health' | 'smart-detection' | 'other';

export interface Dimension {
  readonly name: string;
  readonly value: string;
}

export interface MetricCriterion {
  readonly metric: string;
  readonly namespace?: string;
  readonly operator: string;
  readonly threshold: string;
  readonly aggregation?: string;
  readonly value?: number;
  readonly dimensions: readonly Dimension[];
  /** Dynamic thresholds only: Low | Medium | High. */
  readonly sensitivity?: string;
}

export type AlertCondition =
  | { readonly kind: 'metric'; readonly dynamic: boolean; readonly windowSize?: string; readonly criteria: readonly MetricCriterion[] }
  | {
      readonly kind: 'log';
      readonly query: string;
      readonly operator?: string;
      readonly threshold?: string;
      /** Rows (v1 "number of results") or the measured value (v2). */
      readonly resultCount?: number;
      readonly windowSize?: string;
      readonly dimensions: readonly Dimension[];
    }
  | { readonly kind: 'activity-log'; readonly operationName: string; readonly caller?: string; readonly status?: string; readonly level?: string }
  | {
      readonly kind: 'resource-health';
      readonly title: string;
      readonly currentHealthStatus?: string;
      readonly previousHealthStatus?: string;
      readonly cause?: string;
    }
  | {
      readonly kind: 'service-health';
      readonly title: string;
      readonly service?: string;
      readonly region?: string;
      readonly incidentType?: string;
      readonly trackingId?: string;
      readonly stage?: string;
    }
  | { readonly kind: 'smart-detection'; readonly summary: string; readonly detectedValue?: string; readonly normalValue?: string; readonly detector?: string }
  | { readonly kind: 'other'; readonly summary?: string };

export interface Alert {
  /** Azure's ARM id of the alert (the same for its Fired and Resolved notifications). */
  readonly alertId: string;
  readonly rule: string;
  readonly ruleId?: string;
  readonly severity: Severity;
  readonly signalType: string;
  readonly monitorCondition: MonitorCondition;
  readonly monitoringService: string;
  readonly kind: AlertKind;
  readonly targetIds: readonly string[];
  readonly configurationItems: readonly string[];
  /** ISO time (ms precision). */
  readonly firedAt: string;
  readonly resolvedAt?: string;
  /** The time strings exactly as Azure sent them: part of the dedupe key. */
  readonly rawFiredDateTime: string;
  readonly rawResolvedDateTime?: string;
  readonly description: string;
  readonly deviceId?: string;
  readonly site?: string;
  readonly condition: AlertCondition;
  readonly links: { readonly portal?: string; readonly searchResults?: string };
  readonly customProperties: Readonly<Record<string, string>>;
}

export type WorkflowState = 'New' | 'Acknowledged' | 'Closed';

/** A stored alert: the latest notification plus what people did with it. */
export interface AlertRecord extends Alert {
  readonly state: WorkflowState;
  readonly acknowledgedBy?: string;
  readonly acknowledgedAt?: string;
  readonly closedBy?: string;
  readonly closedAt?: string;
  /** When FleetOps first received it (ISO). */
  readonly receivedAt: string;
  /** Bumped on every change; card actions carry it to detect stale clicks. */
  readonly version: number;
}

export const severityLabel = (severity: Severity): string => `Sev${severity}`;

/** What silences and the storm card name as "the thing that alerted": the device, else the first target. */
export function alertTarget(alert: Pick<Alert, 'deviceId' | 'targetIds' | 'configurationItems'>): string {
  return alert.deviceId ?? alert.targetIds[0] ?? alert.configurationItems[0] ?? 'unknown';
}

/** The last segment of an ARM id, e.g. `test-VM`. */
export function resourceName(armId: string): string {
  const parts = armId.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? armId;
}

/** The short id cards show and `alert <id>` accepts: the last segment of the alert id. */
export function shortAlertId(alertId: string): string {
  const parts = alertId.split(/[/:]/).filter(Boolean);
  return parts[parts.length - 1] ?? alertId;
}
