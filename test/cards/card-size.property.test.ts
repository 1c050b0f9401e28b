/**
 * Whatever arrives from outside (alert webhooks, device twins, log rows, pipeline events),
 * every card and every activity stays under 28 KB: 100 KB in an alert rule or a device id
 * once made a 600 KB card that Teams refused (413), so the alert never reached anyone.
 * Each builder gets its usual view model with every text in it replaced by random text of
 * random size (empty to 110 KB, any Unicode, markdown characters included).
 */
import fc from 'fast-check';
import { cardBytes } from '../../cards/card';
import { clipBytes, MAX_ACTIVITY_BYTES } from '../../cards/fit';
import { messageActivity } from '../../bot/activities';
import { expectValidCard } from '../support/cards';
import { BUILDERS, text, texts } from './card-builders';

const LIMIT = 28 * 1024;

describe.each(Object.entries(BUILDERS))('%s card', (_name, build) => {
  test('stays under 28 KB and valid, whatever the size of the texts in it', () => {
    fc.assert(
      fc.property(texts, (pool) => {
        const card = build(pool);
        expect(cardBytes(card)).toBeLessThan(LIMIT);
        expectValidCard(card);
      }),
      { numRuns: 10 },
    );
  });

  test('stays under 28 KB when its texts are control characters, which JSON escapes to six bytes each', () => {
    const card = build(['\u0000'.repeat(110_000)]);
    expect(cardBytes(card)).toBeLessThan(LIMIT);
  });
});

test('an activity (card, text and summary) stays under 28 KB', () => {
  fc.assert(
    fc.property(texts, text, text, (pool, message, summary) => {
      // The plain alert card, and the one on call fills in (mention entity, notes, runbook, people).
      const card = (message.length % 2 === 0 ? BUILDERS.alert : BUILDERS['alert paged (mention, notes, runbook, unreachable, reassign)'])!(pool);
      for (const activity of [messageActivity({ card, summary, text: message }), messageActivity(message), messageActivity(card)]) {
        expect(cardBytes(activity)).toBeLessThan(MAX_ACTIVITY_BYTES + 1);
      }
    }),
    { numRuns: 25 },
  );
});

test('clipBytes cuts by UTF-8 bytes, never inside a character, and says so with an ellipsis', () => {
  expect(clipBytes('short', 10)).toBe('short');
  expect(clipBytes('aaaaaaaaaa', 5)).toBe('aa…');
  expect(clipBytes('😀😀😀', 8)).toBe('😀…');
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.nat(64), (s, max) => {
      const clipped = clipBytes(s, max + 3);
      expect(Buffer.byteLength(clipped, 'utf8')).toBeLessThanOrEqual(max + 3);
      expect(s.startsWith(clipped.endsWith('…') && clipped !== s ? clipped.slice(0, -1) : clipped)).toBe(true);
    }),
  );
});
