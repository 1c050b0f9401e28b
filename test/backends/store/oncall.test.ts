import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../backends/store/sqlite/database';
import { oncallMigrations, sqliteOnCallStore } from '../../../backends/store/sqlite/oncall';
import { ALL_MIGRATIONS } from '../../../backends/store/sqlite/migrations';
import { pageSent, startEscalation } from '../../../core/oncall/escalation';
import { validateRotation } from '../../../core/oncall/rotation';
import { parseWindow } from '../../../core/oncall/window';

const migrations = [...ALL_MIGRATIONS, ...oncallMigrations];
const store = () => sqliteOnCallStore(openDatabase(':memory:', migrations), () => new Date('2026-12-05T10:00:00Z'));
const member = (name: string) => ({ id: `${name}@contoso.com`, name });

test('rotations are saved, replaced by name, listed and removed with their overrides', async () => {
  const { rotations, overrides } = store();
  const checked = validateRotation({ name: 'berlin-ops', cadence: 'weekly', handoff: 'Mon 09:00', timeZone: 'Europe/Berlin', members: ['ana@contoso.com'] });
  if (!checked.ok) throw new Error(checked.error);
  await rotations.save(checked.value, 'admin');
  await rotations.save({ ...checked.value, members: [member('ben')] }, 'admin');
  expect((await rotations.list()).map((r) => r.members[0]!.name)).toEqual(['ben']);
  await overrides.add({ rotation: 'berlin-ops', member: member('zed'), start: '2026-12-05T10:00:00.000Z', end: '2026-12-05T14:00:00.000Z', createdBy: 'a' });
  expect(await rotations.remove('berlin-ops')).toBe(true);
  expect(await rotations.get('berlin-ops')).toBeUndefined();
  expect(await overrides.list()).toEqual([]);
});

test('an overlapping override is refused atomically and names the one in the way; back-to-back ones are fine', async () => {
  const { overrides } = store();
  const first = await overrides.add({
    rotation: 'r',
    member: member('ana'),
    start: '2026-12-05T10:00:00.000Z',
    end: '2026-12-05T14:00:00.000Z',
    createdBy: 'a',
  });
  expect(first.ok).toBe(true);
  const clash = await overrides.add({
    rotation: 'r',
    member: member('ben'),
    start: '2026-12-05T13:00:00.000Z',
    end: '2026-12-05T15:00:00.000Z',
    createdBy: 'a',
  });
  expect(clash.ok === false && clash.overlaps.member.name).toBe('ana');
  expect(
    (await overrides.add({ rotation: 'r', member: member('ben'), start: '2026-12-05T14:00:00.000Z', end: '2026-12-05T15:00:00.000Z', createdBy: 'a' })).ok,
  ).toBe(true);
  expect(
    (await overrides.add({ rotation: 'other', member: member('ben'), start: '2026-12-05T13:00:00.000Z', end: '2026-12-05T15:00:00.000Z', createdBy: 'a' })).ok,
  ).toBe(true);
  expect((await overrides.list({ rotation: 'r', endingAfter: new Date('2026-12-05T14:00:00Z') })).map((o) => o.member.name)).toEqual(['ben']);
});

test('timeline entries come back in order; notes newest first with a count', async () => {
  const { timeline } = store();
  await timeline.append({ alertId: 'a-1', at: '2026-12-05T10:00:00.000Z', kind: 'fired', actor: 'FleetOps' });
  for (const n of [1, 2, 3, 4]) await timeline.append({ alertId: 'a-1', at: `2026-12-05T10:0${n}:00.000Z`, kind: 'note', actor: 'ana', detail: `note ${n}` });
  expect((await timeline.list('a-1')).map((e) => e.kind)).toEqual(['fired', 'note', 'note', 'note', 'note']);
  const notes = await timeline.notes('a-1', 3);
  expect(notes.count).toBe(4);
  expect(notes.latest.map((n) => n.detail)).toEqual(['note 4', 'note 3', 'note 2']);
});

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

test('maintenance windows keep their window', async () => {
  const { maintenance } = store();
  const window = parseWindow('Sat 02:00-04:00 Europe/Berlin weekly');
  if (!window.ok) throw new Error(window.error);
  const added = await maintenance.add({ filter: 'site:berlin', window: window.value, createdBy: 'ana' });
  expect(await maintenance.list()).toEqual([added]);
  expect(await maintenance.remove(added.id)).toEqual(added);
  expect(await maintenance.remove(added.id)).toBeUndefined();
});
