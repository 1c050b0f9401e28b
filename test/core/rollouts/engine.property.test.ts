import fc from 'fast-check';
import { SqliteRolloutRepository } from '../../../backends/store/sqlite/rollouts';
import { judgeWave } from '../../../core/rollouts/gates';
import { IN_FLIGHT_STATES, sumStates, type DeviceState } from '../../../core/rollouts/model';
import { FakeFleet, type FirmwareReads } from './fake-fleet';
import { LEAD, applied, makeWorld, type World } from './world';

/**
 * Random event orders against the engine: ticks, time, devices progressing or failing,
 * operator clicks (fresh and stale), crashes around desired writes and restarts.
 */
type Command =
  | { kind: 'tick' }
  | { kind: 'advance'; minutes: number }
  | { kind: 'devices'; badEvery: number }
  | { kind: 'approve' | 'pause' | 'resume' | 'retry' | 'abort'; stale: boolean }
  | { kind: 'exclude'; device: number }
  | { kind: 'restart' }
  | { kind: 'crash'; when: 'before' | 'after' }
  | { kind: 'offline'; device: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 40 }).map((minutes) => ({ kind: 'advance' as const, minutes })) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 6 }).map((badEvery) => ({ kind: 'devices' as const, badEvery })) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constantFrom('approve' as const, 'pause' as const, 'resume' as const, 'retry' as const), stale: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), stale: fc.boolean() }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 29 }).map((device) => ({ kind: 'exclude' as const, device })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constantFrom('before' as const, 'after' as const).map((when) => ({ kind: 'crash' as const, when })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 29 }).map((device) => ({ kind: 'offline' as const, device })) },
);

const deviceName = (i: number) => `device-${String(i + 1).padStart(4, '0')}`;

interface Row {
  device_id: string;
  wave: number | null;
  state: DeviceState;
  attempt: number;
  pending_write: number;
}

async function checkInvariants(w: World, writesAtPause: number | undefined): Promise<void> {
  // No device is written twice for the same rollout attempt.
  for (const [key, n] of w.fleet.writes) if (n > 1) throw new Error(`${key} written ${n} times`);
  // Store and fleet agree: queued rows were never written for their attempt; in-flight rows were.
  const rows = w.db.prepare("SELECT device_id, wave, state, attempt, pending_write FROM rollout_devices WHERE rollout_id = 'R1'").all() as Row[];
  for (const r of rows) {
    const written = (w.fleet.writes.get(`${r.device_id}|R1:${r.attempt}`) ?? 0) > 0;
    if (r.state === 'queued' && written) throw new Error(`${r.device_id} is queued but attempt ${r.attempt} was written`);
    if ((IN_FLIGHT_STATES as readonly string[]).includes(r.state) && r.pending_write === 0 && !written)
      throw new Error(`${r.device_id} is ${r.state} but was never written`);
  }
  // Counts add up: every target is in exactly one state, and each wave holds its planned size.
  const view = (await w.service.view('R1'))!;
  const waveTotal = view.waves.reduce((n, wave) => n + wave.counts.targets, 0);
  if (waveTotal + view.alreadyCurrent + view.incompatible !== 30)
    throw new Error(`counts add up to ${waveTotal + view.alreadyCurrent + view.incompatible}, not 30`);
  for (const wave of view.waves)
    if (wave.counts.targets !== wave.size) throw new Error(`wave ${wave.index} holds ${wave.counts.targets}, planned ${wave.size}`);
  if (view.totals.targets !== waveTotal) throw new Error('totals differ from the sum of waves');
  // The gate's counts (settled states, open devices lumped) judge exactly like the full counts.
  const repo = new SqliteRolloutRepository(w.db);
  const full = repo.waveCounts('R1');
  const gate = repo.gateCounts('R1');
  for (const { wave, counts } of full) {
    const lumped = gate.find((g) => g.wave === wave)?.counts ?? {};
    const open = sumStates(counts, ['queued', ...IN_FLIGHT_STATES]);
    const expected = Object.fromEntries(
      Object.entries({ ...counts, queued: open }).filter(([s, n]) => n! > 0 && !(IN_FLIGHT_STATES as readonly string[]).includes(s)),
    );
    if (JSON.stringify(Object.entries(lumped).sort()) !== JSON.stringify(Object.entries(expected).sort()))
      throw new Error(`wave ${wave}: gate counts ${JSON.stringify(lumped)}, full counts ${JSON.stringify(counts)}`);
    const settings = (await w.service.get('R1'))!.settings.gates;
    if (JSON.stringify(judgeWave(lumped, settings)) !== JSON.stringify(judgeWave(counts, settings)))
      throw new Error(`wave ${wave}: the gate judges its counts differently`);
  }
  // Pause stops writes within a tick.
  if (writesAtPause !== undefined && w.fleet.writeLog.length !== writesAtPause) throw new Error('a desired write happened after the pause took effect');
}

