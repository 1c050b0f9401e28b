import type { DeviceListView } from '../../cards/device-list';
import type { DeviceStatusView } from '../../cards/device-status';
import type { FleetSummaryView } from '../../cards/fleet-summary';

/** View models of the fleet cards: the snapshot tests' and the size property test's. */
export const deviceStatus: DeviceStatusView = {
  deviceId: 'device-42',
  connected: true,
  lastSeen: '3 min ago',
  lastActivity: '2026-01-01 11:57 UTC',
  connectionSince: '2026-01-01 08:00 UTC',
  enabled: true,
  firmware: {
    current: '2.4.0',
    desired: '2.5.0',
    status: 'rolledback',
    substatus: 'boot health check failed',
    drift: true,
    lastStart: '2026-01-01 11:40 UTC',
    lastEnd: '2026-01-01 11:41 UTC',
  },
  rollout: { rolloutId: 'R-7', waveId: '2' },
  health: { verdict: 'degraded', reasons: ['rolled back to 2.4.0 from 2.5.0', 'warm: 67.5 °C'] },
  facts: [
    { title: 'Battery', value: '81 %' },
    { title: 'Signal', value: '-67 dBm' },
    { title: 'Temperature', value: '67.5 °C' },
    { title: 'Uptime', value: '3 h 5 min' },
    { title: 'Reboots', value: '4' },
  ],
  tags: [
    ['site', 'berlin'],
    ['ring', 'canary'],
    ['model', 'x100'],
  ],
  alerts: [{ title: 'Device temperature high', severity: 'Sev2', since: '12 min ago', state: 'Acknowledged' }],
  showLogs: true,
  portalUrl: 'https://portal.azure.com/#resource/subscriptions/s/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/hub/overview',
  source: 'iothub',
  asOf: '2026-01-01 12:00 UTC',
};

export const deviceList: DeviceListView = {
  filter: 'site:berlin offline',
  total: 45,
  pageSize: 20,
  rows: Array.from({ length: 20 }, (_, i) => ({
    deviceId: `device-${i + 21}`,
    connected: i % 3 !== 0,
    enabled: i !== 4,
    lastSeen: `${i + 1} min ago`,
    firmware: '2.4.0',
    drift: i === 2,
    site: 'berlin',
  })),
  tokens: ['', 'tok-2'],
  base: 0,
  nextToken: 'tok-3',
};

export const fleetSummary: FleetSummaryView = {
  filter: '',
  total: 1000,
  online: 952,
  offline: 48,
  disabled: 2,
  updating: 37,
  failed: 5,
  byFirmware: [
    { label: '2.4.0', count: 880 },
    { label: '2.3.0', count: 120 },
  ],
  bySite: ['berlin', 'paris', 'oslo', 'madrid', 'warsaw', 'dublin', 'lisbon', 'vienna', 'rome', 'prague'].map((label, i) => ({ label, count: 200 - i * 15 })),
  silentLongest: [
    { deviceId: 'device-731', lastSeen: '8 days ago', site: 'oslo' },
    { deviceId: 'device-12', lastSeen: '3 days ago', site: 'paris' },
  ],
  asOf: '2026-01-01 12:00 UTC',
};
