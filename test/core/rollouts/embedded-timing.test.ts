import { NodeSqlite } from '../../../backends/store/sqlite/driver';
import { FLEET_MIGRATIONS } from '../../../backends/fleet/local/migrations';
import { LocalFleetRegistry } from '../../../backends/fleet/local/local-registry';
import { isBadVersion } from '../../../backends/feed/local';
import { migrate } from '../../../backends/store/sqlite/database';
import { rolloutMigrations, sqliteRolloutRepository } from '../../../backends/store/sqlite/rollouts';
import { ROLLOUT_DEFAULTS } from '../../../core/config/config';
import { ManualClock } from '../../../core/clock';
import { RolloutService } from '../../../core/rollouts/service';
import { FleetSimulator } from '../../../sim/simulator';
import { catalogOf, LEAD } from './world';
import { SqliteUnitOfWork } from '../../../backends/store/sqlite/unit-of-work';

/**
 * What a newcomer sees after `npm start`: the default simulated fleet (1,000 devices) and the
 * embedded defaults. The embedded world runs in real time, so simulated seconds here are
 * wall-clock seconds there. A release lead approving each wave when it waits should see a
 * four-wave rollout of a good version complete in a few minutes, and the bad version pause.
 */
async function embeddedWorld() {
  const db = new NodeSqlite(':memory:');
  migrate(db, [...FLEET_MIGRATIONS, ...rolloutMigrations]);
  const registry = new LocalFleetRegistry(db);
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const sim = new FleetSimulator({ deviceSide: registry, clock, devices: 1000, seed: 1, isBadVersion: (v) => isBadVersion(v) });
  await sim.start();
  const service = new RolloutService({
    repo: sqliteRolloutRepository(db),
    unitOfWork: new SqliteUnitOfWork(db),
    fleet: registry,
    catalog: catalogOf(),
    clock,
    defaults: ROLLOUT_DEFAULTS.embedded,
  });
  /** Real time in 1 s steps: the simulator's ticker every second, the rollout job every 10 s; approves each waiting wave. */
  const runUntil = async (id: string, done: (state: string) => boolean, maxSeconds: number): Promise<number> => {
    for (let s = 1; s <= maxSeconds; s++) {
      clock.advance(1000);
      await sim.tick();
      if (s % 10 !== 0) continue;
      await service.tick();
      const r = (await service.get(id))!;
      if (done(r.state)) return s;
      if (r.state === 'awaiting-approval') await service.actions.approve(id, r.version, LEAD);
    }
    return Infinity;
  };
  return { service, runUntil };
}

describe('rollouts in the embedded world (npm start)', () => {
  it('a 1,000-device rollout of 2.4.1 in four waves completes within 6 minutes of wall time (approving each wave at once)', async () => {
    const { service, runUntil } = await embeddedWorld();
    const planned = await service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD });
    expect(planned.waveSizes).toHaveLength(4);
    await service.actions.start(planned.rollout.id, undefined, LEAD);
    const seconds = await runUntil(planned.rollout.id, (state) => state === 'completed' || state === 'paused', 6 * 60);
    const r = (await service.get(planned.rollout.id))!;
    expect(r.state).toBe('completed');
    expect(seconds).toBeLessThanOrEqual(6 * 60);
  }, 60_000);

  it('the bad version 2.5.0 pauses itself in its first waves', async () => {
    const { service, runUntil } = await embeddedWorld();
    const planned = await service.plan({ version: '2.5.0', filter: {}, filterText: '', actor: LEAD });
    await service.actions.start(planned.rollout.id, undefined, LEAD);
    await runUntil(planned.rollout.id, (state) => state === 'paused', 5 * 60);
    const r = (await service.get(planned.rollout.id))!;
    expect(r.state).toBe('paused');
    expect(r.currentWave).toBeLessThanOrEqual(2);
    expect(r.pauseReason).toMatch(/gate/);
  }, 60_000);
});
