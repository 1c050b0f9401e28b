import { ROLLOUT_TICK_MS, RolloutTickJob } from '../../jobs/rollout-tick';
import type { JobSpec, Scheduler } from '../../core/scheduling/scheduler';
import { silentLogger } from '../../core/logger';
import { FakeFleet } from '../core/rollouts/fake-fleet';
import { LEAD, makeWorld } from '../core/rollouts/world';

describe('RolloutTickJob', () => {
  it('ticks on its schedule, posts progress for rollouts that moved and an alert for a gate breach', async () => {
    const posted: string[] = [];
    // What the service publishes after each tick, as the broadcaster would receive it.
    const w = makeWorld(new FakeFleet().add(20), {}, {}, async (e) => {
      posted.push(e.type === 'rollout.gate-breached' ? `alert ${e.rolloutId} wave ${e.wave}` : `progress ${e.rolloutId}`);
      return [];
    });
    await w.service.plan({ version: '2.4.1', filter: {}, filterText: '', waves: [100], actor: LEAD });
    await w.service.actions.start('R1', undefined, LEAD);
    let scheduled: (() => Promise<unknown>) | undefined;
    let spec: JobSpec | undefined;
    const scheduler: Scheduler = {
      add: (s) => {
        spec = s;
        scheduled = s.run;
        return {
          active: true,
          wake: () => undefined,
          stop: async () => {
            scheduled = undefined;
          },
        };
      },
    };
    const job = new RolloutTickJob(w.service, silentLogger, scheduler);
    job.start();
    // Every 10 s on the clock's marks, on one replica at a time.
    expect(spec).toMatchObject({ name: 'rollout-tick', runs: 'on-one-replica', everyMs: ROLLOUT_TICK_MS, aligned: true });
    await scheduled!();
    expect(posted).toEqual(['progress R1']);
    w.fleet.step(() => 'error');
    w.fleet.step(() => 'error');
    w.fleet.step(() => 'error');
    w.fleet.step(() => 'error');
    await scheduled!();
    expect(posted.slice(1)).toEqual(['alert R1 wave 1', 'progress R1']);
    await job.stop();
    expect(scheduled).toBeUndefined();
  });
});
