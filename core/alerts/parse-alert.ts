import type { z } from 'zod';
import type { Alert, AlertCondition, AlertKind, Dimension, Severity } from './alert';
import {
  activityLogContextSchema,
  COMMON_SCHEMA_ID,
  commonAlertSchema,
  logV1ContextSchema,
  logV2ContextSchema,
  metricContextSchema,
  smartDetectionContextSchema,
  type CommonAlertPayload,
} from './common-schema';

export type ParseAlertResult = { ok: true; alert: Alert } | { ok: false; error: string };

export const LEGACY_SCHEMA_HINT =
  'enable the common alert schema on the action group (Azure portal → Monitor → Alerts → Action groups → your group → the webhook action → "Enable the common alert schema": Yes)';

/** Turns a webhook body (already JSON-parsed) into an Alert, or says precisely what is wrong. */
export function parseAlertPayload(body: unknown): ParseAlertResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'The body must be a JSON object in the Azure Monitor common alert schema.' };
  }
  const schemaId = (body as { schemaId?: unknown }).schemaId;
  if (schemaId !== COMMON_SCHEMA_ID) {
    const got = schemaId === undefined ? 'no schemaId' : `schemaId ${JSON.stringify(schemaId)}`;
    return { ok: false, error: `This is not the common alert schema (${got}, expected "${COMMON_SCHEMA_ID}"); ${LEGACY_SCHEMA_HINT}.` };
  }
  const result = commonAlertSchema.safeParse(body);
  if (!result.success) return { ok: false, error: `The alert does not follow the common alert schema: ${describeIssues(result.error)}.` };
  return { ok: true, alert: toAlert(result.data) };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'} ${issue.message}`)
    .join('; ');
}

function toAlert(payload: CommonAlertPayload): Alert {
  const e = payload.data.essentials;
  const context = payload.data.alertContext ?? {};
  const customProperties = stringRecord(payload.data.customProperties);
  const { kind, condition, searchResults } = readCondition(e.monitoringService ?? '', context);
  const targetIds = e.alertTargetIDs ?? [];
  const dimensions = conditionDimensions(condition);
  return {
    alertId: e.alertId,
    rule: e.alertRule,
    ruleId: e.alertRuleId ?? undefined,
    severity: Number(e.severity.slice(3)) as Severity,
    signalType: e.signalType,
    monitorCondition: e.monitorCondition,
    monitoringService: e.monitoringService ?? '',
    kind,
    targetIds,
    configurationItems: e.configurationItems ?? [],
    firedAt: new Date(e.firedDateTime).toISOString(),
    resolvedAt: e.resolvedDateTime ? new Date(e.resolvedDateTime).toISOString() : undefined,
    rawFiredDateTime: e.firedDateTime,
    rawResolvedDateTime: e.resolvedDateTime ?? undefined,
    description: e.description ?? '',
    deviceId: findDeviceId(dimensions, customProperties, targetIds),
    site: lookup(dimensions, customProperties, 'site'),
    condition,
    links: { portal: portalLink(e.alertId), searchResults },
    customProperties,
  };
}

interface ReadCondition {
  kind: AlertKind;
  condition: AlertCondition;
  searchResults?: string;
}

