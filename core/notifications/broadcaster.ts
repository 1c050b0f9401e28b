import type { SubscriptionRepository, Topic } from '../conversations/subscription';
import type { Notifier, OutboundMessage } from './notifier';

/** What a feature's domain says happened; each feature's union is discriminated by `type` (`rollout.approved`, …). */
export interface DomainEvent {
  readonly type: string;
}

/**
 * Where a feature's events go: given to the feature's service when it is built, never set
 * afterwards. Answers the conversations the event's card was posted to.
 */
export type PublishEvent<E extends DomainEvent> = (event: E) => Promise<readonly string[]>;

/**
 * How one feature's events become cards: who gets them (the subscribers of `topic` whose
 * filter `matches` the event, plus `alsoTo`), under which notifier key, and what they show.
 * `render` returning undefined means the event changes no card.
 */
export interface EventCards<E extends DomainEvent> {
  readonly topic: Topic;
  matches(filter: string, event: E): boolean;
  cardKey(event: E): string;
  render(event: E): OutboundMessage | undefined | Promise<OutboundMessage | undefined>;
  /** Conversations that get the card without a subscription (the one a rollout was planned in), first. */
  alsoTo?(event: E): readonly string[];
}

/** Where a feature's events go when their conversations were decided before: answers how many cards were posted. */
export type PublishRouted<E extends DomainEvent> = (event: E) => Promise<number>;

/**
 * How events become cards when their conversations were decided before the event (an alert
 * is routed when it arrives: subscriptions, storms, and the deliveries stored with it): the
 * event names its copies, each with its own card key, and each copy is rendered for its
 * conversation. `render` returning undefined leaves that copy as it is.
 */
export interface RoutedEventCards<E extends DomainEvent> {
  copies(event: E): ReadonlyArray<{ readonly conversationId: string; readonly cardKey: string }>;
  render(event: E, conversationId: string): OutboundMessage | undefined | Promise<OutboundMessage | undefined>;
}

/**
 * The one path from a domain event to cards: the card is rendered once per event and put
 * in the outbox of every conversation that should see it, under the event's card key (the
 * notifier sends a key's first post and updates it in place afterwards); or, for events
 * routed before (`deliver`), rendered per copy under each copy's key. Call it inside a
 * unit of work when the cards must commit with the change that caused them.
 */
export class Broadcaster {
  constructor(
    private readonly subscriptions: Pick<SubscriptionRepository, 'listForTopic'>,
    private readonly notifier: Notifier,
  ) {}

  /** Returns the conversations the card was posted to. */
  async broadcast<E extends DomainEvent>(cards: EventCards<E>, event: E): Promise<string[]> {
    const conversations = new Set(cards.alsoTo?.(event) ?? []);
    for (const sub of await this.subscriptions.listForTopic(cards.topic)) if (cards.matches(sub.filter, event)) conversations.add(sub.conversationId);
    if (conversations.size === 0) return [];
    const message = await cards.render(event);
    if (!message) return [];
    const key = cards.cardKey(event);
    for (const conversationId of conversations) await this.notifier.post(conversationId, key, message);
    return [...conversations];
  }

  /** Puts each of the event's copies in its conversation's outbox; returns how many. */
  async deliver<E extends DomainEvent>(cards: RoutedEventCards<E>, event: E): Promise<number> {
    let posted = 0;
    for (const { conversationId, cardKey } of cards.copies(event)) {
      const message = await cards.render(event, conversationId);
      if (!message) continue;
      await this.notifier.post(conversationId, cardKey, message);
      posted++;
    }
    return posted;
  }

  /** The feature's `PublishRouted`: every event it is given goes out through `cards`. */
  router<E extends DomainEvent>(cards: RoutedEventCards<E>): PublishRouted<E> {
    return (event) => this.deliver(cards, event);
  }

  /** The feature's `PublishEvent`: every event it is given goes out through `cards`. */
  publisher<E extends DomainEvent>(cards: EventCards<E>): PublishEvent<E> {
    return (event) => this.broadcast(cards, event);
  }
}
