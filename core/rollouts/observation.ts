import type { ConnectionState, DeviceTwin, FirmwareState } from '../ports/fleet';
import { firmwareOf } from '../fleet/twin-view';

/** What the engine reads from a device's twin on each tick. */
export interface Observation {
  readonly connection: ConnectionState;
  readonly currentVersion?: string;
  readonly status?: string;
  readonly substatus?: string;
  /** Desired firmware correlation: which rollout and attempt last wrote it. */
  readonly desiredRolloutId?: string;
  readonly desiredAttempt?: number;
  readonly desiredVersion?: string;
}

export function observe(twin: DeviceTwin): Observation {
  const fw = firmwareOf(twin);
  const desired = twin.properties.desired.firmware as Record<string, unknown> | undefined;
  const attempt = desired && typeof desired.attempt === 'number' ? desired.attempt : undefined;
  return {
    connection: twin.connectionState,
    currentVersion: fw.current,
    status: fw.status,
    substatus: fw.substatus,
    desiredRolloutId: fw.rolloutId,
    desiredAttempt: attempt,
    desiredVersion: fw.desired,
  };
}

export function observeState(state: FirmwareState): Observation {
  return {
    connection: state.connectionState,
    currentVersion: state.currentFwVersion,
    status: state.fwUpdateStatus,
    substatus: state.fwUpdateSubstatus,
    desiredRolloutId: state.desiredRolloutId,
    desiredAttempt: state.desiredAttempt,
    desiredVersion: state.desiredFwVersion,
  };
}

/** Equal fingerprints mean nothing the engine reads has changed. */
export const fingerprint = (o: Observation): string =>
  `${o.connection}|${o.currentVersion ?? ''}|${o.status ?? ''}|${o.substatus ?? ''}|${o.desiredRolloutId ?? ''}|${o.desiredAttempt ?? ''}|${o.desiredVersion ?? ''}`;
