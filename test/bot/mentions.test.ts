import fs from 'node:fs';
import path from 'node:path';
import { stripBotMention } from '../../bot/mentions';
import { SHARED_DIR } from '../support/cards';

test('strips the bot mention of a real channel message', () => {
  const activity = JSON.parse(fs.readFileSync(path.join(SHARED_DIR, 'fixtures/teams/channel-message-at-mention_captured_teams-net.json'), 'utf8'));
  const text = stripBotMention(activity.text, activity.entities, activity.recipient.id);
  expect(text).not.toMatch(/<at>/);
  expect(text.length).toBeGreaterThan(0);
});

test('keeps the command, drops the tags and nbsp', () => {
  const entities = [{ type: 'mention', text: '<at>FleetOps</at>', mentioned: { id: 'bot' } }];
  expect(stripBotMention('<at>FleetOps</at>&nbsp;status device-42', entities, 'bot')).toBe('status device-42');
  expect(stripBotMention('help', [], 'bot')).toBe('help');
});
