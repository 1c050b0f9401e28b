import { RolloutTickJob, type Scheduler } from '../../jobs/rollout-tick';
import { silentLogger } from '../../core/logger';
import type { RolloutAnnouncer } from '../../core/rollouts/announcer';
import { FakeFleet } from '../core/rollouts/fake-fleet';
import { LEAD, makeWorld } from '../core/rollouts/world';

describe('RolloutTickJob', () => {
  it('ticks on its schedule, posts progress for rollouts that moved and an alert for a gate breach', async () => {
    const w = makeWorld(new FakeFleet().add(20));
    await w.service.plan({ version: '2.4.1', filter: {}, filterText: '', waves: [100], actor: LEAD });
    await w.service.actions.start('R1', undefined, LEAD);
    const posted: string[] = [];
    const announcer: RolloutAnnouncer = {
      progress: async (id) => void posted.push(`progress ${id}`),
      gateBreached: async (e) => void posted.push(`alert ${e.rolloutId} wave ${e.wave}`),
    };
    let scheduled: (() => Promise<void>) | undefined;
    let expression = '';
    const scheduler: Scheduler = (expr, work) => {
      expression = expr;
      scheduled = work;
      return { stop: () => (scheduled = undefined) };
    };
    const job = new RolloutTickJob(w.service, announcer, silentLogger, scheduler);
    job.start();
    expect(expression).toBe('*/10 * * * * *');
    await scheduled!();
    expect(posted).toEqual(['progress R1']);
    w.fleet.step(() => 'error');
    w.fleet.step(() => 'error');
    w.fleet.step(() => 'error');
    w.fleet.step(() => 'error');
    await scheduled!();
    expect(posted.slice(1)).toEqual(['alert R1 wave 1', 'progress R1']);
    job.stop();
    expect(scheduled).toBeUndefined();
  });
});
