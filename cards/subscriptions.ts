import type { Subscription } from '../core/conversations/subscription';
import { absoluteTime } from '../core/text/time';
import type { AdaptiveCard } from './card';
import { literal, plain } from './plain';
import { rowListCard } from './row-list';

export const SUBSCRIPTION_VERBS = { unsubscribe: 'subscription.unsubscribe' } as const;

export interface SubscriptionsView {
  /** This conversation's subscriptions, oldest first. */
  readonly subscriptions: readonly Subscription[];
  /** The Unsubscribe click this card answers: who removed which subscription (said on top, for everyone who sees the card). */
  readonly unsubscribed?: { readonly by: string; readonly subscription: Pick<Subscription, 'topic' | 'filter'> };
}

/** `subscriptions`: what this conversation receives, one row per subscription with its Unsubscribe button. */
export function subscriptionsCard({ subscriptions, unsubscribed }: SubscriptionsView): AdaptiveCard {
  return rowListCard({
    done: unsubscribed && `${plain(unsubscribed.by)} unsubscribed this conversation from ${what(unsubscribed.subscription)}.`,
    title: 'This conversation’s subscriptions',
    empty: 'This conversation has no subscriptions. Try `subscribe alerts sev<=2`.',
    hint: '`subscribe alerts|deployments|rollouts [filter]` adds one; Unsubscribe stops one.',
    rows: subscriptions.map((s) => ({
      text: `**${plain(s.topic)}** ${s.filter ? literal(s.filter) : '(all)'}`,
      detail: `by ${plain(s.createdBy)}, since ${absoluteTime(s.createdAt)}`,
      button: { title: 'Unsubscribe', verb: SUBSCRIPTION_VERBS.unsubscribe, data: { id: String(s.id) } },
    })),
    more: (hidden) => `…and ${hidden} more, not shown: \`unsubscribe <topic> [filter]\` stops them.`,
  });
}

const what = ({ topic, filter }: Pick<Subscription, 'topic' | 'filter'>): string => (filter ? `${plain(topic)} ${literal(filter)}` : `all ${plain(topic)}`);
