import type { AuditEntry, AuditLog } from '../../../core/audit/audit-log';
import type { PostgresDatabase } from './database';

type Row = Record<keyof AuditEntry, string | null>;

/** The audit log on PostgreSQL. */
export class PostgresAuditLog implements AuditLog {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void> {
    await this.db.execute(
      `INSERT INTO audit_log (at, actor_id, actor_name, role, action, target, outcome, detail, conversation_id, code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entry.at ?? this.now().toISOString(),
        entry.actorId,
        entry.actorName,
        entry.role,
        entry.action,
        entry.target ?? null,
        entry.outcome,
        entry.detail ?? null,
        entry.conversationId ?? null,
        entry.code ?? null,
      ],
    );
  }

  async latest(limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.query<Row>(
      `SELECT at, actor_id AS "actorId", actor_name AS "actorName", role, action, target, outcome, code, detail, conversation_id AS "conversationId"
         FROM audit_log ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(
      (r): AuditEntry => ({
        at: r.at!,
        actorId: r.actorId!,
        actorName: r.actorName!,
        role: r.role!,
        action: r.action!,
        outcome: r.outcome as AuditEntry['outcome'],
        ...(r.target !== null ? { target: r.target } : {}),
        ...(r.code !== null ? { code: r.code } : {}),
        ...(r.detail !== null ? { detail: r.detail } : {}),
        ...(r.conversationId !== null ? { conversationId: r.conversationId } : {}),
      }),
    );
  }
}
