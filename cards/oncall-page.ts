import { ALERT_VERBS } from './alert';
import { card, executeAction, type AdaptiveCard, type CardElement } from './card';

export interface OnCallPageInput {
  readonly alertId: string;
  readonly title: string;
  readonly severity: number;
  readonly rotation: string;
  readonly member: { readonly id: string; readonly name: string };
  /** Why this person: "on call", "the secondary", "the escalation target". */
  readonly role: string;
  readonly runbookUrl?: string;
}

/**
 * The on-call person's @mention under a new alert card in a channel (and nowhere else): a
 * real Teams mention entity, so Teams notifies them. Acknowledge is here too, and the
 * Runbook when the alert or the rule has one.
 */
export function onCallMentionCard(input: OnCallPageInput): AdaptiveCard {
  const at = `<at>${input.member.name}</at>`;
  const body: CardElement[] = [
    { type: 'TextBlock', wrap: true, text: `${at}, you are ${input.role} for **${input.rotation}**: Sev${input.severity} ${input.title}.` },
    { type: 'TextBlock', wrap: true, isSubtle: true, size: 'Small', text: 'Acknowledge to stop the paging; unacknowledged, it goes to you directly, then to the next level.' },
  ];
  const actions: CardElement[] = [executeAction('Acknowledge', ALERT_VERBS.acknowledge, { id: input.alertId }, 'positive')];
  if (input.runbookUrl) actions.push({ type: 'Action.OpenUrl', title: 'Runbook', url: input.runbookUrl });
  const base = card(body, actions);
  // Teams reads mentions from msteams.entities; the text carries the same <at>…</at>.
  const msteams = { width: 'Full' as const, entities: [{ type: 'mention', text: at, mentioned: { id: input.member.id, name: input.member.name } }] };
  return { ...base, msteams };
}
