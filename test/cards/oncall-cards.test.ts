import { alertCard } from '../../cards/alert';
import { teamsUserIds } from '../../cards/refresh-users';
import type { AlertRecord } from '../../core/alerts/alert';
import type { AlertCardInput } from '../../core/alerts/card-renderer';
import { parseAlertPayload } from '../../core/alerts/parse-alert';
import { devicePayload } from '../core/alerts/fixtures';
import { expectValidCard } from '../support/cards';

/** The alert card when on call pages it: one card, in the channel and in the personal page. */
const now = new Date('2026-12-05T10:12:00Z');

function record(extra: Partial<AlertRecord> = {}): AlertRecord {
  const parsed = parseAlertPayload(devicePayload({ alertId: 'a-1', deviceId: 'device-42', site: 'berlin', severity: 1, firedAt: '2026-12-05T10:00:00Z' }));
  if (!parsed.ok) throw new Error(parsed.error);
  return { ...parsed.alert, state: 'New', receivedAt: parsed.alert.firedAt, version: 1, ...extra };
}

const members = [
  { id: 'aad-ana', name: 'Ana' },
  { id: 'aad-ben', name: 'Ben' },
];
const notes = { count: 5, latest: [3, 2, 1].map((n) => ({ actor: 'Otto', at: `2026-12-05T10:0${n}:00.000Z`, text: `note ${n}` })) };

const paged = (extra: Partial<AlertCardInput> = {}): AlertCardInput => ({
  record: record(),
  now,
  runbookUrl: 'https://wiki.contoso.com/runbooks/temperature',
  notes,
  oncall: { rotation: 'berlin-ops', mention: members[0], members, paged: [], unreachable: [], refreshUserIds: ['8:orgid:aad-ana'], paging: true },
  ...extra,
});

const titles = (elements: unknown): string[] => JSON.stringify(elements).match(/"title":"[^"]*"/g) ?? [];
type Entity = { text: string; mentioned: { id: string; name: string } };

test('the channel card @mentions the primary: a real Teams mention entity whose text is in the card', () => {
  const card = alertCard(paged());
  expectValidCard(card);
  expect(card).toMatchSnapshot();
  const entities = (card.msteams as { entities: Entity[] }).entities;
  expect(entities).toEqual([{ type: 'mention', text: '<at>Ana</at>', mentioned: { id: 'aad-ana', name: 'Ana' } }]);
  expect(JSON.stringify(card.body)).toContain('<at>Ana</at>, you are on call for **berlin-ops**');
});

test('the last three notes with the count, the inline note input, Escalate, Reassign… and the Runbook on the alert card itself', () => {
  const card = alertCard(paged());
  const text = JSON.stringify(card.body);
  expect(text).toContain('Notes (5)');
  expect(text).toContain('**Otto** 10:03 UTC: note 3');
  expect(text).toContain('2 older');
  expect(text).toContain('"type":"Input.Text","id":"note"');
  expect(text).toContain('"verb":"oncall.note"');
  expect(text).toContain('"verb":"oncall.escalate"');
  expect(text).toContain('"choices":[{"title":"Ana","value":"aad-ana"},{"title":"Ben","value":"aad-ben"}]');
  expect(text).toContain('"title":"Runbook","url":"https://wiki.contoso.com/runbooks/temperature"');
  // The alert's own buttons stay where they were (Teams shows up to six at the bottom).
  expect(titles(card.actions)).toEqual(expect.arrayContaining(['"title":"Acknowledge"', '"title":"Close"', '"title":"Silence…"']));
  expect(card.refresh?.userIds).toEqual(['8:orgid:aad-ana']);
});

test('no runbook, no Runbook button; no mention outside the paging conversation; acknowledged, no Escalate', () => {
  expect(JSON.stringify(alertCard(paged({ runbookUrl: undefined })))).not.toContain('Runbook');
  const elsewhere = alertCard(paged({ oncall: { ...paged().oncall!, mention: undefined } }));
  expect(elsewhere.msteams).toEqual({ width: 'Full' });
  expect(JSON.stringify(elsewhere)).not.toContain('<at>');
  const acked = alertCard(paged({ record: record({ state: 'Acknowledged', acknowledgedBy: 'Ana' }), oncall: { ...paged().oncall!, paging: false } }));
  expect(JSON.stringify(acked)).not.toContain('oncall.escalate');
  expect(JSON.stringify(acked)).toContain('"verb":"oncall.note"');
});

test("a viewer's copy has no operator buttons; the on-call person's says so; the personal page says why", () => {
  const viewer = alertCard(paged({ reader: { canAct: false, onCall: false } }));
  expectValidCard(viewer);
  const text = JSON.stringify(viewer);
  for (const verb of ['alert.acknowledge', 'alert.close', 'alert.silence', 'oncall.note', 'oncall.escalate', 'oncall.reassign'])
    expect(text).not.toContain(verb);
  expect(text).toContain('Runbook');
  expect(text).toContain('Notes (5)');
  const mine = alertCard(paged({ reader: { canAct: true, onCall: true } }));
  expect(JSON.stringify(mine.body)).toContain('You are on call for this alert.');
  const page = alertCard(paged({ oncall: { ...paged().oncall!, mention: undefined }, page: { why: 'it is unacknowledged and you are on call' } }));
  expectValidCard(page);
  expect(JSON.stringify(page.body)).toContain('Paged to you: it is unacknowledged and you are on call.');
  expect(JSON.stringify(page)).toContain('"verb":"oncall.escalate"');
});

test('whom a personal message could not reach is said on the card', () => {
  const card = alertCard(paged({ oncall: { ...paged().oncall!, unreachable: ['Ben'] } }));
  expect(JSON.stringify(card.body)).toContain('Could not reach Ben directly: FleetOps is not installed for them.');
});

test('a name with markdown or angle brackets still makes a mention whose text matches the card', () => {
  const card = alertCard(paged({ oncall: { ...paged().oncall!, mention: { id: 'aad-x', name: 'A<b>_c_' } } }));
  const entity = (card.msteams as { entities: Entity[] }).entities[0]!;
  expect(entity.text).toBe('<at>Abc</at>');
  expect(JSON.stringify(card.body)).toContain(entity.text);
});

test('refresh ids: Entra ids become 8:orgid MRIs, Teams ids stay, UPNs are left out; at most 60', () => {
  expect(teamsUserIds(['AAD-1', '29:abc', 'ana@contoso.com', 'AAD-1'])).toEqual(['8:orgid:aad-1', '29:abc']);
  const many = alertCard(paged({ oncall: { ...paged().oncall!, refreshUserIds: Array.from({ length: 70 }, (_, i) => `8:orgid:u${i}`) } }));
  expect(many.refresh?.userIds).toHaveLength(60);
});
