import { SEED_FIRMWARE } from '../../backends/feed/local';
import { firmwareListCard } from '../../cards/firmware-list';
import { rolloutConfirmCard } from '../../cards/rollout-confirm';
import { rolloutPlanCard } from '../../cards/rollout-plan';
import { rolloutGateAlertCard, rolloutProgressCard } from '../../cards/rollout-progress';
import { judgeWave } from '../../core/rollouts/gates';
import type { RolloutDevice } from '../../core/rollouts/model';
import { buildView } from '../../core/rollouts/view';
import { expectValidCard } from '../support/cards';
import { sampleRollout as rollout } from './rollout-samples';

const NOW = new Date('2026-03-01T10:30:00Z');
const failure = (i: number): RolloutDevice => ({
  rolloutId: 'R7',
  deviceId: `device-${i}`,
  wave: 2,
  seq: i,
  state: 'failed',
  attempt: 1,
  since: 0,
  pendingWrite: false,
  reason: 'device reported error: image rejected',
});
const counts = [
  { wave: 0, counts: { 'already-current': 120, incompatible: 30 } },
  { wave: 1, counts: { succeeded: 995, failed: 5 } },
  { wave: 2, counts: { succeeded: 4000, downloading: 2000, soaking: 1500, queued: 1490, failed: 10 } },
  { wave: 3, counts: { queued: 40000 } },
  { wave: 4, counts: { queued: 50000 } },
];

