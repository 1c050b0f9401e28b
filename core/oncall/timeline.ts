import { Refusal } from '../refusal';

/**
 * What happened to an alert, in order, each with its time and actor: `alert <id>` shows it,
 * and the card shows the latest notes. `actor` is a person's name, or `FleetOps` for the bot.
 */
export const TIMELINE_KINDS = [
  'fired',
  'posted',
  'held',
  'mentioned',
  'paged',
  'unreachable',
  'escalated',
  'reassigned',
  'acknowledged',
  'note',
  'silenced',
  'resolved',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  readonly id: number;
  readonly alertId: string;
  /** ISO time. */
  readonly at: string;
  readonly kind: TimelineKind;
  readonly actor: string;
  readonly detail?: string;
}

export type NewTimelineEntry = Omit<TimelineEntry, 'id'>;

/** An entry to append; `firstOnly` leaves it out when its alert had entries already (its `fired` line). */
export type TimelineAddition = NewTimelineEntry & { readonly firstOnly?: boolean };

export const BOT_ACTOR = 'FleetOps';
/** The card shows this many notes; `alert <id>` shows them all. */
export const NOTES_ON_CARD = 3;
export const MAX_NOTE_LENGTH = 1000;

/** Refuses a note the timeline cannot take (core/refusal.ts): an empty one, or one over MAX_NOTE_LENGTH characters. */
export function refuseUnwritableNote(alertId: string, text: string): void {
  if (!text.trim()) throw new Refusal('alert_note_empty', { alertId });
  if (text.length > MAX_NOTE_LENGTH) throw new Refusal('alert_note_too_long', { alertId, length: text.length, max: MAX_NOTE_LENGTH });
}
