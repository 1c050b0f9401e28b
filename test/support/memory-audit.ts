import type { AuditEntry, AuditLog } from '../../core/audit/audit-log';

/** The audit log in memory, for tests that check what was recorded. */
export class MemoryAudit implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async record(entry: Omit<AuditEntry, 'at'>) {
    this.entries.push({ ...entry, at: 'now' });
  }
  async latest(n: number) {
    return this.entries.slice(-n).reverse();
  }
}
