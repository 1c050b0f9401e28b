import type { AlertCardInput, CardPerson } from '../core/alerts/card-renderer';
import { executeAction, type CardElement } from './card';
import { clip } from './alert-format';
import { plain } from './plain';
import { MAX_REFRESH_USERS } from './refresh-users';

/** Verbs of the alert card's on-call parts (handled in commands/oncall-alert.ts). */
export const ONCALL_VERBS = { note: 'oncall.note', escalate: 'oncall.escalate', reassign: 'oncall.reassign', refresh: 'oncall.refresh' } as const;

/** The name as the card writes it inside `<at>…</at>`; the mention entity must carry the very same text. */
const mentionName = (person: CardPerson) => clip(person.name.replace(/[<>\\`*_~[\]]/g, '').trim() || person.id, 80);
export const mentionText = (person: CardPerson) => `<at>${mentionName(person)}</at>`;
/** Real ids (Entra object ids, 29: ids, UPNs) are short; anything longer cannot be mentioned. */
const mentionable = (person: CardPerson) => person.id.length <= 200;

/** The operator's copy, unless this is one reader's copy and their role does not allow acting. */
export const readerCanAct = (input: AlertCardInput) => input.reader?.canAct ?? true;

/**
 * What the on-call person reads first: the @mention (Teams notifies them), "you are on call"
 * on their own copy, why a personal page reached them, and whom a personal message could not
 * reach (the paging went on).
 */
export function onCallLines(input: AlertCardInput): CardElement[] {
  const lines: CardElement[] = [];
  const oncall = input.oncall;
  const waiting = input.record.state === 'New' && input.record.monitorCondition === 'Fired';
  if (oncall?.mention) {
    const ask = waiting ? ': acknowledge to stop the paging; unacknowledged, it goes to you directly, then to the next level.' : '.';
    const who = mentionable(oncall.mention) ? mentionText(oncall.mention) : plain(mentionName(oncall.mention));
    lines.push({ type: 'TextBlock', wrap: true, text: `${who}, you are on call for **${plain(oncall.rotation)}**${ask}` });
  }
  if (oncall && oncall.paged.length > 0)
    lines.push({ type: 'TextBlock', wrap: true, size: 'Small', text: `Paged: ${oncall.paged.map((p) => plain(clip(p, 120))).join(', ')}.` });
  if (input.page) lines.push({ type: 'TextBlock', wrap: true, weight: 'Bolder', text: `Paged to you: ${plain(input.page.why)}.` });
  if (input.reader?.onCall) lines.push({ type: 'TextBlock', wrap: true, weight: 'Bolder', color: 'Attention', text: 'You are on call for this alert.' });
  for (const name of oncall?.unreachable ?? [])
    lines.push({
      type: 'TextBlock',
      wrap: true,
      size: 'Small',
      color: 'Attention',
      text: `Could not reach ${plain(clip(name, 100))} directly: FleetOps is not installed for them. Paging goes on.`,
    });
  return lines;
}

/** The latest notes with the count, and the inline input to add one (for those who may). */
export function notesSection(input: AlertCardInput): CardElement[] {
  const notes = input.notes;
  if (!notes) return [];
  const id = { id: input.record.alertId };
  const items: CardElement[] = [];
  if (notes.count > 0) {
    items.push({ type: 'TextBlock', wrap: true, weight: 'Bolder', spacing: 'Medium', text: `Notes (${notes.count})` });
    for (const note of notes.latest)
      items.push({
        type: 'TextBlock',
        wrap: true,
        spacing: 'Small',
        text: `**${plain(clip(note.actor, 100))}** ${note.at.slice(11, 16)} UTC: ${plain(clip(note.text, 1000))}`,
      });
    if (notes.count > notes.latest.length)
      items.push({
        type: 'TextBlock',
        isSubtle: true,
        size: 'Small',
        wrap: true,
        text: `${notes.count - notes.latest.length} older; \`alert ${plain(clip(input.record.alertId.split('/').at(-1) ?? '', 100))}\` shows them all.`,
      });
  }
  if (readerCanAct(input) && input.record.state !== 'Closed') {
    items.push(
      { type: 'Input.Text', id: 'note', placeholder: 'Add a note: what you found or did', isMultiline: true, maxLength: 1000, spacing: 'Medium' },
      { type: 'ActionSet', actions: [executeAction('Add note', ONCALL_VERBS.note, id)] },
    );
  }
  return items;
}

/** Escalate (the next level now) and Reassign… (a person of the rotation), while someone is being paged. */
export function pagingActions(input: AlertCardInput): CardElement[] {
  const oncall = input.oncall;
  if (!oncall?.paging || !readerCanAct(input)) return [];
  const id = { id: input.record.alertId };
  const actions: CardElement[] = [executeAction('Escalate', ONCALL_VERBS.escalate, id)];
  const people = oncall.members.slice(0, 30);
  if (people.length > 0) {
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
            choices: people.map((m) => ({ title: plain(clip(m.name, 100)), value: m.id })),
            value: people[0]!.id,
          },
        ],
        actions: [executeAction('Reassign', ONCALL_VERBS.reassign, id)],
      },
    });
  }
  return [{ type: 'ActionSet', actions }];
}

/** Universal Actions refresh: the people named get their own copy (at most 60, Teams' limit). */
export function refreshOf(input: AlertCardInput): { refresh?: { action: CardElement; userIds: string[] } } {
  const userIds = (input.oncall?.refreshUserIds ?? []).slice(0, MAX_REFRESH_USERS);
  return userIds.length > 0 ? { refresh: { action: executeAction('Refresh', ONCALL_VERBS.refresh, { id: input.record.alertId }), userIds } } : {};
}

/** Teams reads mentions from msteams.entities; the card's text carries the same `<at>…</at>`. */
export function mentionEntities(input: AlertCardInput): Array<{ type: 'mention'; text: string; mentioned: { id: string; name: string } }> {
  const person = input.oncall?.mention;
  return person && mentionable(person) ? [{ type: 'mention', text: mentionText(person), mentioned: { id: person.id, name: mentionName(person) } }] : [];
}
