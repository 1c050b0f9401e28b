import type { AuditEntry, AuditLog } from '../../../core/audit/audit-log';
import type { Migration, SqliteDatabase } from './database';
import { gated, type Synchronous } from './gate';

export const auditMigrations: Migration[] = [
  {
    id: '0003-audit',
    sql: `CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      actor_name TEXT NOT NULL,
      role TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT,
      outcome TEXT NOT NULL,
      detail TEXT,
      conversation_id TEXT
    )`,
  },
  { id: '0007-audit-code', sql: 'ALTER TABLE audit_log ADD COLUMN code TEXT' },
];

/** The AuditLog port on SQLite (calls pass the connection's gate: see gate.ts). */
export function sqliteAuditLog(db: SqliteDatabase, now?: () => Date): AuditLog {
  return gated<AuditLog>(new SqliteAuditLog(db, now), db);
}

/** The synchronous store behind `sqliteAuditLog` (its methods run on the caller's turn). */
export class SqliteAuditLog implements Synchronous<AuditLog> {
  private readonly insert;
  private readonly select;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (at, actor_id, actor_name, role, action, target, outcome, code, detail, conversation_id)
       VALUES (@at, @actorId, @actorName, @role, @action, @target, @outcome, @code, @detail, @conversationId)`,
    );
    this.select = db.prepare(
      `SELECT at, actor_id AS actorId, actor_name AS actorName, role, action, target, outcome, code, detail, conversation_id AS conversationId
       FROM audit_log ORDER BY id DESC LIMIT ?`,
    );
  }

  record(entry: Omit<AuditEntry, 'at'> & { at?: string }): void {
    this.insert.run({
      at: entry.at ?? this.now().toISOString(),
      actorId: entry.actorId,
      actorName: entry.actorName,
      role: entry.role,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome,
      code: entry.code ?? null,
      detail: entry.detail ?? null,
      conversationId: entry.conversationId ?? null,
    });
  }

  latest(limit: number): AuditEntry[] {
    return (this.select.all(limit) as AuditRow[]).map(({ target, detail, conversationId, code, ...required }) => ({
      ...required,
      ...(code !== null && { code }),
      ...(target !== null && { target }),
      ...(detail !== null && { detail }),
      ...(conversationId !== null && { conversationId }),
    }));
  }
}

/** A row of `select`: the optional fields are NULL when absent (and are left out of the entry). */
type AuditRow = Omit<AuditEntry, 'target' | 'detail' | 'conversationId' | 'code'> & {
  target: string | null;
  detail: string | null;
  conversationId: string | null;
  code: AuditEntry['code'] | null;
};
