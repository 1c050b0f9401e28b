import { COMMON_SCHEMA_ID } from './common-schema';
import { kqlString } from '../text/kql-string';

/**
 * The embedded world's alert rules and the Azure Monitor common-schema payloads they
 * post. The payloads are what Azure would send for an equivalent metric or log rule,
 * so the bot handles local and Azure alerts on one path.
 */
interface RuleBase {
  readonly id: string;
  readonly name: string;
  readonly severity: number;
}

export type LocalAlertRule =
  | (RuleBase & { readonly kind: 'offline'; readonly afterMinutes: number })
  | (RuleBase & { readonly kind: 'error-lines'; readonly threshold: number; readonly windowMinutes: number })
  | (RuleBase & { readonly kind: 'temperature'; readonly thresholdC: number });

export const LOCAL_ALERT_PREFIX = '/fleetops/local/alerts/';
const LOCAL_HUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/fleetops-local/providers/Microsoft.Devices/IotHubs/local-hub';

/** A rule holding for a device now. */
export interface RuleHit {
  readonly rule: LocalAlertRule;
  readonly deviceId: string;
  readonly site?: string;
  /** Minutes offline, error lines, or °C. */
  readonly value: number;
}

/** `offline-device-42-20260101T000500Z`: readable, typeable (`alert <id>`), unique per firing. */
export function localAlertId(ruleId: string, deviceId: string, firedAt: Date): string {
  const stamp = firedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${LOCAL_ALERT_PREFIX}${ruleId}-${deviceId.replace(/[^\w.-]/g, '_')}-${stamp}`;
}

export function errorLinesQuery(rule: Extract<LocalAlertRule, { kind: 'error-lines' }>, now: Date): string {
  const from = new Date(now.getTime() - rule.windowMinutes * 60_000).toISOString();
  return [
    'DeviceLogs',
    `| where TimeGenerated > datetime(${from}) and TimeGenerated <= datetime(${now.toISOString()})`,
    `| where Level =~ ${kqlString('error')}`,
    '| summarize ErrorLines = count() by DeviceId',
    `| where ErrorLines > ${Math.floor(rule.threshold)}`,
  ].join('\n');
}

export interface PayloadTimes {
  readonly alertId: string;
  /** The Fired notification's exact firedDateTime string (a Resolved one repeats it). */
  readonly firedDateTime: string;
  readonly resolvedDateTime?: string;
}

/** The common-schema payload for a hit (Fired), or for its end (Resolved, with resolvedDateTime). */
export function localAlertPayload(hit: RuleHit, times: PayloadTimes): Record<string, unknown> {
  const { rule } = hit;
  const resolved = times.resolvedDateTime !== undefined;
  const dimensions = [{ name: 'DeviceId', value: hit.deviceId }, ...(hit.site ? [{ name: 'Site', value: hit.site }] : [])];
  const essentials = {
    alertId: times.alertId,
    alertRule: rule.name,
    severity: `Sev${rule.severity}`,
    signalType: rule.kind === 'error-lines' ? 'Log' : 'Metric',
    monitorCondition: resolved ? 'Resolved' : 'Fired',
    monitoringService: rule.kind === 'error-lines' ? 'Log Alerts V2' : 'Platform',
    alertTargetIDs: [`${LOCAL_HUB}/devices/${encodeURIComponent(hit.deviceId)}`],
    configurationItems: [hit.deviceId],
    originAlertId: times.alertId,
    firedDateTime: times.firedDateTime,
    ...(resolved ? { resolvedDateTime: times.resolvedDateTime } : {}),
    description: describe(rule),
    essentialsVersion: '1.0',
    alertContextVersion: '1.0',
  };
  const alertContext =
    rule.kind === 'error-lines'
      ? {
          conditionType: 'LogQueryCriteria',
          condition: {
            windowSize: `PT${rule.windowMinutes}M`,
            allOf: [
              {
                searchQuery: `DeviceLogs | where Level =~ 'error' | summarize ErrorLines = count() by DeviceId`,
                operator: 'GreaterThan',
                threshold: String(rule.threshold),
                timeAggregation: 'Count',
                dimensions,
                metricValue: hit.value,
              },
            ],
          },
        }
      : {
          conditionType: 'SingleResourceMultipleMetricCriteria',
          condition: {
            windowSize: 'PT5M',
            allOf: [
              {
                metricName: rule.kind === 'offline' ? 'minutesSinceLastActivity' : 'temperature',
                metricNamespace: 'FleetOps/devices',
                operator: 'GreaterThan',
                threshold: String(rule.kind === 'offline' ? rule.afterMinutes : rule.thresholdC),
                timeAggregation: rule.kind === 'offline' ? 'Maximum' : 'Average',
                dimensions,
                metricValue: Math.round(hit.value * 10) / 10,
              },
            ],
          },
        };
  return { schemaId: COMMON_SCHEMA_ID, data: { essentials, alertContext, customProperties: { ruleId: rule.id, source: 'fleetops-local-rules' } } };
}

function describe(rule: LocalAlertRule): string {
  switch (rule.kind) {
    case 'offline':
      return `The device has been disconnected and silent for more than ${rule.afterMinutes} min.`;
    case 'error-lines':
      return `More than ${rule.threshold} error log lines within ${rule.windowMinutes} min.`;
    case 'temperature':
      return `The device reports a temperature above ${rule.thresholdC} °C.`;
  }
}
