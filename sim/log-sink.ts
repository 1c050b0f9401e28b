/**
 * Where the simulated devices write their logs, telemetry and events: the embedded log
 * store's `ingest(table, rows)` (backends/logs/local/embedded-logs-client.ts). Not part of
 * the logs port: Log Analytics is fed by Azure Monitor, never by the bot. Optional: without
 * it the devices only talk to the registry.
 */
export interface LogSink {
  ingest(table: 'DeviceLogs' | 'DeviceTelemetry' | 'DeviceEvents', rows: readonly Record<string, unknown>[]): Promise<unknown> | unknown;
}

export type DeviceLogRow = {
  TimeGenerated: string;
  DeviceId: string;
  Level: 'Debug' | 'Info' | 'Warning' | 'Error';
  Message: string;
  Component: string;
  FirmwareVersion: string;
};

export type DeviceTelemetryRow = {
  TimeGenerated: string;
  DeviceId: string;
  Temperature: number;
  Battery: number;
  Rssi: number;
  CpuPercent: number;
};

export type DeviceEventRow = {
  TimeGenerated: string;
  DeviceId: string;
  EventType: string;
  Details: string;
};
