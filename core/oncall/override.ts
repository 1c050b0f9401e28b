import { Refusal } from '../refusal';
import { fine, memberOf, problem, type Checked, type Member } from './rotation';

/** "<member> covers the next 4 h": the member is primary of the rotation from `start` to `end`, whoever's shift it is. */
export interface Override {
  readonly id: number;
  readonly rotation: string;
  readonly member: Member;
  /** ISO instants; `end` is exclusive. */
  readonly start: string;
  readonly end: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

export type NewOverride = Omit<Override, 'id' | 'createdAt'>;

export const OVERRIDE_EXAMPLE = 'oncall override berlin-ops me 4h';
/** Longer cover is a change of the rotation, not an override. */
export const MAX_OVERRIDE_MS = 14 * 86_400_000;

/** `4h`, `90m`, `1h30m`, `2d`, `4 h` → ms. */
export function parseDuration(text: string): number | undefined {
  const compact = text.replace(/\s+/g, '').toLowerCase();
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?$/.exec(compact);
  if (!m || compact === '') return undefined;
  const ms = (Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 3_600_000 + Number(m[3] ?? 0) * 60_000;
  return ms > 0 ? ms : undefined;
}

export function validateOverride(input: {
  rotation: string;
  member: string | Member;
  start: Date;
  durationMs: number | undefined;
  createdBy: string;
}): Checked<NewOverride> {
  if (input.durationMs === undefined) return problem('override_duration_missing', { rotation: input.rotation });
  if (input.durationMs > MAX_OVERRIDE_MS)
    return problem('override_too_long', { rotation: input.rotation, durationMs: input.durationMs, maxMs: MAX_OVERRIDE_MS });
  return fine({
    rotation: input.rotation,
    member: memberOf(input.member),
    start: input.start.toISOString(),
    end: new Date(input.start.getTime() + input.durationMs).toISOString(),
    createdBy: input.createdBy,
  });
}

export const overlaps = (a: Pick<Override, 'start' | 'end'>, b: Pick<Override, 'start' | 'end'>): boolean =>
  Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);

/** An override may not overlap another of the same rotation: at every instant exactly one person is primary. */
export function overlapRefusal(candidate: NewOverride, existing: readonly Override[]): Refusal<'override_overlaps'> | undefined {
  const clash = existing.find((o) => o.rotation === candidate.rotation && overlaps(o, candidate));
  return clash ? overlapping(clash) : undefined;
}

/** The refusal of a new override that overlaps `clash` (of the same rotation). */
export const overlapping = (clash: Override): Refusal<'override_overlaps'> =>
  new Refusal('override_overlaps', {
    rotation: clash.rotation,
    overlapping: { id: clash.id, memberName: clash.member.name, start: clash.start, end: clash.end },
  });

export const activeAt = (o: Pick<Override, 'start' | 'end'>, instant: Date): boolean =>
  Date.parse(o.start) <= instant.getTime() && instant.getTime() < Date.parse(o.end);
