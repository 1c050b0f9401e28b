import { NodeSqlite } from '../../../backends/store/sqlite/driver';
import { migrate } from '../../../backends/store/sqlite/database';
import { rolloutMigrations, SqliteRolloutRepository, sqliteRolloutRepository } from '../../../backends/store/sqlite/rollouts';
import { DEFAULT_SETTINGS, type Rollout } from '../../../core/rollouts/model';
import { SqliteUnitOfWork } from '../../../backends/store/sqlite/unit-of-work';

const T0 = Date.parse('2026-03-01T09:00:00Z');

function store() {
  const db = new NodeSqlite(':memory:');
  migrate(db, rolloutMigrations);
  const repo = new SqliteRolloutRepository(db);
  const rollout: Rollout = {
    id: 'R1',
    version: 1,
    firmware: { version: '2.4.1', packageUri: 'https://x/fw.swu', sha256: 'a'.repeat(64) },
    filterText: '',
    state: 'running',
    currentWave: 1,
    waves: [{ index: 1, size: 4, acknowledgedFailures: 0 }],
    settings: DEFAULT_SETTINGS,
    createdBy: 'Lena Lead',
    createdAt: new Date(T0).toISOString(),
    lastChange: { by: 'Lena Lead', at: new Date(T0).toISOString(), what: 'started wave 1' },
  };
  repo.insertPlan(
    rollout,
    ['a', 'b', 'c', 'd'].map((id, i) => ({ deviceId: `device-${id}`, wave: 1, state: 'queued' as const, seq: i + 1 })),
    T0,
  );
  const states = () =>
    Object.fromEntries(
      (db.prepare('SELECT device_id, state FROM rollout_devices ORDER BY device_id').all() as Array<{ device_id: string; state: string }>).map((r) => [
        r.device_id,
        r.state,
      ]),
    );
  return { db, repo, states };
}

