import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../backends/store/sqlite/database';
import { oncallMigrations, sqliteOnCallStore } from '../../../backends/store/sqlite/oncall';
import { ALL_MIGRATIONS } from '../../../backends/store/sqlite/migrations';
import { pageSent, startEscalation } from '../../../core/oncall/escalation';

const migrations = [...ALL_MIGRATIONS, ...oncallMigrations];
const member = (name: string) => ({ id: `${name}@contoso.com`, name });

// The contract (both adapters) is test/backends/store/contract/oncall-contract.test.ts; this is SQLite's file across a restart.
test('escalations: created once, moved only from the version read, due when their page is, and kept across a restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oncall-'));
  const file = path.join(dir, 'state.db');
  const db = openDatabase(file, migrations);
  const { escalations, personalChats } = sqliteOnCallStore(db);
  const onCall = { rotation: 'r', primary: member('ana'), secondary: member('ben'), since: new Date(0), until: new Date(1e13) };
  const state = startEscalation({ alertId: 'a-1', conversationId: 'c', onCall, unacknowledgedMinutes: 5, postedAt: new Date('2026-12-05T10:00:00Z') });
  expect(await escalations.create(state)).toBe(true);
  expect(await escalations.create(state)).toBe(false);
  expect(await escalations.due(new Date('2026-12-05T10:04:59Z'), 10)).toEqual([]);
  expect(await escalations.due(new Date('2026-12-05T10:05:00Z'), 10)).toEqual([state]);
  const next = pageSent(state, new Date('2026-12-05T10:05:00Z'));
  expect(await escalations.update(next)).toBe(true);
  expect(await escalations.update(next)).toBe(false);
  await personalChats.remember(['AAD-1', 'Ana@Contoso.com'], 'a:personal-1');
  db.close();

  const again = sqliteOnCallStore(openDatabase(file, migrations));
  expect(await again.escalations.get('a-1')).toEqual(next);
  expect(await again.personalChats.find('ana@contoso.com')).toBe('a:personal-1');
  expect(await again.personalChats.find('nobody')).toBeUndefined();
  fs.rmSync(dir, { recursive: true, force: true });
});
