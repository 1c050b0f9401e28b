import { openDatabase } from '../../backends/store/sqlite/database';
import { sqliteSubscriptionRepository, subscriptionMigrations } from '../../backends/store/sqlite/subscriptions';
import { SUBSCRIPTION_VERBS } from '../../cards/subscriptions';
import type { TurnContext } from '../../commands/context';
import { dispatchCardAction, dispatchMessage } from '../../commands/dispatch';
import { CommandRegistry } from '../../commands/registry';
import { subscribeCommand, subscriptionsCommand, unsubscribeAction, unsubscribeCommand, type FilterValidator } from '../../commands/subscriptions';
import { alertFilterRefusal } from '../../core/alerts/filter';
import type { SubscriptionRepository, Topic } from '../../core/conversations/subscription';
import { validateDeploymentFilter } from '../../core/deployments/subscription-filter';
import { validateRolloutFilter } from '../../core/rollouts/topic';
import type { Role } from '../../core/access/roles';
import { bodyActions, cardIn, texts, type ReadCard } from '../support/card-reading';
import { recordingTurn } from '../support/turn';
import { commandServices } from './services';

const PEOPLE = {
  viewer: { id: 'u-vic', name: 'Vic Viewer', role: 'viewer' },
  operator: { id: 'u-olga', name: 'Olga Operator', role: 'operator' },
} as const satisfies Record<string, { id: string; name: string; role: Role }>;

/** Each topic's filter validator, as the alerts, deployments and rollouts features register theirs. */
const FILTERS: Record<Topic, (filter: string) => ReturnType<FilterValidator>> = {
  alerts: alertFilterRefusal,
  deployments: validateDeploymentFilter,
  rollouts: validateRolloutFilter,
};

/**
 * `subscribe`, `subscriptions` and its Unsubscribe buttons over the subscriptions store in memory, registered
 * as the foundation registers them (unbound: the foundation's services). Conversation c1 receives
 * all alerts, alerts `sev<=2 site:berlin` and all deployments; c2 receives all alerts.
 */
async function world() {
  const store = sqliteSubscriptionRepository(openDatabase(':memory:', subscriptionMigrations));
  // What another turn does right after the next read of a conversation's subscriptions (once).
  let meanwhile: (() => Promise<unknown>) | undefined;
  const subscriptions: SubscriptionRepository = {
    add: (sub) => store.add(sub),
    remove: (conversationId, topic, filter) => store.remove(conversationId, topic, filter),
    removeById: (conversationId, id) => store.removeById(conversationId, id),
    listForTopic: (topic) => store.listForTopic(topic),
    async listForConversation(conversationId) {
      const read = await store.listForConversation(conversationId);
      const other = meanwhile;
      meanwhile = undefined;
      await other?.();
      return read;
    },
  };
  const add = (conversationId: string, topic: 'alerts' | 'deployments', filter: string) =>
    subscriptions.add({ conversationId, topic, filter, createdBy: 'Otto Operator' });
  const c1 = [await add('c1', 'alerts', ''), await add('c1', 'alerts', 'sev<=2 site:berlin'), await add('c1', 'deployments', '')];
  const c2 = [await add('c2', 'alerts', '')];
  const services = commandServices({
    registry: new CommandRegistry([subscribeCommand((topic, filter) => FILTERS[topic](filter)), subscriptionsCommand, unsubscribeCommand], [unsubscribeAction]),
    subscriptions,
  });
  const turn = (who: keyof typeof PEOPLE, conversationId: string, replies: unknown[] = []): TurnContext => {
    const base = recordingTurn(services, PEOPLE[who], replies);
    return { ...base, conversation: { ...base.conversation, conversationId } };
  };
  const say = async (who: keyof typeof PEOPLE, text: string, conversationId = 'c1') => {
    const replies: unknown[] = [];
    await dispatchMessage(turn(who, conversationId, replies), text);
    return replies;
  };
  const click = (who: keyof typeof PEOPLE, data: Record<string, unknown>, conversationId = 'c1') =>
    dispatchCardAction(turn(who, conversationId), SUBSCRIPTION_VERBS.unsubscribe, data);
  const remaining = async (conversationId = 'c1') =>
    (await subscriptions.listForConversation(conversationId)).map((s) => `${s.topic}${s.filter ? ` ${s.filter}` : ''}`);
  const afterNextRead = (work: () => Promise<unknown>) => {
    meanwhile = work;
  };
  return { subscriptions, audit: services.audit, c1, c2, add, say, click, remaining, afterNextRead };
}

