import type { Alert } from './alert';

/**
 * Azure retries a webhook up to five times; a retry carries the same alertId,
 * monitorCondition and time. The raw time strings are used so that a retry always
 * maps to the same key, whatever their precision.
 */
export function dedupeKey(alert: Pick<Alert, 'alertId' | 'monitorCondition' | 'rawFiredDateTime' | 'rawResolvedDateTime'>): string {
  const time = alert.monitorCondition === 'Resolved' ? (alert.rawResolvedDateTime ?? alert.rawFiredDateTime) : alert.rawFiredDateTime;
  return `${alert.alertId}|${alert.monitorCondition}|${time}`;
}