// Each way the fleet can answer: twins only, full firmware reads (IoT Hub), change feeds (local registry).
describe.each<[FirmwareReads]>([['none'], ['full'], ['delta']])('rollout engine under random event orders (firmware reads: %s)', (reads) => {
  it('never writes a device twice, never starts a wave unapproved, stops on pause, keeps counts and survives restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 45 }), async (commands) => {
        const w = makeWorld(
          new FakeFleet(reads).add(30, (i) => ({ ring: i < 2 ? 'canary' : 'prod', version: i === 29 ? '2.4.1' : '2.4.0' })),
          { dispatchPerSecond: 1 },
          { batchSize: 4 },
        );
        await w.service.plan({ version: '2.4.1', filter: {}, filterText: '', waves: [10, 40, 100], actor: LEAD });
        await w.service.actions.start('R1', undefined, LEAD);

        // Every write must belong to an approved, running wave.
        const original = w.fleet.updateDesired.bind(w.fleet);
        w.fleet.updateDesired = async (ids, patch) => {
          const fw = patch.firmware as { rolloutId: string; waveId: number };
          if (fw.rolloutId === 'R1') {
            const r = (await w.service.get('R1'))!;
            const wave = r.waves[fw.waveId - 1];
            if (!wave?.approvedBy || fw.waveId > r.currentWave)
              throw new Error(`wave ${fw.waveId} written before its approval (rollout ${r.state} wave ${r.currentWave})`);
          }
          return original(ids, patch);
        };

        let writesAtPause: number | undefined;
        let badEvery = 0;
        for (const c of commands) {
          const version =
            c.kind === 'approve' || c.kind === 'pause' || c.kind === 'resume' || c.kind === 'retry' || c.kind === 'abort'
              ? c.stale
                ? 0
                : (await w.service.get('R1'))!.version
              : 0;
          switch (c.kind) {
            case 'tick':
              await w.service.tick();
              if ((await w.service.get('R1'))!.state === 'paused' || (await w.service.get('R1'))!.state === 'aborted')
                writesAtPause ??= w.fleet.writeLog.length;
              break;
            case 'advance':
              w.clock.advance(c.minutes * 60_000);
              break;
            case 'devices':
              badEvery = c.badEvery;
              w.fleet.step((id) => (badEvery > 0 && Number(id.slice(-4)) % badEvery === 0 ? (badEvery % 2 ? 'error' : 'rollback') : undefined));
              break;
            case 'approve':
              if (await applied(w.service.actions.approve('R1', version, LEAD))) writesAtPause = undefined;
              break;
            case 'resume':
              if (await applied(w.service.actions.resume('R1', version, LEAD))) writesAtPause = undefined;
              break;
            case 'retry':
              if ((await applied(w.service.actions.retryFailed('R1', version, LEAD))) && (await w.service.get('R1'))!.state === 'running')
                writesAtPause = undefined;
              break;
            case 'pause':
              if (await applied(w.service.actions.pause('R1', version, LEAD))) writesAtPause = w.fleet.writeLog.length;
              break;
            case 'abort':
              if (await applied(w.service.actions.abort('R1', version, LEAD))) writesAtPause = w.fleet.writeLog.length;
              break;
            case 'exclude':
              await applied(w.service.actions.exclude('R1', deviceName(c.device), LEAD));
              break;
            case 'restart':
              w.restart();
              break;
            case 'crash':
              if (c.when === 'before') w.fleet.crashBeforeWrite = true;
              else w.fleet.crashAfterWrite = true;
              await w.service.tick();
              w.fleet.crashBeforeWrite = w.fleet.crashAfterWrite = false;
              w.restart();
              if ((await w.service.get('R1'))!.state === 'paused' || (await w.service.get('R1'))!.state === 'aborted')
                writesAtPause ??= w.fleet.writeLog.length;
              break;
            case 'offline': {
              const d = w.fleet.devices.get(deviceName(c.device))!;
              d.connection = d.connection === 'Connected' ? 'Disconnected' : 'Connected';
              break;
            }
          }
          await checkInvariants(w, writesAtPause);
        }

        // Restart at any point loses nothing: driven to the end, every target settles.
        w.restart();
        writesAtPause = undefined;
        for (const d of w.fleet.devices.values()) d.connection = 'Connected';
        for (let i = 0; i < 80; i++) {
          const r = (await w.service.get('R1'))!;
          if (r.state === 'completed' || r.state === 'aborted') break;
          if (r.state === 'awaiting-approval') await applied(w.service.actions.approve('R1', r.version, LEAD));
          if (r.state === 'paused') {
            await applied(w.service.actions.retryFailed('R1', undefined, LEAD));
            await applied(w.service.actions.resume('R1', undefined, LEAD));
          }
          await w.service.tick();
          w.fleet.step();
          w.clock.advance(60_000);
          await checkInvariants(w, undefined);
        }
        const final = (await w.service.get('R1'))!;
        const view = (await w.service.view('R1'))!;
        if (final.state === 'completed') {
          if (view.totals.queued + view.totals.inProgress !== 0) throw new Error('completed with devices still open');
        } else if (final.state !== 'aborted') {
          throw new Error(`did not settle: ${final.state} wave ${final.currentWave}, ${JSON.stringify(view.totals)}`);
        }
      }),
      { numRuns: 50 },
    );
  }, 60_000);
});
