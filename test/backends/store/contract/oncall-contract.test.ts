import { pageSent, startEscalation } from '../../../../core/oncall/escalation';
import { validateRotation } from '../../../../core/oncall/rotation';
import { parseWindow } from '../../../../core/oncall/window';
import { ADAPTERS, type StoreUnderTest } from './adapters';

/** The on-call ports, the same on SQLite and PostgreSQL: what escalations across replicas rely on. */
describe.each(ADAPTERS)('on-call store contract on $name', (adapter) => {
  let store: StoreUnderTest;
  beforeEach(async () => {
    store = await adapter.open();
  });
  afterEach(async () => {
    await store.close();
  });
  const member = (name: string) => ({ id: `${name}@contoso.com`, name });

  test('rotations are saved, replaced by name, listed by name and removed with their overrides', async () => {
    const { rotations, overrides } = store.oncall;
    const checked = validateRotation({ name: 'berlin-ops', cadence: 'weekly', handoff: 'Mon 09:00', timeZone: 'Europe/Berlin', members: ['ana@contoso.com'] });
    if (!checked.ok) throw checked.refusal;
    await rotations.save(checked.value, 'admin');
    await rotations.save({ ...checked.value, members: [member('ben')] }, 'admin');
    await rotations.save({ ...checked.value, name: 'Amsterdam-ops' }, 'admin');
    expect((await rotations.list()).map((r) => r.name)).toEqual(['Amsterdam-ops', 'berlin-ops']);
    expect((await rotations.get('berlin-ops'))?.members.map((m) => m.name)).toEqual(['ben']);
    await overrides.add({ rotation: 'berlin-ops', member: member('zed'), start: '2026-12-05T10:00:00.000Z', end: '2026-12-05T14:00:00.000Z', createdBy: 'a' });
    expect(await rotations.remove('berlin-ops')).toBe(true);
    expect(await rotations.remove('berlin-ops')).toBe(false);
    expect(await rotations.get('berlin-ops')).toBeUndefined();
    expect(await overrides.list()).toEqual([]);
  });

  test('an overlapping override is refused and names the one in the way; back-to-back ones and other rotations are fine', async () => {
    const { overrides } = store.oncall;
    const add = (rotation: string, who: string, start: string, end: string) =>
      overrides.add({ rotation, member: member(who), start: `2026-12-05T${start}:00.000Z`, end: `2026-12-05T${end}:00.000Z`, createdBy: 'a' });
    const first = await add('r', 'ana', '10:00', '14:00');
    expect(first.ok && typeof first.override.id).toBe('number');
    const clash = await add('r', 'ben', '13:00', '15:00');
    expect(clash.ok === false && clash.overlaps.member.name).toBe('ana');
    expect((await add('r', 'ben', '14:00', '15:00')).ok).toBe(true);
    expect((await add('other', 'ben', '13:00', '15:00')).ok).toBe(true);
    expect((await overrides.list({ rotation: 'r', endingAfter: new Date('2026-12-05T14:00:00Z') })).map((o) => o.member.name)).toEqual(['ben']);
    const removed = await overrides.remove(first.ok ? first.override.id : -1);
    expect(removed?.member.name).toBe('ana');
    expect(await overrides.remove(removed!.id)).toBeUndefined();
  });

  test('two overlapping overrides added at the same moment: exactly one is stored', async () => {
    const { overrides } = store.oncall;
    const results = await Promise.all(
      ['ana', 'ben', 'cleo', 'dan'].map((who) =>
        overrides.add({ rotation: 'r', member: member(who), start: '2026-12-05T10:00:00.000Z', end: '2026-12-05T14:00:00.000Z', createdBy: who }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await overrides.list({ rotation: 'r' })).toHaveLength(1);
  });

  test('timeline entries come back in time order; notes newest first with a count', async () => {
    const { timeline } = store.oncall;
    await timeline.append({ alertId: 'a-1', at: '2026-12-05T10:00:00.000Z', kind: 'fired', actor: 'Azure Monitor' });
    for (const n of [1, 2, 3, 4]) await timeline.append({ alertId: 'a-1', at: `2026-12-05T10:0${n}:00.000Z`, kind: 'note', actor: 'ana', detail: `note ${n}` });
    await timeline.append({ alertId: 'a-2', at: '2026-12-05T10:00:00.000Z', kind: 'fired', actor: 'Azure Monitor' });
    const entries = await timeline.list('a-1');
    expect(entries.map((e) => e.kind)).toEqual(['fired', 'note', 'note', 'note', 'note']);
    expect(entries[0]).toEqual({
      id: expect.any(Number),
      alertId: 'a-1',
      at: '2026-12-05T10:00:00.000Z',
      kind: 'fired',
      actor: 'Azure Monitor',
      detail: undefined,
    });
    const notes = await timeline.notes('a-1', 3);
    expect(notes.count).toBe(4);
    expect(notes.latest.map((n) => n.detail)).toEqual(['note 4', 'note 3', 'note 2']);
    expect(await timeline.notes('a-2', 3)).toEqual({ latest: [], count: 0 });
  });

  test('held alerts are due once their window has ended, until a later posted entry releases them', async () => {
    const { timeline } = store.oncall;
    const hold = (alertId: string, until: string) =>
      timeline.append({ alertId, at: '2026-12-05T02:00:00.000Z', kind: 'held', actor: 'FleetOps', detail: `maintenance window #1 until ${until}` });
    await hold('a-early', '2026-12-05T04:00:00.000Z');
    await hold('a-late', '2026-12-05T06:00:00.000Z');
    await hold('a-released', '2026-12-05T04:00:00.000Z');
    await timeline.append({ alertId: 'a-released', at: '2026-12-05T04:00:01.000Z', kind: 'posted', actor: 'FleetOps', detail: 'c1' });
    expect(await timeline.heldUntil(Date.parse('2026-12-05T05:00:00Z'))).toEqual([{ alertId: 'a-early', until: '2026-12-05T04:00:00.000Z' }]);
    expect((await timeline.heldUntil(Date.parse('2026-12-05T06:00:00Z'))).map((h) => h.alertId).sort()).toEqual(['a-early', 'a-late']);
  });

  test('escalations: created once, moved only from the version read, due when their page is', async () => {
    const { escalations } = store.oncall;
    const onCall = { rotation: 'r', primary: member('ana'), secondary: member('ben'), since: new Date(0), until: new Date(1e13) };
    const state = startEscalation({ alertId: 'a-1', conversationId: 'c', onCall, unacknowledgedMinutes: 5, postedAt: new Date('2026-12-05T10:00:00Z') });
    expect(await escalations.create(state)).toBe(true);
    expect(await escalations.create(state)).toBe(false);
    expect(await escalations.due(new Date('2026-12-05T10:04:59Z'), 10)).toEqual([]);
    expect(await escalations.due(new Date('2026-12-05T10:05:00Z'), 10)).toEqual([state]);
    const next = pageSent(state, new Date('2026-12-05T10:05:00Z'));
    const [won, lost] = await Promise.all([escalations.update(next), escalations.update(next)]);
    expect([won, lost].filter(Boolean)).toHaveLength(1);
    expect(await escalations.get('a-1')).toEqual(next);
    expect(await escalations.get('nope')).toBeUndefined();
  });

  test("personal chats are found by any of the person's keys, whatever their case", async () => {
    const { personalChats } = store.oncall;
    await personalChats.remember(['AAD-1', 'Ana@Contoso.com', ''], 'a:personal-1');
    await personalChats.remember(['aad-1'], 'a:personal-2');
    expect(await personalChats.find('ana@contoso.com')).toBe('a:personal-1');
    expect(await personalChats.find('AAD-1')).toBe('a:personal-2');
    expect(await personalChats.find('nobody')).toBeUndefined();
    // Remembered again (every message of the chat) or back to the first chat: the latest one is found.
    await personalChats.remember(['aad-1'], 'a:personal-2');
    await personalChats.remember(['Aad-1'], 'a:personal-1');
    expect(await personalChats.find('aad-1')).toBe('a:personal-1');
  });

  test('maintenance windows keep their window', async () => {
    const { maintenance } = store.oncall;
    const window = parseWindow('Sat 02:00-04:00 Europe/Berlin weekly');
    if (!window.ok) throw window.refusal;
    const added = await maintenance.add({ filter: 'site:berlin', window: window.value, createdBy: 'ana' });
    expect(await maintenance.list()).toEqual([added]);
    expect(await maintenance.remove(added.id)).toEqual(added);
    expect(await maintenance.remove(added.id)).toBeUndefined();
  });
});
