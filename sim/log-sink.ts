/**
 * Where the simulated devices write their logs, telemetry and events: the logs port's
 * `ingest(table, rows)` (LogsClient satisfies this). Optional: without it they only
 * talk to the registry.
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
