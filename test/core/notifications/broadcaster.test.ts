import { ROLLOUT_VERBS } from '../../../cards/rollout-format';
import type { Subscription, Topic } from '../../../core/conversations/subscription';
import { Broadcaster, type EventCards, type RoutedEventCards } from '../../../core/notifications/broadcaster';
import { cardIn, facts, texts, textMatching } from '../../support/card-reading';
import { RecordingNotifier, rolloutCommandWorld } from '../../commands/rollout-world';

/** Subscriptions held in memory; `read` records which topics were asked for. */
class MemorySubscriptions {
  readonly read: Topic[] = [];
  constructor(private readonly subs: ReadonlyArray<Pick<Subscription, 'conversationId' | 'topic' | 'filter'>>) {}
  async listForTopic(topic: Topic): Promise<Subscription[]> {
    this.read.push(topic);
    return this.subs.filter((s) => s.topic === topic).map((s, i) => ({ ...s, id: i + 1, createdBy: 'Ada', createdAt: '2026-03-01T09:00:00.000Z' }));
  }
}

interface ShipEvent {
  readonly type: 'ship.sailed' | 'ship.sank';
  readonly ship: string;
  readonly port?: string;
}

/** A feature of ships: the card names the ship and what happened; a sinking changes no card. */
function shipCards(rendered: ShipEvent[] = []): EventCards<ShipEvent> {
  return {
    topic: 'deployments',
    matches: (filter, event) => event.ship.includes(filter),
    cardKey: (event) => `ship:${event.ship}`,
    alsoTo: (event) => (event.port ? [event.port] : []),
    render(event) {
      rendered.push(event);
      if (event.type === 'ship.sank') return undefined;
      return {
        card: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'FactSet', facts: [{ title: 'Ship', value: event.ship }] }] },
        summary: `${event.ship} sailed`,
      };
    },
  };
}

describe('Broadcaster', () => {
  it('renders an event once and posts it under its card key: the named conversation first, then each matching subscriber once', async () => {
    const subscriptions = new MemorySubscriptions([
      { conversationId: 'harbour', topic: 'deployments', filter: 'Mary' },
      { conversationId: 'port-1', topic: 'deployments', filter: '' },
      { conversationId: 'elsewhere', topic: 'deployments', filter: 'Bounty' },
      { conversationId: 'rollout-room', topic: 'rollouts', filter: '' },
    ]);
    const notifier = new RecordingNotifier();
    const rendered: ShipEvent[] = [];
    const sent = await new Broadcaster(subscriptions, notifier).broadcast(shipCards(rendered), { type: 'ship.sailed', ship: 'Mary Rose', port: 'port-1' });
    expect(sent).toEqual(['port-1', 'harbour']);
    expect(subscriptions.read).toEqual(['deployments']);
    expect(rendered).toHaveLength(1);
    expect(notifier.posts.map((p) => [p.conversationId, p.key])).toEqual([
      ['port-1', 'ship:Mary Rose'],
      ['harbour', 'ship:Mary Rose'],
    ]);
    expect(facts(cardIn(notifier.posts[1]!.message.card))).toEqual({ Ship: 'Mary Rose' });
    expect(notifier.posts[1]!.message.summary).toBe('Mary Rose sailed');
  });

  it('renders nothing when no conversation should see the event, and posts nothing for an event that changes no card', async () => {
    const notifier = new RecordingNotifier();
    const rendered: ShipEvent[] = [];
    const broadcaster = new Broadcaster(new MemorySubscriptions([{ conversationId: 'harbour', topic: 'deployments', filter: 'Mary' }]), notifier);
    expect(await broadcaster.broadcast(shipCards(rendered), { type: 'ship.sailed', ship: 'Bounty' })).toEqual([]);
    expect(rendered).toEqual([]);
    expect(await broadcaster.broadcast(shipCards(rendered), { type: 'ship.sank', ship: 'Mary Rose' })).toEqual([]);
    expect(rendered).toHaveLength(1);
    expect(notifier.posts).toEqual([]);
  });

  it('publisher: a feature’s PublishEvent posts every event it is given', async () => {
    const notifier = new RecordingNotifier();
    const publish = new Broadcaster(new MemorySubscriptions([]), notifier).publisher(shipCards());
    await publish({ type: 'ship.sailed', ship: 'Endeavour', port: 'port-9' });
    expect(notifier.posts.map((p) => [p.conversationId, p.key])).toEqual([['port-9', 'ship:Endeavour']]);
  });
});

