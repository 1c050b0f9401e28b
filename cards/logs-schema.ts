import type { LogsTableSchema } from '../core/ports/logs';
import { cardBytes, fitCard, unfittedCard, type AdaptiveCard, type CardElement } from './card';
import { mostClipped } from './fit';
import { MAX_CARD_BYTES } from './fit';
import { plain } from './plain';

export interface LogsSchemaView {
  readonly tables: readonly LogsTableSchema[];
  /** e.g. "embedded DuckDB" or "Log Analytics". */
  readonly store: string;
}

/** `logs schema`: every table a query can read, with its columns and their types. */
export function logsSchemaCard({ tables, store }: LogsSchemaView): AdaptiveCard {
  const build = (shown: readonly LogsTableSchema[]): AdaptiveCard => {
    const body: CardElement[] = [
      { type: 'TextBlock', text: 'Log tables', size: 'Large', weight: 'Bolder', wrap: true },
      {
        type: 'TextBlock',
        text: `${tables.length} table${tables.length === 1 ? '' : 's'} in ${store}${shown.length < tables.length ? `, first ${shown.length} shown` : ''}. Use them as \`logs <table> | take 10\`.`,
        isSubtle: true,
        spacing: 'None',
        wrap: true,
      },
      ...shown.map((t) => ({
        type: 'Container',
        separator: true,
        spacing: 'Medium',
        items: [
          { type: 'TextBlock', text: `**${plain(t.name)}** (${t.columns.length} columns)`, wrap: true },
          { type: 'FactSet', spacing: 'Small', facts: t.columns.map((c) => ({ title: plain(c.name), value: c.type })) },
        ],
      })),
    ];
    if (tables.length === 0) body.push({ type: 'TextBlock', text: 'The store has no tables yet.', wrap: true });
    return unfittedCard(body);
  };
  // Tables go while even the most clipped card is too big; then the card is fitted once.
  let shown = tables;
  let result = build(shown);
  while (cardBytes(mostClipped(result)) > MAX_CARD_BYTES && shown.length > 1) {
    shown = shown.slice(0, Math.max(1, Math.floor(shown.length * 0.7)));
    result = build(shown);
  }
  return fitCard(result);
}
