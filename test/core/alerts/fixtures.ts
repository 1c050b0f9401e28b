import fs from 'node:fs';
import path from 'node:path';

export const FIXTURES_DIR = '/work/shared/fixtures/azure-monitor';

export function fixture(name: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, name), 'utf8'));
}

export const commonFixtures = (): string[] => fs.readdirSync(FIXTURES_DIR).filter((f) => f.startsWith('common-schema_'));
export const legacyFixtures = (): string[] => fs.readdirSync(FIXTURES_DIR).filter((f) => f.startsWith('legacy-'));

/** A common-schema payload of a metric alert on a device, for routing and storm tests. */
export function devicePayload(options: {
  alertId: string;
  rule?: string;
  severity?: number;
  deviceId?: string;
  site?: string;
  condition?: 'Fired' | 'Resolved';
  firedAt?: string;
  resolvedAt?: string;
}): Record<string, any> {
  const dims = [...(options.deviceId ? [{ name: 'DeviceId', value: options.deviceId }] : []), ...(options.site ? [{ name: 'Site', value: options.site }] : [])];
  const firedAt = options.firedAt ?? '2026-01-01T00:00:00.000Z';
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: options.alertId,
        alertRule: options.rule ?? 'Temperature high',
        severity: `Sev${options.severity ?? 1}`,
        signalType: 'Metric',
        monitorCondition: options.condition ?? 'Fired',
        monitoringService: 'Platform',
        alertTargetIDs: ['/subscriptions/s1/resourceGroups/fleet/providers/Microsoft.Devices/IotHubs/hub1'],
        configurationItems: ['hub1'],
        firedDateTime: firedAt,
        ...(options.condition === 'Resolved' ? { resolvedDateTime: options.resolvedAt ?? '2026-01-01T00:10:00.000Z' } : {}),
        description: 'Device temperature above 85 °C',
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        conditionType: 'SingleResourceMultipleMetricCriteria',
        condition: {
          windowSize: 'PT5M',
          allOf: [
            {
              metricName: 'temperature',
              metricNamespace: 'FleetOps/devices',
              operator: 'GreaterThan',
              threshold: '85',
              timeAggregation: 'Maximum',
              dimensions: dims,
              metricValue: 91.5,
            },
          ],
        },
      },
    },
  };
}
