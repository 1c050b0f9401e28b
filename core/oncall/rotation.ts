import { Refusal, type RefusalCode, type RefusalFacts } from '../refusal';
import { isTimeZone, parseClock, parseLocalDate, parseWeekday, WEEKDAYS, formatClock } from './zoned-time';

/**
 * An on-call rotation: members take turns as primary, one shift each, handing off at a
 * local time (weekly on a weekday, or daily) in an IANA time zone. The secondary is the
 * next member in line, or the next of a separate secondary list when one is given.
 */
export interface Member {
  /** What Teams can mention and message: an Entra object id, a 29: user id or a UPN. */
  readonly id: string;
  readonly name: string;
}

export type Cadence = 'weekly' | 'daily';

export interface Rotation {
  /** Lowercase letters, digits and dashes: `berlin-ops`. */
  readonly name: string;
  readonly cadence: Cadence;
  /** Weekly rotations: the hand-off weekday, 0 = Sunday. */
  readonly handoffWeekday?: number;
  /** Minutes after local midnight. */
  readonly handoffMinutes: number;
  readonly timeZone: string;
  readonly members: readonly Member[];
  /** When given, the secondary takes turns over this list instead of being the next member. */
  readonly secondaries?: readonly Member[];
  /** The local date (YYYY-MM-DD) from which the first member's shift counts. */
  readonly startDate: string;
  /** Paged last, when neither primary nor secondary acknowledges. */
  readonly escalationTarget?: Member;
  /** How long an alert may sit unacknowledged before the next page. */
  readonly unacknowledgedMinutes: number;
}

export const DEFAULT_UNACKNOWLEDGED_MINUTES = 5;
/** Shifts count from a Monday, so two rotations with the same members line up unless told otherwise. */
export const DEFAULT_START_DATE = '2024-01-01';

export const ROTATION_EXAMPLE =
  'oncall rotation add berlin-ops weekly Mon 09:00 Europe/Berlin members:alice@contoso.com,bob@contoso.com escalate:carol@contoso.com';
export const TIME_ZONE_EXAMPLE = 'Europe/Berlin, America/New_York, Asia/Kolkata or UTC';

/** Validated, or refused with the first problem (the caller throws it, or lists them all as ONCALL_FILE does). */
export type Checked<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };
export const fine = <T>(value: T): Checked<T> => ({ ok: true, value });
export const problem = <C extends RefusalCode>(code: C, facts: RefusalFacts[C]): Checked<never> => ({ ok: false, refusal: new Refusal(code, facts) });

/** What someone wrote (chat or YAML), before validation. */
export interface RotationInput {
  readonly name: string;
  readonly cadence: string;
  /** `Mon 09:00` (weekly) or `09:00` (daily). */
  readonly handoff: string;
  readonly timeZone: string;
  readonly members: readonly (string | Member)[];
  readonly secondaries?: readonly (string | Member)[];
  readonly startDate?: string;
  readonly escalationTarget?: string | Member;
  readonly unacknowledgedMinutes?: number;
}

/** `alice@contoso.com` → { id: 'alice@contoso.com', name: 'alice' }. */
export function memberOf(entry: string | Member): Member {
  if (typeof entry !== 'string') return { id: entry.id.trim(), name: entry.name.trim() || entry.id.trim() };
  const id = entry.trim();
  return { id, name: id.includes('@') ? id.slice(0, id.indexOf('@')) : id };
}

/** Checks everything, so nothing half-valid is ever saved; each refusal's text names an example that works. */
export function validateRotation(input: RotationInput): Checked<Rotation> {
  const name = input.name.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(name)) return problem('rotation_name_invalid', { name: input.name });
  const cadence = input.cadence.trim().toLowerCase();
  if (cadence !== 'weekly' && cadence !== 'daily') return problem('rotation_cadence_unknown', { cadence: input.cadence });
  const handoff = parseHandoff(input.handoff, cadence);
  if (!handoff.ok) return handoff;
  const timeZone = input.timeZone.trim();
  if (!isTimeZone(timeZone)) return problem('time_zone_unknown', { timeZone, usedIn: 'rotation' });
  const members = input.members.map(memberOf).filter((m) => m.id);
  if (members.length === 0) return problem('rotation_without_members', { rotation: name });
  const duplicate = members.find((m, i) => members.findIndex((o) => o.id.toLowerCase() === m.id.toLowerCase()) !== i);
  if (duplicate) return problem('rotation_member_twice', { rotation: name, memberId: duplicate.id });
  const secondaries = input.secondaries?.map(memberOf).filter((m) => m.id);
  const startDate = input.startDate?.trim() || DEFAULT_START_DATE;
  if (!parseLocalDate(startDate)) return problem('rotation_start_date_invalid', { startDate: input.startDate ?? '' });
  const minutes = input.unacknowledgedMinutes ?? DEFAULT_UNACKNOWLEDGED_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
    return problem('rotation_ack_minutes_invalid', { minutes: String(input.unacknowledgedMinutes) });
  return fine({
    name,
    cadence,
    handoffWeekday: handoff.value.weekday,
    handoffMinutes: handoff.value.minutes,
    timeZone,
    members,
    secondaries: secondaries && secondaries.length > 0 ? secondaries : undefined,
    startDate,
    escalationTarget: input.escalationTarget ? memberOf(input.escalationTarget) : undefined,
    unacknowledgedMinutes: minutes,
  });
}

function parseHandoff(text: string, cadence: Cadence): Checked<{ weekday?: number; minutes: number }> {
  const words = text.trim().split(/\s+/);
  if (cadence === 'weekly') {
    const weekday = words.length === 2 ? parseWeekday(words[0]!) : undefined;
    const minutes = words.length === 2 ? parseClock(words[1]!) : undefined;
    if (weekday === undefined || minutes === undefined) return problem('rotation_handoff_invalid', { cadence, handoff: text });
    return fine({ weekday, minutes });
  }
  const minutes = words.length === 1 ? parseClock(words[0]!) : undefined;
  if (minutes === undefined) return problem('rotation_handoff_invalid', { cadence, handoff: text });
  return fine({ minutes });
}

export function describeHandoff(r: Rotation): string {
  const at = formatClock(r.handoffMinutes);
  return r.cadence === 'weekly' ? `weekly, ${WEEKDAYS[r.handoffWeekday ?? 1]} ${at} ${r.timeZone}` : `daily, ${at} ${r.timeZone}`;
}

export const sameMember = (a: Pick<Member, 'id'>, b: Pick<Member, 'id'>): boolean => a.id.toLowerCase() === b.id.toLowerCase();