describe('SqliteRolloutRepository', () => {
  it('runs the device moves of a transition in its unit of work: all or nothing', async () => {
    const { db, states } = store();
    const repo = sqliteRolloutRepository(db);
    const unitOfWork = new SqliteUnitOfWork(db);
    await expect(
      unitOfWork.run(async () => {
        await repo.transition('R1', 1, { state: 'aborted' });
        await repo.moveAll('R1', ['queued'], 'canceled', 'aborted', T0);
        throw new Error('crash in the middle');
      }),
    ).rejects.toThrow('crash in the middle');
    expect(await repo.get('R1')).toMatchObject({ state: 'running', version: 1 });
    expect(Object.values(states())).toEqual(['queued', 'queued', 'queued', 'queued']);

    expect(await repo.transition('R1', 0, { state: 'aborted' })).toBeUndefined(); // stale
    const moved = await unitOfWork.run(async () => {
      const next = await repo.transition('R1', 1, { state: 'aborted' });
      await repo.moveAll('R1', ['queued'], 'canceled', 'aborted', T0);
      return next;
    });
    expect(moved).toMatchObject({ state: 'aborted', version: 2 });
    expect(Object.values(states())).toEqual(['canceled', 'canceled', 'canceled', 'canceled']);
  });

  it('settles by time, set-based: soak done while connected → succeeded; silence past the deadline → timed-out', () => {
    const { repo, states } = store();
    const claimed = repo.claimForDispatch('R1', 1, 4, T0);
    repo.confirmWritten(
      'R1',
      claimed.map((d) => ({ deviceId: d.deviceId, key: d.key })),
      T0,
    );
    repo.applyChanges('R1', [
      { deviceId: 'device-a', state: 'soaking', since: T0, connected: true },
      { deviceId: 'device-b', state: 'soaking', since: T0, connected: false },
      { deviceId: 'device-c', state: 'downloading', since: T0 },
    ]);
    const limits = { soakMs: 5 * 60_000, phaseTimeoutMs: 30 * 60_000, waves: 1 };
    expect(repo.settleByTime('R1', T0 + 4 * 60_000, limits)).toBe(0);
    expect(repo.settleByTime('R1', T0 + 5 * 60_000, limits)).toBe(1);
    expect(states()).toEqual({ 'device-a': 'succeeded', 'device-b': 'soaking', 'device-c': 'downloading', 'device-d': 'targeted' });
    expect(repo.settleByTime('R1', T0 + 31 * 60_000, limits)).toBe(2);
    expect(states()).toEqual({ 'device-a': 'succeeded', 'device-b': 'soaking', 'device-c': 'timed-out', 'device-d': 'timed-out' });
    expect(repo.devices('R1', ['timed-out'])[0]!.reason).toBe('no progress while downloading for 30 min');
    expect(repo.settleByTime('R1', T0 + 36 * 60_000, limits)).toBe(1);
    expect(repo.devices('R1', ['timed-out']).find((d) => d.deviceId === 'device-b')!.reason).toBe('no progress while soaking for 35 min');
  });

  it('gives the tick the in-flight rows of the devices it names, and nothing of others', () => {
    const { repo } = store();
    const claimed = repo.claimForDispatch('R1', 1, 3, T0);
    repo.confirmWritten(
      'R1',
      claimed.slice(0, 2).map((d) => ({ deviceId: d.deviceId, key: d.key, baselineStatus: 'current' })),
      T0,
    );
    repo.applyChanges('R1', [{ deviceId: claimed[1]!.deviceId, state: 'downloading', since: T0 + 5, connected: false }]);
    // device-c is claimed but its write is not confirmed; device-d is queued; device-x is not in the rollout.
    const rows = repo.inFlightOf('R1', ['device-a', 'device-b', 'device-c', 'device-d', 'device-x']);
    expect(rows.sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual([
      { deviceId: 'device-a', state: 'targeted', since: T0, baselineStatus: 'current', connected: true, key: claimed[0]!.key },
      { deviceId: 'device-b', state: 'downloading', since: T0 + 5, baselineStatus: 'current', connected: false, key: claimed[1]!.key },
    ]);
    expect(repo.inFlightOf('R2', ['device-a'])).toEqual([]);
  });

  it('finds in-flight rows claimed before a restart as well as its own claims', () => {
    const { db, repo } = store();
    const before = repo.claimForDispatch('R1', 1, 2, T0);
    repo.confirmWritten(
      'R1',
      before.map((d) => ({ deviceId: d.deviceId, key: d.key })),
      T0,
    );
    const restarted = new SqliteRolloutRepository(db);
    const mine = restarted.claimForDispatch('R1', 1, 1, T0 + 1);
    restarted.confirmWritten(
      'R1',
      mine.map((d) => ({ deviceId: d.deviceId, key: d.key })),
      T0 + 1,
    );
    const ids = (rows: Array<{ deviceId: string }>) => rows.map((r) => r.deviceId).sort();
    expect(ids(restarted.inFlightOf('R1', [mine[0]!.deviceId]))).toEqual([mine[0]!.deviceId]);
    expect(ids(restarted.inFlightOf('R1', ['device-a', 'device-b', 'device-c', 'device-d']))).toEqual(ids([...before, ...mine]));
  });

  it('counts for the gate: settled states one by one, open devices as queued', () => {
    const { repo } = store();
    const claimed = repo.claimForDispatch('R1', 1, 3, T0);
    repo.confirmWritten(
      'R1',
      claimed.map((d) => ({ deviceId: d.deviceId, key: d.key })),
      T0,
    );
    repo.applyChanges('R1', [
      { deviceId: 'device-a', state: 'succeeded', since: T0 },
      { deviceId: 'device-b', state: 'downloading', since: T0 },
    ]);
    expect(repo.waveCounts('R1')).toEqual([{ wave: 1, counts: { succeeded: 1, downloading: 1, targeted: 1, queued: 1 } }]);
    expect(repo.gateCounts('R1')).toEqual([{ wave: 1, counts: { succeeded: 1, queued: 3 } }]);
    expect(new SqliteRolloutRepository(store().db).gateCounts('R1')).toEqual([{ wave: 1, counts: { queued: 4 } }]);
  });

  it('discards only a plan nobody started', () => {
    const { repo, states } = store();
    repo.discardPlan('R1'); // R1 runs: its rows are its history
    expect(Object.keys(states())).toHaveLength(4);
    expect(repo.get('R1')).toBeDefined();
  });
});