describe('rollout cards', () => {
  it('plan card: targets per wave, set-aside counts, gates; Start only while planned; under 28 KB with 100k targets', () => {
    const c = rolloutPlanCard({
      rollout: rollout({ state: 'planned', currentWave: 0, version: 1 }),
      targets: 100_150,
      waveSizes: [1000, 9000, 40000, 50000],
      alreadyCurrent: 120,
      incompatible: 30,
      incompatibleModels: { 'gateway-g2': 30 },
      releaseNotes: SEED_FIRMWARE[2]!.releaseNotes,
    });
    expectValidCard(c);
    expect(JSON.stringify(c)).toContain('rollout.start');
    expect(c).toMatchSnapshot();
  });

  it('progress card: bars, totals, ETA, first failures and state buttons; under 28 KB with 100k targets', () => {
    const view = buildView(rollout(), counts, [1, 2, 3, 4, 5].map(failure), NOW);
    const c = rolloutProgressCard(view, { refreshUserIds: Array.from({ length: 80 }, (_, i) => `lead-${i}`) });
    expectValidCard(c);
    expect(c.refresh?.userIds).toHaveLength(60);
    const verbs = (c.actions ?? []).map((a) => a.verb ?? a.type);
    expect(verbs).toEqual(['rollout.pause', 'rollout.retry', 'Action.ShowCard', 'rollout.abort']);
    expect(c).toMatchSnapshot();
  });

  it('progress card for a viewer shows no buttons; awaiting approval shows Approve to leads', () => {
    const waiting = buildView(rollout({ state: 'awaiting-approval', currentWave: 3 }), counts, [], NOW);
    expect(rolloutProgressCard(waiting, { audience: 'viewer' }).actions).toBeUndefined();
    const lead = rolloutProgressCard(waiting);
    expectValidCard(lead);
    expect(lead.actions![0]).toMatchObject({ title: 'Approve wave 3', verb: 'rollout.approve', data: { id: 'R7', version: 4, verb: 'rollout.approve' } });
  });

  it('progress card: release leads can exclude one of the first failures, picked from a list; the click carries the card version', () => {
    const view = buildView(rollout(), counts, [1, 2, 3].map(failure), NOW);
    const c = rolloutProgressCard(view);
    expectValidCard(c);
    const show = c.actions!.find((a) => a.type === 'Action.ShowCard') as {
      title: string;
      card: { body: Array<Record<string, any>>; actions: Array<Record<string, any>> };
    };
    expect(show.title).toBe('Exclude a device…');
    const picker = show.card.body.find((e) => e.type === 'Input.ChoiceSet')!;
    expect(picker).toMatchObject({ id: 'deviceId', isRequired: true, value: 'device-1' });
    expect(picker.choices).toEqual([1, 2, 3].map((i) => ({ title: `device-${i} · failed (wave 2)`, value: `device-${i}` })));
    expect(show.card.actions).toEqual([
      expect.objectContaining({
        type: 'Action.Execute',
        verb: 'rollout.exclude',
        data: { id: 'R7', version: 4, verb: 'rollout.exclude' },
        style: 'destructive',
      }),
    ]);
    // No failures, or not a lead, or a finished rollout: no picker.
    const none = (card: ReturnType<typeof rolloutProgressCard>) => !(card.actions ?? []).some((a) => a.type === 'Action.ShowCard');
    expect(none(rolloutProgressCard(buildView(rollout(), counts, [], NOW)))).toBe(true);
    expect(none(rolloutProgressCard(view, { audience: 'operator' }))).toBe(true);
    expect(none(rolloutProgressCard(buildView(rollout({ state: 'completed' }), counts, [1].map(failure), NOW)))).toBe(true);
  });

  it('gate alert card: why, failing devices with their last log lines, and the lead buttons', () => {
    const paused = rollout({ state: 'paused', pauseReason: 'Wave 2 gate: failures reached 2.4 %' });
    const view = buildView(paused, counts, [], NOW);
    const gate = judgeWave({ succeeded: 400, failed: 10 }, paused.settings.gates);
    const c = rolloutGateAlertCard({
      view,
      wave: 2,
      gate,
      failing: [1, 2].map((i) => ({ ...failure(i), logLines: ['09:41:02 ota: image signature rejected', '09:41:03 ota: rolling back'] })),
    });
    expectValidCard(c);
    expect((c.actions ?? []).map((a) => a.verb ?? a.type)).toEqual(['rollout.resume', 'rollout.retry', 'Action.ShowCard', 'rollout.abort']);
    expect(c).toMatchSnapshot();
  });

  it('firmware list card', () => {
    const c = firmwareListCard({ versions: SEED_FIRMWARE, source: 'local catalog' });
    expectValidCard(c);
    // 2.5.0 is newer but marked bad: the card says so in words, and offers the newest good version.
    expect(c.actions![0]).toMatchObject({ verb: 'rollout.plan', data: { version: '2.4.1' } });
    expect(JSON.stringify(c)).toContain('Marked **bad** in the catalog');
    expect(JSON.stringify(c)).toContain('Newest good version: **2.4.1** (2.5.0 is marked bad)');
    expect(c).toMatchSnapshot();
  });

  it('plan card of a flagged version warns in words; Pause is not styled destructive; confirmation cards name what they do', () => {
    const plan = rolloutPlanCard({
      rollout: rollout({
        state: 'planned',
        currentWave: 0,
        version: 1,
        firmware: { version: '2.5.0', packageUri: 'https://fw/2.5.0.swu', sha256: 'b'.repeat(64) },
      }),
      targets: 10,
      waveSizes: [2, 8],
      alreadyCurrent: 0,
      incompatible: 0,
      incompatibleModels: {},
      releaseNotes: '',
      flag: 'bad',
    });
    expectValidCard(plan);
    expect(JSON.stringify(plan)).toContain('Warning: the catalog marks 2.5.0 as **bad**');
    // 2 of 10 devices in the canary wave is 20 %, whatever the settings asked for.
    expect(JSON.stringify(plan)).toContain('2 devices · up to 20 % of the rollout');

    const progress = rolloutProgressCard(buildView(rollout(), counts, [], NOW));
    const pause = (progress.actions ?? []).find((a) => a.verb === 'rollout.pause')!;
    expect(pause.style).toBeUndefined();

    const abort = rolloutConfirmCard(rollout(), { kind: 'abort', revert: true, queued: 91_490 });
    expectValidCard(abort);
    expect(abort.actions![0]).toMatchObject({ verb: 'rollout.abort', style: 'destructive', data: { id: 'R7', version: 4, revert: true, confirmed: true } });
    expect(abort.actions![1]).toMatchObject({ title: 'Cancel', verb: 'rollout.refresh' });
    const start = rolloutConfirmCard(rollout({ state: 'planned' }), { kind: 'start', flag: 'bad' });
    expectValidCard(start);
    expect(JSON.stringify(start)).toContain('marks 2.4.1 as **bad**');
    expect(start.actions![0]).toMatchObject({ verb: 'rollout.start', title: 'Start R7 anyway (bad)', data: { confirmed: true } });
    expect({ abort, start }).toMatchSnapshot();
  });
});
