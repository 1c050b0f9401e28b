import { fitStrings, MAX_CARD_BYTES } from './fit';

/** An Adaptive Card as plain JSON (schema 1.5, what Teams renders). */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema?: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardElement[];
  refresh?: { action: CardElement; userIds?: string[] };
  /** `entities`: the mentions whose `<at>…</at>` text the card carries (Teams notifies those people). */
  msteams?: { width?: 'Full'; entities?: Array<{ type: 'mention'; text: string; mentioned: { id: string; name: string } }> };
  [key: string]: unknown;
}

export type CardElement = Record<string, unknown>;

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

export function card(body: CardElement[], actions?: CardElement[], extra: Partial<AdaptiveCard> = {}): AdaptiveCard {
  return fitCard(unfittedCard(body, actions, extra));
}

/**
 * The card before fitting, for builders that first drop content (rows, tables) while even
 * `mostClipped` of it is too big, and then call `fitCard` once: fitting is a search over
 * the whole card, too costly to repeat for every try.
 */
export function unfittedCard(body: CardElement[], actions?: CardElement[], extra: Partial<AdaptiveCard> = {}): AdaptiveCard {
  const result: AdaptiveCard = { type: 'AdaptiveCard', $schema: CARD_SCHEMA, version: '1.5', body, msteams: { width: 'Full' }, ...extra };
  if (actions && actions.length > 0) result.actions = actions;
  return result;
}

/** Texts from outside (alert rules, device ids, log cells...) can be any size: the card still fits. */
export const fitCard = (built: AdaptiveCard): AdaptiveCard => fitStrings(built, MAX_CARD_BYTES);

/**
 * A Universal Action (Action.Execute) with an Action.Submit fallback for old clients.
 * `verb` routes the click to a card-action handler; `data` is validated there.
 */
export function executeAction(title: string, verb: string, data: Record<string, unknown> = {}, style?: 'positive' | 'destructive'): CardElement {
  const action: CardElement = { type: 'Action.Execute', title, verb, data: { ...data, verb } };
  if (style) action.style = style;
  action.fallback = { type: 'Action.Submit', title, data: { ...data, verb } };
  return action;
}

export function openUrlAction(title: string, url: string): CardElement {
  return { type: 'Action.OpenUrl', title, url };
}

/** Shown on top of a card that answers a click which changed nothing: what happened instead, and who did it. */
export function noticeBlock(text: string): CardElement {
  return { type: 'Container', style: 'warning', items: [{ type: 'TextBlock', text, wrap: true, weight: 'Bolder' }] };
}

/** Byte size of the card as Teams receives it. */
export function cardBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
