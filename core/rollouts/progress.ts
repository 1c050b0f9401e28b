import type { DeviceState, RolloutDevice } from './model';
import type { Observation } from './observation';

export interface DeviceChange {
  readonly deviceId: string;
  readonly state: DeviceState;
  readonly since: number;
  readonly reason?: string;
  /** Connection seen with this change; stored so later ticks can judge the soak without re-reading unchanged devices. */
  readonly connected?: boolean;
  /** The store's handle of the row (RolloutDevice.key), when known. */
  readonly key?: number;
}

const PHASES: Record<string, DeviceState> = {
  downloading: 'downloading',
  verifying: 'verifying',
  applying: 'applying',
  rebooting: 'rebooting',
};

/**
 * The next state of one in-flight device from what it reports (pure). A device counts as
 * succeeded only once it reports the target version and stays connected and `current` for
 * the whole soak; silence in a phase longer than the timeout is `timed-out`.
 */
export function nextDeviceState(
  device: Pick<RolloutDevice, 'deviceId' | 'state' | 'since' | 'previousVersion' | 'baselineStatus'>,
  seen: Observation | undefined,
  targetVersion: string,
  now: number,
  limits: { soakMs: number; phaseTimeoutMs: number },
): DeviceChange | undefined {
  const change = (state: DeviceState, reason?: string): DeviceChange | undefined =>
    state === device.state && reason === undefined ? undefined : { deviceId: device.deviceId, state, since: state === device.state ? device.since : now, reason };
  const timedOut = (): DeviceChange | undefined => {
    const limit = device.state === 'soaking' ? limits.soakMs + limits.phaseTimeoutMs : limits.phaseTimeoutMs;
    if (now - device.since <= limit) return undefined;
    const minutes = Math.round(limit / 60_000);
    return { deviceId: device.deviceId, state: 'timed-out', since: now, reason: seen ? `no progress while ${device.state} for ${minutes} min` : `device not found in the registry for ${minutes} min` };
  };
  if (!seen) return timedOut();

  const status = seen.status;
  // A status left over from an earlier update means nothing until the device moves.
  const stale = device.state === 'targeted' && status !== undefined && status === device.baselineStatus && seen.currentVersion !== targetVersion;
  if (!stale) {
    if (status === 'error') return change('failed', seen.substatus ? `device reported error: ${seen.substatus}` : 'device reported error');
    if (status === 'rolledback') return change('rolled-back', `device rolled back to ${seen.currentVersion ?? 'its previous version'}`);
    const phase = status ? PHASES[status] : undefined;
    if (phase) return change(phase) ?? timedOut();
    if (seen.currentVersion === targetVersion && (status === 'current' || status === undefined)) {
      if (device.state !== 'soaking') return change('soaking');
      if (seen.connection === 'Connected' && now - device.since >= limits.soakMs) return change('succeeded');
      return timedOut();
    }
    if (status === 'current' && device.state !== 'targeted') {
      return change('rolled-back', `device reports ${seen.currentVersion ?? 'no version'} after the update instead of ${targetVersion}`);
    }
  }
  return timedOut();
}
