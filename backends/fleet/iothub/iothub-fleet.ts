import type { Client, JobClient, Registry } from 'azure-iothub';
import type {
  FleetDescription,
  DesiredPatchResult,
  DeviceFilter,
  DevicePage,
  DeviceTwin,
  FirmwareState,
  FirmwareStateQuery,
  FirmwareStates,
  FleetClient,
  GroupCount,
  GroupField,
  ListDevicesOptions,
  MethodResult,
  OperationOptions,
} from '../../../core/ports/fleet';
import { rankClosestIds, suggestionPrefixes } from '../../../core/fleet/device-id';
import { filterToWhere, groupPath, quoteLiteral, whereClause } from './query-where';
import { QuotaWaitTooLongError, type IotHubLimiter, type LimiterTime } from './rate-limiter';
import { DEFAULT_RETRY, statusOf, withRetry, type RetryOptions, type SdkError } from './retry';
import { normaliseConnectionState, toDeviceTwin } from './twin-mapping';

export interface IotHubFleetOptions {
  readonly registry: Registry;
  readonly serviceClient: Client;
  readonly jobClient?: JobClient;
  readonly limiter: IotHubLimiter;
  readonly time: LimiterTime;
  readonly retry?: RetryOptions;
  /** Parallel twin updates in flight (the bucket still caps the rate). */
  readonly updateConcurrency?: number;
  /** How long a chat-facing read may wait for quota before giving up with a clear message. */
  readonly interactiveMaxWaitMs?: number;
  /** The hub's ARM id (IOTHUB_RESOURCE_ID), for its portal link. */
  readonly resourceId?: string;
}

const MAX_QUERY_PAGE = 10_000;
/** IoT Hub has no ORDER BY: for orderBy=lastActivityTime one page this big is fetched and sorted here. */
const ACTIVITY_SORT_WINDOW = 1000;

/** FleetClient on Azure IoT Hub through azure-iothub (REST api-version 2021-04-12). */
export class IotHubFleetClient implements FleetClient {
  private readonly retry: RetryOptions;
  private readonly maxWait: number;

  constructor(private readonly o: IotHubFleetOptions) {
    this.retry = o.retry ?? DEFAULT_RETRY;
    this.maxWait = o.interactiveMaxWaitMs ?? 10_000;
  }

  describe(): FleetDescription {
    return { backend: 'iothub', portalUrl: portalUrl(this.o.resourceId) };
  }

  async getDevice(deviceId: string, options: OperationOptions = {}): Promise<DeviceTwin | undefined> {
    await this.o.limiter.twinReads.acquire({ maxWaitMs: this.maxWait, abortSignal: options.abortSignal });
    try {
      const { responseBody } = await this.call(() => this.o.registry.getTwin(deviceId), options);
      return toDeviceTwin({ ...responseBody });
    } catch (error) {
      if (statusOf(error) === 404 || (error as Error).name === 'DeviceNotFoundError') return undefined;
      throw describe(error, `reading the twin of ${deviceId}`);
    }
  }

  async *listDevices(filter: DeviceFilter, options: ListDevicesOptions = {}): AsyncIterableIterator<DevicePage> {
    const pageSize = Math.min(Math.max(1, options.pageSize ?? 100), MAX_QUERY_PAGE);
    const sql = `SELECT * FROM devices${whereClause(filter)}`;
    if (options.orderBy === 'lastActivityTime') {
      const rows = await this.queryPage(sql, Math.max(pageSize, ACTIVITY_SORT_WINDOW), undefined, options);
      const twins = rows.result.map(toDeviceTwin).sort((a, b) => activity(a) - activity(b) || a.deviceId.localeCompare(b.deviceId));
      yield { devices: twins.slice(0, pageSize) };
      return;
    }
    let token = options.continuationToken;
    for (;;) {
      const page = await this.queryPage(sql, pageSize, token, options);
      token = page.continuationToken;
      yield { devices: page.result.map(toDeviceTwin), continuationToken: token };
      if (!token) return;
    }
  }

  async countDevices(filter: DeviceFilter, options: OperationOptions = {}): Promise<number> {
    const { result } = await this.queryPage(`SELECT COUNT() AS numberOfDevices FROM devices${whereClause(filter)}`, undefined, undefined, options);
    const n = result[0]?.numberOfDevices;
    return typeof n === 'number' ? n : 0;
  }

