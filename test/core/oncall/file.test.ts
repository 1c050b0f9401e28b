import YAML from 'yaml';
import { refusalText } from '../../../commands/refusal-text';
import { readOnCallDocument } from '../../../core/oncall/file';

const read = (text: string) => readOnCallDocument(YAML.parse(text), 'oncall.yaml', refusalText);

test('a valid file gives rotations, maintenance windows and runbook links', () => {
  const doc = read(`
rotations:
  - name: berlin-ops
    cadence: weekly
    handoff: Mon 09:00
    timeZone: Europe/Berlin
    members: [ana@contoso.com, { id: 8f1c0000-0000-0000-0000-000000000001, name: Ben }]
    escalationTarget: lead@contoso.com
    unacknowledgedMinutes: 3
maintenance:
  - 'rule:"Device offline" site:berlin Sat 02:00-04:00 Europe/Berlin weekly'
runbooks:
  Device offline: https://wiki.contoso.com/runbooks/device-offline
`);
  expect(doc.rotations[0]).toMatchObject({ name: 'berlin-ops', handoffWeekday: 1, handoffMinutes: 540, unacknowledgedMinutes: 3 });
  expect(doc.rotations[0]!.members.map((m) => m.name)).toEqual(['ana', 'Ben']);
  expect(doc.maintenance[0]!.window.weekday).toBe(6);
  expect(doc.runbooks['Device offline']).toBe('https://wiki.contoso.com/runbooks/device-offline');
});

test('every problem is listed at once, with where it is', () => {
  expect(() =>
    read(`
rotations:
  - { name: a, cadence: weekly, handoff: Mon 09:00, timeZone: Europe/Berlim, members: [x] }
  - { name: b, cadence: daily, handoff: '09:00', timeZone: UTC, members: [] }
maintenance: ['site:berlin whenever']
`),
  ).toThrow(/rotations\.0: `Europe\/Berlim` is not a time zone.*rotations\.1: Rotation `b` has no members.*maintenance\.0/);
  expect(() => read('runbooks: { Device offline: not-a-url }')).toThrow(/runbooks.Device offline: a runbook must be an http\(s\) URL/);
});
