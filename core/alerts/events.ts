import type { AlertCardInput } from './card-renderer';
import type { Delivery } from './repository';
import type { StormView } from './storm';

/**
 * What the alerts domain says changed on the cards that show an alert. Alerts are routed when
 * they arrive (subscriptions and storms decide, and the deliveries are stored with the alert),
 * so each event names its copies: the broadcaster delivers them (RoutedEventCards).
 */
export type AlertEvent =
  /** The alert's own cards: one copy per conversation, with what that copy shows (the mention differs by conversation). */
  | { readonly type: 'alert.changed'; readonly copies: ReadonlyArray<{ readonly delivery: Delivery; readonly card: AlertCardInput }> }
  /** A storm card: the rule's alerts in one conversation, as they are now. */
  | { readonly type: 'alert.storm-changed'; readonly conversationId: string; readonly cardKey: string; readonly view: StormView; readonly now: Date };
