import { onCallMentionCard } from '../../cards/oncall-page';
import { teamsUserIds } from '../../cards/refresh-users';
import { expectValidCard } from '../support/cards';

const input = {
  alertId: 'a-1',
  title: 'Temperature high on device-42',
  severity: 1,
  rotation: 'berlin-ops',
  member: { id: 'aad-ana', name: 'Ana' },
  role: 'on call',
  runbookUrl: 'https://wiki.contoso.com/runbooks/temperature',
};

test('the on-call mention: a real Teams mention entity whose text is in the card, Acknowledge and the Runbook', () => {
  const mention = onCallMentionCard(input);
  expectValidCard(mention);
  expect(mention).toMatchSnapshot();
  const entities = (mention.msteams as { entities: Array<{ text: string; mentioned: { id: string } }> }).entities;
  expect(entities).toEqual([{ type: 'mention', text: '<at>Ana</at>', mentioned: { id: 'aad-ana', name: 'Ana' } }]);
  expect(JSON.stringify(mention.body)).toContain('<at>Ana</at>, you are on call for **berlin-ops**');
  expect(JSON.stringify(mention.actions)).toContain('"url":"https://wiki.contoso.com/runbooks/temperature"');
});

test('the last three notes with the count, and the inline note input', () => {
  const notes = { count: 5, latest: [3, 2, 1].map((n) => ({ actor: 'Otto', at: `2026-12-05T10:0${n}:00.000Z`, text: `note ${n}` })) };
  const withNotes = onCallMentionCard({ ...input, notes });
  expectValidCard(withNotes);
  const text = JSON.stringify(withNotes.body);
  expect(text).toContain('Notes (5)');
  expect(text).toContain('**Otto** 10:03 UTC: note 3');
  expect(text).toContain('2 older');
  expect(JSON.stringify(withNotes.actions)).toContain('"verb":"oncall.note"');
  expect(JSON.stringify(withNotes.actions)).toContain('"verb":"oncall.escalate"');
});

test('no runbook, no Runbook button', () => {
  expect(JSON.stringify(onCallMentionCard({ ...input, runbookUrl: undefined }).actions)).not.toContain('Runbook');
});

test("Reassign… offers the rotation's other people; refresh names at most 60 readers; a viewer's copy has no buttons", () => {
  const members = [
    { id: 'aad-ana', name: 'Ana' },
    { id: 'aad-ben', name: 'Ben' },
  ];
  const shared = onCallMentionCard({ ...input, members, refreshUserIds: Array.from({ length: 70 }, (_, i) => `8:orgid:u${i}`) });
  expectValidCard(shared);
  expect(JSON.stringify(shared.actions)).toContain('"choices":[{"title":"Ben","value":"aad-ben"}]');
  expect(shared.refresh?.userIds).toHaveLength(60);
  const viewer = onCallMentionCard({ ...input, members, reader: { canAct: false, onCall: false } });
  expectValidCard(viewer);
  expect((viewer.actions ?? []).map((a) => a.title)).toEqual(['Runbook']);
  const mine = onCallMentionCard({ ...input, reader: { canAct: true, onCall: true } });
  expect(JSON.stringify(mine.body)).toContain('You are on call for this alert.');
});

test('refresh ids: Entra ids become 8:orgid MRIs, Teams ids stay, UPNs are left out', () => {
  expect(teamsUserIds(['AAD-1', '29:abc', 'ana@contoso.com', 'AAD-1'])).toEqual(['8:orgid:aad-1', '29:abc']);
});