function readCondition(service: string, context: Record<string, unknown>): ReadCondition {
  const metric = metricContextSchema.safeParse(context);
  if (metric.success) {
    const c = metric.data.condition;
    return {
      kind: 'metric',
      condition: {
        kind: 'metric',
        dynamic: metric.data.conditionType === 'DynamicThresholdCriteria',
        windowSize: c.windowSize ?? undefined,
        criteria: c.allOf.map((m) => ({
          metric: m.metricName,
          namespace: m.metricNamespace ?? undefined,
          operator: m.operator ?? '',
          threshold: m.threshold === null || m.threshold === undefined ? '' : String(m.threshold),
          aggregation: m.timeAggregation ?? undefined,
          value: m.metricValue ?? undefined,
          dimensions: m.dimensions ?? [],
          sensitivity: m.alertSensitivity ?? undefined,
        })),
      },
    };
  }
  const logV2 = logV2ContextSchema.safeParse(context);
  if (logV2.success) {
    const first = logV2.data.condition.allOf[0];
    return {
      kind: 'log',
      condition: {
        kind: 'log',
        query: first?.searchQuery ?? '',
        operator: first?.operator ?? undefined,
        threshold: first?.threshold === null || first?.threshold === undefined ? undefined : String(first.threshold),
        resultCount: first?.metricValue ?? undefined,
        windowSize: logV2.data.condition.windowSize ?? undefined,
        dimensions: logV2.data.condition.allOf.flatMap((c) => c.dimensions ?? []),
      },
      searchResults: first?.linkToFilteredSearchResultsUI ?? first?.linkToSearchResultsUI ?? undefined,
    };
  }
  const logV1 = logV1ContextSchema.safeParse(context);
  if (logV1.success) {
    const v = logV1.data;
    return {
      kind: 'log',
      condition: {
        kind: 'log',
        query: v.SearchQuery,
        operator: v.Operator ?? undefined,
        threshold: v.Threshold === null || v.Threshold === undefined ? undefined : String(v.Threshold),
        resultCount: v.ResultCount ?? undefined,
        windowSize: v.SearchIntervalInMinutes ? `PT${v.SearchIntervalInMinutes}M` : undefined,
        dimensions: [],
      },
      searchResults: v.LinkToFilteredSearchResultsUI ?? v.LinkToSearchResults ?? undefined,
    };
  }
  const smart = smartDetectionContextSchema.safeParse(context);
  if (smart.success) {
    const s = smart.data;
    return {
      kind: 'smart-detection',
      condition: {
        kind: 'smart-detection',
        summary: s.DetectionSummary,
        detectedValue: s.DetectedValue ?? undefined,
        normalValue: s.NormalValue ?? undefined,
        detector: s.SmartDetectorName ?? undefined,
      },
    };
  }
  const activity = activityLogContextSchema.safeParse(context);
  if (activity.success) {
    const a = activity.data;
    const props = a.properties ?? {};
    const prop = (name: string) => (typeof props[name] === 'string' ? (props[name] as string) : undefined);
    if (/resource ?health/i.test(service) || /resourcehealth/i.test(a.operationName)) {
      return {
        kind: 'resource-health',
        condition: {
          kind: 'resource-health',
          title: prop('title') ?? a.operationName,
          currentHealthStatus: prop('currentHealthStatus'),
          previousHealthStatus: prop('previousHealthStatus'),
          cause: prop('cause'),
        },
      };
    }
    if (/service ?health/i.test(service) || /servicehealth/i.test(a.operationName)) {
      return {
        kind: 'service-health',
        condition: {
          kind: 'service-health',
          title: prop('title') ?? a.operationName,
          service: prop('service'),
          region: prop('region'),
          incidentType: prop('incidentType'),
          trackingId: prop('trackingId'),
          stage: prop('stage'),
        },
      };
    }
    return {
      kind: 'activity-log',
      condition: {
        kind: 'activity-log',
        operationName: a.operationName,
        caller: a.caller ?? undefined,
        status: a.status ?? undefined,
        level: a.level === null || a.level === undefined ? undefined : String(a.level),
      },
    };
  }
  return { kind: 'other', condition: { kind: 'other', summary: typeof context.description === 'string' ? context.description : undefined } };
}

function conditionDimensions(condition: AlertCondition): Dimension[] {
  if (condition.kind === 'metric') return condition.criteria.flatMap((c) => c.dimensions);
  if (condition.kind === 'log') return [...condition.dimensions];
  return [];
}

function lookup(dimensions: readonly Dimension[], custom: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const fromDimension = dimensions.find((d) => d.name.toLowerCase() === wanted)?.value;
  if (fromDimension) return fromDimension;
  const key = Object.keys(custom).find((k) => k.toLowerCase() === wanted);
  return key ? custom[key] : undefined;
}

/** The device: a DeviceId dimension, a DeviceId custom property, or a target of the form …/devices/<id>. */
function findDeviceId(dimensions: readonly Dimension[], custom: Readonly<Record<string, string>>, targets: readonly string[]): string | undefined {
  const named = lookup(dimensions, custom, 'deviceid');
  if (named) return named;
  for (const target of targets) {
    const match = /\/devices\/([^/]+)$/i.exec(target);
    if (match) return decodeURIComponent(match[1]!);
  }
  return undefined;
}

function stringRecord(value: Record<string, unknown> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value ?? {})) if (v !== null && v !== undefined) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/** Alerts Management alerts open in the portal's alert details; other ids (local rules, test actions) have no page. */
function portalLink(alertId: string): string | undefined {
  if (!/^\/subscriptions\/[^/]+\/providers\/Microsoft\.AlertsManagement\/alerts\/[^/]+$/i.test(alertId)) return undefined;
  return `https://portal.azure.com/#blade/Microsoft_Azure_Monitoring/AlertDetailsTemplateBlade/alertId/${encodeURIComponent(alertId)}`;
}
