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

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };
export const fine = <T>(value: T): Checked<T> => ({ ok: true, value });
export const problem = (error: string): Checked<never> => ({ ok: false, error });

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

export function timeZoneProblem(timeZone: string): string | undefined {
  if (isTimeZone(timeZone)) return undefined;
  return `\`${timeZone}\` is not a time zone I know; use an IANA name such as ${TIME_ZONE_EXAMPLE}.`;
}

/** Checks everything, so nothing half-valid is ever saved; each problem names an example that works. */
export function validateRotation(input: RotationInput): Checked<Rotation> {
  const name = input.name.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(name)) {
    return problem(
      `\`${input.name}\` cannot name a rotation: use up to 40 lowercase letters, digits and dashes, e.g. \`berlin-ops\`. Example: \`${ROTATION_EXAMPLE}\`.`,
    );
  }
  const cadence = input.cadence.trim().toLowerCase();
  if (cadence !== 'weekly' && cadence !== 'daily')
    return problem(`A rotation is \`weekly\` or \`daily\`, not \`${input.cadence}\`. Example: \`${ROTATION_EXAMPLE}\`.`);
  const handoff = parseHandoff(input.handoff, cadence);
  if (!handoff.ok) return handoff;
  const zone = timeZoneProblem(input.timeZone.trim());
  if (zone) return problem(`${zone} Example: \`${ROTATION_EXAMPLE}\`.`);
  const members = input.members.map(memberOf).filter((m) => m.id);
  if (members.length === 0)
    return problem(
      `Rotation \`${name}\` has no members; name at least one, e.g. \`members:alice@contoso.com,bob@contoso.com\`. Example: \`${ROTATION_EXAMPLE}\`.`,
    );
  const duplicate = members.find((m, i) => members.findIndex((o) => o.id.toLowerCase() === m.id.toLowerCase()) !== i);
  if (duplicate) return problem(`\`${duplicate.id}\` is listed twice in rotation \`${name}\`; list each member once (the order is the order of shifts).`);
  const secondaries = input.secondaries?.map(memberOf).filter((m) => m.id);
  const startDate = input.startDate?.trim() || DEFAULT_START_DATE;
  if (!parseLocalDate(startDate)) return problem(`The start date \`${input.startDate}\` is not a date; write it as YYYY-MM-DD, e.g. \`start:2026-01-05\`.`);
  const minutes = input.unacknowledgedMinutes ?? DEFAULT_UNACKNOWLEDGED_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    return problem(`Unacknowledged minutes must be a whole number from 1 to 1440, not \`${input.unacknowledgedMinutes}\`, e.g. \`ack:5\`.`);
  }
  return fine({
    name,
    cadence,
    handoffWeekday: handoff.value.weekday,
    handoffMinutes: handoff.value.minutes,
    timeZone: input.timeZone.trim(),
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
    if (weekday === undefined || minutes === undefined)
      return problem(`A weekly rotation hands off on a weekday at a time, e.g. \`Mon 09:00\`, not \`${text}\`. Example: \`${ROTATION_EXAMPLE}\`.`);
    return fine({ weekday, minutes });
  }
  const minutes = words.length === 1 ? parseClock(words[0]!) : undefined;
  if (minutes === undefined)
    return problem(
      `A daily rotation hands off at a time, e.g. \`09:00\`, not \`${text}\`. Example: \`oncall rotation add night-desk daily 18:00 UTC members:alice@contoso.com,bob@contoso.com\`.`,
    );
  return fine({ minutes });
}

export function describeHandoff(r: Rotation): string {
  const at = formatClock(r.handoffMinutes);
  return r.cadence === 'weekly' ? `weekly, ${WEEKDAYS[r.handoffWeekday ?? 1]} ${at} ${r.timeZone}` : `daily, ${at} ${r.timeZone}`;
}

export const sameMember = (a: Pick<Member, 'id'>, b: Pick<Member, 'id'>): boolean => a.id.toLowerCase() === b.id.toLowerCase();
