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

/** A Map, not an object: a device reporting e.g. `constructor` must not find a prototype member. */
const PHASES: ReadonlyMap<string, DeviceState> = new Map<string, DeviceState>([
  ['downloading', 'downloading'],
  ['verifying', 'verifying'],
  ['applying', 'applying'],
  ['rebooting', 'rebooting'],
]);

type DeviceNow = Pick<RolloutDevice, 'deviceId' | 'state' | 'since' | 'baselineStatus'>;
type Limits = { soakMs: number; phaseTimeoutMs: number };

/*
 * Module-level helpers rather than closures inside nextDeviceState: the tick calls it for
 * every device that reported (10,000 at a time at 100k in flight), and under tsx every
 * closure created also gets its name defined (esbuild keepNames), a cost per call.
 */
function moveTo(device: DeviceNow, state: DeviceState, now: number, reason?: string): DeviceChange | undefined {
  if (state === device.state && reason === undefined) return undefined;
  return { deviceId: device.deviceId, state, since: state === device.state ? device.since : now, reason };
}

function timedOut(device: DeviceNow, seen: Observation | undefined, now: number, limits: Limits): DeviceChange | undefined {
  const limit = device.state === 'soaking' ? limits.soakMs + limits.phaseTimeoutMs : limits.phaseTimeoutMs;
  if (now - device.since <= limit) return undefined;
  const minutes = Math.round(limit / 60_000);
  return {
    deviceId: device.deviceId,
    state: 'timed-out',
    since: now,
    reason: seen ? `no progress while ${device.state} for ${minutes} min` : `device not found in the registry for ${minutes} min`,
  };
}

/**
 * The next state of one in-flight device from what it reports (pure). A device counts as
 * succeeded only once it reports the target version and stays connected and `current` for
 * the whole soak; silence in a phase longer than the timeout is `timed-out`.
 */
export function nextDeviceState(
  device: DeviceNow,
  seen: Observation | undefined,
  targetVersion: string,
  now: number,
  limits: Limits,
): DeviceChange | undefined {
  if (!seen) return timedOut(device, seen, now, limits);

  const status = seen.status;
  // A status left over from an earlier update means nothing until the device moves.
  const stale = device.state === 'targeted' && status !== undefined && status === device.baselineStatus && seen.currentVersion !== targetVersion;
  if (!stale) {
    if (status === 'error') return moveTo(device, 'failed', now, seen.substatus ? `device reported error: ${seen.substatus}` : 'device reported error');
    if (status === 'rolledback') return moveTo(device, 'rolled-back', now, `device rolled back to ${seen.currentVersion ?? 'its previous version'}`);
    const phase = status === undefined ? undefined : PHASES.get(status);
    if (phase) return moveTo(device, phase, now) ?? timedOut(device, seen, now, limits);
    if (seen.currentVersion === targetVersion && (status === 'current' || status === undefined)) {
      if (device.state !== 'soaking') return moveTo(device, 'soaking', now);
      if (seen.connection === 'Connected' && now - device.since >= limits.soakMs) return moveTo(device, 'succeeded', now);
      return timedOut(device, seen, now, limits);
    }
    if (status === 'current' && device.state !== 'targeted') {
      return moveTo(device, 'rolled-back', now, `device reports ${seen.currentVersion ?? 'no version'} after the update instead of ${targetVersion}`);
    }
  }
  return timedOut(device, seen, now, limits);
}
