import { validateRotation, type Rotation } from '../../../core/oncall/rotation';
import { nowAndNext, onCallAt, shiftsOf } from '../../../core/oncall/schedule';
import type { Override } from '../../../core/oncall/override';

const rotation = (overrides: Partial<Parameters<typeof validateRotation>[0]> = {}): Rotation => {
  const checked = validateRotation({
    name: 'berlin-ops',
    cadence: 'weekly',
    handoff: 'Mon 09:00',
    timeZone: 'Europe/Berlin',
    members: ['ana@contoso.com', 'ben@contoso.com', 'chi@contoso.com'],
    startDate: '2026-01-05',
    escalationTarget: 'lead@contoso.com',
    ...overrides,
  });
  if (!checked.ok) throw checked.refusal;
  return checked.value;
};

test('a weekly rotation hands off Monday 09:00 Berlin time: 08:00 UTC in winter, 07:00 UTC in summer', () => {
  const r = rotation();
  expect(onCallAt(r, [], new Date('2026-01-05T07:59:00Z')).primary.name).toBe('chi');
  expect(onCallAt(r, [], new Date('2026-01-05T08:00:00Z')).primary.name).toBe('ana');
  const summer = onCallAt(r, [], new Date('2026-07-06T07:00:00Z'));
  expect(summer.since.toISOString()).toBe('2026-07-06T07:00:00.000Z');
  expect(summer.until.toISOString()).toBe('2026-07-13T07:00:00.000Z');
  expect(summer.secondary?.name).toBe(r.members[(r.members.indexOf(summer.primary) + 1) % 3]!.name);
  expect(summer.escalationTarget?.id).toBe('lead@contoso.com');
});

test('the week with the spring-forward change is an hour shorter, and the hand-off is still at 09:00 local', () => {
  const r = rotation({ handoff: 'Sun 09:00' });
  const turn = onCallAt(r, [], new Date('2026-03-25T12:00:00Z'));
  expect(turn.since.toISOString()).toBe('2026-03-22T08:00:00.000Z');
  expect(turn.until.toISOString()).toBe('2026-03-29T07:00:00.000Z');
});

test('an override covers its hours only; now and next say who and until when', () => {
  const r = rotation();
  const cover: Override = {
    id: 1,
    rotation: 'berlin-ops',
    member: { id: 'zed@contoso.com', name: 'zed' },
    start: '2026-01-06T10:00:00Z',
    end: '2026-01-06T14:00:00Z',
    createdBy: 'admin',
    createdAt: '',
  };
  const { now, next } = nowAndNext(r, [cover], new Date('2026-01-06T09:00:00Z'));
  expect(now.primary.name).toBe('ana');
  expect(now.until.toISOString()).toBe('2026-01-06T10:00:00.000Z');
  expect(next.primary.name).toBe('zed');
  expect(next.override?.id).toBe(1);
  expect(onCallAt(r, [cover], new Date('2026-01-06T14:00:00Z')).primary.name).toBe('ana');
});

test('oncall me lists primary and secondary shifts and overrides in time order', () => {
  const r = rotation();
  const cover: Override = {
    id: 1,
    rotation: 'berlin-ops',
    member: { id: 'chi@contoso.com', name: 'chi' },
    start: '2026-01-06T10:00:00Z',
    end: '2026-01-06T14:00:00Z',
    createdBy: 'admin',
    createdAt: '',
  };
  const mine = shiftsOf('CHI@contoso.com', [r], [cover], new Date('2026-01-05T08:00:00Z'), new Date('2026-01-26T08:00:00Z'));
  expect(mine.map((s) => [s.level, s.start.toISOString()])).toEqual([
    ['override', '2026-01-06T10:00:00.000Z'],
    ['secondary', '2026-01-12T08:00:00.000Z'],
    ['primary', '2026-01-19T08:00:00.000Z'],
  ]);
});

test('a daily rotation in a zone without DST hands off at the same UTC time every day', () => {
  const r = rotation({ cadence: 'daily', handoff: '18:30', timeZone: 'Asia/Kolkata' });
  expect(onCallAt(r, [], new Date('2026-06-01T13:00:00Z')).since.toISOString()).toBe('2026-06-01T13:00:00.000Z');
});
