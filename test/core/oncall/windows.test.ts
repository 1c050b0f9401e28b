import { maintenanceFor, parseMaintenanceWindow, type MaintenanceWindow } from '../../../core/oncall/maintenance';
import { rolloutWindowState } from '../../../core/oncall/rollout-window';
import { currentOrNext, describeWindow, occurrenceAt, parseWindow, type TimeWindow } from '../../../core/oncall/window';

const window = (text: string): TimeWindow => {
  const checked = parseWindow(text);
  if (!checked.ok) throw checked.refusal;
  return checked.value;
};

test('weekly, daily and one-off windows, read and written back', () => {
  expect(describeWindow(window('Sat 02:00-04:00 Europe/Berlin weekly'))).toBe('Sat 02:00-04:00 Europe/Berlin weekly');
  expect(describeWindow(window('saturday 02:00-04:00 Europe/Berlin'))).toBe('Sat 02:00-04:00 Europe/Berlin weekly');
  expect(describeWindow(window('daily 22:00-02:00 UTC'))).toBe('daily 22:00-02:00 UTC');
  expect(describeWindow(window('2026-12-12 02:00-04:00 UTC'))).toBe('2026-12-12 02:00-04:00 UTC');
});

test('a weekly window follows local time across the DST change', () => {
  const w = window('Sat 02:00-04:00 Europe/Berlin weekly');
  expect(occurrenceAt(w, new Date('2026-03-28T01:30:00Z'))?.start.toISOString()).toBe('2026-03-28T01:00:00.000Z');
  expect(occurrenceAt(w, new Date('2026-04-04T00:30:00Z'))?.start.toISOString()).toBe('2026-04-04T00:00:00.000Z');
  expect(occurrenceAt(w, new Date('2026-04-04T02:00:00Z'))).toBeUndefined();
  expect(currentOrNext(w, new Date('2026-04-04T02:00:00Z'))?.start.toISOString()).toBe('2026-04-11T00:00:00.000Z');
});

test('a window across midnight contains the early hours of the next day', () => {
  const w = window('daily 22:00-02:00 UTC');
  expect(occurrenceAt(w, new Date('2026-06-02T01:00:00Z'))?.start.toISOString()).toBe('2026-06-01T22:00:00.000Z');
});

test('a one-off window is over once it has passed', () => {
  const w = window('2026-12-12 02:00-04:00 UTC');
  expect(currentOrNext(w, new Date('2026-12-01T00:00:00Z'))?.end.toISOString()).toBe('2026-12-12T04:00:00.000Z');
  expect(currentOrNext(w, new Date('2026-12-12T04:00:00Z'))).toBeUndefined();
});

test('maintenance: alerts matching the filter inside the window are held, others are not', () => {
  const parsed = parseMaintenanceWindow('rule:"Device offline" site:berlin Sat 02:00-04:00 Europe/Berlin weekly', 'ana');
  if (!parsed.ok) throw parsed.refusal;
  expect(parsed.value.filter).toBe('rule:"Device offline" site:berlin');
  const windows: MaintenanceWindow[] = [{ ...parsed.value, id: 1, createdAt: '' }];
  const offline = { severity: 1 as const, site: 'berlin', deviceId: 'd-1', rule: 'Device offline' };
  const saturday = new Date('2026-12-05T02:00:00Z');
  expect(maintenanceFor(offline, windows, saturday)?.occurrence.end.toISOString()).toBe('2026-12-05T03:00:00.000Z');
  expect(maintenanceFor({ ...offline, site: 'paris' }, windows, saturday)).toBeUndefined();
  expect(maintenanceFor(offline, windows, new Date('2026-12-05T03:00:00Z'))).toBeUndefined();
});

test('rollout window state: open until it closes, else the next opening', () => {
  const w = window('Sat 02:00-06:00 Europe/Berlin');
  expect(rolloutWindowState(w, new Date('2026-12-05T02:00:00Z'))).toEqual({ open: true, closesAt: new Date('2026-12-05T05:00:00Z') });
  const closed = rolloutWindowState(w, new Date('2026-12-05T06:00:00Z'));
  expect(closed.open === false && closed.next?.start.toISOString()).toBe('2026-12-12T01:00:00.000Z');
});