/** A card's rows as the reader sees them: topic and filter. */
const rows = (card: ReadCard): string[] => texts(card).filter((t) => t.startsWith('**'));
/** Each row's Unsubscribe button data. */
const buttons = (card: ReadCard) => bodyActions(card).map((a) => [a.title, a.verb, a.data?.id]);

describe('subscriptions', () => {
  it('answers with a card: this conversation’s subscriptions only, who and since, an Unsubscribe per row', async () => {
    const w = await world();
    const [reply] = await w.say('viewer', 'subscriptions');
    const card = cardIn(reply);
    expect(texts(card)[0]).toBe('This conversation’s subscriptions');
    expect(rows(card)).toEqual(['**alerts** (all)', '**alerts** `sev<=2 site:berlin`', '**deployments** (all)']);
    expect(texts(card).filter((t) => t.startsWith('by '))).toEqual(
      Array(3).fill(expect.stringMatching(/^by Otto Operator, since \d{4}-\d\d-\d\d \d\d:\d\d UTC$/)),
    );
    expect(buttons(card)).toEqual(w.c1.map((s) => ['Unsubscribe', SUBSCRIPTION_VERBS.unsubscribe, String(s.id)]));
  });

  it('a conversation without any: the card says how to add one', async () => {
    const w = await world();
    const card = cardIn((await w.say('viewer', 'subscriptions', 'c3'))[0]);
    expect(texts(card)).toEqual(['This conversation’s subscriptions', 'This conversation has no subscriptions. Try `subscribe alerts sev<=2`.']);
    expect(bodyActions(card)).toEqual([]);
  });
});

describe('subscribe', () => {
  it('a filter its topic cannot read is refused with the topic’s code, above the usage; audited with the code; nothing is added', async () => {
    const w = await world();
    const cases: Array<[string, string, string]> = [
      ['subscribe alerts sev<=9', 'alert_filter_severity_unknown', '`sev<=9`: severities go from 0 (Sev0, critical) to 4 (Sev4, verbose).'],
      [
        'subscribe deployments a,,b',
        'deployment_filter_name_empty',
        'The filter has an empty name between commas; write e.g. `subscribe deployments firmware-release, FleetOps CD`.',
      ],
      [
        'subscribe deployments *',
        'deployment_filter_name_only_wildcards',
        'A name of only `*` matches everything; leave the filter out to receive every pipeline: `subscribe deployments`.',
      ],
      [
        'subscribe rollouts site:berlin!',
        'rollout_filter_character_invalid',
        'A rollouts filter holds words of letters, digits, `.`, `:`, `=`, `-`; all must appear in the rollout’s id, version or targets.',
      ],
      [
        `subscribe rollouts ${'x'.repeat(101)}`,
        'rollout_filter_too_long',
        'A rollouts filter is at most 100 characters, e.g. `subscribe rollouts 2.4.1` or `subscribe rollouts site:berlin`.',
      ],
    ];
    for (const [text, , line] of cases) {
      const [reply, ...more] = await w.say('operator', text, 'c3');
      expect(more).toEqual([]);
      expect(String(reply).split('\n\n')).toEqual([line, expect.stringMatching(/^Usage: `subscribe alerts\|deployments\|rollouts \[filter\]`/)]);
    }
    expect(w.audit.entries.map((e) => [e.action, e.outcome, e.code])).toEqual(cases.map(([, code]) => ['subscribe', 'refused', code]));
    expect(await w.remaining('c3')).toEqual([]);
  });

  it('a filter its topic reads is stored as typed', async () => {
    const w = await world();
    expect(await w.say('operator', 'subscribe rollouts 2.4.1 site:berlin', 'c3')).toEqual([
      'Subscribed: this conversation now receives rollouts matching `2.4.1 site:berlin`. `subscriptions` lists them, `unsubscribe rollouts` stops them.',
    ]);
    expect(await w.remaining('c3')).toEqual(['rollouts 2.4.1 site:berlin']);
    expect(w.audit.entries.map((e) => [e.action, e.outcome])).toEqual([['subscribe', 'ok']]);
  });
});