  async countBy(field: GroupField, filter: DeviceFilter, options: OperationOptions = {}): Promise<GroupCount[]> {
    const path = groupPath(field);
    const { result } = await this.queryPage(
      `SELECT ${path} AS value, COUNT() AS numberOfDevices FROM devices${whereClause(filter)} GROUP BY ${path}`,
      undefined,
      undefined,
      options,
    );
    return result
      .map((row) => ({ value: row.value === undefined || row.value === null ? null : String(row.value), count: Number(row.numberOfDevices ?? 0) }))
      .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
  }

  async updateDesired(deviceIds: readonly string[], patch: Record<string, unknown>, options: OperationOptions = {}): Promise<DesiredPatchResult[]> {
    const results: DesiredPatchResult[] = new Array(deviceIds.length);
    let next = 0;
    const worker = async () => {
      while (next < deviceIds.length) {
        const index = next++;
        const deviceId = deviceIds[index]!;
        results[index] = await this.updateOne(deviceId, patch, options);
      }
    };
    const lanes = Math.max(1, Math.min(this.o.updateConcurrency ?? 8, deviceIds.length));
    await Promise.all(Array.from({ length: lanes }, worker));
    return results;
  }

  /**
   * One projection query, paged at 10,000 rows (every page counts against the query quota,
   * which the limiter keeps). IoT Hub cannot say what changed since an earlier read, so the
   * answer is always every matching device (`changesOnly: false`, no cursor). Background
   * work (the rollout tick) waits for quota up to `timeoutInMs` (default 2 min) instead of
   * the chat's 10 s: at 100,000 devices one read is 10 queries, half a minute of S1 quota.
   */
  async readFirmwareStates(query: FirmwareStateQuery, options: OperationOptions = {}): Promise<FirmwareStates> {
    const where = 'filter' in query ? whereClause(query.filter) : ` WHERE properties.desired.firmware.rolloutId = ${quoteLiteral(query.rolloutId)}`;
    const sql = `SELECT deviceId, connectionState, tags.model AS model, tags.ring AS ring, properties.reported.firmware AS reported, properties.desired.firmware AS desired FROM devices${where}`;
    const devices: FirmwareState[] = [];
    let token: string | undefined;
    const maxWaitMs = options.timeoutInMs ?? 120_000;
    do {
      const page = await this.queryPage(sql, MAX_QUERY_PAGE, token, options, maxWaitMs);
      for (const row of page.result) devices.push(firmwareStateOf(row));
      token = page.continuationToken;
    } while (token);
    return { devices, changesOnly: false };
  }

  async invokeMethod(
    deviceId: string,
    methodName: string,
    payload?: unknown,
    options: OperationOptions & { responseTimeoutInSeconds?: number } = {},
  ): Promise<MethodResult> {
    try {
      const { result } = await this.call(
        () =>
          this.o.serviceClient.invokeDeviceMethod(deviceId, {
            methodName,
            payload,
            responseTimeoutInSeconds: options.responseTimeoutInSeconds ?? 30,
            connectTimeoutInSeconds: 10,
          }),
        options,
      );
      return { status: Number(result?.status ?? 200), payload: result?.payload };
    } catch (error) {
      const status = statusOf(error);
      if (status === undefined) throw describe(error, `calling ${methodName} on ${deviceId}`);
      return { status, payload: errorBody(error) };
    }
  }

  async suggestIds(partial: string, max: number): Promise<string[]> {
    const prefixes = suggestionPrefixes(partial);
    const shortest = prefixes[prefixes.length - 1]!;
    try {
      const { result } = await this.queryPage(`SELECT deviceId FROM devices WHERE STARTSWITH(deviceId, ${quoteLiteral(shortest)})`, 200, undefined, {});
      return rankClosestIds(
        partial,
        result.map((r) => String(r.deviceId)),
        max,
      );
    } catch {
      return []; // suggestions are a courtesy: never fail the answer because of them
    }
  }

  /**
   * For very large sets: one IoT Hub job updates the twins matching the filter (10 device
   * ops/s on S1, one job at a time). Start time and max execution time are always sent:
   * the SDK's promise form otherwise sends startTime null and no time limit.
   */
  async scheduleDesiredUpdate(
    jobId: string,
    filter: DeviceFilter,
    patch: Record<string, unknown>,
    startTime: Date,
    maxExecutionTimeInSeconds = 3600,
  ): Promise<{ jobId: string; status: string }> {
    if (!this.o.jobClient) throw new Error('IoT Hub jobs are not available: the fleet client was built without a JobClient.');
    const where = filterToWhere(filter);
    if (!where) throw new Error('Refusing a twin-update job without a condition: it would update every device in the hub.');
    const jobClient = this.o.jobClient;
    const { jobStatus } = await withRetry(
      () => jobClient.scheduleTwinUpdate(jobId, where, { etag: '*', properties: { desired: patch } }, startTime, maxExecutionTimeInSeconds),
      this.o.time,
      this.retry,
    );
    const status = (jobStatus as { status?: string } | undefined)?.status ?? 'queued';
    return { jobId, status };
  }

