/** The embedded store's built-in tables, fed by the simulated fleet. */
import type { TableSchema } from '../kql/schema';

export const BUILTIN_TABLES: readonly TableSchema[] = [
  {
    name: 'DeviceLogs',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'DeviceId', type: 'string' },
      { name: 'Level', type: 'string' },
      { name: 'Message', type: 'string' },
      { name: 'Component', type: 'string' },
      { name: 'FirmwareVersion', type: 'string' },
    ],
  },
  {
    name: 'DeviceTelemetry',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'DeviceId', type: 'string' },
      { name: 'Temperature', type: 'real' },
      { name: 'Battery', type: 'real' },
      { name: 'Rssi', type: 'long' },
      { name: 'CpuPercent', type: 'real' },
    ],
  },
  {
    name: 'DeviceEvents',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'DeviceId', type: 'string' },
      { name: 'EventType', type: 'string' },
      { name: 'Details', type: 'dynamic' },
    ],
  },
];