describe('Unsubscribe button', () => {
  it('removes that one subscription (not the topic’s others) and answers with the updated card saying who did it; audited', async () => {
    const w = await world();
    const [allAlerts] = w.c1;
    const done = await w.click('operator', { id: String(allAlerts!.id) });
    expect(await w.remaining()).toEqual(['alerts sev<=2 site:berlin', 'deployments']);
    expect(await w.remaining('c2')).toEqual(['alerts']);
    const card = cardIn(done.card);
    expect(texts(card)[0]).toBe('Olga Operator unsubscribed this conversation from all alerts.');
    expect(rows(card)).toEqual(['**alerts** `sev<=2 site:berlin`', '**deployments** (all)']);
    expect(buttons(card).map((b) => b[2])).toEqual([String(w.c1[1]!.id), String(w.c1[2]!.id)]);
    expect(w.audit.entries).toMatchObject([
      { action: SUBSCRIPTION_VERBS.unsubscribe, target: String(allAlerts!.id), outcome: 'ok', actorName: 'Olga Operator' },
    ]);

    const filtered = cardIn((await w.click('operator', { id: String(w.c1[1]!.id) })).card);
    expect(texts(filtered)[0]).toBe('Olga Operator unsubscribed this conversation from alerts `sev<=2 site:berlin`.');
    expect(await w.remaining()).toEqual(['deployments']);
  });

  it('needs the role `unsubscribe` needs: a viewer is denied, audited, and nothing is removed', async () => {
    const w = await world();
    expect(unsubscribeAction.role).toBe(unsubscribeCommand.role);
    expect(await w.click('viewer', { id: String(w.c1[0]!.id) })).toEqual({ message: expect.stringMatching(/needs the operator role; you are a viewer/) });
    expect(await w.remaining()).toHaveLength(3);
    expect(w.audit.entries).toMatchObject([{ action: SUBSCRIPTION_VERBS.unsubscribe, outcome: 'denied', detail: 'needs operator' }]);
  });

  it('a second click (or a row `unsubscribe` removed meanwhile): the card as it is now, nothing else removed, audited as noop', async () => {
    const w = await world();
    const id = String(w.c1[2]!.id);
    await w.click('operator', { id });
    const again = await w.click('operator', { id });
    expect(rows(cardIn(again.card))).toEqual(['**alerts** (all)', '**alerts** `sev<=2 site:berlin`']);
    expect(texts(cardIn(again.card))[0]).toBe('This conversation’s subscriptions');
    expect(await w.remaining()).toEqual(['alerts', 'alerts sev<=2 site:berlin']);
    expect(w.audit.entries.map((e) => e.outcome)).toEqual(['ok', 'noop']);
  });

  it('a same-filter re-subscribe between the read and the removal is not removed: the click answers as for a row already gone', async () => {
    const w = await world();
    const [allAlerts] = w.c1;
    // Someone runs `unsubscribe alerts` then `subscribe alerts` right after the button's read: the same topic and filter, a new id.
    w.afterNextRead(async () => {
      await w.subscriptions.remove('c1', 'alerts', '');
      await w.add('c1', 'alerts', '');
    });
    const answer = await w.click('operator', { id: String(allAlerts!.id) });
    const card = cardIn(answer.card);
    expect(texts(card)[0]).toBe('This conversation’s subscriptions');
    expect(rows(card)).toEqual(['**alerts** `sev<=2 site:berlin`', '**deployments** (all)', '**alerts** (all)']);
    expect(buttons(card).map((b) => b[2])).not.toContain(String(allAlerts!.id));
    expect(await w.remaining()).toEqual(['alerts sev<=2 site:berlin', 'deployments', 'alerts']);
    expect(w.audit.entries.map((e) => [e.outcome, e.detail])).toEqual([['noop', `no subscription ${allAlerts!.id} in this conversation (already removed)`]]);
  });

  it('a button naming another conversation’s subscription removes nothing there: the clicked conversation is the activity’s', async () => {
    const w = await world();
    const answer = await w.click('operator', { id: String(w.c2[0]!.id) }, 'c1');
    expect(await w.remaining('c2')).toEqual(['alerts']);
    expect(await w.remaining('c1')).toHaveLength(3);
    expect(rows(cardIn(answer.card))).toHaveLength(3);
    expect(w.audit.entries.map((e) => [e.outcome, e.detail])).toEqual([['noop', `no subscription ${w.c2[0]!.id} in this conversation (already removed)`]]);
  });

  it('button data that is not a subscription id is refused before anything runs', async () => {
    const w = await world();
    for (const id of [undefined, 7, '', 'seven', '1e3', '-1', '9'.repeat(20)])
      expect(await w.click('operator', { id })).toEqual({ message: "This button sent something I can't use: it names no subscription" });
    expect(await w.remaining()).toHaveLength(3);
    expect(w.audit.entries).toEqual([]);
  });
});
