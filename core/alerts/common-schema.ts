import { z } from 'zod';

/**
 * Azure Monitor's common alert schema, as far as FleetOps reads it. Essentials are
 * strict (routing depends on them); alert contexts are read leniently per signal
 * type, because Azure adds fields over time and test actions leave some null.
 * https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema
 */

export const COMMON_SCHEMA_ID = 'azureMonitorCommonAlertSchema';

const isoTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), { message: 'must be an ISO 8601 time such as 2025-04-15T18:17:12.851Z' });
const text = z.string().nullish();

export const essentialsSchema = z.object({
  alertId: z.string().min(1, { message: 'must not be empty' }),
  alertRule: z.string().min(1, { message: 'must not be empty' }),
  alertRuleId: text,
  severity: z.enum(['Sev0', 'Sev1', 'Sev2', 'Sev3', 'Sev4'], { message: 'must be one of Sev0, Sev1, Sev2, Sev3, Sev4' }),
  signalType: z.string(),
  monitorCondition: z.enum(['Fired', 'Resolved'], { message: 'must be "Fired" or "Resolved"' }),
  monitoringService: z.string().nullish(),
  alertTargetIDs: z.array(z.string()).nullish(),
  configurationItems: z.array(z.string()).nullish(),
  originAlertId: text,
  firedDateTime: isoTime,
  resolvedDateTime: isoTime.nullish(),
  description: text,
  essentialsVersion: text,
  alertContextVersion: text,
});

export const commonAlertSchema = z.object({
  schemaId: z.literal(COMMON_SCHEMA_ID),
  data: z.object({
    essentials: essentialsSchema,
    alertContext: z.record(z.string(), z.unknown()).nullish(),
    customProperties: z.record(z.string(), z.unknown()).nullish(),
  }),
});

export type CommonAlertPayload = z.infer<typeof commonAlertSchema>;

const dimension = z.object({ name: z.string(), value: z.union([z.string(), z.number()]).transform(String) });
const numberish = z.union([z.number(), z.string()]).nullish();

export const metricContextSchema = z.object({
  conditionType: z.enum([
    'SingleResourceMultipleMetricCriteria',
    'MultipleResourceMultipleMetricCriteria',
    'DynamicThresholdCriteria',
    'WebtestLocationAvailabilityCriteria',
  ]),
  condition: z.object({
    windowSize: text,
    allOf: z.array(
      z.object({
        metricName: z.string(),
        metricNamespace: text,
        operator: text,
        threshold: numberish,
        timeAggregation: text,
        dimensions: z.array(dimension).nullish(),
        metricValue: z.number().nullish(),
        alertSensitivity: text,
      }),
    ),
  }),
});

export const logV2ContextSchema = z.object({
  conditionType: z.literal('LogQueryCriteria'),
  condition: z.object({
    windowSize: text,
    allOf: z.array(
      z.object({
        searchQuery: z.string(),
        operator: text,
        threshold: numberish,
        dimensions: z.array(dimension).nullish(),
        metricValue: z.number().nullish(),
        linkToSearchResultsUI: text,
        linkToFilteredSearchResultsUI: text,
      }),
    ),
  }),
});

export const logV1ContextSchema = z.object({
  SearchQuery: z.string(),
  ResultCount: z.number().nullish(),
  Threshold: numberish,
  Operator: text,
  SearchIntervalInMinutes: numberish,
  LinkToSearchResults: text,
  LinkToFilteredSearchResultsUI: text,
});

export const activityLogContextSchema = z.object({
  operationName: z.string(),
  caller: text,
  status: text,
  level: z.union([z.string(), z.number()]).nullish(),
  eventSource: z.union([z.string(), z.number()]).nullish(),
  properties: z.record(z.string(), z.unknown()).nullish(),
});

export const smartDetectionContextSchema = z.object({
  DetectionSummary: z.string(),
  DetectedValue: text,
  NormalValue: text,
  SmartDetectorName: text,
});