  private async updateOne(deviceId: string, patch: Record<string, unknown>, options: OperationOptions): Promise<DesiredPatchResult> {
    try {
      await this.o.limiter.twinUpdates.acquire({ abortSignal: options.abortSignal });
      await this.call(() => this.o.registry.updateTwin(deviceId, { properties: { desired: patch } }, '*'), options);
      return { deviceId, ok: true };
    } catch (error) {
      if (options.abortSignal?.aborted) throw error;
      const status = statusOf(error);
      const why =
        status === 404
          ? `Device '${deviceId}' not found`
          : status === 412
            ? 'precondition failed (the twin changed)'
            : status === 429
              ? 'throttled by IoT Hub after retries'
              : (error as Error).message || 'update failed';
      return { deviceId, ok: false, error: why };
    }
  }

  private async queryPage(
    sql: string,
    pageSize: number | undefined,
    continuationToken: string | undefined,
    options: OperationOptions,
    maxWaitMs = this.maxWait,
  ) {
    await this.o.limiter.queries.acquire({ maxWaitMs, abortSignal: options.abortSignal });
    const query = this.o.registry.createQuery(sql, pageSize);
    try {
      const { result } = await this.call(() => query.next(continuationToken as string), options);
      return { result: (Array.isArray(result) ? result : []) as Array<Record<string, unknown>>, continuationToken: query.continuationToken ?? undefined };
    } catch (error) {
      throw describe(error, 'querying devices');
    }
  }

  private call<T>(operation: () => Promise<T>, options: OperationOptions): Promise<T> {
    return withRetry(operation, this.o.time, this.retry, options.abortSignal);
  }
}

function firmwareStateOf(row: Record<string, unknown>): FirmwareState {
  const reported = objectOf(row.reported);
  const desired = objectOf(row.desired);
  return {
    deviceId: String(row.deviceId),
    connectionState: normaliseConnectionState(row.connectionState),
    model: text(row.model),
    ring: text(row.ring),
    currentFwVersion: text(reported.currentFwVersion),
    fwUpdateStatus: text(reported.fwUpdateStatus),
    fwUpdateSubstatus: text(reported.fwUpdateSubstatus),
    desiredFwVersion: text(desired.fwVersion),
    desiredRolloutId: text(desired.rolloutId),
    desiredAttempt: typeof desired.attempt === 'number' && Number.isInteger(desired.attempt) ? desired.attempt : undefined,
  };
}

const objectOf = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const activity = (twin: DeviceTwin): number => (twin.lastActivityTime ? Date.parse(twin.lastActivityTime) : 0);

function errorBody(error: unknown): unknown {
  const body = (error as SdkError).responseBody;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return { message: body };
    }
  }
  return body ?? { message: (error as Error).message };
}

/** Errors with what to fix; the quota error passes through as is (its message already says when to retry). */
function describe(error: unknown, doing: string): Error {
  if (error instanceof QuotaWaitTooLongError) return error;
  const status = statusOf(error);
  if (status === 401 || status === 403) {
    return new Error(
      `IoT Hub refused ${doing} (HTTP ${status}): check IOTHUB_CONNECTION_STRING (policy needs Registry Read/Write and Service Connect) or the identity's IoT Hub data roles.`,
    );
  }
  if (status === 429) return new Error(`IoT Hub kept throttling ${doing} (HTTP 429) after retries; try again in a minute.`);
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`IoT Hub failed ${doing}${status ? ` (HTTP ${status})` : ''}: ${message}`);
}

/**
 * The hub's page in the portal. With IOTHUB_RESOURCE_ID (the hub's ARM id) it opens that
 * hub; without it, the list of IoT hubs.
 */
function portalUrl(resourceId: string | undefined): string {
  if (resourceId && /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Devices\/IotHubs\/[^/]+$/i.test(resourceId)) {
    return `https://portal.azure.com/#resource${resourceId}/overview`;
  }
  return 'https://portal.azure.com/#browse/Microsoft.Devices%2FIotHubs';
}
