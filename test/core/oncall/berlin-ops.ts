import { openDatabase } from '../../../backends/store/sqlite/database';
import { ALL_MIGRATIONS } from '../../../backends/store/sqlite/migrations';
import { oncallMigrations, sqliteOnCallStore } from '../../../backends/store/sqlite/oncall';
import type { OnCallStore } from '../../../core/oncall/repository';
import { validateRotation } from '../../../core/oncall/rotation';

/**
 * An on-call store in memory with the `berlin-ops` rotation (Ana, then Ben, then the lead;
 * weekly from `startDate`) and Ana's and Ben's personal chats: what the escalator's and the
 * on-call buttons' tests page.
 */
export async function berlinOpsStore(now: () => Date, startDate: string): Promise<OnCallStore> {
  const store = sqliteOnCallStore(openDatabase(':memory:', [...ALL_MIGRATIONS, ...oncallMigrations]), now);
  const rotation = validateRotation({
    name: 'berlin-ops',
    cadence: 'weekly',
    handoff: 'Mon 09:00',
    timeZone: 'Europe/Berlin',
    members: ['ana@contoso.com', 'ben@contoso.com'],
    escalationTarget: 'lead@contoso.com',
    startDate,
  });
  if (!rotation.ok) throw rotation.refusal;
  await store.rotations.save(rotation.value, 'test');
  await store.personalChats.remember(['ana@contoso.com'], 'dm-ana');
  await store.personalChats.remember(['ben@contoso.com'], 'dm-ben');
  return store;
}

/** The store as another replica races it: the escalation is moved (a tick, another click) right after each read of this one. */
export function racing(store: OnCallStore): OnCallStore {
  const real = store.escalations;
  return {
    ...store,
    escalations: {
      get: async (alertId) => {
        const read = await real.get(alertId);
        if (read) await real.update({ ...read, version: read.version + 1 });
        return read;
      },
      create: (state) => real.create(state),
      update: (next) => real.update(next),
      due: (now, limit) => real.due(now, limit),
    },
  };
}
