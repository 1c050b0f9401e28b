import type { EscalationState } from '../../../core/oncall/escalation';
import type { MaintenanceWindow, NewMaintenanceWindow } from '../../../core/oncall/maintenance';
import type { NewOverride, Override } from '../../../core/oncall/override';
import type {
  AddOverrideResult,
  AlertTimelineRepository,
  EscalationRepository,
  MaintenanceWindowRepository,
  OnCallStore,
  OverrideRepository,
  PersonalChatRepository,
  RotationRepository,
} from '../../../core/oncall/repository';
import type { Rotation } from '../../../core/oncall/rotation';
import type { NewTimelineEntry, TimelineAddition, TimelineEntry } from '../../../core/oncall/timeline';
import { escalationDueAt, type OverrideRow, type TimelineRow, toEntry, toOverride, toWindow, type WindowRow } from '../rows/oncall';
import type { Migration } from '../migration';
import type { PostgresDatabase } from './database';

/**
 * The on-call tables, as SQLite's 0601 has them. Ids are BIGSERIAL (node-postgres returns
 * them as strings; the rows below turn them into numbers, as the domain expects).
 */
export const POSTGRES_ONCALL_MIGRATION: Migration = {
  id: '0601-oncall',
  sql: `CREATE TABLE oncall_rotations (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at TEXT NOT NULL
  );
  CREATE TABLE oncall_overrides (
    id BIGSERIAL PRIMARY KEY,
    rotation TEXT NOT NULL,
    member_id TEXT NOT NULL,
    member_name TEXT NOT NULL,
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX oncall_overrides_rotation ON oncall_overrides (rotation, end_at);
  CREATE TABLE oncall_maintenance (
    id BIGSERIAL PRIMARY KEY,
    filter TEXT NOT NULL,
    "window" TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE alert_timeline (
    id BIGSERIAL PRIMARY KEY,
    alert_id TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT
  );
  CREATE INDEX alert_timeline_alert ON alert_timeline (alert_id, kind, id);
  CREATE TABLE oncall_escalations (
    alert_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    next_due_at TEXT
  );
  CREATE INDEX oncall_escalations_due ON oncall_escalations (next_due_at) WHERE next_due_at IS NOT NULL;
  CREATE TABLE oncall_personal_chats (
    user_key TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    seen_at TEXT NOT NULL
  )`,
};

/** The on-call ports on PostgreSQL: the same contract as SQLite's (test/backends/store/contract/oncall-contract.test.ts). */
export function postgresOnCallStore(db: PostgresDatabase, now: () => Date = () => new Date()): OnCallStore {
  return {
    rotations: new PostgresRotationRepository(db, now),
    overrides: new PostgresOverrideRepository(db, now),
    maintenance: new PostgresMaintenanceWindowRepository(db, now),
    timeline: new PostgresAlertTimelineRepository(db),
    escalations: new PostgresEscalationRepository(db),
    personalChats: new PostgresPersonalChatRepository(db, now),
  };
}

class PostgresRotationRepository implements RotationRepository {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly now: () => Date,
  ) {}

  async list(): Promise<Rotation[]> {
    const rows = await this.db.query<{ body: string }>('SELECT body FROM oncall_rotations ORDER BY name COLLATE "C"');
    return rows.map((r) => JSON.parse(r.body) as Rotation);
  }

  async get(name: string): Promise<Rotation | undefined> {
    const [row] = await this.db.query<{ body: string }>('SELECT body FROM oncall_rotations WHERE name = $1', [name]);
    return row && (JSON.parse(row.body) as Rotation);
  }

  async save(rotation: Rotation, savedBy: string): Promise<void> {
    await this.db.execute(
      `INSERT INTO oncall_rotations (name, body, saved_by, saved_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET body = excluded.body, saved_by = excluded.saved_by, saved_at = excluded.saved_at`,
      [rotation.name, JSON.stringify(rotation), savedBy, this.now().toISOString()],
    );
  }

  remove(name: string): Promise<boolean> {
    return this.db.unitOfWork.run(async () => {
      await this.db.execute('DELETE FROM oncall_overrides WHERE rotation = $1', [name]);
      return (await this.db.execute('DELETE FROM oncall_rotations WHERE name = $1', [name])) > 0;
    });
  }
}

