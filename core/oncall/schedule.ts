import { activeAt, type Override } from './override';
import type { Member, Rotation } from './rotation';
import { addDays, daysBetween, instantAt, localTime, parseLocalDate, type LocalDate } from './zoned-time';

/**
 * Who is on call when. A shift runs from one hand-off to the next; shift k's primary is
 * member k mod n. Hand-offs are computed in local time, so a weekly rotation hands off at
 * Monday 09:00 in Berlin whether that is 07:00 or 08:00 UTC.
 */
export interface Shift {
  /** Shifts since the start date (negative before it). */
  readonly index: number;
  readonly start: Date;
  /** Exclusive: the next shift's start. */
  readonly end: Date;
}

export interface OnCall {
  readonly rotation: string;
  readonly primary: Member;
  readonly secondary?: Member;
  readonly escalationTarget?: Member;
  /** The primary covers for the rotation's member by an override. */
  readonly override?: Override;
  /** When this primary's turn started and ends (the earlier of the shift's end and the override's edges). */
  readonly since: Date;
  readonly until: Date;
}

const shiftDays = (r: Rotation): number => (r.cadence === 'weekly' ? 7 : 1);

/** The first hand-off date: the start date, moved forward to the hand-off weekday of weekly rotations. */
function anchorOf(r: Rotation): LocalDate {
  const start = parseLocalDate(r.startDate);
  if (!start) throw new Error(`rotation ${r.name} has an invalid start date ${r.startDate}`);
  if (r.cadence === 'daily') return start;
  const weekday = new Date(Date.UTC(start.year, start.month - 1, start.day)).getUTCDay();
  return addDays(start, ((r.handoffWeekday ?? 1) - weekday + 7) % 7);
}

const handoffOn = (r: Rotation, date: LocalDate): Date => instantAt(date, Math.floor(r.handoffMinutes / 60), r.handoffMinutes % 60, r.timeZone);

const startOf = (r: Rotation, anchor: LocalDate, index: number): Date => handoffOn(r, addDays(anchor, index * shiftDays(r)));

export function shiftAt(r: Rotation, instant: Date): Shift {
  const anchor = anchorOf(r);
  let index = Math.floor(daysBetween(anchor, localTime(instant, r.timeZone)) / shiftDays(r));
  let start = startOf(r, anchor, index);
  while (start.getTime() > instant.getTime()) start = startOf(r, anchor, --index);
  let end = startOf(r, anchor, index + 1);
  while (end.getTime() <= instant.getTime()) {
    start = end;
    end = startOf(r, anchor, ++index + 1);
  }
  return { index, start, end };
}

const at = <T>(list: readonly T[], index: number): T => list[((index % list.length) + list.length) % list.length]!;

export const primaryOfShift = (r: Rotation, index: number): Member => at(r.members, index);

export function secondaryOfShift(r: Rotation, index: number): Member | undefined {
  if (r.secondaries && r.secondaries.length > 0) return at(r.secondaries, index);
  return r.members.length > 1 ? at(r.members, index + 1) : undefined;
}

/** Exactly one primary at every instant: the override covering it, else the shift's member. */
export function onCallAt(r: Rotation, overrides: readonly Override[], instant: Date): OnCall {
  const shift = shiftAt(r, instant);
  const own = overrides.filter((o) => o.rotation === r.name);
  const override = own.find((o) => activeAt(o, instant));
  const secondary = secondaryOfShift(r, shift.index);
  const base = { rotation: r.name, secondary, escalationTarget: r.escalationTarget };
  if (override) {
    const since = new Date(Math.max(Date.parse(override.start), shift.start.getTime()));
    const until = new Date(Math.min(Date.parse(override.end), shift.end.getTime()));
    return { ...base, primary: override.member, override, since, until };
  }
  const edges = own.flatMap((o) => [Date.parse(o.start), Date.parse(o.end)]);
  const since = Math.max(shift.start.getTime(), ...edges.filter((t) => t <= instant.getTime()));
  const until = Math.min(shift.end.getTime(), ...edges.filter((t) => t > instant.getTime()));
  return { ...base, primary: primaryOfShift(r, shift.index), since: new Date(since), until: new Date(until) };
}

/** Now and the next turn (which may be the same person after an override ends). */
export function nowAndNext(r: Rotation, overrides: readonly Override[], now: Date): { now: OnCall; next: OnCall } {
  const current = onCallAt(r, overrides, now);
  return { now: current, next: onCallAt(r, overrides, current.until) };
}

/** The rotation's hand-offs in [from, to), at most `limit`. */
export function handoffsBetween(r: Rotation, from: Date, to: Date, limit = 1000): Date[] {
  const found: Date[] = [];
  let shift = shiftAt(r, from);
  if (shift.start.getTime() === from.getTime()) found.push(shift.start);
  while (shift.end.getTime() < to.getTime() && found.length < limit) {
    found.push(shift.end);
    shift = shiftAt(r, shift.end);
  }
  return found;
}

export interface MyShift {
  readonly rotation: string;
  readonly level: 'primary' | 'secondary' | 'override';
  readonly start: Date;
  readonly end: Date;
}

/** `oncall me`: the shifts and overrides of `member` that overlap [from, to), in time order. */
export function shiftsOf(memberId: string, rotations: readonly Rotation[], overrides: readonly Override[], from: Date, to: Date, limit = 20): MyShift[] {
  const mine = (m: Member | undefined) => m !== undefined && m.id.toLowerCase() === memberId.toLowerCase();
  const found: MyShift[] = [];
  for (const r of rotations) {
    let shift = shiftAt(r, from);
    for (let n = 0; n < 400 && shift.start.getTime() < to.getTime(); n++) {
      if (mine(primaryOfShift(r, shift.index))) found.push({ rotation: r.name, level: 'primary', start: shift.start, end: shift.end });
      else if (mine(secondaryOfShift(r, shift.index))) found.push({ rotation: r.name, level: 'secondary', start: shift.start, end: shift.end });
      shift = shiftAt(r, shift.end);
    }
  }
  for (const o of overrides) {
    if (mine(o.member) && Date.parse(o.end) > from.getTime() && Date.parse(o.start) < to.getTime()) {
      found.push({ rotation: o.rotation, level: 'override', start: new Date(o.start), end: new Date(o.end) });
    }
  }
  return found.sort((a, b) => a.start.getTime() - b.start.getTime()).slice(0, limit);
}
