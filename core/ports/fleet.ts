/**
 * The fleet port: the device registry and twins, in IoT Hub's shapes. One adapter per
 * world: `iothub` (azure-iothub) and `local` (SQLite registry fed by the simulator).
 * Verbs and options follow the Azure SDK guidelines (get/list/count, option bags,
 * abortSignal, paged async iterators).
 */

export type ConnectionState = 'Connected' | 'Disconnected';
export type DeviceStatus = 'enabled' | 'disabled';
export type FwUpdateStatus = 'current' | 'downloading' | 'verifying' | 'applying' | 'rebooting' | 'error' | 'rolledback';

/** Properties sections carry IoT Hub's `$version` (and `$metadata` in Azure). */
export type TwinProperties = Record<string, unknown> & { $version?: number };

/** A device identity merged with its twin, as IoT Hub's twin JSON returns it. */
export interface DeviceTwin {
  readonly deviceId: string;
  readonly etag?: string;
  readonly status: DeviceStatus;
  readonly statusReason?: string;
  /** Normalised to capitalised form (the service's spelling); compare without case when reading raw data. */
  readonly connectionState: ConnectionState;
  /** ISO time; undefined when IoT Hub says 0001-01-01 (never). */
  readonly lastActivityTime?: string;
  readonly connectionStateUpdatedTime?: string;
  readonly tags: Record<string, unknown>;
  readonly properties: { readonly desired: TwinProperties; readonly reported: TwinProperties };
  /** Twin version (bumped by every change). */
  readonly version?: number;
}

/** The small filter language shared by `devices`, `fleet`, rollouts and subscriptions; see core/fleet/device-filter.ts. */
export interface DeviceFilter {
  readonly site?: string;
  readonly ring?: string;
  readonly model?: string;
  readonly firmware?: string; // reported firmware.currentFwVersion
  readonly connection?: ConnectionState;
  /** enabled/disabled in the identity registry. */
  readonly status?: DeviceStatus;
  /** reported firmware.fwUpdateStatus */
  readonly fwUpdateStatus?: FwUpdateStatus;
  readonly tags?: Readonly<Record<string, string>>;
  readonly deviceIds?: readonly string[];
}

export interface OperationOptions {
  readonly abortSignal?: AbortSignal;
  readonly timeoutInMs?: number;
}

export interface ListDevicesOptions extends OperationOptions {
  readonly pageSize?: number;
  /** Opaque token from a previous page (IoT Hub's x-ms-continuation). */
  readonly continuationToken?: string;
  /**
   * `deviceId` (default): natural order (device-2 before device-10) where the backend can.
   * `lastActivityTime`: oldest activity first, never-seen devices first (IoT Hub has no
   * ORDER BY: the iothub adapter sorts one bounded page client-side).
   */
  readonly orderBy?: 'deviceId' | 'lastActivityTime';
}

export interface DevicePage {
  readonly devices: readonly DeviceTwin[];
  readonly continuationToken?: string;
}

/** Fields `countBy` can group on. `tags.<name>` groups by a tag. */
export type GroupField = 'connectionState' | 'status' | 'firmware' | 'fwUpdateStatus' | `tags.${string}`;

export interface GroupCount {
  readonly value: string | null;
  readonly count: number;
}

export interface DesiredPatchResult {
  readonly deviceId: string;
  readonly ok: boolean;
  /** On failure: why (not found, throttled after retries, precondition failed). */
  readonly error?: string;
}

export interface MethodResult {
  readonly status: number;
  readonly payload?: unknown;
}

/**
 * The firmware side of one device: what rollouts read, without the rest of the twin
 * (reported `firmware.*`, desired `firmware.*`, connection, and the model and ring tags).
 */
export interface FirmwareState {
  readonly deviceId: string;
  readonly connectionState: ConnectionState;
  readonly model?: string;
  readonly ring?: string;
  readonly currentFwVersion?: string;
  readonly fwUpdateStatus?: string;
  readonly fwUpdateSubstatus?: string;
  readonly desiredFwVersion?: string;
  /** desired `firmware.rolloutId` and `firmware.attempt`: which rollout wrote the desired firmware, and its attempt. */
  readonly desiredRolloutId?: string;
  readonly desiredAttempt?: number;
}

/** Either the devices matching a filter (planning, checks before a write), or the devices of one rollout. */
export type FirmwareStateQuery =
  | { readonly filter: DeviceFilter }
  | {
      /** Devices whose desired firmware carries this rolloutId. */
      readonly rolloutId: string;
      /**
       * A cursor from an earlier answer: only devices whose reported firmware or connection
       * changed since then (the writer of the desired firmware knows what it wrote).
       */
      readonly changedSince?: string;
    };

