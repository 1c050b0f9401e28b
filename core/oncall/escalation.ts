import type { Member } from './rotation';
import type { OnCall } from './schedule';

/**
 * The escalation of one alert: the channel card mentions the primary; unacknowledged for N
 * minutes, the primary gets a personal message; N more, the secondary is paged; N more, the
 * rotation's escalation target. The chain is fixed when the card is posted, so a hand-off in
 * the middle does not change who is paged. Acknowledging stops it.
 *
 * The state is advanced with a version check together with queuing the page (one
 * transaction), so a restart or a second replica neither skips nor repeats a page.
 */
export type PageLevel = 'primary' | 'secondary' | 'escalation target';

export interface Page {
  readonly level: PageLevel;
  readonly member: Member;
}

export interface EscalationState {
  readonly alertId: string;
  readonly rotation: string;
  readonly conversationId: string;
  /** The personal pages, in order (the channel mention of the primary is not one of them). */
  readonly pages: readonly Page[];
  /** Index into `pages` of the next page to send; `pages.length` when all are sent. */
  readonly nextPage: number;
  /** ISO time the next page is due; undefined when nothing more will be sent. */
  readonly nextDueAt?: string;
  readonly unacknowledgedMs: number;
  readonly acknowledgedBy?: string;
  readonly acknowledgedAt?: string;
  readonly version: number;
}

/** primary (DM), secondary, escalation target: each once, none who is already in the chain above. */
export function pagesFor(onCall: Pick<OnCall, 'primary' | 'secondary' | 'escalationTarget'>): Page[] {
  const pages: Page[] = [{ level: 'primary', member: onCall.primary }];
  const add = (level: PageLevel, member: Member | undefined) => {
    if (member && !pages.some((p) => p.member.id.toLowerCase() === member.id.toLowerCase())) pages.push({ level, member });
  };
  add('secondary', onCall.secondary);
  add('escalation target', onCall.escalationTarget);
  return pages;
}

export function startEscalation(input: {
  alertId: string;
  conversationId: string;
  onCall: OnCall;
  unacknowledgedMinutes: number;
  postedAt: Date;
}): EscalationState {
  const unacknowledgedMs = input.unacknowledgedMinutes * 60_000;
  return {
    alertId: input.alertId,
    rotation: input.onCall.rotation,
    conversationId: input.conversationId,
    pages: pagesFor(input.onCall),
    nextPage: 0,
    nextDueAt: new Date(input.postedAt.getTime() + unacknowledgedMs).toISOString(),
    unacknowledgedMs,
    version: 1,
  };
}

/** The page to send at `now`, if one is due. */
export function duePage(state: EscalationState, now: Date): Page | undefined {
  if (state.acknowledgedAt || state.nextDueAt === undefined || Date.parse(state.nextDueAt) > now.getTime()) return undefined;
  return state.pages[state.nextPage];
}

/** After the due page is queued: the next one is due N minutes later, or nothing more. */
export function pageSent(state: EscalationState, now: Date): EscalationState {
  const nextPage = state.nextPage + 1;
  const more = nextPage < state.pages.length;
  return { ...state, nextPage, nextDueAt: more ? new Date(now.getTime() + state.unacknowledgedMs).toISOString() : undefined, version: state.version + 1 };
}

/** The Escalate button: the next page is due now. */
export function escalateNow(state: EscalationState, now: Date): EscalationState | undefined {
  if (state.acknowledgedAt || state.nextPage >= state.pages.length) return undefined;
  return { ...state, nextDueAt: now.toISOString(), version: state.version + 1 };
}

/** Reassign…: `member` is paged now, and the chain goes on from there if they do not acknowledge either. */
export function reassign(state: EscalationState, member: Member, now: Date): EscalationState {
  const rest = state.pages.slice(state.nextPage).filter((p) => p.member.id.toLowerCase() !== member.id.toLowerCase());
  const pages = [...state.pages.slice(0, state.nextPage), { level: 'primary' as const, member }, ...rest];
  return { ...state, pages, nextDueAt: now.toISOString(), acknowledgedAt: undefined, acknowledgedBy: undefined, version: state.version + 1 };
}

export function acknowledged(state: EscalationState, by: string, at: Date): EscalationState {
  if (state.acknowledgedAt) return state;
  return { ...state, acknowledgedBy: by, acknowledgedAt: at.toISOString(), nextDueAt: undefined, version: state.version + 1 };
}