class PostgresOverrideRepository implements OverrideRepository {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly now: () => Date,
  ) {}

  async list(options: { rotation?: string; endingAfter?: Date } = {}): Promise<Override[]> {
    const rows = await this.db.query<OverrideRow>(
      `SELECT * FROM oncall_overrides WHERE ($1::text IS NULL OR rotation = $1) AND ($2::text IS NULL OR end_at > $2)
       ORDER BY start_at COLLATE "C", id`,
      [options.rotation ?? null, options.endingAfter?.toISOString() ?? null],
    );
    return rows.map(toOverride);
  }

  add(o: NewOverride): Promise<AddOverrideResult> {
    // Two replicas adding overlapping overrides at once: the rotation's advisory lock makes the
    // check and the insert one step (READ COMMITTED alone would let both pass the check).
    return this.db.unitOfWork.run(async (): Promise<AddOverrideResult> => {
      await this.db.query("SELECT pg_advisory_xact_lock(hashtextextended('oncall_override:' || $1, 0))", [o.rotation]);
      // ISO strings of one format compare as times under byte order ("C").
      const [clash] = await this.db.query<OverrideRow>(
        `SELECT * FROM oncall_overrides WHERE rotation = $1 AND start_at < $2 COLLATE "C" AND $3 < end_at COLLATE "C"
         ORDER BY start_at COLLATE "C" LIMIT 1`,
        [o.rotation, o.end, o.start],
      );
      if (clash) return { ok: false, overlaps: toOverride(clash) };
      const createdAt = this.now().toISOString();
      const [row] = await this.db.query<{ id: string }>(
        `INSERT INTO oncall_overrides (rotation, member_id, member_name, start_at, end_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [o.rotation, o.member.id, o.member.name, o.start, o.end, o.createdBy, createdAt],
      );
      return { ok: true, override: { ...o, id: Number(row!.id), createdAt } };
    });
  }

  async remove(id: number): Promise<Override | undefined> {
    const [row] = await this.db.query<OverrideRow>('DELETE FROM oncall_overrides WHERE id = $1 RETURNING *', [id]);
    return row && toOverride(row);
  }
}

class PostgresMaintenanceWindowRepository implements MaintenanceWindowRepository {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly now: () => Date,
  ) {}

  async list(): Promise<MaintenanceWindow[]> {
    return (await this.db.query<WindowRow>('SELECT * FROM oncall_maintenance ORDER BY id')).map(toWindow);
  }

  async add(w: NewMaintenanceWindow): Promise<MaintenanceWindow> {
    const createdAt = this.now().toISOString();
    const [row] = await this.db.query<{ id: string }>(
      'INSERT INTO oncall_maintenance (filter, "window", created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [w.filter, JSON.stringify(w.window), w.createdBy, createdAt],
    );
    return { ...w, id: Number(row!.id), createdAt };
  }

  async remove(id: number): Promise<MaintenanceWindow | undefined> {
    const [row] = await this.db.query<WindowRow>('DELETE FROM oncall_maintenance WHERE id = $1 RETURNING *', [id]);
    return row && toWindow(row);
  }
}

class PostgresAlertTimelineRepository implements AlertTimelineRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async append(e: NewTimelineEntry): Promise<TimelineEntry> {
    const [row] = await this.db.query<{ id: string }>(
      'INSERT INTO alert_timeline (alert_id, at, kind, actor, detail) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [e.alertId, e.at, e.kind, e.actor, e.detail ?? null],
      'timeline.append',
    );
    return { ...e, id: Number(row!.id) };
  }

  async appendAll(entries: readonly TimelineAddition[]): Promise<void> {
    // The statement sees the table as it was before it: `firstOnly` looks at entries stored before this call.
    await this.db.execute(
      `INSERT INTO alert_timeline (alert_id, at, kind, actor, detail)
       SELECT alert_id, at, kind, actor, detail
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[]) WITH ORDINALITY AS e(alert_id, at, kind, actor, detail, first_only, n)
        WHERE NOT (first_only AND EXISTS (SELECT 1 FROM alert_timeline t WHERE t.alert_id = e.alert_id))
        ORDER BY n`,
      [
        entries.map((e) => e.alertId),
        entries.map((e) => e.at),
        entries.map((e) => e.kind),
        entries.map((e) => e.actor),
        entries.map((e) => e.detail ?? null),
        entries.map((e) => e.firstOnly === true),
      ],
      'timeline.appendAll',
    );
  }

  async list(alertId: string): Promise<TimelineEntry[]> {
    return (await this.db.query<TimelineRow>('SELECT * FROM alert_timeline WHERE alert_id = $1 ORDER BY at COLLATE "C", id', [alertId], 'timeline.list')).map(
      toEntry,
    );
  }

  async heldUntil(nowMs: number): Promise<Array<{ alertId: string; until: string }>> {
    // The hold's detail ends with the window's end (ISO); a later entry of kind posted releases it.
    const rows = await this.db.query<{ alert_id: string; until: string }>(
      `SELECT h.alert_id, substr(h.detail, strpos(h.detail, ' until ') + 7) AS until FROM alert_timeline h
       WHERE h.kind = 'held' AND NOT EXISTS (SELECT 1 FROM alert_timeline p WHERE p.alert_id = h.alert_id AND p.kind = 'posted' AND p.id > h.id)
         AND h.id = (SELECT max(id) FROM alert_timeline x WHERE x.alert_id = h.alert_id AND x.kind = 'held')`,
    );
    return rows.map((r) => ({ alertId: r.alert_id, until: r.until })).filter((r) => Date.parse(r.until) <= nowMs);
  }

  async notes(alertId: string, limit: number): Promise<{ latest: TimelineEntry[]; count: number }> {
    const latest = await this.db.query<TimelineRow>("SELECT * FROM alert_timeline WHERE alert_id = $1 AND kind = 'note' ORDER BY id DESC LIMIT $2", [
      alertId,
      limit,
    ]);
    const [counted] = await this.db.query<{ count: string }>("SELECT count(*) AS count FROM alert_timeline WHERE alert_id = $1 AND kind = 'note'", [alertId]);
    return { latest: latest.map(toEntry), count: Number(counted?.count ?? 0) };
  }
}

class PostgresEscalationRepository implements EscalationRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async get(alertId: string): Promise<EscalationState | undefined> {
    const [row] = await this.db.query<{ state: string }>('SELECT state FROM oncall_escalations WHERE alert_id = $1', [alertId]);
    return row && (JSON.parse(row.state) as EscalationState);
  }

  async create(state: EscalationState): Promise<boolean> {
    const changed = await this.db.execute(
      'INSERT INTO oncall_escalations (alert_id, state, version, next_due_at) VALUES ($1, $2, $3, $4) ON CONFLICT (alert_id) DO NOTHING',
      [state.alertId, JSON.stringify(state), state.version, escalationDueAt(state)],
    );
    return changed > 0;
  }

  async update(next: EscalationState): Promise<boolean> {
    const changed = await this.db.execute('UPDATE oncall_escalations SET state = $1, version = $2, next_due_at = $3 WHERE alert_id = $4 AND version = $5', [
      JSON.stringify(next),
      next.version,
      escalationDueAt(next),
      next.alertId,
      next.version - 1,
    ]);
    return changed > 0;
  }

  async due(now: Date, limit: number): Promise<EscalationState[]> {
    const rows = await this.db.query<{ state: string }>(
      `SELECT state FROM oncall_escalations WHERE next_due_at IS NOT NULL AND next_due_at <= $1 COLLATE "C"
       ORDER BY next_due_at COLLATE "C" LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map((r) => JSON.parse(r.state) as EscalationState);
  }
}

class PostgresPersonalChatRepository implements PersonalChatRepository {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly now: () => Date,
  ) {}

  async remember(userKeys: readonly string[], conversationId: string): Promise<void> {
    const keys = [...new Set(userKeys.filter(Boolean).map((k) => k.toLowerCase()))];
    if (keys.length === 0) return;
    await this.db.execute(
      `INSERT INTO oncall_personal_chats (user_key, conversation_id, seen_at) SELECT k, $2, $3 FROM unnest($1::text[]) AS k
       ON CONFLICT (user_key) DO UPDATE SET conversation_id = excluded.conversation_id, seen_at = excluded.seen_at
       WHERE oncall_personal_chats.conversation_id <> excluded.conversation_id`,
      [keys, conversationId, this.now().toISOString()],
    );
  }

  async find(userKey: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ conversation_id: string }>('SELECT conversation_id FROM oncall_personal_chats WHERE user_key = $1', [
      userKey.toLowerCase(),
    ]);
    return row?.conversation_id;
  }
}
