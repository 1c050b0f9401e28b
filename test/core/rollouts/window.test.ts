import { parsePlan } from '../../../commands/rollouts';
import { parseWindow } from '../../../core/oncall/window';
import { FakeFleet } from './fake-fleet';
import { LEAD, makeWorld, run } from './world';

/** Rollout windows: waves write only inside the window; a wave running at its end pauses with that reason. World time: Sunday 2026-03-01 09:00 UTC. */
const windowOf = (text: string) => {
  const checked = parseWindow(text);
  if (!checked.ok) throw checked.refusal;
  return checked.value;
};

test('outside its window a started rollout writes nothing and pauses, saying why', async () => {
  const w = makeWorld(new FakeFleet().add(50));
  const planned = await w.service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD, window: windowOf('Sun 10:00-11:00 UTC') });
  await w.service.actions.start(planned.rollout.id, 1, LEAD);
  await run(w, 2);
  expect(w.fleet.writeLog).toHaveLength(0);
  expect(await w.service.get(planned.rollout.id)).toMatchObject({
    state: 'paused',
    pauseReason: 'the rollout window (Sun 10:00-11:00 UTC weekly) closed; it resumes in the next window',
  });
});

test('inside its window the wave writes; still running when the window ends, it pauses with that reason', async () => {
  const w = makeWorld(new FakeFleet().add(200));
  const planned = await w.service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD, waves: [100], window: windowOf('Sun 08:00-09:03 UTC') });
  await w.service.actions.start(planned.rollout.id, 1, LEAD);
  await run(w, 1);
  expect(w.fleet.writeLog.length).toBeGreaterThan(0);
  await run(w, 5);
  const r = await w.service.get(planned.rollout.id);
  expect(r).toMatchObject({ state: 'paused', pauseReason: expect.stringContaining('rollout window (Sun 08:00-09:03 UTC weekly) closed') });
});

test('paused only because its window closed, it resumes by itself when the next window opens; a pause by a person stays', async () => {
  const w = makeWorld(new FakeFleet().add(50));
  const planned = await w.service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD, window: windowOf('Sun 10:00-11:00 UTC') });
  await w.service.actions.start(planned.rollout.id, 1, LEAD);
  await run(w, 1);
  expect(await w.service.get(planned.rollout.id)).toMatchObject({ state: 'paused' });
  w.clock.advance(60 * 60_000 + 60_000);
  await run(w, 1);
  expect(await w.service.get(planned.rollout.id)).toMatchObject({
    state: 'running',
    lastChange: { by: 'the rollout window', what: 'resumed wave 1: its window opened' },
  });
  expect(w.fleet.writeLog.length).toBeGreaterThan(0);
  const running = await w.service.get(planned.rollout.id);
  await w.service.actions.pause(planned.rollout.id, running!.version, LEAD);
  await run(w, 1);
  expect(await w.service.get(planned.rollout.id)).toMatchObject({ state: 'paused', pauseReason: 'paused by Lena Lead' });
});

test('rollout plan takes window "…" anywhere after the version', () => {
  const args = parsePlan('2.4.1 to site:berlin window "Sat 02:00-06:00 Europe/Berlin" waves 1,100');
  expect(args.ok && [args.value.windowText, args.value.filterText, args.value.waves]).toEqual(['Sat 02:00-06:00 Europe/Berlin', 'site:berlin', [1, 100]]);
});
