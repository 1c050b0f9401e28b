import type { Migration, SqliteDatabase } from './database';
import {
  ACTIVE_ROLLOUT_STATES,
  IN_FLIGHT_STATES,
  type DeviceState,
  type Rollout,
  type RolloutDevice,
  type RolloutState,
  type WaveCounts,
} from '../../../core/rollouts/model';
import { HOLDING, SETTLED, toDevice, toGateCounts, toRollout, toWaveCounts, waveTotalsOf, type DeviceRow, type RolloutRow } from '../rows/rollouts';
import type { PlannedDevice } from '../../../core/rollouts/plan';
import type { DeviceChange } from '../../../core/rollouts/progress';
import type { InFlightDevice, Membership, RolloutConflict, RolloutPatch, RolloutRepository } from '../../../core/rollouts/repository';
import { gated, type Synchronous } from './gate';

export const rolloutMigrations: Migration[] = [
  {
    id: '0301-rollouts',
    sql: `CREATE TABLE rollouts (
      id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL UNIQUE,
      version INTEGER NOT NULL,
      fw_version TEXT NOT NULL,
      fw_uri TEXT NOT NULL,
      fw_sha256 TEXT NOT NULL,
      filter_text TEXT NOT NULL,
      state TEXT NOT NULL,
      current_wave INTEGER NOT NULL,
      waves_json TEXT NOT NULL,
      settings_json TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL,
      conversation_id TEXT,
      last_change_json TEXT NOT NULL,
      pause_reason TEXT,
      last_dispatch_at INTEGER
    );
    CREATE INDEX rollouts_state ON rollouts (state);
    CREATE TABLE rollout_devices (
      id INTEGER PRIMARY KEY,
      rollout_id TEXT NOT NULL REFERENCES rollouts (id),
      device_id TEXT NOT NULL,
      wave INTEGER,
      seq INTEGER NOT NULL,
      state TEXT NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 1,
      since INTEGER NOT NULL,
      previous_version TEXT,
      model TEXT,
      pending_write INTEGER NOT NULL DEFAULT 0,
      baseline_status TEXT,
      reason TEXT,
      UNIQUE (rollout_id, device_id)
    );
    CREATE INDEX rollout_devices_seq ON rollout_devices (rollout_id, seq);
    CREATE INDEX rollout_devices_device ON rollout_devices (device_id);
    CREATE INDEX rollout_devices_state ON rollout_devices (rollout_id, state, wave, seq);
    CREATE INDEX rollout_devices_pending ON rollout_devices (rollout_id) WHERE pending_write = 1`,
  },
  {
    // Ticks read only the devices whose reported state changed; time-based transitions of the
    // others are set-based and need the connection seen last. Nothing reads by seq order any more.
    id: '0302-rollout-devices-connected',
    sql: `ALTER TABLE rollout_devices ADD COLUMN connected INTEGER NOT NULL DEFAULT 1;
    DROP INDEX IF EXISTS rollout_devices_seq`,
  },
  {
    // Time-based transitions look for rows past a deadline: (state, wave, since) makes that a
    // few range seeks instead of a walk over every in-flight row. The dispatch queue gets its
    // own partial index in dispatch order; counts per wave still walk the state index only.
    id: '0303-rollout-devices-deadlines',
    sql: `DROP INDEX IF EXISTS rollout_devices_state;
    CREATE INDEX rollout_devices_state ON rollout_devices (rollout_id, state, wave, since);
    CREATE INDEX rollout_devices_queue ON rollout_devices (rollout_id, wave, seq) WHERE state = 'queued'`,
  },
  {
    // A plan inserts its rows in dispatch order, i.e. in random device-id order: every index on
    // device ids takes 100,000 random inserts for a 100k plan. The (rollout_id, device_id) key
    // already answers lookups by device, one seek per rollout, so the device-only index goes.
    id: '0304-rollout-devices-no-device-index',
    sql: 'DROP INDEX IF EXISTS rollout_devices_device',
  },
];

