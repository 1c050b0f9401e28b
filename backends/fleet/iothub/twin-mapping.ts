import type { ConnectionState, DeviceStatus, DeviceTwin, TwinProperties } from '../../../core/ports/fleet';

/** IoT Hub's "never": twins and identities say 0001-01-01 when there was no activity. */
const NEVER = /^0001-01-01/;

const time = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' && !NEVER.test(value) ? value : undefined);

/** The hand-written SDK type says 'connected', the service says 'Connected': accept both. */
export function normaliseConnectionState(value: unknown): ConnectionState {
  return typeof value === 'string' && value.toLowerCase() === 'connected' ? 'Connected' : 'Disconnected';
}

/** Twin JSON (or the SDK's Twin object, which merges it in) → DeviceTwin. Only known fields are copied. */
export function toDeviceTwin(raw: Record<string, unknown>): DeviceTwin {
  const properties = (raw.properties ?? {}) as { desired?: TwinProperties; reported?: TwinProperties };
  return {
    deviceId: String(raw.deviceId),
    etag: typeof raw.etag === 'string' ? raw.etag : undefined,
    status: (typeof raw.status === 'string' && raw.status.toLowerCase() === 'disabled' ? 'disabled' : 'enabled') as DeviceStatus,
    statusReason: typeof raw.statusReason === 'string' && raw.statusReason !== '' ? raw.statusReason : undefined,
    connectionState: normaliseConnectionState(raw.connectionState),
    lastActivityTime: time(raw.lastActivityTime),
    connectionStateUpdatedTime: time(raw.connectionStateUpdatedTime),
    tags: plain(raw.tags),
    properties: { desired: plain(properties.desired), reported: plain(properties.reported) },
    version: typeof raw.version === 'number' ? raw.version : undefined,
  };
}

/** A deep copy without functions (the SDK's Twin carries methods and a registry reference). */
function plain(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object') return {};
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
