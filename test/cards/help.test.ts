import { commandHelpCard, helpCard } from '../../cards/help';
import { expectValidCard } from '../support/cards';

const entries = [
  {
    name: 'help',
    usage: 'help [command]',
    summary: 'List the commands',
    examples: ['help', 'help status'],
    aliases: ['?'],
    role: 'viewer',
    group: 'Getting started',
  },
  {
    name: 'rollout plan',
    usage: 'rollout plan <version>',
    summary: 'Plan a rollout',
    examples: ['rollout plan 2.4.1'],
    aliases: [],
    role: 'release-lead',
    group: 'Firmware rollouts',
  },
];

test('help card', () => {
  const card = helpCard({ entries, userRole: 'viewer' });
  expect(card).toMatchSnapshot();
  expectValidCard(card);
});

test('command help card', () => {
  const card = commandHelpCard(entries[0]!);
  expect(card).toMatchSnapshot();
  expectValidCard(card);
});

test('an invalid card is caught', () => {
  expect(() => expectValidCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock' }] })).toThrow();
});
