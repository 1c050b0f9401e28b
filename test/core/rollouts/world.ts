import { SEED_FIRMWARE } from '../../../backends/feed/local';
import { compareVersions, type FirmwareCatalog, type FirmwareVersion } from '../../../core/ports/feed';
import { migrate, type SqliteDatabase } from '../../../backends/store/sqlite/database';
import { rolloutMigrations, sqliteRolloutRepository } from '../../../backends/store/sqlite/rollouts';
import { ManualClock } from '../../../core/clock';
import { Refusal } from '../../../core/refusal';
import type { RolloutSettings } from '../../../core/rollouts/model';
import { RolloutService } from '../../../core/rollouts/service';
import type { RolloutEvent } from '../../../core/rollouts/events';
import type { PublishEvent } from '../../../core/notifications/broadcaster';
import { NodeSqlite } from '../../../backends/store/sqlite/driver';
import { FakeFleet } from './fake-fleet';
import { SqliteUnitOfWork } from '../../../backends/store/sqlite/unit-of-work';

export const catalogOf = (versions: readonly FirmwareVersion[] = SEED_FIRMWARE): FirmwareCatalog => ({
  list: async () => [...versions].sort((a, b) => compareVersions(b.version, a.version)),
  get: async (v) => versions.find((f) => f.version === v),
});

export const LEAD = { name: 'Lena Lead' };
export const OTHER_LEAD = { name: 'Omar Lead' };

export interface World {
  db: SqliteDatabase;
  fleet: FakeFleet;
  clock: ManualClock;
  service: RolloutService;
  /** A new service over the same store and fleet, as after a process restart. */
  restart(): RolloutService;
}

/** `publish` gets every event the service publishes (none by default). */
export function makeWorld(fleet = new FakeFleet(), defaults: Partial<RolloutSettings> = {}, engine = {}, publish?: PublishEvent<RolloutEvent>): World {
  const db = new NodeSqlite(':memory:');
  migrate(db, rolloutMigrations);
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const make = () =>
    new RolloutService({
      repo: sqliteRolloutRepository(db),
      unitOfWork: new SqliteUnitOfWork(db),
      fleet,
      catalog: catalogOf(),
      clock,
      defaults: { dispatchPerSecond: 1000, ...defaults },
      engine: { batchSize: 50, ...engine },
      publish,
    });
  const world: World = {
    db,
    fleet,
    clock,
    service: make(),
    restart() {
      world.service = make();
      return world.service;
    },
  };
  return world;
}

/** Ticks the engine while the devices play along, `steps` times, a minute apart. */
export async function run(world: World, steps: number, bad?: (id: string) => 'error' | 'rollback' | undefined): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await world.service.tick();
    world.fleet.step(bad);
    world.clock.advance(60_000);
  }
}

/** True when the action happened, false when the domain refused it (anything else still fails the test). */
export const applied = (action: Promise<unknown>): Promise<boolean> =>
  action.then(
    () => true,
    (error: unknown) => {
      if (error instanceof Refusal) return false;
      throw error;
    },
  );
