import { refusalText } from '../../../commands/refusal-text';
import { parseAlertFilter } from '../../../core/alerts/filter';
import type { Refusal } from '../../../core/refusal';
import { validateRotation } from '../../../core/oncall/rotation';
import { overlapRefusal, parseDuration, validateOverride, type Override } from '../../../core/oncall/override';
import { parseRolloutWindow } from '../../../core/oncall/rollout-window';
import { parseMaintenanceWindow } from '../../../core/oncall/maintenance';

const base = { name: 'berlin-ops', cadence: 'weekly', handoff: 'Mon 09:00', timeZone: 'Europe/Berlin', members: ['ana@contoso.com'] };
/** The user's line for a refused input (the core gives the code and facts; commands/refusal-text.ts the words). */
const error = (checked: { ok: true } | { ok: false; refusal: Refusal }): string => (checked.ok ? 'no error' : refusalText(checked.refusal));

test('an unknown time zone names the zone and gives IANA examples and a command that works', () => {
  for (const timeZone of ['Europe/Berlim', 'CET+1', 'Berlin', '+01:00']) {
    const message = error(validateRotation({ ...base, timeZone }));
    expect(message).toContain(`\`${timeZone}\` is not a time zone I know`);
    expect(message).toContain('Europe/Berlin');
    expect(message).toContain('oncall rotation add berlin-ops weekly Mon 09:00 Europe/Berlin members:');
  }
});

test('a rotation without members is refused with an example', () => {
  expect(error(validateRotation({ ...base, members: [] }))).toMatch(/has no members.*members:alice@contoso.com,bob@contoso.com/);
});

test('hand-off, cadence, duplicates and acknowledgement minutes are checked too', () => {
  expect(error(validateRotation({ ...base, handoff: 'Mon 25:00' }))).toContain('e.g. `Mon 09:00`');
  expect(error(validateRotation({ ...base, cadence: 'monthly' }))).toContain('`weekly` or `daily`');
  expect(error(validateRotation({ ...base, members: ['a@x', 'A@x'] }))).toContain('listed twice');
  expect(error(validateRotation({ ...base, unacknowledgedMinutes: 0 }))).toContain('ack:5');
  expect(validateRotation({ ...base, cadence: 'daily', handoff: '18:00' }).ok).toBe(true);
});

test('an overlapping override names the one it overlaps and how to avoid it', () => {
  const existing: Override = {
    id: 7,
    rotation: 'berlin-ops',
    member: { id: 'ben', name: 'ben' },
    start: '2026-01-06T10:00:00.000Z',
    end: '2026-01-06T14:00:00.000Z',
    createdBy: 'a',
    createdAt: '',
  };
  const candidate = validateOverride({
    rotation: 'berlin-ops',
    member: 'ana',
    start: new Date('2026-01-06T12:00:00Z'),
    durationMs: parseDuration('4h'),
    createdBy: 'a',
  });
  if (!candidate.ok) throw candidate.refusal;
  const refusal = overlapRefusal(candidate.value, [existing]);
  expect(refusal?.code).toBe('override_overlaps');
  expect(refusal && refusalText(refusal)).toContain('overlaps override #7 (ben covers berlin-ops');
  expect(refusal && refusalText(refusal)).toContain('from 2026-01-06T14:00:00.000Z');
  expect(overlapRefusal(candidate.value, [{ ...existing, rotation: 'other' }])).toBeUndefined();
  const after = validateOverride({ rotation: 'berlin-ops', member: 'ana', start: new Date(existing.end), durationMs: parseDuration('1h30m'), createdBy: 'a' });
  expect(after.ok && overlapRefusal(after.value, [existing])).toBeUndefined();
});

test('durations: 4h, 90m, 1h30m, 2d; zero, nonsense and more than 14 days are refused', () => {
  expect([parseDuration('4h'), parseDuration('90m'), parseDuration('1h30m'), parseDuration('2d'), parseDuration('4 h')]).toEqual([
    4 * 3_600_000,
    90 * 60_000,
    90 * 60_000,
    48 * 3_600_000,
    4 * 3_600_000,
  ]);
  expect([parseDuration('0h'), parseDuration('soon'), parseDuration('')]).toEqual([undefined, undefined, undefined]);
  expect(error(validateOverride({ rotation: 'r', member: 'a', start: new Date(), durationMs: parseDuration('15d'), createdBy: 'a' }))).toContain(
    'at most 14 days',
  );
});

test('a rollout window shorter than the soak is refused with a window that works', () => {
  const message = error(parseRolloutWindow('Sat 02:00-02:03 Europe/Berlin', 5 * 60_000));
  expect(message).toContain('lasts 3 min, shorter than the soak of 5 min');
  expect(message).toContain('window "Sat 02:00-06:00 Europe/Berlin"');
  expect(parseRolloutWindow('"Sat 02:00-06:00 Europe/Berlin"', 5 * 60_000).ok).toBe(true);
});

test('a maintenance window with a bad zone or no window says what to write', () => {
  expect(error(parseMaintenanceWindow('site:berlin Sat 02:00-04:00 Mars/Olympus weekly', 'a'))).toContain('`Mars/Olympus` is not a time zone');
  expect(error(parseMaintenanceWindow('site:berlin', 'a'))).toContain('Say when');
  expect(error(parseMaintenanceWindow('colour:red Sat 02:00-04:00 UTC', 'a'))).toContain('Unknown filter key');
});

test('an alerts subscription binds a rotation with oncall:NAME, and page:sev<=N widens what pages', () => {
  const bound = parseAlertFilter('sev<=1 site:berlin oncall:Berlin-Ops');
  expect(bound.ok && [bound.filter.oncall, bound.filter.pageMaxSeverity]).toEqual(['berlin-ops', undefined]);
  const wider = parseAlertFilter('oncall:berlin-ops page:sev<=2');
  expect(wider.ok && wider.filter.pageMaxSeverity).toBe(2);
  expect(error(parseAlertFilter('page:sev<=2'))).toContain('`page:` goes with a rotation');
  expect(error(parseAlertFilter('oncall:"two words"'))).toContain('name a rotation');
});
