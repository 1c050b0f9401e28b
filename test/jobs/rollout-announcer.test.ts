import { ROLLOUT_VERBS } from '../../cards/rollout-format';
import { judgeWave, type GateResult } from '../../core/rollouts/gates';
import type { RolloutEvent } from '../../core/rollouts/events';
import type { RolloutView } from '../../core/rollouts/view';
import { logsTail } from '../../bot/broadcasts/rollouts';
import type { LogsQueryResult } from '../../core/ports/logs';
import { action, actions, cardIn, facts, input, texts, textMatching } from '../support/card-reading';
import { rolloutCommandWorld } from '../commands/rollout-world';

const LEAD = { name: 'Lena Lead' };

/** R1 over the 20 devices, planned in c1 and started. */
async function running(options: Parameters<typeof rolloutCommandWorld>[0] = {}) {
  const w = rolloutCommandWorld(options);
  await w.rollouts.service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD, conversationId: 'c1' });
  await w.rollouts.service.actions.start('R1', undefined, LEAD);
  return w;
}

/** The rollout's view now, as the service puts it in its events. */
async function viewOf(w: Awaited<ReturnType<typeof running>>, id: string) {
  return (await w.rollouts.service.view(id))!;
}

describe('rollout cards through the broadcaster', () => {
  it('posts the progress card under the rollout’s key where it was planned and to each matching rollouts subscription', async () => {
    const w = rolloutCommandWorld();
    await w.subscriptions.add({ conversationId: 'ops', topic: 'rollouts', filter: '2.4.1', createdBy: 'Ada' });
    await w.subscriptions.add({ conversationId: 'other', topic: 'rollouts', filter: '2.5.0', createdBy: 'Ada' });
    await w.subscriptions.add({ conversationId: 'all', topic: 'rollouts', filter: '', createdBy: 'Ada' });
    await w.rollouts.service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD, conversationId: 'c1' });
    const at = w.rollouts.clock.now().toISOString();
    await w.broadcaster.broadcast(w.cards, { type: 'rollout.progressed', rolloutId: 'R1', view: await viewOf(w, 'R1'), at });
    expect(w.notifier.posts.map((p) => [p.conversationId, p.key])).toEqual([
      ['c1', 'rollout:R1'],
      ['ops', 'rollout:R1'],
      ['all', 'rollout:R1'],
    ]);
    const card = cardIn(w.notifier.posts[0]!.message.card);
    expect(textMatching(card, /Planned/)).toBe('📝 Planned');
    expect(facts(card)['Last change']).toMatch(/^Lena Lead planned · /);
    // The shared card: every button a planned rollout allows, for whoever presses it.
    expect(actions(card).map((a) => a.title)).toEqual(['Start R1', 'Abort and revert…']);
    expect(w.notifier.posts[0]!.message.summary).toBe('R1 2.4.1: planned (0/20 succeeded)');
  });

  it('a tick that moves no rollout posts nothing', async () => {
    const w = rolloutCommandWorld();
    await w.rollouts.service.tick();
    expect(w.notifier.posts).toEqual([]);
  });

  it('gate breach: the on-call card names the wave, the reason and the failing devices with their last log lines', async () => {
    const w = await running({
      logTail: async (ids) => new Map(ids.map((id) => [id, [`09:01:00 Error firmware 2.4.1 rejected on ${id}`]])),
    });
    const r = (await w.rollouts.service.get('R1'))!;
    const paused = (await w.rollouts.service.actions.pause('R1', r.version, LEAD)).rollout;
    const gate = judgeWave({ succeeded: 10, failed: 5 }, paused.settings.gates);
    await w.broadcaster.broadcast(w.cards, gateBreached(await viewOf(w, 'R1'), gate));
    const posted = w.notifier.posts.at(-1)!;
    expect(posted.key).toBe(`rollout-alert:R1:1:${paused.version}`);
    expect(posted.message.summary).toMatch(/^Rollout R1 paused itself at wave 1: /);
    const card = cardIn(posted.message.card);
    expect(texts(card)[0]).toBe('⛔ Rollout R1 paused itself at wave 1');
    expect(textMatching(card, /^\*\*device-0003\*\*/)).toBe('**device-0003** — failed: image rejected');
    expect(textMatching(card, /^09:01:00/)).toBe('09:01:00 Error firmware 2.4.1 rejected on device-0003');
    expect(action(card, 'Resume')).toMatchObject({ verb: ROLLOUT_VERBS.resume, data: { id: 'R1', version: paused.version } });
    expect(input(card, 'deviceId')).toMatchObject({ value: 'device-0003' });
  });

  it('gate breach without log lines (the logs backend failed): the card still goes out', async () => {
    const w = await running({
      logTail: async () => {
        throw new Error('Log Analytics answered 503');
      },
    });
    const r = (await w.rollouts.service.get('R1'))!;
    await w.rollouts.service.actions.pause('R1', r.version, LEAD);
    const gate = judgeWave({ succeeded: 10, failed: 5 }, r.settings.gates);
    await w.broadcaster.broadcast(w.cards, gateBreached(await viewOf(w, 'R1'), gate));
    const card = cardIn(w.notifier.posts.at(-1)!.message.card);
    expect(textMatching(card, /^\*\*device-0003\*\*/)).toBe('**device-0003** — failed: image rejected');
    expect(texts(card).some((t) => t.startsWith('09:'))).toBe(false);
  });

  it('logsTail asks the logs port for each well-formed device id, oldest line first', async () => {
    const queries: string[] = [];
    // Not annotated: whichever methods the port has beyond query, this fake offers them.
    const logs = {
      storeName: 'test',
      ingest: async () => 0,
      close: async () => undefined,
      query: async (kql: string): Promise<LogsQueryResult> => {
        queries.push(kql);
        const rows = [
          ['2026-03-01T09:02:00Z', 'Error', 'second'],
          ['2026-03-01T09:01:00Z', 'Info', 'first'],
        ];
        return { tables: [{ name: 'PrimaryResult', columns: [], rows }], truncated: false, store: 'test', statistics: { elapsedMs: 1 } };
      },
    };
    const tail = await logsTail(logs)(['device-1', 'bad id; drop']);
    expect([...tail.entries()]).toEqual([['device-1', ['09:01:00 Info first', '09:02:00 Error second']]]);
    expect(queries).toEqual([expect.stringContaining("DeviceLogs | where DeviceId == 'device-1'")]);
  });
});

function gateBreached(view: RolloutView, gate: GateResult): RolloutEvent {
  return { type: 'rollout.gate-breached', rolloutId: 'R1', view, at: view.asOf, wave: 1, gate, failing: [samplingDevice()] };
}

function samplingDevice() {
  return {
    rolloutId: 'R1',
    deviceId: 'device-0003',
    wave: 1,
    seq: 3,
    state: 'failed' as const,
    attempt: 1,
    since: 0,
    pendingWrite: false,
    reason: 'image rejected',
  };
}
