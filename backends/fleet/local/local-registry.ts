import type { SqliteDatabase } from '../../store/sqlite/database';
import type {
  FleetDescription,
  ConnectionState,
  DesiredPatchResult,
  DeviceFilter,
  DevicePage,
  DeviceSideClient,
  DeviceTwin,
  FirmwareState,
  FirmwareStateQuery,
  FirmwareStates,
  FleetClient,
  GroupCount,
  GroupField,
  ListDevicesOptions,
  MethodHandler,
  MethodResult,
  OperationOptions,
  ProvisionedDevice,
  TwinProperties,
} from '../../../core/ports/fleet';
import { rankClosestIds, suggestionPrefixes } from '../../../core/fleet/device-id';
import { naturalSortKey } from '../../../core/text/natural-order';
import { filterToSql, groupExpression } from './filter-sql';
import { decodePageToken, encodePageToken } from './page-token';
import { ROW_COLUMNS, rowToTwin, type DeviceRow } from './row';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
/** Below this many devices, suggestions rank every id; above it, only ids sharing a prefix. */
const RANK_ALL_BELOW = 5000;

/**
 * The local device registry (embedded mode): IoT Hub's device and twin shapes in SQLite.
 * It is the service side (FleetClient) and the hub the simulated devices talk to
 * (DeviceSideClient). Everything runs on node:sqlite's synchronous API; the async
 * signatures are the port's.
 */
export class LocalFleetRegistry implements FleetClient, DeviceSideClient {
  private methodHandler: MethodHandler | undefined;
  private readonly stmt;

  describe(): FleetDescription {
    return { backend: 'local' };
  }

