import { kqlString } from '../text/kql-string';

/**
 * The KQL behind an alert card's "Show logs": the device's log lines from 15 minutes
 * before the fire time to 5 minutes after it ended (or now). The device id is quoted
 * as a KQL string literal; the logs feature binds literals as parameters.
 */
export function logsAroundFireTime(deviceId: string, firedAt: string, endedAt: string): string {
  const from = new Date(Date.parse(firedAt) - 15 * 60_000).toISOString();
  const to = new Date(Math.max(Date.parse(endedAt), Date.parse(firedAt)) + 5 * 60_000).toISOString();
  return [
    'DeviceLogs',
    `| where TimeGenerated between (datetime(${from}) .. datetime(${to}))`,
    `| where DeviceId == ${kqlString(deviceId)}`,
    '| order by TimeGenerated desc',
    '| take 200',
  ].join('\n');
}
