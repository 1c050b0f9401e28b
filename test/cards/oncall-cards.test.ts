import { onCallMentionCard } from '../../cards/oncall-page';
import { expectValidCard } from '../support/cards';

const input = { alertId: 'a-1', title: 'Temperature high on device-42', severity: 1, rotation: 'berlin-ops', member: { id: 'aad-ana', name: 'Ana' }, role: 'on call', runbookUrl: 'https://wiki.contoso.com/runbooks/temperature' };

test('the on-call mention: a real Teams mention entity whose text is in the card, Acknowledge and the Runbook', () => {
  const mention = onCallMentionCard(input);
  expectValidCard(mention);
  expect(mention).toMatchSnapshot();
  const entities = (mention.msteams as { entities: Array<{ text: string; mentioned: { id: string } }> }).entities;
  expect(entities).toEqual([{ type: 'mention', text: '<at>Ana</at>', mentioned: { id: 'aad-ana', name: 'Ana' } }]);
  expect(JSON.stringify(mention.body)).toContain('<at>Ana</at>, you are on call for **berlin-ops**');
  expect(JSON.stringify(mention.actions)).toContain('"url":"https://wiki.contoso.com/runbooks/temperature"');
});

test('no runbook, no Runbook button', () => {
  expect(JSON.stringify(onCallMentionCard({ ...input, runbookUrl: undefined }).actions)).not.toContain('Runbook');
});
