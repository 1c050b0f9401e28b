import { card, executeAction, type AdaptiveCard, type CardElement } from './card';

/** Rows shown; a conversation rarely has more, and the card must stay well under Teams' size limit. */
const MAX_ROWS = 25;

/** One row: a line of its own, a subtle line under it, and its button (verb and data of an Action.Execute). */
export interface ListRow {
  readonly text: string;
  readonly detail: string;
  readonly button: { readonly title: string; readonly verb: string; readonly data: Record<string, string> };
}

/**
 * A card listing things of this conversation with one button per row (subscriptions with
 * Unsubscribe, silences with End silence): the answer to a click said on top, for everyone who
 * sees the card; the title; a hint, or the `empty` line when there is nothing; the rows, capped
 * at MAX_ROWS with `more(hidden)` saying what is not shown.
 */
export function rowListCard(list: {
  readonly done?: string;
  readonly title: string;
  readonly empty: string;
  readonly hint: string;
  readonly rows: readonly ListRow[];
  readonly more: (hidden: number) => string;
}): AdaptiveCard {
  const body: CardElement[] = [
    ...(list.done ? [{ type: 'TextBlock', text: list.done, wrap: true, color: 'Good', weight: 'Bolder' }] : []),
    { type: 'TextBlock', text: list.title, size: 'Large', weight: 'Bolder', wrap: true },
  ];
  if (list.rows.length === 0) {
    body.push({ type: 'TextBlock', text: list.empty, wrap: true });
    return card(body);
  }
  const shown = list.rows.slice(0, MAX_ROWS);
  const hidden = list.rows.length - shown.length;
  body.push({ type: 'TextBlock', text: list.hint, isSubtle: true, spacing: 'None', wrap: true }, ...shown.map(row));
  if (hidden > 0) body.push({ type: 'TextBlock', text: list.more(hidden), isSubtle: true, separator: true, wrap: true });
  return card(body);
}

function row({ text, detail, button }: ListRow): CardElement {
  return {
    type: 'Container',
    separator: true,
    spacing: 'Medium',
    items: [
      { type: 'TextBlock', text, wrap: true },
      { type: 'TextBlock', text: detail, isSubtle: true, size: 'Small', spacing: 'None', wrap: true },
      { type: 'ActionSet', actions: [executeAction(button.title, button.verb, button.data)] },
    ],
  };
}