export interface FirmwareStates {
  readonly devices: readonly FirmwareState[];
  /** Give it back as `changedSince`. Absent when the backend cannot tell what changed. */
  readonly cursor?: string;
  /** True: `devices` holds only what changed since `changedSince`. False: every matching device. */
  readonly changesOnly: boolean;
}

/** What a fleet adapter says about itself, for answers that name where the data comes from. */
export interface FleetDescription {
  /** `iothub`: Azure IoT Hub (connection state may lag); `local`: the local registry of the simulated fleet. */
  readonly backend: 'iothub' | 'local';
  /** The hub's page in the Azure portal ("Open in Azure portal"); none locally. */
  readonly portalUrl?: string;
}

export interface FleetClient {
  describe(): FleetDescription;
  /** The device and its twin, or undefined when it does not exist. */
  getDevice(deviceId: string, options?: OperationOptions): Promise<DeviceTwin | undefined>;
  /** Pages of devices matching the filter. */
  listDevices(filter: DeviceFilter, options?: ListDevicesOptions): AsyncIterableIterator<DevicePage>;
  countDevices(filter: DeviceFilter, options?: OperationOptions): Promise<number>;
  /** Counts grouped by one field (one GROUP BY query in IoT Hub). */
  countBy(field: GroupField, filter: DeviceFilter, options?: OperationOptions): Promise<GroupCount[]>;
  /**
   * Merges `patch` into properties.desired of each device (rate-limited to the backend's
   * quota inside the adapter). Never throws for one device: results say which failed.
   */
  updateDesired(deviceIds: readonly string[], patch: Record<string, unknown>, options?: OperationOptions): Promise<DesiredPatchResult[]>;
  /** Direct method, e.g. `reboot`. */
  invokeMethod(
    deviceId: string,
    methodName: string,
    payload?: unknown,
    options?: OperationOptions & { responseTimeoutInSeconds?: number },
  ): Promise<MethodResult>;
  /**
   * Set-based read of firmware states (optional; callers fall back to `listDevices`). The
   * local registry answers from indexed columns, with deltas; IoT Hub with one paged
   * projection query.
   */
  readFirmwareStates?(query: FirmwareStateQuery, options?: OperationOptions): Promise<FirmwareStates>;
  /** Device ids closest to a mistyped one (for "No device 'device-4200'. Did you mean ..."). */
  suggestIds?(partial: string, max: number): Promise<string[]>;
}

/** A device as provisioned: identity, tags and its first reported properties. */
export interface ProvisionedDevice {
  readonly deviceId: string;
  readonly tags: Record<string, unknown>;
  readonly reported?: Record<string, unknown>;
  readonly status?: DeviceStatus;
  readonly connectionState?: ConnectionState;
}

export type MethodHandler = (deviceId: string, methodName: string, payload: unknown) => Promise<MethodResult>;

/**
 * What a device (or the simulator acting as devices) can do through the same hub:
 * report properties and show activity. Real devices use the device SDK; the simulator
 * uses this port on the local registry.
 */
export interface DeviceSideClient {
  reportProperties(deviceId: string, patch: Record<string, unknown>, at: Date): Promise<void>;
  heartbeat(deviceIds: readonly string[], at: Date): Promise<void>;
  setConnection(deviceId: string, state: ConnectionState, at: Date): Promise<void>;
  /** Many reported patches in one go (one transaction in the local registry). */
  reportMany(reports: ReadonlyArray<{ deviceId: string; patch: Record<string, unknown> }>, at: Date): Promise<void>;
  /** Many connection changes in one go (one transaction in the local registry). */
  setConnectionMany(changes: ReadonlyArray<{ deviceId: string; state: ConnectionState }>, at: Date): Promise<void>;
  /** Creates the devices that do not exist yet (what DPS does for real devices); existing ones are left alone. */
  provision(devices: readonly ProvisionedDevice[], at: Date): Promise<number>;
  /**
   * Registers the code that answers direct methods (a device's method callback). The local
   * registry calls it from `FleetClient.invokeMethod`; without one, methods fail with 404
   * like IoT Hub's "device not online".
   */
  onMethod(handler: MethodHandler | undefined): void;
  /** Desired and reported sections of the twins, as a device reads its twin when it connects. */
  getTwins(deviceIds: readonly string[]): Promise<Map<string, { desired: TwinProperties; reported: TwinProperties }>>;
  /** Desired-property changes since a twin version, for devices polling their twins. */
  desiredChangedSince(sinceSequence: number): Promise<{ sequence: number; changes: Array<{ deviceId: string; desired: TwinProperties }> }>;
}
