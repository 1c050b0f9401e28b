import { ALERT_VERBS } from './alert';
import { card, executeAction, type AdaptiveCard, type CardElement } from './card';
import { MAX_REFRESH_USERS } from './refresh-users';

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
  /** The rotation's people, for Reassign…. */
  readonly members?: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  /** Teams user ids (MRIs) whose copy refreshes for them (Universal Actions; Teams takes at most 60). */
  readonly refreshUserIds?: readonly string[];
  /** The per-person version: what this reader may do, and whether they are the one on call. */
  readonly reader?: { readonly canAct: boolean; readonly onCall: boolean };
}

export const ONCALL_VERBS = { note: 'oncall.note', escalate: 'oncall.escalate', reassign: 'oncall.reassign', refresh: 'oncall.refresh' } as const;

/**
 * The on-call person's @mention under a new alert card in a channel: a real Teams mention
 * entity, so Teams notifies them. Acknowledge, Add note, Escalate and Reassign… for those
 * whose role allows them (the server checks again: the buttons are a convenience), and the
 * Runbook when the alert or the rule has one. Each person named in `refreshUserIds` gets
 * their own version (`reader`), which says "you are on call" to the one who is.
 */
export function onCallMentionCard(input: OnCallPageInput): AdaptiveCard {
  const at = `<at>${input.member.name}</at>`;
  const body: CardElement[] = [
    { type: 'TextBlock', wrap: true, text: `${at}, you are ${input.role} for **${input.rotation}**: Sev${input.severity} ${input.title}.` },
    {
      type: 'TextBlock',
      wrap: true,
      isSubtle: true,
      size: 'Small',
      text: 'Acknowledge to stop the paging; unacknowledged, it goes to you directly, then to the next level.',
    },
  ];
  if (input.reader?.onCall) body.push({ type: 'TextBlock', wrap: true, weight: 'Bolder', color: 'Attention', text: 'You are on call for this alert.' });
  const notes = input.notes;
  if (notes && notes.count > 0) {
    body.push({ type: 'TextBlock', wrap: true, weight: 'Bolder', spacing: 'Medium', text: `Notes (${notes.count})` });
    for (const note of notes.latest)
      body.push({ type: 'TextBlock', wrap: true, spacing: 'Small', text: `**${note.actor}** ${note.at.slice(11, 16)} UTC: ${note.text}` });
    if (notes.count > notes.latest.length)
      body.push({
        type: 'TextBlock',
        isSubtle: true,
        size: 'Small',
        text: `${notes.count - notes.latest.length} older; \`alert ${input.alertId}\` shows them all.`,
      });
  }
  const canAct = input.reader?.canAct ?? true;
  const id = { id: input.alertId };
  const actions: CardElement[] = [];
  if (canAct) {
    body.push({ type: 'Input.Text', id: 'note', placeholder: 'Add a note: what you found or did', isMultiline: true, maxLength: 1000 });
    actions.push(
      executeAction('Acknowledge', ALERT_VERBS.acknowledge, id, 'positive'),
      executeAction('Add note', ONCALL_VERBS.note, id),
      executeAction('Escalate', ONCALL_VERBS.escalate, id),
    );
    const others = (input.members ?? []).filter((m) => m.id.toLowerCase() !== input.member.id.toLowerCase());
    if (others.length > 0) {
      actions.push({
        type: 'Action.ShowCard',
        title: 'Reassign…',
        card: {
          type: 'AdaptiveCard',
          body: [
            {
              type: 'Input.ChoiceSet',
              id: 'member',
              label: 'Page instead',
              choices: others.map((m) => ({ title: m.name, value: m.id })),
              value: others[0]!.id,
            },
          ],
          actions: [executeAction('Reassign', ONCALL_VERBS.reassign, id)],
        },
      });
    }
  }
  if (input.runbookUrl) actions.push({ type: 'Action.OpenUrl', title: 'Runbook', url: input.runbookUrl });
  const refreshUserIds = (input.refreshUserIds ?? []).slice(0, MAX_REFRESH_USERS);
  const refresh = refreshUserIds.length > 0 ? { action: executeAction('Refresh', ONCALL_VERBS.refresh, id), userIds: refreshUserIds } : undefined;
  const base = card(body, actions, refresh ? { refresh } : {});
  // Teams reads mentions from msteams.entities; the text carries the same <at>…</at>.
  const msteams = { width: 'Full' as const, entities: [{ type: 'mention', text: at, mentioned: { id: input.member.id, name: input.member.name } }] };
  return { ...base, msteams };
}