  constructor(private readonly db: SqliteDatabase) {
    this.stmt = {
      get: db.prepare<[string], DeviceRow>(`SELECT ${ROW_COLUMNS} FROM fleet_devices WHERE device_id = ?`),
      exists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM fleet_devices WHERE device_id = ?'),
      nextSeq: db.prepare<[], { value: number }>('UPDATE fleet_sequence SET value = value + 1 WHERE id = 1 RETURNING value'),
      // One statement for the whole set; the firmware columns follow the patch (merge-patch semantics).
      patchDesired: db.prepare<[Record<string, unknown>], { device_id: string }>(
        `UPDATE fleet_devices SET desired_json = json_patch(desired_json, @patch), desired_version = desired_version + 1,
           version = version + 1, desired_seq = @seq,
           desired_fw_version = CASE WHEN @setVersion THEN @fwVersion ELSE desired_fw_version END,
           desired_rollout_id = CASE WHEN @setRollout THEN @rolloutId ELSE desired_rollout_id END,
           desired_attempt = CASE WHEN @setAttempt THEN @attempt ELSE desired_attempt END
         WHERE device_id IN (SELECT value FROM json_each(@ids)) RETURNING device_id`,
      ),
      patchReported: db.prepare(
        `UPDATE fleet_devices SET reported_json = json_patch(reported_json, ?), reported_version = reported_version + 1,
           version = version + 1,
           firmware = CASE WHEN ? THEN ? ELSE firmware END,
           fw_update_status = CASE WHEN ? THEN ? ELSE fw_update_status END,
           fw_update_substatus = CASE WHEN ? THEN ? ELSE fw_update_substatus END,
           fw_seq = CASE WHEN ? THEN ? ELSE fw_seq END,
           last_activity_ms = max(last_activity_ms, ?)
         WHERE device_id = ?`,
      ),
      heartbeat: db.prepare('UPDATE fleet_devices SET last_activity_ms = max(last_activity_ms, ?) WHERE device_id = ?'),
      setConnection: db.prepare(
        `UPDATE fleet_devices SET connection_state = ?, connection_state_updated_ms = ?, fw_seq = ?,
           last_activity_ms = CASE WHEN ? = 'Connected' THEN max(last_activity_ms, ?) ELSE last_activity_ms END
         WHERE device_id = ? AND connection_state <> ?`,
      ),
      insert: db.prepare(
        `INSERT OR IGNORE INTO fleet_devices (device_id, sort_key, status, connection_state, connection_state_updated_ms,
           last_activity_ms, site, ring, model, firmware, fw_update_status, fw_update_substatus, tags_json, reported_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      desiredSince: db.prepare<[number], { device_id: string; desired_json: string; desired_version: number; desired_seq: number }>(
        'SELECT device_id, desired_json, desired_version, desired_seq FROM fleet_devices WHERE desired_seq > ? ORDER BY desired_seq',
      ),
      currentSeq: db.prepare<[], { value: number }>('SELECT value FROM fleet_sequence WHERE id = 1'),
      // Covered by fleet_devices_rollout (no model or ring: a rollout's reads do not need them).
      rolloutStates: db
        .prepare<[string, number], string>(
          `SELECT json_group_array(json_array(device_id, connection_state, NULL, NULL, firmware, fw_update_status, fw_update_substatus, desired_fw_version,
             desired_rollout_id, desired_attempt)) FROM fleet_devices WHERE desired_rollout_id = ? AND fw_seq > ?`,
        )
        .pluck(),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM fleet_devices'),
      allIds: db.prepare<[], { device_id: string }>('SELECT device_id FROM fleet_devices'),
      idRange: db.prepare<[string, string], { device_id: string }>('SELECT device_id FROM fleet_devices WHERE device_id >= ? AND device_id < ? LIMIT 200'),
    };
  }

  // ---- FleetClient -------------------------------------------------------------------

  async getDevice(deviceId: string, _options?: OperationOptions): Promise<DeviceTwin | undefined> {
    const row = this.stmt.get.get(deviceId);
    return row ? rowToTwin(row) : undefined;
  }

  async *listDevices(filter: DeviceFilter, options: ListDevicesOptions = {}): AsyncIterableIterator<DevicePage> {
    const pageSize = Math.min(Math.max(1, options.pageSize ?? DEFAULT_PAGE), MAX_PAGE);
    const byActivity = options.orderBy === 'lastActivityTime';
    const where = filterToSql(filter);
    let position = options.continuationToken ? decodePageToken(options.continuationToken) : undefined;
    for (;;) {
      options.abortSignal?.throwIfAborted();
      const after = !position
        ? { sql: '1', params: [] as unknown[] }
        : byActivity
          ? { sql: '(last_activity_ms > ? OR (last_activity_ms = ? AND sort_key > ?))', params: [position.activity ?? 0, position.activity ?? 0, position.key] }
          : { sql: 'sort_key > ?', params: [position.key] };
      const order = byActivity ? 'last_activity_ms, sort_key' : 'sort_key';
      const rows = this.db
        .prepare<unknown[], DeviceRow>(`SELECT ${ROW_COLUMNS} FROM fleet_devices WHERE ${where.sql} AND ${after.sql} ORDER BY ${order} LIMIT ?`)
        .all(...where.params, ...after.params, pageSize + 1);
      const more = rows.length > pageSize;
      const page = more ? rows.slice(0, pageSize) : rows;
      const last = page[page.length - 1];
      position = last ? { key: last.sort_key, activity: byActivity ? last.last_activity_ms : undefined } : undefined;
      const continuationToken = more && position ? encodePageToken(position) : undefined;
      yield { devices: page.map(rowToTwin), continuationToken };
      if (!continuationToken) return;
    }
  }

  async countDevices(filter: DeviceFilter, _options?: OperationOptions): Promise<number> {
    const where = filterToSql(filter);
    return this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM fleet_devices WHERE ${where.sql}`).get(...where.params)!.n;
  }

  async countBy(field: GroupField, filter: DeviceFilter, _options?: OperationOptions): Promise<GroupCount[]> {
    const group = groupExpression(field);
    const where = filterToSql(filter);
    const rows = this.db
      .prepare<unknown[], { value: unknown; n: number }>(
        `SELECT ${group.sql} AS value, COUNT(*) AS n FROM fleet_devices WHERE ${where.sql} GROUP BY 1 ORDER BY n DESC, value`,
      )
      .all(...group.params, ...where.params);
    return rows.map((r) => ({ value: r.value === null || r.value === undefined ? null : String(r.value), count: r.n }));
  }

  async updateDesired(deviceIds: readonly string[], patch: Record<string, unknown>, options?: OperationOptions): Promise<DesiredPatchResult[]> {
    options?.abortSignal?.throwIfAborted();
    const clean = withoutMetadata(patch);
    const fw = desiredFirmwareColumns(clean);
    const updated = this.db.transaction(() => {
      const seq = this.stmt.nextSeq.get()!.value;
      const rows = this.stmt.patchDesired.all({ patch: JSON.stringify(clean), seq, ids: JSON.stringify(deviceIds), ...fw });
      return new Set(rows.map((r) => r.device_id));
    })();
    return deviceIds.map(
      (deviceId): DesiredPatchResult => (updated.has(deviceId) ? { deviceId, ok: true } : { deviceId, ok: false, error: `Device '${deviceId}' not found` }),
    );
  }

  async readFirmwareStates(query: FirmwareStateQuery, options?: OperationOptions): Promise<FirmwareStates> {
    options?.abortSignal?.throwIfAborted();
    if ('filter' in query) {
      const where = filterToSql(query.filter);
      // No ORDER BY: callers that need an order make their own (a sort_key walk would visit rows at random).
      const text = this.db
        .prepare<unknown[], string>(`SELECT json_group_array(json_array(${FIRMWARE_STATE_COLUMNS})) FROM fleet_devices WHERE ${where.sql}`)
        .pluck()
        .get(...where.params)!;
      return { devices: parseFirmwareStates(text), changesOnly: false };
    }
    const since = parseCursor(query.changedSince);
    // Synchronous: no write can land between reading the rows and the sequence.
    const read = this.db.transaction(() => ({ text: this.stmt.rolloutStates.get(query.rolloutId, since ?? -1)!, seq: this.stmt.currentSeq.get()!.value }));
    const { text, seq } = read();
    return { devices: parseFirmwareStates(text), cursor: String(seq), changesOnly: since !== undefined };
  }

  async invokeMethod(
    deviceId: string,
    methodName: string,
    payload?: unknown,
    options: OperationOptions & { responseTimeoutInSeconds?: number } = {},
  ): Promise<MethodResult> {
    if (!this.stmt.exists.get(deviceId)) return { status: 404, payload: { errorCode: 'DeviceNotFound', message: `Device '${deviceId}' not found` } };
    const handler = this.methodHandler;
    if (!handler)
      return { status: 404, payload: { errorCode: 'DeviceNotOnline', message: `Device '${deviceId}' is not online (no device answers direct methods)` } };
    const timeoutMs = (options.responseTimeoutInSeconds ?? 30) * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<MethodResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ status: 504, payload: { errorCode: 'GatewayTimeout', message: `Device '${deviceId}' did not answer within ${timeoutMs / 1000} s` } }),
        timeoutMs,
      );
      timer.unref?.();
    });
    try {
      return await Promise.race([handler(deviceId, methodName, payload), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async suggestIds(partial: string, max: number): Promise<string[]> {
    const total = this.stmt.count.get()!.n;
    if (total <= RANK_ALL_BELOW)
      return rankClosestIds(
        partial,
        this.stmt.allIds.all().map((r) => r.device_id),
        max,
      );
    const candidates: string[] = [];
    for (const prefix of suggestionPrefixes(partial)) {
      for (const row of this.stmt.idRange.all(prefix, `${prefix}\uffff`)) candidates.push(row.device_id);
    }
    return rankClosestIds(partial, candidates, max);
  }

  // ---- DeviceSideClient -------------------------------------------------------------

  async reportProperties(deviceId: string, patch: Record<string, unknown>, at: Date): Promise<void> {
    this.db.transaction(() => this.applyReported(deviceId, patch, at.getTime(), this.lazySeq()))();
  }

  async reportMany(reports: ReadonlyArray<{ deviceId: string; patch: Record<string, unknown> }>, at: Date): Promise<void> {
    const ms = at.getTime();
    this.db.transaction(() => {
      const seq = this.lazySeq();
      for (const r of reports) this.applyReported(r.deviceId, r.patch, ms, seq);
    })();
  }

  async heartbeat(deviceIds: readonly string[], at: Date): Promise<void> {
    const ms = at.getTime();
    this.db.transaction(() => {
      for (const id of deviceIds) this.stmt.heartbeat.run(ms, id);
    })();
  }

  async setConnection(deviceId: string, state: ConnectionState, at: Date): Promise<void> {
    await this.setConnectionMany([{ deviceId, state }], at);
  }

  async setConnectionMany(changes: ReadonlyArray<{ deviceId: string; state: ConnectionState }>, at: Date): Promise<void> {
    if (changes.length === 0) return;
    const ms = at.getTime();
    this.db.transaction(() => {
      const seq = this.stmt.nextSeq.get()!.value;
      for (const c of changes) this.stmt.setConnection.run(c.state, ms, seq, c.state, ms, c.deviceId, c.state);
    })();
  }

  async desiredChangedSince(sinceSequence: number): Promise<{ sequence: number; changes: Array<{ deviceId: string; desired: TwinProperties }> }> {
    let sequence = sinceSequence;
    const changes = this.stmt.desiredSince.all(sinceSequence).map((row) => {
      sequence = Math.max(sequence, row.desired_seq);
      return { deviceId: row.device_id, desired: { ...(JSON.parse(row.desired_json) as Record<string, unknown>), $version: row.desired_version } };
    });
    return { sequence, changes };
  }

  async provision(devices: readonly ProvisionedDevice[], at: Date): Promise<number> {
    const ms = at.getTime();
    return this.db.transaction(() => {
      let created = 0;
      for (const d of devices) {
        const reported = withoutMetadata(d.reported ?? {});
        const fw = firmwareColumns(reported);
        const state = d.connectionState ?? 'Disconnected';
        created += this.stmt.insert.run(
          d.deviceId,
          naturalSortKey(d.deviceId),
          d.status ?? 'enabled',
          state,
          ms,
          state === 'Connected' ? ms : 0,
          tagText(d.tags.site),
          tagText(d.tags.ring),
          tagText(d.tags.model),
          fw.setFirmware ? fw.firmware : null,
          fw.setStatus ? fw.status : null,
          fw.setSubstatus ? fw.substatus : null,
          JSON.stringify(d.tags),
          JSON.stringify(reported),
        ).changes;
      }
      return created;
    })();
  }

  /** The twins' desired and reported sections, as a device reads its twin on connect. */
  async getTwins(deviceIds: readonly string[]): Promise<Map<string, { desired: TwinProperties; reported: TwinProperties }>> {
    const out = new Map<string, { desired: TwinProperties; reported: TwinProperties }>();
    const rows = this.db
      .prepare<[string], { device_id: string; desired_json: string; reported_json: string }>(
        'SELECT device_id, desired_json, reported_json FROM fleet_devices WHERE device_id IN (SELECT value FROM json_each(?))',
      )
      .all(JSON.stringify(deviceIds));
    for (const r of rows) out.set(r.device_id, { desired: JSON.parse(r.desired_json), reported: JSON.parse(r.reported_json) });
    return out;
  }

  onMethod(handler: MethodHandler | undefined): void {
    this.methodHandler = handler;
  }

  /** Test and admin helper: enable or disable a device in the registry. */
  async setStatus(deviceId: string, status: 'enabled' | 'disabled', reason?: string): Promise<boolean> {
    return (
      this.db.prepare('UPDATE fleet_devices SET status = ?, status_reason = ?, version = version + 1 WHERE device_id = ?').run(status, reason ?? null, deviceId)
        .changes === 1
    );
  }

  /** One sequence number per transaction, taken only if a firmware change needs it. Call inside a transaction. */
  private lazySeq(): () => number {
    let seq: number | undefined;
    return () => (seq ??= this.stmt.nextSeq.get()!.value);
  }

  private applyReported(deviceId: string, patch: Record<string, unknown>, ms: number, seq: () => number): void {
    const clean = withoutMetadata(patch);
    const fw = firmwareColumns(clean);
    const touches = 'firmware' in clean;
    this.stmt.patchReported.run(
      JSON.stringify(clean),
      fw.setFirmware ? 1 : 0,
      fw.firmware,
      fw.setStatus ? 1 : 0,
      fw.status,
      fw.setSubstatus ? 1 : 0,
      fw.substatus,
      touches ? 1 : 0,
      touches ? seq() : 0,
      ms,
      deviceId,
    );
  }
}

/**
 * Columns of FIRMWARE_STATE_COLUMNS as an array. Firmware-state reads run over whole rollouts
 * (10,000 changed devices a tick, 100,000 for a plan): SQLite aggregates the rows into one
 * JSON text, parsed once, because handing rows over one by one costs the driver about 1 µs
 * a row plus a fraction per value, three times the aggregate's cost.
 */
type FirmwareStateRow = [
  deviceId: string,
  connectionState: ConnectionState,
  model: string | null,
  ring: string | null,
  firmware: string | null,
  fwUpdateStatus: string | null,
  fwUpdateSubstatus: string | null,
  desiredFwVersion: string | null,
  desiredRolloutId: string | null,
  desiredAttempt: number | null,
];

const FIRMWARE_STATE_COLUMNS =
  'device_id, connection_state, model, ring, firmware, fw_update_status, fw_update_substatus, desired_fw_version, desired_rollout_id, desired_attempt';

function parseFirmwareStates(text: string): FirmwareState[] {
  const rows = JSON.parse(text) as FirmwareStateRow[];
  const out: FirmwareState[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = toFirmwareState(rows[i]!);
  return out;
}

function toFirmwareState(r: FirmwareStateRow): FirmwareState {
  return {
    deviceId: r[0],
    connectionState: r[1],
    model: r[2] ?? undefined,
    ring: r[3] ?? undefined,
    currentFwVersion: r[4] ?? undefined,
    fwUpdateStatus: r[5] ?? undefined,
    fwUpdateSubstatus: r[6] ?? undefined,
    desiredFwVersion: r[7] ?? undefined,
    desiredRolloutId: r[8] ?? undefined,
    desiredAttempt: r[9] ?? undefined,
  };
}

/** A cursor is the fleet sequence as text; anything else reads everything (the safe answer). */
function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || !/^\d{1,15}$/.test(cursor)) return undefined;
  return Number(cursor);
}

/** What a desired patch does to the desired firmware columns (merge-patch semantics: null deletes). */
function desiredFirmwareColumns(patch: Record<string, unknown>) {
  const touchesFirmware = 'firmware' in patch;
  const fw = patch.firmware;
  const section = fw !== null && typeof fw === 'object' && !Array.isArray(fw) ? (fw as Record<string, unknown>) : undefined;
  const replaceAll = touchesFirmware && !section;
  const column = (key: string, valid: (v: unknown) => boolean) => {
    const set = replaceAll || (section !== undefined && key in section);
    const value = section && valid(section[key]) ? section[key] : null;
    return { set: set ? 1 : 0, value };
  };
  const version = column('fwVersion', (v) => typeof v === 'string');
  const rollout = column('rolloutId', (v) => typeof v === 'string');
  const attempt = column('attempt', (v) => typeof v === 'number' && Number.isInteger(v));
  return {
    setVersion: version.set,
    fwVersion: version.value,
    setRollout: rollout.set,
    rolloutId: rollout.value,
    setAttempt: attempt.set,
    attempt: attempt.value,
  };
}

/** What a reported patch does to the firmware filter columns (merge-patch semantics: null deletes). */
function firmwareColumns(patch: Record<string, unknown>): {
  setFirmware: boolean;
  firmware: string | null;
  setStatus: boolean;
  status: string | null;
  setSubstatus: boolean;
  substatus: string | null;
} {
  if (!('firmware' in patch)) return { setFirmware: false, firmware: null, setStatus: false, status: null, setSubstatus: false, substatus: null };
  const fw = patch.firmware;
  if (fw === null || typeof fw !== 'object') return { setFirmware: true, firmware: null, setStatus: true, status: null, setSubstatus: true, substatus: null };
  const section = fw as Record<string, unknown>;
  return {
    setFirmware: 'currentFwVersion' in section,
    firmware: typeof section.currentFwVersion === 'string' ? section.currentFwVersion : null,
    setStatus: 'fwUpdateStatus' in section,
    status: typeof section.fwUpdateStatus === 'string' ? section.fwUpdateStatus : null,
    setSubstatus: 'fwUpdateSubstatus' in section,
    substatus: typeof section.fwUpdateSubstatus === 'string' ? section.fwUpdateSubstatus : null,
  };
}

/** `$version` and `$metadata` belong to the hub, never to a patch. */
function withoutMetadata(patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) if (!key.startsWith('$')) out[key] = value;
  return out;
}

const tagText = (value: unknown): string | null => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null);
