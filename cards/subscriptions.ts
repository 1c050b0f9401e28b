import type { Subscription } from '../core/conversations/subscription';
import { absoluteTime } from '../core/text/time';
import { card, executeAction, type AdaptiveCard, type CardElement } from './card';
import { plain } from './plain';

export const SUBSCRIPTION_VERBS = { unsubscribe: 'subscription.unsubscribe' } as const;

/** Rows shown; a conversation rarely has more, and the card must stay well under Teams' size limit. */
const MAX_ROWS = 25;

export interface SubscriptionsView {
  /** This conversation's subscriptions, oldest first. */
  readonly subscriptions: readonly Subscription[];
  /** The Unsubscribe click this card answers: who removed which subscription (said on top, for everyone who sees the card). */
  readonly unsubscribed?: { readonly by: string; readonly subscription: Pick<Subscription, 'topic' | 'filter'> };
}

/** `subscriptions`: what this conversation receives, one row per subscription with its Unsubscribe button. */
export function subscriptionsCard({ subscriptions, unsubscribed }: SubscriptionsView): AdaptiveCard {
  const body: CardElement[] = [
    ...(unsubscribed ? [{ type: 'TextBlock', text: unsubscribedLine(unsubscribed), wrap: true, color: 'Good', weight: 'Bolder' }] : []),
    { type: 'TextBlock', text: 'This conversation’s subscriptions', size: 'Large', weight: 'Bolder', wrap: true },
  ];
  if (subscriptions.length === 0) {
    body.push({ type: 'TextBlock', text: 'This conversation has no subscriptions. Try `subscribe alerts sev<=2`.', wrap: true });
    return card(body);
  }
  const shown = subscriptions.slice(0, MAX_ROWS);
  const hidden = subscriptions.length - shown.length;
  body.push(
    {
      type: 'TextBlock',
      text: '`subscribe alerts|deployments|rollouts [filter]` adds one; Unsubscribe stops one.',
      isSubtle: true,
      spacing: 'None',
      wrap: true,
    },
    ...shown.map(row),
  );
  if (hidden > 0)
    body.push({
      type: 'TextBlock',
      text: `…and ${hidden} more, not shown: \`unsubscribe <topic> [filter]\` stops them.`,
      isSubtle: true,
      separator: true,
      wrap: true,
    });
  return card(body);
}

const unsubscribedLine = ({ by, subscription: { topic, filter } }: NonNullable<SubscriptionsView['unsubscribed']>): string =>
  `${plain(by)} unsubscribed this conversation from ${filter ? `${plain(topic)} ${literal(filter)}` : `all ${plain(topic)}`}.`;

/** A filter as typed, shown literally: in a code span, or escaped when a backtick would end the span. */
const literal = (filter: string): string => (filter.includes('`') ? plain(filter) : `\`${filter}\``);

function row(s: Subscription): CardElement {
  return {
    type: 'Container',
    separator: true,
    spacing: 'Medium',
    items: [
      { type: 'TextBlock', text: `**${plain(s.topic)}** ${s.filter ? literal(s.filter) : '(all)'}`, wrap: true },
      { type: 'TextBlock', text: `by ${plain(s.createdBy)}, since ${absoluteTime(s.createdAt)}`, isSubtle: true, size: 'Small', spacing: 'None', wrap: true },
      { type: 'ActionSet', actions: [executeAction('Unsubscribe', SUBSCRIPTION_VERBS.unsubscribe, { id: String(s.id) })] },
    ],
  };
}
