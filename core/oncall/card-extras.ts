import type { AlertRecord } from '../alerts/alert';
import type { AlertCardAudience, AlertCardExtras, AlertCardExtrasSource, CardPerson } from '../alerts/card-renderer';
import type { EscalationState } from './escalation';
import { runbookOf } from './paging';
import type { Member } from './rotation';
import type { OnCallService } from './service';
import { NOTES_ON_CARD, type TimelineEntry } from './timeline';

/** A timeline's `unreachable` entries name the person and the level: "Ana (primary)". */
const LEVEL_SUFFIX = / \((primary|secondary|escalation target)\)$/;

/** Paged people whom no personal message reached, in order, each once. */
export function unreachableNames(entries: readonly TimelineEntry[]): string[] {
  const names = entries.filter((e) => e.kind === 'unreachable' && e.detail).map((e) => e.detail!.replace(LEVEL_SUFFIX, ''));
  return [...new Set(names)];
}

/** The people an alert of this escalation can be reassigned to: the rotation's members, secondaries and escalation target. */
export async function peopleOf(oncall: OnCallService, state: EscalationState): Promise<Member[]> {
  const found = await oncall.onCall(state.rotation).catch(() => undefined);
  const people = found
    ? [...found.rotation.members, ...(found.rotation.secondaries ?? []), ...(found.rotation.escalationTarget ? [found.rotation.escalationTarget] : [])]
    : state.pages.map((p) => p.member);
  return people.filter((m, i) => people.findIndex((o) => o.id.toLowerCase() === m.id.toLowerCase()) === i);
}

/** Is the escalation still paging someone (nobody acknowledged, the alert still fires)? */
export const stillPaging = (state: EscalationState, record: AlertRecord): boolean =>
  !state.acknowledgedAt && record.state === 'New' && record.monitorCondition === 'Fired';

/**
 * What on call adds to every card of an alert: the runbook, the latest notes, and while a
 * rotation pages it, the @mention of the primary (on the card of the conversation whose
 * subscription names the rotation), the people for Reassign…, whom a personal message could
 * not reach, and who gets a per-person copy (`readers` turns people into Teams user ids).
 */
export function onCallCardExtras(oncall: OnCallService, readers: (people: readonly CardPerson[]) => string[]): AlertCardExtrasSource {
  return async (record: AlertRecord, audience: AlertCardAudience): Promise<AlertCardExtras> => {
    const notes = await oncall.timeline.notes(record.alertId, NOTES_ON_CARD);
    const base: AlertCardExtras = {
      runbookUrl: runbookOf(record, oncall.runbooks),
      notes: { count: notes.count, latest: notes.latest.map((n) => ({ actor: n.actor, at: n.at, text: n.detail ?? '' })) },
      ...(audience.page ? { page: audience.page } : {}),
      ...(audience.reader ? { reader: audience.reader } : {}),
    };
    const state = await oncall.escalations.get(record.alertId);
    if (!state) return base;
    const members = await peopleOf(oncall, state);
    const here = audience.conversationId !== undefined && audience.conversationId === state.conversationId;
    return {
      ...base,
      oncall: {
        rotation: state.rotation,
        ...(here && state.pages[0] ? { mention: state.pages[0].member } : {}),
        members,
        paged: state.pages.slice(0, state.nextPage).map((p) => `${p.member.name} (${p.level})`),
        unreachable: unreachableNames(await oncall.timeline.list(record.alertId)),
        refreshUserIds: readers(members),
        paging: stillPaging(state, record),
      },
    };
  };
}
