import fc from 'fast-check';
import type { Override } from '../../../core/oncall/override';
import type { Rotation } from '../../../core/oncall/rotation';
import { handoffsBetween, onCallAt, primaryOfShift, shiftAt } from '../../../core/oncall/schedule';
import { daysBetween, localTime, offsetAt } from '../../../core/oncall/zoned-time';

/**
 * For random rotations, overrides and time zones, around DST changes too: exactly one
 * primary at every instant (the turns partition time), and hand-offs at the stated local time.
 */
const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'America/Santiago',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'Europe/London',
  'UTC',
  'America/St_Johns',
];
// DST changes of 2026 in those zones (UTC): instants are drawn around them as often as anywhere.
const CHANGES = [
  '2026-03-29T01:00:00Z',
  '2026-10-25T01:00:00Z',
  '2026-03-08T07:00:00Z',
  '2026-11-01T06:00:00Z',
  '2026-04-04T16:00:00Z',
  '2026-10-03T16:00:00Z',
  '2026-04-05T03:00:00Z',
  '2026-09-06T04:00:00Z',
  '2026-04-04T14:00:00Z',
].map(Date.parse);
const HOUR = 3_600_000;

const members = fc
  .uniqueArray(fc.constantFrom('ana', 'ben', 'chi', 'dev', 'eli', 'fay'), { minLength: 1, maxLength: 5 })
  .map((ids) => ids.map((id) => ({ id, name: id })));

const rotation: fc.Arbitrary<Rotation> = fc
  .record({
    cadence: fc.constantFrom('weekly' as const, 'daily' as const),
    weekday: fc.integer({ min: 0, max: 6 }),
    // Half past two falls in the European gap and overlap, midnight in Santiago's.
    handoffMinutes: fc.oneof(fc.constantFrom(150, 0, 120, 180, 540), fc.integer({ min: 0, max: 1439 })),
    timeZone: fc.constantFrom(...ZONES),
    members,
    startDay: fc.integer({ min: 0, max: 800 }),
  })
  .map((r) => ({
    name: 'r',
    cadence: r.cadence,
    handoffWeekday: r.cadence === 'weekly' ? r.weekday : undefined,
    handoffMinutes: r.handoffMinutes,
    timeZone: r.timeZone,
    members: r.members,
    startDate: new Date(Date.UTC(2024, 0, 1) + r.startDay * 86_400_000).toISOString().slice(0, 10),
    unacknowledgedMinutes: 5,
  }));

const instant = fc.oneof(
  fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }),
  fc.tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -72 * HOUR, max: 72 * HOUR })).map(([change, delta]) => change + delta),
);

/** Non-overlapping overrides near `around`, as the store guarantees (overlapProblem). */
const overrides = (around: number): fc.Arbitrary<Override[]> =>
  fc
    .array(fc.tuple(fc.integer({ min: 1, max: 48 * HOUR }), fc.integer({ min: 0, max: 24 * HOUR }), fc.constantFrom('zed', 'ana')), { maxLength: 4 })
    .map((parts) => {
      let at = around - 72 * HOUR;
      return parts.map(([length, gap, who], i) => {
        const start = at + gap;
        at = start + length;
        return {
          id: i + 1,
          rotation: 'r',
          member: { id: who, name: who },
          start: new Date(start).toISOString(),
          end: new Date(at).toISOString(),
          createdBy: 't',
          createdAt: '',
        };
      });
    });

test('exactly one primary at every instant: turns partition time, and an override wins inside its interval only', () => {
  fc.assert(
    fc.property(
      rotation,
      instant,
      instant.chain((t) => fc.tuple(fc.constant(t), overrides(t))),
      (r, t0, [t, os]) => {
        for (const at of [t0, t]) {
          const now = new Date(at);
          const turn = onCallAt(r, os, now);
          expect(turn.since.getTime()).toBeLessThanOrEqual(at);
          expect(turn.until.getTime()).toBeGreaterThan(at);
          // The same person from `since` to just before `until`: no instant without a primary, none with two.
          expect(onCallAt(r, os, turn.since).primary).toEqual(turn.primary);
          expect(onCallAt(r, os, new Date(turn.until.getTime() - 1)).primary).toEqual(turn.primary);
          const active = os.filter((o) => Date.parse(o.start) <= at && at < Date.parse(o.end));
          expect(active.length).toBeLessThanOrEqual(1);
          expect(turn.primary).toEqual(active[0]?.member ?? primaryOfShift(r, shiftAt(r, now).index));
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('hand-offs happen at the stated local time (moved forward only when a DST gap skips it), one shift apart', () => {
  fc.assert(
    fc.property(rotation, instant, (r, t) => {
      const handoffs = handoffsBetween(r, new Date(t), new Date(t + 21 * 24 * HOUR));
      expect(handoffs.length).toBeGreaterThanOrEqual(r.cadence === 'daily' ? 20 : 2);
      for (const [i, h] of handoffs.entries()) {
        const local = localTime(h, r.timeZone);
        const minutes = local.hour * 60 + local.minute;
        if (minutes !== r.handoffMinutes) {
          // Only in a gap: the offset changes within the hour before, and the clock shows the stated time plus the gap.
          const gap = (offsetAt(h.getTime() + 1, r.timeZone) - offsetAt(h.getTime() - HOUR, r.timeZone)) / 60_000;
          expect(gap).toBeGreaterThan(0);
          expect((minutes - r.handoffMinutes + 1440) % 1440).toBe(gap);
        }
        if (r.cadence === 'weekly') expect(local.weekday).toBe(r.handoffWeekday);
        const before = shiftAt(r, new Date(h.getTime() - 1));
        const after = shiftAt(r, h);
        expect(after.index).toBe(before.index + 1);
        expect(after.start).toEqual(h);
        if (i > 0) expect(daysBetween(localTime(handoffs[i - 1]!, r.timeZone), local)).toBe(r.cadence === 'weekly' ? 7 : 1);
      }
    }),
    { numRuns: 300 },
  );
});