describe('a rollout button click through the broadcaster', () => {
  it('builds the view once: the clicked card and every broadcast copy show the same change', async () => {
    const w = rolloutCommandWorld();
    await w.subscriptions.add({ conversationId: 'ops', topic: 'rollouts', filter: '2.4.1', createdBy: 'Ada' });
    await w.say('operator', 'rollout plan 2.4.1 waves 50,100');
    await w.say('lead', 'rollout start R1');
    const version = (await w.rollouts.service.get('R1'))!.version;
    const posted = w.notifier.posts.length;
    const views = jest.spyOn(w.rollouts.service, 'view');

    const done = await w.click('operator', ROLLOUT_VERBS.pause, { id: 'R1', version });

    expect(views).toHaveBeenCalledTimes(1);
    const reply = cardIn(done.card);
    const copies = w.notifier.posts.slice(posted);
    expect(copies.map((p) => [p.conversationId, p.key])).toEqual([
      ['c1', 'rollout:R1'],
      ['ops', 'rollout:R1'],
    ]);
    for (const copy of copies) {
      const card = cardIn(copy.message.card);
      expect(textMatching(card, /^⏸ Paused/)).toBe('⏸ Paused at wave 1');
      expect(facts(card)['Last change']).toBe(facts(reply)['Last change']);
      expect(copy.message.summary).toBe('R1 2.4.1: paused (0/20 succeeded)');
    }
    expect(facts(reply)['Last change']).toMatch(/^Olga Operator paused wave 1 · /);
    expect(texts(reply)).toContain('⏸ Paused at wave 1');
  });
});

describe('Broadcaster.deliver (events routed before: alerts)', () => {
  interface RoutedEvent {
    readonly type: 'parcel.moved';
    readonly copies: ReadonlyArray<{ readonly conversationId: string; readonly key: string; readonly label?: string }>;
  }
  const parcels: RoutedEventCards<RoutedEvent> = {
    copies: (event) => event.copies.map((c) => ({ conversationId: c.conversationId, cardKey: c.key })),
    render(event, conversationId) {
      const copy = event.copies.find((c) => c.conversationId === conversationId);
      if (!copy?.label) return undefined;
      return { card: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: copy.label }] }, summary: copy.label };
    },
  };

  test('each copy is rendered for its conversation and posted under its own key; a copy rendered as nothing is left alone', async () => {
    const notifier = new RecordingNotifier();
    const subscriptions = new MemorySubscriptions([{ conversationId: 'ops', topic: 'alerts', filter: '' }]);
    const publish = new Broadcaster(subscriptions, notifier).router(parcels);
    const posted = await publish({
      type: 'parcel.moved',
      copies: [
        { conversationId: 'ops', key: 'parcel:1', label: 'for ops' },
        { conversationId: 'dev', key: 'storm:dev', label: 'for dev' },
        { conversationId: 'qa', key: 'parcel:1' },
      ],
    });
    expect(posted).toBe(2);
    expect(notifier.posts.map((p) => [p.conversationId, p.key, texts(cardIn(p.message.card))])).toEqual([
      ['ops', 'parcel:1', ['for ops']],
      ['dev', 'storm:dev', ['for dev']],
    ]);
    // Routed events do not consult subscriptions: their conversations were decided when they were routed.
    expect(subscriptions.read).toEqual([]);
  });
});
