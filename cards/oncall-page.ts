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
  /** The latest notes (newest first) and how many there are. */
  readonly notes?: { readonly latest: ReadonlyArray<{ readonly actor: string; readonly at: string; readonly text: string }>; readonly count: number };
}

export const ONCALL_VERBS = { note: 'oncall.note', escalate: 'oncall.escalate' } as const;

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
  const notes = input.notes;
  if (notes && notes.count > 0) {
    body.push({ type: 'TextBlock', wrap: true, weight: 'Bolder', spacing: 'Medium', text: `Notes (${notes.count})` });
    for (const note of notes.latest) body.push({ type: 'TextBlock', wrap: true, spacing: 'Small', text: `**${note.actor}** ${note.at.slice(11, 16)} UTC: ${note.text}` });
    if (notes.count > notes.latest.length) body.push({ type: 'TextBlock', isSubtle: true, size: 'Small', text: `${notes.count - notes.latest.length} older; \`alert ${input.alertId}\` shows them all.` });
  }
  body.push({ type: 'Input.Text', id: 'note', placeholder: 'Add a note: what you found or did', isMultiline: true, maxLength: 1000 });
  const actions: CardElement[] = [
    executeAction('Acknowledge', ALERT_VERBS.acknowledge, { id: input.alertId }, 'positive'),
    executeAction('Add note', ONCALL_VERBS.note, { id: input.alertId }),
    executeAction('Escalate', ONCALL_VERBS.escalate, { id: input.alertId }),
  ];
  if (input.runbookUrl) actions.push({ type: 'Action.OpenUrl', title: 'Runbook', url: input.runbookUrl });
  const base = card(body, actions);
  // Teams reads mentions from msteams.entities; the text carries the same <at>…</at>.
  const msteams = { width: 'Full' as const, entities: [{ type: 'mention', text: at, mentioned: { id: input.member.id, name: input.member.name } }] };
  return { ...base, msteams };
}
