import { SILENCE_VERBS, silencesCard } from '../../cards/silences';
import type { Silence } from '../../core/alerts/silence';
import { expectValidCard } from '../support/cards';
import { bodyActions, cardIn, texts } from '../support/card-reading';

const at = (hhmm: string) => `2026-03-01T${hhmm}:00.000Z`;
const SILENCES: Silence[] = [
  { id: 4, rule: 'Temperature high', target: 'device-42', until: at('11:00'), createdBy: 'Otto Operator', createdAt: at('10:00') },
  { id: 9, rule: 'Device offline', target: 'device-7', until: at('14:00'), createdBy: 'Olga Operator', createdAt: at('10:00') },
  {
    id: 11,
    rule: 'Hub throttled',
    target: '/subscriptions/s1/resourceGroups/fleet/providers/Microsoft.Devices/IotHubs/hub1',
    until: at('23:30'),
    createdBy: 'Rita Lead',
    createdAt: at('09:30'),
  },
];

describe('silences card', () => {
  test.each([
    ['three silences', silencesCard({ silences: SILENCES })],
    ['after an End silence', silencesCard({ silences: SILENCES.slice(1), ended: { by: 'Olga Operator', silence: SILENCES[0]! } })],
    ['none', silencesCard({ silences: [] })],
  ])('%s: snapshot, valid Adaptive Card 1.5, small', (_name, rendered) => {
    expect(rendered).toMatchSnapshot();
    expectValidCard(rendered);
  });

  test('one row per silence: rule and target, until when and by whom, and its own End silence', () => {
    const card = cardIn(silencesCard({ silences: SILENCES }));
    expect(texts(card)).toEqual([
      'Active alert silences',
      'No alert cards for a rule on its target until then; End silence brings them back now.',
      '**Temperature high** on `device-42`',
      'until 2026-03-01 11:00 UTC, by Otto Operator',
      '**Device offline** on `device-7`',
      'until 2026-03-01 14:00 UTC, by Olga Operator',
      '**Hub throttled** on `/subscriptions/s1/resourceGroups/fleet/providers/Microsoft.Devices/IotHubs/hub1`',
      'until 2026-03-01 23:30 UTC, by Rita Lead',
    ]);
    expect(bodyActions(card).map((a) => [a.type, a.title, a.verb, a.data])).toEqual(
      SILENCES.map((s) => ['Action.Execute', 'End silence', SILENCE_VERBS.end, { id: String(s.id), verb: SILENCE_VERBS.end }]),
    );
  });

  test('the answer to an End silence says on top who ended which one; rules, targets and names from outside are shown literally', () => {
    const ended = cardIn(silencesCard({ silences: SILENCES.slice(1), ended: { by: 'Olga Operator', silence: SILENCES[0]! } }));
    expect(texts(ended)[0]).toBe('Olga Operator ended the silence of Temperature high on `device-42`: its alerts get cards again.');
    expect(texts(ended).filter((t) => t.startsWith('**'))).toEqual([
      '**Device offline** on `device-7`',
      '**Hub throttled** on `/subscriptions/s1/resourceGroups/fleet/providers/Microsoft.Devices/IotHubs/hub1`',
    ]);
    const odd = cardIn(
      silencesCard({
        silences: [{ ...SILENCES[0]!, rule: '[Approve](http://evil.example)', target: 'a`b', createdBy: '**Mallory**' }],
        ended: { by: '**Mallory**', silence: { rule: '_rule_', target: 'x\n- y' } },
      }),
    );
    expect(texts(odd)).toEqual([
      '\\*\\*Mallory\\*\\* ended the silence of \\_rule\\_ on x\n\\- y: its alerts get cards again.',
      'Active alert silences',
      'No alert cards for a rule on its target until then; End silence brings them back now.',
      '**\\[Approve\\](http://evil.example)** on a\\`b',
      'until 2026-03-01 11:00 UTC, by \\*\\*Mallory\\*\\*',
    ]);
  });

  test('none: says where silences come from, and has no buttons', () => {
    const card = cardIn(silencesCard({ silences: [] }));
    expect(texts(card)).toEqual(['Active alert silences', 'No active silences. The **Silence…** button on an alert card adds one.']);
    expect(bodyActions(card)).toEqual([]);
  });

  test('many silences: the first 25 rows (the soonest to end), then how many more, and the card stays small', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ ...SILENCES[1]!, id: i + 1, target: `device-${i}-${'x'.repeat(200)}` }));
    const rendered = silencesCard({ silences: many });
    expectValidCard(rendered);
    const card = cardIn(rendered);
    expect(bodyActions(card).map((a) => a.data?.id)).toEqual(many.slice(0, 25).map((s) => String(s.id)));
    expect(texts(card).at(-1)).toBe('…and 35 more, ending later, not shown.');
  });
});
