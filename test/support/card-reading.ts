/**
 * Reading a rendered card the way a person sees it: its text blocks, facts and buttons, found
 * by title or id in the parsed JSON (what Teams receives), not substrings of the serialized card.
 */

export interface CardAction {
  readonly type: string;
  readonly title?: string;
  readonly verb?: string;
  readonly style?: string;
  readonly data?: Record<string, unknown>;
  /** Action.ShowCard's card. */
  readonly card?: ReadCard;
}

export interface ReadCard {
  readonly type: string;
  readonly body?: readonly Record<string, unknown>[];
  readonly actions?: readonly CardAction[];
  readonly [key: string]: unknown;
}

/** The card in a reply (or a card action's answer), as Teams gets it: JSON, parsed back. */
export function cardIn(reply: unknown): ReadCard {
  const parsed: unknown = JSON.parse(typeof reply === 'string' ? reply : JSON.stringify(reply));
  if (typeof parsed !== 'object' || parsed === null || (parsed as { type?: unknown }).type !== 'AdaptiveCard') {
    throw new Error(`not an Adaptive Card: ${String(reply).slice(0, 200)}`);
  }
  return parsed as ReadCard;
}

/** Every element of the body (containers, columns and show-cards opened), depth first. */
export function elements(card: ReadCard): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string') out.push(record);
    for (const key of ['body', 'items', 'columns', 'card']) visit(record[key]);
  };
  visit(card.body);
  return out;
}

/** The texts of the card's TextBlocks, in reading order. */
export const texts = (card: ReadCard): string[] =>
  elements(card)
    .filter((e) => e.type === 'TextBlock')
    .map((e) => String(e.text));

/** The one TextBlock matching `pattern` (fails when none or several match). */
export function textMatching(card: ReadCard, pattern: RegExp): string {
  const found = texts(card).filter((t) => pattern.test(t));
  if (found.length !== 1) throw new Error(`${found.length} text blocks match ${pattern}: ${JSON.stringify(texts(card))}`);
  return found[0]!;
}

/** All FactSets' facts by title (a later fact of the same title wins). */
export function facts(card: ReadCard): Record<string, string> {
  const out: Record<string, string> = {};
  for (const set of elements(card).filter((e) => e.type === 'FactSet'))
    for (const f of set.facts as Array<{ title: string; value: string }>) out[f.title] = f.value;
  return out;
}

/**
 * The notice on top of a card that answers a click which changed nothing (the warning container
 * of cards/card.ts noticeBlock, first in the body), or undefined when the card has none.
 */
export function notice(card: ReadCard): string | undefined {
  const first = card.body?.[0];
  if (first?.type !== 'Container' || first.style !== 'warning') return undefined;
  return texts({ type: 'AdaptiveCard', body: [first] })[0];
}

/** The card's buttons (top level). */
export const actions = (card: ReadCard): CardAction[] => [...(card.actions ?? [])];

/** The buttons of the ActionSets in the body (e.g. an alert card's Escalate and Reassign…), in reading order. */
export const bodyActions = (card: ReadCard): CardAction[] =>
  elements(card)
    .filter((e) => e.type === 'ActionSet')
    .flatMap((e) => e.actions as CardAction[]);

/** The button titled `title`, at the top level or inside a show-card (fails when there is none). */
export function action(card: ReadCard, title: string): CardAction {
  const all = [...actions(card), ...actions(card).flatMap((a) => (a.card ? actions(a.card) : []))];
  const found = all.find((a) => a.title === title);
  if (!found) throw new Error(`no button "${title}"; buttons: ${JSON.stringify(all.map((a) => a.title))}`);
  return found;
}

/** The input with `id` (e.g. a picker inside a show-card). */
export function input(card: ReadCard, id: string): Record<string, unknown> {
  const found = [...elements(card), ...actions(card).flatMap((a) => (a.card ? elements(a.card) : []))].find((e) => e.id === id);
  if (!found) throw new Error(`no input "${id}"`);
  return found;
}
