import { berlinOpsStore, racing } from './berlin-ops';
import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import type { Notifier, OutboundMessage } from '../../../core/notifications/notifier';
import { Escalator, type AlertGlance } from '../../../core/oncall/escalator';
import type { OnCallStore } from '../../../core/oncall/repository';
import { OnCallService } from '../../../core/oncall/service';
import { unreachableNames } from '../../../core/oncall/card-extras';
import { MemoryAudit } from '../../support/memory-audit';

/** The outbox as the escalator sees it: one message per (conversation, key); a later post of a key updates it. */
class RecordingNotifier implements Notifier {
  readonly messages = new Map<string, OutboundMessage>();
  readonly order: string[] = [];
  async post(conversationId: string, key: string, message: OutboundMessage): Promise<void> {
    const id = `${conversationId} ${key}`;
    if (!this.messages.has(id)) this.order.push(id);
    this.messages.set(id, message);
  }
}

const MIN = 60_000;

async function world() {
  const clock = new ManualClock(new Date('2026-12-05T10:00:00Z'));
  const store = await berlinOpsStore(() => clock.now(), '2026-11-30');
  const alerts = new Map<string, AlertGlance>([['a-1', { severity: 1, state: 'New', resolved: false }]]);
  const notifier = new RecordingNotifier();
  const republished: string[] = [];
  const audit = new MemoryAudit();
  const escalator = (on: OnCallStore = store, to: Notifier = notifier) =>
    new Escalator({
      oncall: new OnCallService(on, clock),
      notifier: to,
      clock,
      log: silentLogger,
      alert: async (id) => alerts.get(id),
      pageMessage: async (id, page) => ({ text: `${page.member.name}: alert ${id} needs you` }),
      republish: async (id) => void republished.push(id),
      audit,
    });
  return { clock, store, alerts, notifier, escalator, republished, audit };
}

test('mention, DM the primary after N minutes, then the secondary; the secondary acknowledges and nothing more is sent', async () => {
  const { clock, store, alerts, notifier, escalator, audit } = await world();
  const e = escalator();
  await e.start({ alertId: 'a-1', conversationId: 'channel', rotation: 'berlin-ops' });
  clock.advance(4 * MIN);
  expect(await e.tick()).toBe(0);
  clock.advance(1 * MIN);
  expect(await e.tick()).toBe(1);
  expect(notifier.order).toEqual(['dm-ana page:a-1:0']);
  clock.advance(5 * MIN);
  expect(await e.tick()).toBe(1);
  expect(notifier.order).toEqual(['dm-ana page:a-1:0', 'dm-ben page:a-1:1']);
  alerts.set('a-1', { severity: 1, state: 'Acknowledged', resolved: false, acknowledgedBy: 'ben' });
  clock.advance(60 * MIN);
  expect(await e.tick()).toBe(0);
  expect(notifier.order).toHaveLength(2);
  expect((await store.timeline.list('a-1')).map((t) => `${t.kind}:${t.detail}`)).toEqual([
    'mentioned:ana (primary of berlin-ops)',
    'paged:ana (primary)',
    'escalated:ben (secondary)',
  ]);
  expect((await store.escalations.get('a-1'))?.acknowledgedBy).toBe('ben');
  expect(audit.entries.at(-1)).toMatchObject({ actorName: 'FleetOps', action: 'oncall.stop', detail: 'paging stopped: acknowledged by ben' });
});

test('someone the app cannot reach: the channel card says so (no separate message) and the chain goes on', async () => {
  const { clock, store, notifier, escalator, republished } = await world();
  const e = escalator();
  await e.start({ alertId: 'a-1', conversationId: 'channel', rotation: 'berlin-ops' });
  for (let i = 0; i < 3; i++) {
    clock.advance(5 * MIN);
    await e.tick();
  }
  expect(notifier.order).toEqual(['dm-ana page:a-1:0', 'dm-ben page:a-1:1']);
  // The alert's cards are put again; they read whom nobody could reach from the timeline.
  expect(republished).toEqual(['a-1']);
  expect(unreachableNames(await store.timeline.list('a-1'))).toEqual(['lead']);
  expect((await store.escalations.get('a-1'))?.nextDueAt).toBeUndefined();
});

test('every step FleetOps takes by itself is audited with FleetOps as the actor: mention, pages, escalation, unreachable, stop', async () => {
  const { clock, escalator, audit } = await world();
  const e = escalator();
  await e.start({ alertId: 'a-1', conversationId: 'channel', rotation: 'berlin-ops' });
  for (let i = 0; i < 3; i++) {
    clock.advance(5 * MIN);
    await e.tick();
  }
  expect(audit.entries.map((a) => `${a.actorName} ${a.action} ${a.target}: ${a.detail}`)).toEqual([
    'FleetOps oncall.mention a-1: ana (primary of berlin-ops) in channel',
    'FleetOps oncall.page a-1: ana (primary)',
    'FleetOps oncall.escalate a-1: ben (secondary)',
    'FleetOps oncall.unreachable a-1: lead (escalation target)',
  ]);
});

