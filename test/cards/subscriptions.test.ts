import { SUBSCRIPTION_VERBS, subscriptionsCard } from '../../cards/subscriptions';
import type { Subscription } from '../../core/conversations/subscription';
import { expectValidCard } from '../support/cards';
import { bodyActions, cardIn, texts } from '../support/card-reading';

const at = (hhmm: string) => `2026-03-01T${hhmm}:00.000Z`;
const SUBSCRIPTIONS: Subscription[] = [
  { id: 3, conversationId: 'c1', topic: 'alerts', filter: '', createdBy: 'Otto Operator', createdAt: at('09:00') },
  { id: 7, conversationId: 'c1', topic: 'alerts', filter: 'sev<=2 site:berlin oncall:berlin-ops', createdBy: 'Olga Operator', createdAt: at('09:30') },
  { id: 12, conversationId: 'c1', topic: 'deployments', filter: 'firmware-*', createdBy: 'Rita Lead', createdAt: at('10:06') },
];

describe('subscriptions card', () => {
  test.each([
    ['three subscriptions', subscriptionsCard({ subscriptions: SUBSCRIPTIONS })],
    [
      'after an Unsubscribe',
      subscriptionsCard({ subscriptions: SUBSCRIPTIONS.slice(1), unsubscribed: { by: 'Olga Operator', subscription: SUBSCRIPTIONS[0]! } }),
    ],
    ['none', subscriptionsCard({ subscriptions: [] })],
  ])('%s: snapshot, valid Adaptive Card 1.5, small', (_name, rendered) => {
    expect(rendered).toMatchSnapshot();
    expectValidCard(rendered);
  });

  test('one row per subscription: topic and filter, who and since, and its own Unsubscribe', () => {
    const card = cardIn(subscriptionsCard({ subscriptions: SUBSCRIPTIONS }));
    expect(texts(card)).toEqual([
      'This conversation’s subscriptions',
      '`subscribe alerts|deployments|rollouts [filter]` adds one; Unsubscribe stops one.',
      '**alerts** (all)',
      'by Otto Operator, since 2026-03-01 09:00 UTC',
      '**alerts** `sev<=2 site:berlin oncall:berlin-ops`',
      'by Olga Operator, since 2026-03-01 09:30 UTC',
      '**deployments** `firmware-*`',
      'by Rita Lead, since 2026-03-01 10:06 UTC',
    ]);
    expect(bodyActions(card).map((a) => [a.type, a.title, a.verb, a.data])).toEqual(
      SUBSCRIPTIONS.map((s) => ['Action.Execute', 'Unsubscribe', SUBSCRIPTION_VERBS.unsubscribe, { id: String(s.id), verb: SUBSCRIPTION_VERBS.unsubscribe }]),
    );
  });

  test('the answer to an Unsubscribe says on top who removed which one; names and filters from outside are shown literally', () => {
    const all = cardIn(subscriptionsCard({ subscriptions: SUBSCRIPTIONS.slice(1), unsubscribed: { by: 'Olga Operator', subscription: SUBSCRIPTIONS[0]! } }));
    expect(texts(all)[0]).toBe('Olga Operator unsubscribed this conversation from all alerts.');
    const one = cardIn(subscriptionsCard({ subscriptions: [], unsubscribed: { by: '**Mallory**', subscription: { topic: 'deployments', filter: 'a`b' } } }));
    expect(texts(one)).toEqual([
      '\\*\\*Mallory\\*\\* unsubscribed this conversation from deployments a\\`b.',
      'This conversation’s subscriptions',
      'This conversation has no subscriptions. Try `subscribe alerts sev<=2`.',
    ]);
  });

  test('none: says how to add one, and has no buttons', () => {
    const card = cardIn(subscriptionsCard({ subscriptions: [] }));
    expect(texts(card)).toEqual(['This conversation’s subscriptions', 'This conversation has no subscriptions. Try `subscribe alerts sev<=2`.']);
    expect(bodyActions(card)).toEqual([]);
  });

  test('a conversation with many subscriptions: the first 25 rows, then how many more, and the card stays small', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ ...SUBSCRIPTIONS[1]!, id: i + 1, filter: `site:site-${i} ${'x'.repeat(200)}` }));
    const rendered = subscriptionsCard({ subscriptions: many });
    expectValidCard(rendered);
    const card = cardIn(rendered);
    expect(bodyActions(card).map((a) => a.data?.id)).toEqual(many.slice(0, 25).map((s) => String(s.id)));
    expect(texts(card).at(-1)).toBe('…and 35 more, not shown: `unsubscribe <topic> [filter]` stops them.');
  });
});
