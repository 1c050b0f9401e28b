import type { ConnectionState, DeviceStatus, DeviceTwin } from '../../../core/ports/fleet';

/** One fleet_devices row as the SQLite driver returns it. */
export interface DeviceRow {
  device_id: string;
  sort_key: string;
  status: DeviceStatus;
  status_reason: string | null;
  connection_state: ConnectionState;
  connection_state_updated_ms: number;
  last_activity_ms: number;
  tags_json: string;
  desired_json: string;
  reported_json: string;
  desired_version: number;
  reported_version: number;
  version: number;
}

export const ROW_COLUMNS =
  'device_id, sort_key, status, status_reason, connection_state, connection_state_updated_ms, last_activity_ms, tags_json, desired_json, reported_json, desired_version, reported_version, version';

const iso = (ms: number): string | undefined => (ms > 0 ? new Date(ms).toISOString() : undefined);

export function rowToTwin(row: DeviceRow): DeviceTwin {
  return {
    deviceId: row.device_id,
    etag: etagOf(row.version),
    status: row.status,
    statusReason: row.status_reason ?? undefined,
    connectionState: row.connection_state,
    lastActivityTime: iso(row.last_activity_ms),
    connectionStateUpdatedTime: iso(row.connection_state_updated_ms),
    tags: JSON.parse(row.tags_json) as Record<string, unknown>,
    properties: {
      desired: { ...(JSON.parse(row.desired_json) as Record<string, unknown>), $version: row.desired_version },
      reported: { ...(JSON.parse(row.reported_json) as Record<string, unknown>), $version: row.reported_version },
    },
    version: row.version,
  };
}

export const etagOf = (version: number): string => `"${Buffer.from(`v${version}`).toString('base64')}"`;