/** Placeholders for a fixed list of states (states are constants, never user text). */
const inList = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** The RolloutRepository port on SQLite (calls pass the connection's gate: see gate.ts). */
export function sqliteRolloutRepository(db: SqliteDatabase): RolloutRepository {
  return gated<RolloutRepository>(new SqliteRolloutRepository(db), db);
}

/** The synchronous store behind `sqliteRolloutRepository` (its methods run on the caller's turn). */
export class SqliteRolloutRepository implements Synchronous<RolloutRepository> {
  /**
   * rolloutId → deviceId → row key, saving the tick a lookup by device id per changed device.
   * A rollout's rows are all inserted with its plan and never re-keyed (only a refused plan's
   * rows are deleted), so the map cannot go stale. Filled as devices are claimed for dispatch
   * (the claim returns their keys anyway); a device it does not know yet (claimed before a
   * restart) loads the whole rollout's keys once.
   */
  private readonly keys = new Map<string, { complete: boolean; byDevice: Map<string, number> }>();
  /** rolloutId → wave → rows: fixed at plan time (rows keep their wave for life), for gateCounts. */
  private readonly waveTotals = new Map<string, Map<number, number>>();

  constructor(private readonly db: SqliteDatabase) {}

  nextId(): string {
    const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM rollouts').pluck().get() as number) ?? 1;
    return `R${seq}`;
  }

  insertPlan(rollout: Rollout, devices: readonly PlannedDevice[], now: number): void {
    const insertRollout = this.db.prepare(
      `INSERT INTO rollouts (id, seq, version, fw_version, fw_uri, fw_sha256, filter_text, state, current_wave, waves_json, settings_json,
         created_by, created_at, conversation_id, last_change_json, pause_reason, last_dispatch_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // One statement over a JSON array of the devices: a 100k plan binds one text instead of 800,000 parameters.
    const insertDevices = this.db.prepare(
      `INSERT INTO rollout_devices (rollout_id, device_id, wave, seq, state, since, previous_version, model)
       SELECT ?, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, ?, j.value ->> 4, j.value ->> 5 FROM json_each(?) AS j`,
    );
    this.db.transaction(() => {
      insertRollout.run(
        rollout.id,
        Number(rollout.id.replace(/\D/g, '')),
        rollout.version,
        rollout.firmware.version,
        rollout.firmware.packageUri,
        rollout.firmware.sha256,
        rollout.filterText,
        rollout.state,
        rollout.currentWave,
        JSON.stringify(rollout.waves),
        JSON.stringify(rollout.settings),
        rollout.createdBy,
        rollout.createdAt,
        rollout.conversationId ?? null,
        JSON.stringify(rollout.lastChange),
        rollout.pauseReason ?? null,
        rollout.lastDispatchAt ?? null,
      );
      const rows = devices.map((d) => [d.deviceId, d.wave, d.seq, d.state, d.previousVersion ?? null, d.model ?? null]);
      insertDevices.run(rollout.id, now, JSON.stringify(rows));
      this.waveTotals.set(rollout.id, waveTotalsOf(devices));
    })();
  }

  get(id: string): Rollout | undefined {
    const row = this.db.prepare('SELECT * FROM rollouts WHERE id = ? COLLATE NOCASE').get(id) as RolloutRow | undefined;
    return row ? toRollout(row) : undefined;
  }

  list(options: { limit?: number; states?: readonly RolloutState[] } = {}): Rollout[] {
    const states = options.states ?? [];
    const where = states.length > 0 ? `WHERE state IN (${inList(states)})` : '';
    const rows = this.db.prepare(`SELECT * FROM rollouts ${where} ORDER BY seq DESC LIMIT ?`).all(...states, options.limit ?? 20) as RolloutRow[];
    return rows.map(toRollout);
  }

  transition(id: string, expectedVersion: number, patch: RolloutPatch): Rollout | undefined {
    const sets: string[] = ['version = version + 1'];
    const values: unknown[] = [];
    const column = (name: string, value: unknown) => {
      sets.push(`${name} = ?`);
      values.push(value);
    };
    if (patch.state !== undefined) column('state', patch.state);
    if (patch.currentWave !== undefined) column('current_wave', patch.currentWave);
    if (patch.waves !== undefined) column('waves_json', JSON.stringify(patch.waves));
    if (patch.lastChange !== undefined) column('last_change_json', JSON.stringify(patch.lastChange));
    if ('pauseReason' in patch) column('pause_reason', patch.pauseReason ?? null);
    const applied = this.db.transaction(() => {
      const changed = this.db.prepare(`UPDATE rollouts SET ${sets.join(', ')} WHERE id = ? AND version = ?`).run(...values, id, expectedVersion).changes;
      return changed === 1;
    })();
    if (applied && (patch.state === 'completed' || patch.state === 'aborted')) this.forget(id);
    return applied ? this.get(id) : undefined;
  }

  markDispatched(id: string, at: number): void {
    this.db.prepare('UPDATE rollouts SET last_dispatch_at = ? WHERE id = ?').run(at, id);
  }

  discardPlan(id: string): void {
    this.forget(id);
    this.db.transaction(() => {
      // Only a plan nobody started: the rows of a rollout that ran are its history.
      this.db.prepare("DELETE FROM rollout_devices WHERE rollout_id = ? AND EXISTS (SELECT 1 FROM rollouts WHERE id = ? AND state = 'planned')").run(id, id);
      this.db.prepare("DELETE FROM rollouts WHERE id = ? AND state = 'planned'").run(id);
    })();
  }

  conflicts(rolloutId: string): RolloutConflict[] {
    const rows = this.db
      .prepare(
        // From the other active rollouts' devices (usually none) to this plan's: no scan of a 100k plan when nothing else runs.
        `SELECT o.rollout_id AS rolloutId, r.state AS state, COUNT(*) AS devices, MIN(o.device_id) AS example
         FROM rollouts r
         CROSS JOIN rollout_devices o ON o.rollout_id = r.id
         CROSS JOIN rollout_devices m ON m.rollout_id = ? AND m.device_id = o.device_id
         WHERE r.id <> ? AND r.state IN (${inList(ACTIVE_ROLLOUT_STATES)}) AND o.state IN (${inList(HOLDING)}) AND m.state = 'queued'
         GROUP BY o.rollout_id, r.state ORDER BY o.rollout_id`,
      )
      .all(rolloutId, rolloutId, ...ACTIVE_ROLLOUT_STATES, ...HOLDING) as RolloutConflict[];
    return rows;
  }

  waveCounts(rolloutId: string): WaveCounts[] {
    const rows = this.db
      // Grouped in the state index's order: a walk of the index, no sort.
      .prepare('SELECT COALESCE(wave, 0) AS wave, state, COUNT(*) AS n FROM rollout_devices WHERE rollout_id = ? GROUP BY state, wave')
      .all(rolloutId) as Array<{ wave: number; state: DeviceState; n: number }>;
    return toWaveCounts(rows);
  }

  gateCounts(rolloutId: string): WaveCounts[] {
    let totals = this.waveTotals.get(rolloutId);
    if (!totals) {
      // Rows keep their wave for life: the totals are counted once per rollout.
      const rows = this.db
        .prepare('SELECT COALESCE(wave, 0) AS wave, COUNT(*) AS n FROM rollout_devices WHERE rollout_id = ? GROUP BY 1')
        .raw()
        .all(rolloutId) as Array<[number, number]>;
      totals = new Map(rows);
      this.waveTotals.set(rolloutId, totals);
    }
    const settled = this.db
      // One seek per settled state on rollout_devices_state; open rows are not visited.
      .prepare(
        `SELECT COALESCE(wave, 0) AS wave, state, COUNT(*) AS n FROM rollout_devices WHERE rollout_id = ? AND state IN (${inList(SETTLED)}) GROUP BY state, wave`,
      )
      .all(rolloutId, ...SETTLED) as Array<{ wave: number; state: DeviceState; n: number }>;
    return toGateCounts(totals, settled);
  }

  devices(rolloutId: string, states: readonly DeviceState[], options: { wave?: number; limit?: number } = {}): RolloutDevice[] {
    const waveClause = options.wave === undefined ? '' : 'AND wave = ?';
    const params: unknown[] = [rolloutId, ...states];
    if (options.wave !== undefined) params.push(options.wave);
    params.push(options.limit ?? -1);
    const rows = this.db
      .prepare(`SELECT * FROM rollout_devices WHERE rollout_id = ? AND state IN (${inList(states)}) ${waveClause} ORDER BY since, seq LIMIT ?`)
      .all(...params) as DeviceRow[];
    return rows.map(toDevice);
  }

  pendingWrites(rolloutId: string): RolloutDevice[] {
    return (this.db.prepare('SELECT * FROM rollout_devices WHERE rollout_id = ? AND pending_write = 1').all(rolloutId) as DeviceRow[]).map(toDevice);
  }

  inFlightIds(rolloutId: string): string[] {
    return this.db
      .prepare(`SELECT device_id FROM rollout_devices WHERE rollout_id = ? AND state IN (${inList(IN_FLIGHT_STATES)}) AND pending_write = 0`)
      .pluck()
      .all(rolloutId, ...IN_FLIGHT_STATES) as string[];
  }

  inFlightOf(rolloutId: string, deviceIds: readonly string[]): InFlightDevice[] {
    if (deviceIds.length === 0) return [];
    const keys: number[] = [];
    let known = this.keysOf(rolloutId);
    for (const id of deviceIds) {
      let key = known.byDevice.get(id);
      if (key === undefined && !known.complete) {
        known = this.loadKeys(rolloutId);
        key = known.byDevice.get(id);
      }
      if (key !== undefined) keys.push(key);
    }
    // The tick's hot path (10,000 rows a tick at 100k in flight): rows by key, only the columns
    // the tick reads, aggregated into one JSON text in SQLite and parsed once. Rows handed
    // over one by one cost the driver about 1 µs each plus a fraction per value, three
    // times the aggregate's cost.
    const text = this.db
      .prepare(
        `SELECT json_group_array(json_array(d.device_id, d.state, d.since, d.baseline_status, d.connected, d.id))
         FROM json_each(?) AS j CROSS JOIN rollout_devices d ON d.id = j.value
         WHERE +d.rollout_id = ? AND d.state IN (${inList(IN_FLIGHT_STATES)}) AND d.pending_write = 0`,
      )
      .pluck()
      .get(JSON.stringify(keys), rolloutId, ...IN_FLIGHT_STATES) as string;
    const rows = JSON.parse(text) as Array<[string, DeviceState, number, string | null, number, number]>;
    const out: InFlightDevice[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      out[i] = { deviceId: r[0], state: r[1], since: r[2], baselineStatus: r[3] ?? undefined, connected: r[4] === 1, key: r[5] };
    }
    return out;
  }

  private keysOf(rolloutId: string): { complete: boolean; byDevice: Map<string, number> } {
    let known = this.keys.get(rolloutId);
    if (!known) {
      known = { complete: false, byDevice: new Map() };
      this.keys.set(rolloutId, known);
    }
    return known;
  }

  private loadKeys(rolloutId: string): { complete: boolean; byDevice: Map<string, number> } {
    const text = this.db
      .prepare('SELECT json_group_array(json_array(device_id, id)) FROM rollout_devices WHERE rollout_id = ?')
      .pluck()
      .get(rolloutId) as string;
    const known = { complete: true, byDevice: new Map(JSON.parse(text) as Array<[string, number]>) };
    this.keys.set(rolloutId, known);
    return known;
  }

  /** Drops what is remembered of a rollout that will not be ticked again (reloaded if it is). */
  private forget(rolloutId: string): void {
    this.keys.delete(rolloutId);
    this.waveTotals.delete(rolloutId);
  }

  settleByTime(rolloutId: string, now: number, limits: { soakMs: number; phaseTimeoutMs: number; waves: number }): number {
    const phases = IN_FLIGHT_STATES.filter((s) => s !== 'soaking');
    const waves = Array.from({ length: limits.waves }, (_, i) => i + 1);
    const minutes = (ms: number) => String(Math.round(ms / 60_000));
    // (state, wave) IN lists + a since range: seeks on rollout_devices_state, only past-deadline rows are visited.
    return this.db.transaction(() => {
      const succeeded = this.db
        .prepare(
          `UPDATE rollout_devices SET state = 'succeeded', since = ?, reason = NULL
           WHERE rollout_id = ? AND state = 'soaking' AND wave IN (${inList(waves)}) AND since <= ? AND pending_write = 0 AND connected = 1`,
        )
        .run(now, rolloutId, ...waves, now - limits.soakMs).changes;
      const timeout = (states: readonly string[], limitMs: number) =>
        this.db
          .prepare(
            `UPDATE rollout_devices SET state = 'timed-out', since = ?, reason = 'no progress while ' || state || ' for ' || ? || ' min'
             WHERE rollout_id = ? AND state IN (${inList(states)}) AND wave IN (${inList(waves)}) AND since < ? AND pending_write = 0`,
          )
          .run(now, minutes(limitMs), rolloutId, ...states, ...waves, now - limitMs).changes;
      return succeeded + timeout(phases, limits.phaseTimeoutMs) + timeout(['soaking'], limits.soakMs + limits.phaseTimeoutMs);
    })();
  }

  markConnection(rolloutId: string, deviceIds: readonly string[], connected: boolean): void {
    if (deviceIds.length === 0) return;
    this.db
      .prepare('UPDATE rollout_devices SET connected = ? WHERE rollout_id = ? AND device_id IN (SELECT value FROM json_each(?))')
      .run(connected ? 1 : 0, rolloutId, JSON.stringify(deviceIds));
  }

  claimForDispatch(rolloutId: string, maxWave: number, limit: number, now: number): RolloutDevice[] {
    const rows = this.db
      .prepare(
        `UPDATE rollout_devices SET state = 'targeted', pending_write = 1, since = ?, reason = NULL, baseline_status = NULL
         WHERE id IN (SELECT id FROM rollout_devices WHERE rollout_id = ? AND state = 'queued' AND wave <= ? ORDER BY wave, seq LIMIT ?)
         RETURNING *`,
      )
      .all(now, rolloutId, maxWave, limit) as DeviceRow[];
    const known = this.keysOf(rolloutId);
    if (!known.complete) for (const r of rows) known.byDevice.set(r.device_id, Number(r.id));
    return rows.map(toDevice);
  }

  confirmWritten(rolloutId: string, confirmed: ReadonlyArray<{ deviceId: string; baselineStatus?: string; key?: number }>, now: number): void {
    if (confirmed.length === 0) return;
    // Set-based: per distinct baseline status (a handful), the rows bound as one JSON array of keys (or ids).
    const groups = new Map<string | null, { ids: string[]; keys: number[] }>();
    for (const c of confirmed) {
      const baseline = c.baselineStatus ?? null;
      const group = groups.get(baseline) ?? { ids: [], keys: [] };
      if (c.key === undefined) group.ids.push(c.deviceId);
      else group.keys.push(c.key);
      groups.set(baseline, group);
    }
    const set = 'UPDATE rollout_devices SET pending_write = 0, baseline_status = ?, since = ?, connected = 1';
    const byId = this.db.prepare(`${set} WHERE rollout_id = ? AND pending_write = 1 AND device_id IN (SELECT value FROM json_each(?))`);
    const byKey = this.db.prepare(`${set} WHERE +rollout_id = ? AND +pending_write = 1 AND id IN (SELECT value FROM json_each(?))`);
    this.db.transaction(() => {
      for (const [baseline, { ids, keys }] of groups) {
        if (ids.length > 0) byId.run(baseline, now, rolloutId, JSON.stringify(ids));
        if (keys.length > 0) byKey.run(baseline, now, rolloutId, JSON.stringify(keys));
      }
    })();
  }

  applyChanges(rolloutId: string, changes: readonly DeviceChange[]): void {
    if (changes.length === 0) return;
    // Set-based: one UPDATE per distinct (state, since, reason), the ids bound as one JSON array.
    // Rows that came from the store carry their key: updated by rowid, no lookup by device id.
    const groups = new Map<string, { change: DeviceChange; ids: string[]; keys: number[] }>();
    for (const c of changes) {
      const key = `${c.state}\u0000${c.since}\u0000${c.reason ?? ''}\u0000${c.connected ?? ''}`;
      const group = groups.get(key) ?? { change: c, ids: [], keys: [] };
      if (c.key === undefined) group.ids.push(c.deviceId);
      else group.keys.push(c.key);
      groups.set(key, group);
    }
    const set = 'UPDATE rollout_devices SET state = ?, since = ?, reason = ?, connected = COALESCE(?, connected), pending_write = 0';
    const byId = this.db.prepare(`${set} WHERE rollout_id = ? AND device_id IN (SELECT value FROM json_each(?))`);
    // `+rollout_id`: a guard, not an index to walk (the planner would otherwise scan the rollout's rows).
    const byKey = this.db.prepare(`${set} WHERE +rollout_id = ? AND id IN (SELECT value FROM json_each(?))`);
    this.db.transaction(() => {
      for (const { change, ids, keys } of groups.values()) {
        const values = [change.state, change.since, change.reason ?? null, change.connected === undefined ? null : change.connected ? 1 : 0, rolloutId];
        if (ids.length > 0) byId.run(...values, JSON.stringify(ids));
        if (keys.length > 0) byKey.run(...values, JSON.stringify(keys));
      }
    })();
  }

  requeue(rolloutId: string, from: readonly DeviceState[], maxWave: number, now: number): number {
    return this.db
      .prepare(
        `UPDATE rollout_devices SET state = 'queued', attempt = attempt + 1, since = ?, reason = NULL, pending_write = 0, baseline_status = NULL
         WHERE rollout_id = ? AND wave <= ? AND state IN (${inList(from)})`,
      )
      .run(now, rolloutId, maxWave, ...from).changes;
  }

  moveAll(rolloutId: string, from: readonly DeviceState[], to: DeviceState, reason: string, now: number): number {
    return this.db
      .prepare(`UPDATE rollout_devices SET state = ?, since = ?, reason = ?, pending_write = 0 WHERE rollout_id = ? AND state IN (${inList(from)})`)
      .run(to, now, reason, rolloutId, ...from).changes;
  }

  moveDevice(rolloutId: string, deviceId: string, from: readonly DeviceState[], to: DeviceState, reason: string, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE rollout_devices SET state = ?, since = ?, reason = ?, pending_write = 0 WHERE rollout_id = ? AND device_id = ? AND state IN (${inList(from)})`,
        )
        .run(to, now, reason, rolloutId, deviceId, ...from).changes === 1
    );
  }

  membershipOf(deviceId: string): Membership | undefined {
    const row = this.db
      .prepare(
        `SELECT d.rollout_id AS rolloutId, r.state AS rolloutState, r.fw_version AS version, d.wave AS wave, d.state AS state, d.reason AS reason
         FROM rollouts r CROSS JOIN rollout_devices d ON d.rollout_id = r.id AND d.device_id = ?
         WHERE r.state <> 'planned'
         ORDER BY (r.state IN (${inList(ACTIVE_ROLLOUT_STATES)})) DESC, r.seq DESC LIMIT 1`,
        // Rollouts first (a few hundred at most), then one seek per rollout on its (rollout_id, device_id) key.
      )
      .get(deviceId, ...ACTIVE_ROLLOUT_STATES) as (Omit<Membership, 'reason'> & { reason: string | null }) | undefined;
    return row ? { ...row, reason: row.reason ?? undefined } : undefined;
  }

  tickable(): Rollout[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM rollouts r WHERE r.state IN (${inList(ACTIVE_ROLLOUT_STATES)})
           OR (r.state = 'aborted' AND EXISTS (SELECT 1 FROM rollout_devices d WHERE d.rollout_id = r.id AND d.state IN (${inList(IN_FLIGHT_STATES)})))
         ORDER BY r.seq`,
      )
      .all(...ACTIVE_ROLLOUT_STATES, ...IN_FLIGHT_STATES) as RolloutRow[];
    return rows.map(toRollout);
  }
}