test('a restart mid-escalation neither skips nor repeats a page, even when it came between queuing a page and moving on', async () => {
  const { clock, store, notifier, escalator } = await world();
  await escalator().start({ alertId: 'a-1', conversationId: 'channel', rotation: 'berlin-ops' });
  clock.advance(5 * MIN);
  // The process dies after the page is queued but before the escalation moves on.
  const dying: OnCallStore = {
    ...store,
    escalations: {
      ...store.escalations,
      get: (id) => store.escalations.get(id),
      create: (s) => store.escalations.create(s),
      due: (n, l) => store.escalations.due(n, l),
      update: async () => {
        throw new Error('killed');
      },
    },
  };
  await expect(escalator(dying).tick()).rejects.toThrow('killed');
  expect(notifier.order).toEqual(['dm-ana page:a-1:0']);
  // After the restart: the same page again under the same key (an update of the message already sent, not a new one).
  const restarted = escalator();
  expect(await restarted.tick()).toBe(1);
  expect(notifier.order).toEqual(['dm-ana page:a-1:0']);
  clock.advance(5 * MIN);
  expect(await restarted.tick()).toBe(1);
  expect(notifier.order).toEqual(['dm-ana page:a-1:0', 'dm-ben page:a-1:1']);
});

test('two replicas ticking together send each page once', async () => {
  const { clock, notifier, escalator } = await world();
  await escalator().start({ alertId: 'a-1', conversationId: 'channel', rotation: 'berlin-ops' });
  clock.advance(5 * MIN);
  const sent = await Promise.all([escalator().tick(), escalator().tick()]);
  expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
  expect(notifier.order).toEqual(['dm-ana page:a-1:0']);
});

test('Escalate pages the next level now', async () => {
  const { notifier, escalator } = await world();
  const e = escalator();
  await e.start({ alertId: 'a-1', conversationId: 'channel', rotation: 'berlin-ops' });
  expect(await e.escalate('a-1', 'Olga')).toMatchObject({ name: 'ana' });
  expect(notifier.order).toEqual(['dm-ana page:a-1:0']);
});

test('Reassign… pages the chosen person now and records who did it', async () => {
  const { store, notifier, escalator } = await world();
  const e = escalator();
  await e.start({ alertId: 'a-1', conversationId: 'channel', rotation: 'berlin-ops' });
  expect(await e.reassign('a-1', 'BEN@contoso.com', 'Olga')).toEqual({ id: 'ben@contoso.com', name: 'ben' });
  expect(notifier.order).toEqual(['dm-ben page:a-1:0']);
  expect((await store.timeline.list('a-1')).map((t) => `${t.kind}:${t.actor}`)).toEqual(['mentioned:FleetOps', 'reassigned:Olga', 'paged:FleetOps']);
});

test('Escalate and Reassign… refuse with a code when there is nothing to page', async () => {
  const { escalator } = await world();
  const e = escalator();
  const ben = 'ben@contoso.com';
  await expect(e.escalate('a-unbound', 'Olga')).rejects.toMatchObject({ code: 'escalation_not_active', facts: { alertId: 'a-unbound' } });
  await expect(e.reassign('a-unbound', ben, 'Olga')).rejects.toMatchObject({ code: 'escalation_not_active' });
  await e.start({ alertId: 'a-1', conversationId: 'channel', rotation: 'berlin-ops' });
  for (const who of ['ana', 'ben', 'lead']) expect(await e.escalate('a-1', 'Olga')).toMatchObject({ name: who });
  await expect(e.escalate('a-1', 'Olga')).rejects.toMatchObject({ code: 'escalation_nobody_left' });
  await e.acknowledge('a-1', 'ben');
  await expect(e.escalate('a-1', 'Olga')).rejects.toMatchObject({ code: 'escalation_not_active' });
  await expect(e.reassign('a-1', ben, 'Olga')).rejects.toMatchObject({ code: 'escalation_not_active' });
});

test('Reassign… to someone who is not one of the rotation’s people is refused with the rotation, and nobody is paged', async () => {
  const { store, notifier, escalator } = await world();
  const e = escalator();
  await e.start({ alertId: 'a-1', conversationId: 'channel', rotation: 'berlin-ops' });
  await expect(e.reassign('a-1', 'zoe@contoso.com', 'Olga')).rejects.toMatchObject({
    code: 'escalation_member_not_in_rotation',
    facts: { alertId: 'a-1', memberId: 'zoe@contoso.com', rotation: 'berlin-ops' },
  });
  expect(notifier.order).toEqual([]);
  expect((await store.timeline.list('a-1')).map((t) => t.kind)).toEqual(['mentioned']);
  // The escalation target is one of the rotation's people too.
  expect(await e.reassign('a-1', 'lead@contoso.com', 'Olga')).toMatchObject({ name: 'lead' });
  expect((await store.timeline.list('a-1')).map((t) => `${t.kind}:${t.detail}`)).toContain('reassigned:to lead');
});

test('a click that loses the version check to another changes nothing and says so', async () => {
  const { store, escalator } = await world();
  await escalator().start({ alertId: 'a-1', conversationId: 'channel', rotation: 'berlin-ops' });
  // Another replica moves the escalation (a tick, another click) right after each read of this one.
  const raced = racing(store);
  await expect(escalator(raced).escalate('a-1', 'Olga')).rejects.toMatchObject({ code: 'escalation_changed_meanwhile' });
  await expect(escalator(raced).reassign('a-1', 'ben@contoso.com', 'Olga')).rejects.toMatchObject({
    code: 'escalation_changed_meanwhile',
  });
});
