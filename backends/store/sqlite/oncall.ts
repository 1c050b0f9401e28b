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
import type { Migration, SqliteDatabase } from './database';
import { gated, type Synchronous } from './gate';

/** On call owns ids 06xx. Rotations and windows are small documents: stored as JSON, validated before they are saved. */
export const oncallMigrations: Migration[] = [
  {
    id: '0601-oncall',
    sql: `CREATE TABLE oncall_rotations (
      name TEXT PRIMARY KEY,
      body TEXT NOT NULL,
      saved_by TEXT NOT NULL,
      saved_at TEXT NOT NULL
    );
    CREATE TABLE oncall_overrides (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
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
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      filter TEXT NOT NULL,
      window TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE alert_timeline (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
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
  },
];

/** The on-call ports on SQLite: every call passes the connection's gate (gate.ts), so it joins a unit of work only from inside it. */
export function sqliteOnCallStore(db: SqliteDatabase, now: () => Date = () => new Date()): OnCallStore {
  return {
    rotations: gated<RotationRepository>(new SqliteRotationRepository(db, now), db),
    overrides: gated<OverrideRepository>(new SqliteOverrideRepository(db, now), db),
    maintenance: gated<MaintenanceWindowRepository>(new SqliteMaintenanceWindowRepository(db, now), db),
    timeline: gated<AlertTimelineRepository>(new SqliteAlertTimelineRepository(db), db),
    escalations: gated<EscalationRepository>(new SqliteEscalationRepository(db), db),
    personalChats: gated<PersonalChatRepository>(new SqlitePersonalChatRepository(db, now), db),
  };
}

export class SqliteRotationRepository implements Synchronous<RotationRepository> {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date,
  ) {}

  list(): Rotation[] {
    return (this.db.prepare('SELECT body FROM oncall_rotations ORDER BY name').pluck().all() as string[]).map((body) => JSON.parse(body) as Rotation);
  }

  get(name: string): Rotation | undefined {
    const body = this.db.prepare('SELECT body FROM oncall_rotations WHERE name = ?').pluck().get(name) as string | undefined;
    return body === undefined ? undefined : (JSON.parse(body) as Rotation);
  }

  save(rotation: Rotation, savedBy: string): void {
    this.db
      .prepare(
        `INSERT INTO oncall_rotations (name, body, saved_by, saved_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET body = excluded.body, saved_by = excluded.saved_by, saved_at = excluded.saved_at`,
      )
      .run(rotation.name, JSON.stringify(rotation), savedBy, this.now().toISOString());
  }

  remove(name: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM oncall_overrides WHERE rotation = ?').run(name);
      return this.db.prepare('DELETE FROM oncall_rotations WHERE name = ?').run(name).changes > 0;
    })();
  }
}

export class SqliteOverrideRepository implements Synchronous<OverrideRepository> {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date,
  ) {}

  list(options: { rotation?: string; endingAfter?: Date } = {}): Override[] {
    const rows = this.db
      .prepare('SELECT * FROM oncall_overrides WHERE (? IS NULL OR rotation = ?) AND (? IS NULL OR end_at > ?) ORDER BY start_at, id')
      .all(
        options.rotation ?? null,
        options.rotation ?? null,
        options.endingAfter?.toISOString() ?? null,
        options.endingAfter?.toISOString() ?? null,
      ) as OverrideRow[];
    return rows.map(toOverride);
  }

  add(o: NewOverride): AddOverrideResult {
    // ISO strings of one format compare as times; the check and the insert share one transaction.
    return this.db.transaction((): AddOverrideResult => {
      const clash = this.db
        .prepare('SELECT * FROM oncall_overrides WHERE rotation = ? AND start_at < ? AND ? < end_at ORDER BY start_at LIMIT 1')
        .get(o.rotation, o.end, o.start) as OverrideRow | undefined;
      if (clash) return { ok: false, overlaps: toOverride(clash) };
      const createdAt = this.now().toISOString();
      const id = Number(
        this.db
          .prepare('INSERT INTO oncall_overrides (rotation, member_id, member_name, start_at, end_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(o.rotation, o.member.id, o.member.name, o.start, o.end, o.createdBy, createdAt).lastInsertRowid,
      );
      return { ok: true, override: { ...o, id, createdAt } };
    })();
  }

  remove(id: number): Override | undefined {
    const row = this.db.prepare('DELETE FROM oncall_overrides WHERE id = ? RETURNING *').get(id) as OverrideRow | undefined;
    return row ? toOverride(row) : undefined;
  }
}

export class SqliteMaintenanceWindowRepository implements Synchronous<MaintenanceWindowRepository> {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date,
  ) {}

  list(): MaintenanceWindow[] {
    return (this.db.prepare('SELECT * FROM oncall_maintenance ORDER BY id').all() as WindowRow[]).map(toWindow);
  }

  add(w: NewMaintenanceWindow): MaintenanceWindow {
    const createdAt = this.now().toISOString();
    const id = Number(
      this.db
        .prepare('INSERT INTO oncall_maintenance (filter, window, created_by, created_at) VALUES (?, ?, ?, ?)')
        .run(w.filter, JSON.stringify(w.window), w.createdBy, createdAt).lastInsertRowid,
    );
    return { ...w, id, createdAt };
  }

  remove(id: number): MaintenanceWindow | undefined {
    const row = this.db.prepare('DELETE FROM oncall_maintenance WHERE id = ? RETURNING *').get(id) as WindowRow | undefined;
    return row ? toWindow(row) : undefined;
  }
}

export class SqliteAlertTimelineRepository implements Synchronous<AlertTimelineRepository> {
  constructor(private readonly db: SqliteDatabase) {}

  append(e: NewTimelineEntry): TimelineEntry {
    const id = Number(
      this.db
        .prepare('INSERT INTO alert_timeline (alert_id, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?)')
        .run(e.alertId, e.at, e.kind, e.actor, e.detail ?? null).lastInsertRowid,
    );
    return { ...e, id };
  }

  appendAll(entries: readonly TimelineAddition[]): void {
    const has = this.db.prepare('SELECT 1 FROM alert_timeline WHERE alert_id = ? LIMIT 1').pluck();
    // Whether each alert had entries before this call, not counting the ones it appends.
    const hadEntries = new Set(entries.filter((e) => e.firstOnly && has.get(e.alertId) !== undefined).map((e) => e.alertId));
    for (const e of entries) if (!(e.firstOnly && hadEntries.has(e.alertId))) this.append(e);
  }

  list(alertId: string): TimelineEntry[] {
    return (this.db.prepare('SELECT * FROM alert_timeline WHERE alert_id = ? ORDER BY at, id').all(alertId) as TimelineRow[]).map(toEntry);
  }

  heldUntil(nowMs: number): Array<{ alertId: string; until: string }> {
    // The hold's detail ends with the window's end (ISO); a later entry of kind posted releases it.
    const rows = this.db
      .prepare(
        `SELECT h.alert_id AS alertId, substr(h.detail, instr(h.detail, ' until ') + 7) AS until FROM alert_timeline h
         WHERE h.kind = 'held' AND NOT EXISTS (SELECT 1 FROM alert_timeline p WHERE p.alert_id = h.alert_id AND p.kind = 'posted' AND p.id > h.id)
           AND h.id = (SELECT max(id) FROM alert_timeline x WHERE x.alert_id = h.alert_id AND x.kind = 'held')`,
      )
      .all() as Array<{ alertId: string; until: string }>;
    return rows.filter((r) => Date.parse(r.until) <= nowMs);
  }

  notes(alertId: string, limit: number): { latest: TimelineEntry[]; count: number } {
    const latest = (
      this.db.prepare("SELECT * FROM alert_timeline WHERE alert_id = ? AND kind = 'note' ORDER BY id DESC LIMIT ?").all(alertId, limit) as TimelineRow[]
    ).map(toEntry);
    const count = this.db.prepare("SELECT count(*) FROM alert_timeline WHERE alert_id = ? AND kind = 'note'").pluck().get(alertId) as number;
    return { latest, count };
  }
}

export class SqliteEscalationRepository implements Synchronous<EscalationRepository> {
  constructor(private readonly db: SqliteDatabase) {}

  get(alertId: string): EscalationState | undefined {
    const state = this.db.prepare('SELECT state FROM oncall_escalations WHERE alert_id = ?').pluck().get(alertId) as string | undefined;
    return state === undefined ? undefined : (JSON.parse(state) as EscalationState);
  }

  create(state: EscalationState): boolean {
    return (
      this.db
        .prepare('INSERT INTO oncall_escalations (alert_id, state, version, next_due_at) VALUES (?, ?, ?, ?) ON CONFLICT (alert_id) DO NOTHING')
        .run(state.alertId, JSON.stringify(state), state.version, escalationDueAt(state)).changes > 0
    );
  }

  update(next: EscalationState): boolean {
    return (
      this.db
        .prepare('UPDATE oncall_escalations SET state = ?, version = ?, next_due_at = ? WHERE alert_id = ? AND version = ?')
        .run(JSON.stringify(next), next.version, escalationDueAt(next), next.alertId, next.version - 1).changes > 0
    );
  }

  due(now: Date, limit: number): EscalationState[] {
    return (
      this.db
        .prepare('SELECT state FROM oncall_escalations WHERE next_due_at IS NOT NULL AND next_due_at <= ? ORDER BY next_due_at LIMIT ?')
        .pluck()
        .all(now.toISOString(), limit) as string[]
    ).map((s) => JSON.parse(s) as EscalationState);
  }
}

export class SqlitePersonalChatRepository implements Synchronous<PersonalChatRepository> {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date,
  ) {}

  remember(userKeys: readonly string[], conversationId: string): void {
    // Written when the chat is new or changed, not on every message: each write was a disk flush on the chat turn's path.
    const changed = [...new Set(userKeys.filter(Boolean).map((k) => k.toLowerCase()))].filter((key) => this.find(key) !== conversationId);
    if (changed.length === 0) return;
    const upsert = this.db.prepare(
      `INSERT INTO oncall_personal_chats (user_key, conversation_id, seen_at) VALUES (?, ?, ?)
       ON CONFLICT (user_key) DO UPDATE SET conversation_id = excluded.conversation_id, seen_at = excluded.seen_at`,
    );
    const at = this.now().toISOString();
    this.db.transaction(() => {
      for (const key of changed) upsert.run(key, conversationId, at);
    })();
  }

  find(userKey: string): string | undefined {
    return this.db.prepare('SELECT conversation_id FROM oncall_personal_chats WHERE user_key = ?').pluck().get(userKey.toLowerCase()) as string | undefined;
  }
}
