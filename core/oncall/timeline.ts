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

export function noteProblem(text: string): string | undefined {
  if (!text.trim()) return 'The note is empty; type what you found or did, e.g. "rebooted the gateway, devices back".';
  if (text.length > MAX_NOTE_LENGTH) return `A note holds up to ${MAX_NOTE_LENGTH} characters (this one has ${text.length}); shorten it or add two.`;
  return undefined;
}
