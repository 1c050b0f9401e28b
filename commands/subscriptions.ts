import { TOPICS, type Topic } from '../core/conversations/subscription';
import { SUBSCRIPTION_VERBS, subscriptionsCard } from '../cards/subscriptions';
import type { Refusal } from '../core/refusal';
import { noArguments, parseError, parsed, parseRefused, rowIdData, type CardActionSpec, type CommandSpec, type ParseResult } from './spec';

interface TopicArgs {
  topic: Topic;
  filter: string;
}

/**
 * Filters are the topic's own small language, validated by the feature that uses them: undefined
 * when the filter is fine, else the domain's refusal (worded by dispatch, like any other).
 */
export type FilterValidator = (topic: Topic, filter: string) => Refusal | undefined;

function parseTopic(input: string, validate?: FilterValidator): ParseResult<TopicArgs> {
  const [first = '', ...rest] = input.split(/\s+/).filter(Boolean);
  const topic = first.toLowerCase();
  if (!(TOPICS as readonly string[]).includes(topic)) {
    return parseError(first ? `There is no topic \`${first}\`; choose one of ${TOPICS.join(', ')}.` : `Say what to subscribe to: ${TOPICS.join(', ')}.`);
  }
  const filter = rest.join(' ');
  const refusal = validate?.(topic as Topic, filter);
  return refusal ? parseRefused(refusal) : parsed({ topic: topic as Topic, filter });
}

export function subscribeCommand(validate?: FilterValidator): CommandSpec<TopicArgs> {
  return {
    name: 'subscribe',
    summary: 'Receive alerts, deployments or rollouts in this conversation',
    usage: 'subscribe alerts|deployments|rollouts [filter]',
    examples: ['subscribe alerts sev<=2 site:berlin', 'subscribe deployments firmware-release', 'subscribe rollouts'],
    role: 'operator',
    sideEffects: true,
    parse: (input) => parseTopic(input, validate),
    async run(ctx, { topic, filter }) {
      await ctx.services.subscriptions.add({ conversationId: ctx.conversation.conversationId, topic, filter, createdBy: ctx.actor.name });
      const what = filter ? `${topic} matching \`${filter}\`` : `all ${topic}`;
      await ctx.reply(`Subscribed: this conversation now receives ${what}. \`subscriptions\` lists them, \`unsubscribe ${topic}\` stops them.`);
    },
  };
}

export const unsubscribeCommand: CommandSpec<TopicArgs> = {
  name: 'unsubscribe',
  summary: 'Stop receiving a topic here (all its filters, or the one given)',
  usage: 'unsubscribe alerts|deployments|rollouts [filter]',
  examples: ['unsubscribe alerts', 'unsubscribe alerts sev<=2 site:berlin'],
  role: 'operator',
  sideEffects: true,
  parse: (input) => parseTopic(input),
  async run(ctx, { topic, filter }) {
    const removed = await ctx.services.subscriptions.remove(ctx.conversation.conversationId, topic, filter || undefined);
    await ctx.reply(
      removed === 0
        ? `This conversation had no ${topic} subscription${filter ? ` with filter \`${filter}\`` : ''}. \`subscriptions\` lists what it has.`
        : `Unsubscribed from ${topic}${filter ? ` (\`${filter}\`)` : ''}: ${removed} subscription${removed === 1 ? '' : 's'} removed.`,
    );
  },
};

export const subscriptionsCommand: CommandSpec<void> = {
  name: 'subscriptions',
  summary: 'List what this conversation receives, with an Unsubscribe button for each',
  usage: 'subscriptions',
  examples: ['subscriptions'],
  role: 'viewer',
  parse: noArguments('`subscriptions` takes no arguments.'),
  async run(ctx) {
    const subscriptions = await ctx.services.subscriptions.listForConversation(ctx.conversation.conversationId);
    await ctx.reply(subscriptionsCard({ subscriptions }));
  },
};

/**
 * The Unsubscribe button of a `subscriptions` card row: removes that one subscription of the
 * conversation the click comes from (never one the button names elsewhere), with the role the
 * `unsubscribe` command needs, and answers with the updated card.
 */
export const unsubscribeAction: CardActionSpec<{ id: number }> = {
  verb: SUBSCRIPTION_VERBS.unsubscribe,
  role: unsubscribeCommand.role,
  sideEffects: true,
  parse: rowIdData('subscription'),
  async run(ctx, { id }) {
    const { subscriptions } = ctx.services;
    const conversationId = ctx.conversation.conversationId;
    // Already gone (another click, `unsubscribe`): the card as it is now is the answer.
    const gone = async () => ({
      card: subscriptionsCard({ subscriptions: await subscriptions.listForConversation(conversationId) }),
      noop: `no subscription ${id} in this conversation (already removed)`,
    });
    // Read for the card's "unsubscribed from …" line; the removal is by id, so a subscription to
    // the same topic and filter made after this read (a new id) is never the one removed.
    const subscription = (await subscriptions.listForConversation(conversationId)).find((s) => s.id === id);
    if (!subscription || !(await subscriptions.removeById(conversationId, id))) return gone();
    return {
      card: subscriptionsCard({
        subscriptions: await subscriptions.listForConversation(conversationId),
        unsubscribed: { by: ctx.actor.name, subscription },
      }),
    };
  },
};
