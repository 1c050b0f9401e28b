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
import type { PostgresDatabase } from './database';

/**
 * Rollouts on PostgreSQL: the same set-based statements as on SQLite, lists bound as
 * arrays (`= ANY($n)`). Transitions are version-checked in one UPDATE, so of two replicas
 * acting on one card, one wins and the other is told it was stale.
 */
export class PostgresRolloutRepository implements RolloutRepository {
  /** rolloutId → wave → rows: fixed at plan time (rows keep their wave for life), whichever replica reads them. */
  private readonly waveTotals = new Map<string, Map<number, number>>();

  constructor(private readonly db: PostgresDatabase) {}

  async nextId(): Promise<string> {
    const [row] = await this.db.query<{ seq: string }>(`SELECT nextval('rollout_seq') AS seq`);
    return `R${row!.seq}`;
  }

  insertPlan(rollout: Rollout, devices: readonly PlannedDevice[], now: number): Promise<void> {
    return this.db.unitOfWork.run(async () => {
      await this.db.execute(
        `INSERT INTO rollouts (id, seq, version, fw_version, fw_uri, fw_sha256, filter_text, state, current_wave, waves_json, settings_json,
           created_by, created_at, conversation_id, last_change_json, pause_reason, last_dispatch_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
        [
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
        ],
      );
      // One statement over arrays: a 100k plan binds six arrays, not 600,000 parameters.
      await this.db.execute(
        `INSERT INTO rollout_devices (rollout_id, device_id, wave, seq, state, since, previous_version, model)
         SELECT $1, d.device_id, d.wave, d.seq, d.state, $2, d.previous_version, d.model
           FROM unnest($3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[]) AS d (device_id, wave, seq, state, previous_version, model)`,
        [
          rollout.id,
          now,
          devices.map((d) => d.deviceId),
          devices.map((d) => d.wave),
          devices.map((d) => d.seq),
          devices.map((d) => d.state),
          devices.map((d) => d.previousVersion ?? null),
          devices.map((d) => d.model ?? null),
        ],
      );
      this.waveTotals.set(rollout.id, waveTotalsOf(devices));
    });
  }

  async get(id: string): Promise<Rollout | undefined> {
    const [row] = await this.db.query<RolloutRow>('SELECT * FROM rollouts WHERE upper(id) = upper($1)', [id]);
    return row ? toRollout(row) : undefined;
  }

  async list(options: { limit?: number; states?: readonly RolloutState[] } = {}): Promise<Rollout[]> {
    const states = options.states ?? [];
    const rows =
      states.length > 0
        ? await this.db.query<RolloutRow>('SELECT * FROM rollouts WHERE state = ANY($1) ORDER BY seq DESC LIMIT $2', [states, options.limit ?? 20])
        : await this.db.query<RolloutRow>('SELECT * FROM rollouts ORDER BY seq DESC LIMIT $1', [options.limit ?? 20]);
    return rows.map(toRollout);
  }

  async transition(id: string, expectedVersion: number, patch: RolloutPatch): Promise<Rollout | undefined> {
    const sets: string[] = ['version = version + 1'];
    const values: unknown[] = [];
    const column = (name: string, value: unknown) => sets.push(`${name} = $${values.push(value)}`);
    if (patch.state !== undefined) column('state', patch.state);
    if (patch.currentWave !== undefined) column('current_wave', patch.currentWave);
    if (patch.waves !== undefined) column('waves_json', JSON.stringify(patch.waves));
    if (patch.lastChange !== undefined) column('last_change_json', JSON.stringify(patch.lastChange));
    if ('pauseReason' in patch) column('pause_reason', patch.pauseReason ?? null);
    const [row] = await this.db.query<RolloutRow>(
      `UPDATE rollouts SET ${sets.join(', ')} WHERE id = $${values.length + 1} AND version = $${values.length + 2} RETURNING *`,
      [...values, id, expectedVersion],
    );
    return row ? toRollout(row) : undefined;
  }

  async markDispatched(id: string, at: number): Promise<void> {
    await this.db.execute('UPDATE rollouts SET last_dispatch_at = $1 WHERE id = $2', [at, id]);
  }

  discardPlan(id: string): Promise<void> {
    this.waveTotals.delete(id);
    return this.db.unitOfWork.run(async () => {
      await this.db.execute("DELETE FROM rollout_devices WHERE rollout_id = $1 AND EXISTS (SELECT 1 FROM rollouts WHERE id = $1 AND state = 'planned')", [id]);
      await this.db.execute("DELETE FROM rollouts WHERE id = $1 AND state = 'planned'", [id]);
    });
  }

  async conflicts(rolloutId: string): Promise<RolloutConflict[]> {
    const rows = await this.db.query<{ rolloutId: string; state: RolloutState; devices: string; example: string }>(
      `SELECT o.rollout_id AS "rolloutId", r.state AS state, COUNT(*) AS devices, MIN(o.device_id) AS example
         FROM rollouts r
         JOIN rollout_devices o ON o.rollout_id = r.id
         JOIN rollout_devices m ON m.rollout_id = $1 AND m.device_id = o.device_id
        WHERE r.id <> $1 AND r.state = ANY($2) AND o.state = ANY($3) AND m.state = 'queued'
        GROUP BY o.rollout_id, r.state ORDER BY o.rollout_id`,
      [rolloutId, ACTIVE_ROLLOUT_STATES, HOLDING],
    );
    return rows.map((r) => ({ ...r, devices: Number(r.devices) }));
  }

  async waveCounts(rolloutId: string): Promise<WaveCounts[]> {
    const rows = await this.db.query<{ wave: number; state: DeviceState; n: string }>(
      'SELECT COALESCE(wave, 0) AS wave, state, COUNT(*) AS n FROM rollout_devices WHERE rollout_id = $1 GROUP BY state, wave',
      [rolloutId],
    );
    return toWaveCounts(rows);
  }

  async gateCounts(rolloutId: string): Promise<WaveCounts[]> {
    let totals = this.waveTotals.get(rolloutId);
    if (!totals) {
      const rows = await this.db.query<{ wave: number; n: string }>(
        'SELECT COALESCE(wave, 0) AS wave, COUNT(*) AS n FROM rollout_devices WHERE rollout_id = $1 GROUP BY 1',
        [rolloutId],
      );
      totals = new Map(rows.map((r) => [r.wave, Number(r.n)]));
      this.waveTotals.set(rolloutId, totals);
    }
    const settled = await this.db.query<{ wave: number; state: DeviceState; n: string }>(
      'SELECT COALESCE(wave, 0) AS wave, state, COUNT(*) AS n FROM rollout_devices WHERE rollout_id = $1 AND state = ANY($2) GROUP BY state, wave',
      [rolloutId, SETTLED],
    );
    return toGateCounts(totals, settled);
  }

  async devices(rolloutId: string, states: readonly DeviceState[], options: { wave?: number; limit?: number } = {}): Promise<RolloutDevice[]> {
    const rows = await this.db.query<DeviceRow>(
      `SELECT * FROM rollout_devices WHERE rollout_id = $1 AND state = ANY($2) AND ($3::int IS NULL OR wave = $3) ORDER BY since, seq LIMIT $4`,
      [rolloutId, states, options.wave ?? null, options.limit ?? null],
    );
    return rows.map(toDevice);
  }

  async pendingWrites(rolloutId: string): Promise<RolloutDevice[]> {
    return (await this.db.query<DeviceRow>('SELECT * FROM rollout_devices WHERE rollout_id = $1 AND pending_write', [rolloutId])).map(toDevice);
  }

  async inFlightIds(rolloutId: string): Promise<string[]> {
    const rows = await this.db.query<{ device_id: string }>(
      'SELECT device_id FROM rollout_devices WHERE rollout_id = $1 AND state = ANY($2) AND NOT pending_write',
      [rolloutId, IN_FLIGHT_STATES],
    );
    return rows.map((r) => r.device_id);
  }

  async inFlightOf(rolloutId: string, deviceIds: readonly string[]): Promise<InFlightDevice[]> {
    if (deviceIds.length === 0) return [];
    const rows = await this.db.query<{ device_id: string; state: DeviceState; since: string; baseline_status: string | null; connected: boolean; id: string }>(
      `SELECT device_id, state, since, baseline_status, connected, id FROM rollout_devices
        WHERE rollout_id = $1 AND device_id = ANY($2) AND state = ANY($3) AND NOT pending_write`,
      [rolloutId, deviceIds, IN_FLIGHT_STATES],
    );
    return rows.map((r) => ({
      deviceId: r.device_id,
      state: r.state,
      since: Number(r.since),
      baselineStatus: r.baseline_status ?? undefined,
      connected: r.connected,
      key: Number(r.id),
    }));
  }

  settleByTime(rolloutId: string, now: number, limits: { soakMs: number; phaseTimeoutMs: number; waves: number }): Promise<number> {
    const phases = IN_FLIGHT_STATES.filter((s) => s !== 'soaking');
    const minutes = (ms: number) => String(Math.round(ms / 60_000));
    return this.db.unitOfWork.run(async () => {
      const succeeded = await this.db.execute(
        `UPDATE rollout_devices SET state = 'succeeded', since = $1, reason = NULL
          WHERE rollout_id = $2 AND state = 'soaking' AND wave BETWEEN 1 AND $3 AND since <= $4 AND NOT pending_write AND connected`,
        [now, rolloutId, limits.waves, now - limits.soakMs],
      );
      const timeout = (states: readonly string[], limitMs: number) =>
        this.db.execute(
          `UPDATE rollout_devices SET state = 'timed-out', since = $1, reason = 'no progress while ' || state || ' for ' || $2 || ' min'
            WHERE rollout_id = $3 AND state = ANY($4) AND wave BETWEEN 1 AND $5 AND since < $6 AND NOT pending_write`,
          [now, minutes(limitMs), rolloutId, states, limits.waves, now - limitMs],
        );
      return succeeded + (await timeout(phases, limits.phaseTimeoutMs)) + (await timeout(['soaking'], limits.soakMs + limits.phaseTimeoutMs));
    });
  }

  async markConnection(rolloutId: string, deviceIds: readonly string[], connected: boolean): Promise<void> {
    if (deviceIds.length === 0) return;
    await this.db.execute('UPDATE rollout_devices SET connected = $1 WHERE rollout_id = $2 AND device_id = ANY($3)', [connected, rolloutId, deviceIds]);
  }

  async claimForDispatch(rolloutId: string, maxWave: number, limit: number, now: number): Promise<RolloutDevice[]> {
    // SKIP LOCKED: a replica that claims at the same moment takes other rows, never the same ones.
    const rows = await this.db.query<DeviceRow>(
      `UPDATE rollout_devices SET state = 'targeted', pending_write = true, since = $1, reason = NULL, baseline_status = NULL
        WHERE id IN (SELECT id FROM rollout_devices WHERE rollout_id = $2 AND state = 'queued' AND wave <= $3 ORDER BY wave, seq LIMIT $4 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [now, rolloutId, maxWave, limit],
    );
    return rows.map(toDevice).sort((a, b) => (a.wave ?? 0) - (b.wave ?? 0) || a.seq - b.seq);
  }

  confirmWritten(rolloutId: string, confirmed: ReadonlyArray<{ deviceId: string; baselineStatus?: string; key?: number }>, now: number): Promise<void> {
    if (confirmed.length === 0) return Promise.resolve();
    return this.db.unitOfWork.run(async () => {
      await this.db.execute(
        `UPDATE rollout_devices AS d SET pending_write = false, baseline_status = c.baseline, since = $1, connected = true
           FROM unnest($3::text[], $4::text[]) AS c (device_id, baseline)
          WHERE d.rollout_id = $2 AND d.pending_write AND d.device_id = c.device_id`,
        [now, rolloutId, confirmed.map((c) => c.deviceId), confirmed.map((c) => c.baselineStatus ?? null)],
      );
    });
  }

  async applyChanges(rolloutId: string, changes: readonly DeviceChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.db.execute(
      `UPDATE rollout_devices AS d SET state = c.state, since = c.since, reason = c.reason, connected = COALESCE(c.connected, d.connected), pending_write = false
         FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::boolean[]) AS c (device_id, state, since, reason, connected)
        WHERE d.rollout_id = $1 AND d.device_id = c.device_id`,
      [
        rolloutId,
        changes.map((c) => c.deviceId),
        changes.map((c) => c.state),
        changes.map((c) => c.since),
        changes.map((c) => c.reason ?? null),
        changes.map((c) => c.connected ?? null),
      ],
    );
  }

  requeue(rolloutId: string, from: readonly DeviceState[], maxWave: number, now: number): Promise<number> {
    return this.db.execute(
      `UPDATE rollout_devices SET state = 'queued', attempt = attempt + 1, since = $1, reason = NULL, pending_write = false, baseline_status = NULL
        WHERE rollout_id = $2 AND wave <= $3 AND state = ANY($4)`,
      [now, rolloutId, maxWave, from],
    );
  }

  moveAll(rolloutId: string, from: readonly DeviceState[], to: DeviceState, reason: string, now: number): Promise<number> {
    return this.db.execute('UPDATE rollout_devices SET state = $1, since = $2, reason = $3, pending_write = false WHERE rollout_id = $4 AND state = ANY($5)', [
      to,
      now,
      reason,
      rolloutId,
      from,
    ]);
  }

  async moveDevice(rolloutId: string, deviceId: string, from: readonly DeviceState[], to: DeviceState, reason: string, now: number): Promise<boolean> {
    const moved = await this.db.execute(
      'UPDATE rollout_devices SET state = $1, since = $2, reason = $3, pending_write = false WHERE rollout_id = $4 AND device_id = $5 AND state = ANY($6)',
      [to, now, reason, rolloutId, deviceId, from],
    );
    return moved === 1;
  }

  async membershipOf(deviceId: string): Promise<Membership | undefined> {
    const [row] = await this.db.query<{
      rolloutId: string;
      rolloutState: RolloutState;
      version: string;
      wave: number | null;
      state: DeviceState;
      reason: string | null;
    }>(
      `SELECT d.rollout_id AS "rolloutId", r.state AS "rolloutState", r.fw_version AS version, d.wave AS wave, d.state AS state, d.reason AS reason
         FROM rollouts r JOIN rollout_devices d ON d.rollout_id = r.id AND d.device_id = $1
        WHERE r.state <> 'planned'
        ORDER BY (r.state = ANY($2)) DESC, r.seq DESC LIMIT 1`,
      [deviceId, ACTIVE_ROLLOUT_STATES],
    );
    return row ? { ...row, reason: row.reason ?? undefined } : undefined;
  }

  async tickable(): Promise<Rollout[]> {
    const rows = await this.db.query<RolloutRow>(
      `SELECT * FROM rollouts r WHERE r.state = ANY($1)
          OR (r.state = 'aborted' AND EXISTS (SELECT 1 FROM rollout_devices d WHERE d.rollout_id = r.id AND d.state = ANY($2)))
        ORDER BY r.seq`,
      [ACTIVE_ROLLOUT_STATES, IN_FLIGHT_STATES],
    );
    return rows.map(toRollout);
  }
}
