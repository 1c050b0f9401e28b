import { berlinOpsStore, racing } from '../core/oncall/berlin-ops';
import { bindAction, bindCommand } from '../../bot/features/feature';
import { ALERT_VERBS } from '../../cards/alert';
import { dispatchCardAction, dispatchMessage } from '../../commands/dispatch';
import {
  alertEscalateCommand,
  alertNoteCommand,
  oncallEscalateAction,
  oncallNoteAction,
  oncallReassignAction,
  oncallRefreshAction,
} from '../../commands/oncall-alert';
import { CommandRegistry } from '../../commands/registry';
import type { Role } from '../../core/access/roles';
import { readConfig } from '../../core/config/config';
import { silentLogger } from '../../core/logger';
import { onCallCardExtras } from '../../core/oncall/card-extras';
import { Escalator } from '../../core/oncall/escalator';
import { OnCallService } from '../../core/oncall/service';
import { devicePayload } from '../core/alerts/fixtures';
import { alertsWorld } from '../core/alerts/world';
import { bodyActions, cardIn, facts, input, notice, texts, type CardAction, type ReadCard } from '../support/card-reading';
import { recordingTurn } from '../support/turn';
import { commandServices } from './services';

const PEOPLE = {
  viewer: { id: 'u-vic', name: 'Vic Viewer', role: 'viewer' },
  operator: { id: 'u-olga', name: 'Olga Operator', role: 'operator' },
} as const satisfies Record<string, { id: string; name: string; role: Role }>;

/**
 * Escalate and Reassign… over the alerts domain in memory and an on-call store: a1 (device-42,
 * Sev1) fired in conversation c1, whose subscription pages rotation berlin-ops (ana, then ben,
 * then lead). `race` makes every read of an escalation lose to another replica's write.
 */
async function world(options: { race?: boolean } = {}) {
  const w = alertsWorld();
  const store = await berlinOpsStore(() => w.clock.now(), '2025-12-29');
  const oncall = new OnCallService(store, w.clock);
  w.service.useCardExtras(onCallCardExtras(oncall, () => []));
  const escalator = new Escalator({
    oncall: options.race ? new OnCallService(racing(store), w.clock) : oncall,
    notifier: w.notifier,
    clock: w.clock,
    log: silentLogger,
    alert: async (id) => {
      const record = await w.service.get(id);
      return record && { severity: record.severity, state: record.state, resolved: record.monitorCondition === 'Resolved' };
    },
    pageMessage: async (id, page) => ({ text: `${page.member.name}: alert ${id} needs you` }),
    republish: (id) => w.service.republish(id),
  });
  await w.ingest(devicePayload({ alertId: 'a1', deviceId: 'device-42', severity: 1 }));
  await escalator.start({ alertId: 'a1', conversationId: 'c1', rotation: 'berlin-ops' });
  w.clock.advance(60_000);

  const config = readConfig({});
  // The buttons bound to the oncall feature's services, as the composition root binds them.
  const bound = { oncall, escalator, alerts: w.service, clock: w.clock, config };
  const services = commandServices({
    config,
    clock: w.clock,
    registry: new CommandRegistry(
      [bindCommand(alertNoteCommand, bound), bindCommand(alertEscalateCommand, bound)],
      [
        bindAction(oncallEscalateAction, bound),
        bindAction(oncallReassignAction, bound),
        bindAction(oncallNoteAction, bound),
        bindAction(oncallRefreshAction, bound),
      ],
    ),
    subscriptions: w.subscriptions,
    notifier: w.notifier,
  });
  const click = (who: keyof typeof PEOPLE, verb: string, data: Record<string, unknown>) =>
    dispatchCardAction(recordingTurn(services, PEOPLE[who], []), verb, data);
  const say = async (who: keyof typeof PEOPLE, text: string) => {
    const replies: unknown[] = [];
    const outcome = await dispatchMessage(recordingTurn(services, PEOPLE[who], replies), text);
    return { replies, outcome };
  };
  return { ...w, oncall, audit: services.audit, click, say };
}

/** A button in the card's body (Escalate and Reassign… stand in an ActionSet under the facts). */
const bodyButton = (card: ReadCard, title: string): CardAction | undefined => bodyActions(card).find((a) => a.title === title);

/** The people Reassign… offers, by id. */
const reassignChoices = (card: ReadCard): string[] => {
  const picker = bodyButton(card, 'Reassign…');
  if (!picker?.card) throw new Error('no Reassign… picker');
  return (input(picker.card, 'member').choices as Array<{ value: string }>).map((c) => c.value);
};

describe('Escalate', () => {
  it('pages the next level and answers with the card saying who was paged, no notice', async () => {
    const w = await world();
    const done = await w.click('operator', ALERT_VERBS.escalate, { id: 'a1' });
    const card = cardIn(done.card);
    expect(texts(card)).toContain('Paged: ana (primary).');
    expect(notice(card)).toBeUndefined();
    expect(done.refused).toBeUndefined();
  });

  it('after the alert was acknowledged: the alert’s current card with the refusal’s line on top, audited as refused with its code', async () => {
    const w = await world();
    await w.service.acknowledge('a1', { name: 'Ana' });
    const refused = await w.click('operator', ALERT_VERBS.escalate, { id: 'a1' });
    const line = 'This alert is not being paged (it was acknowledged, closed or resolved, or never bound to a rotation), so nothing changed.';
    expect(refused).toMatchObject({ refused: 'escalation_not_active', noop: line });
    const card = cardIn(refused.card);
    expect(notice(card)).toBe(line);
    expect(facts(card).Acknowledged).toBe('by Ana, 2026-01-01 00:01 UTC');
    // The card as it is now: nobody is paged any more, so no Escalate or Reassign…
    expect(bodyButton(card, 'Escalate')).toBeUndefined();
    expect(bodyButton(card, 'Reassign…')).toBeUndefined();
    expect(w.audit.entries.map((e) => [e.action, e.outcome, e.code, e.detail])).toEqual([[ALERT_VERBS.escalate, 'refused', 'escalation_not_active', line]]);
  });

  it('when every level has been paged: nobody left, said on the card that still offers Reassign…', async () => {
    const w = await world();
    for (let i = 0; i < 3; i++) expect((await w.click('operator', ALERT_VERBS.escalate, { id: 'a1' })).refused).toBeUndefined();
    const refused = await w.click('operator', ALERT_VERBS.escalate, { id: 'a1' });
    expect(refused.refused).toBe('escalation_nobody_left');
    const card = cardIn(refused.card);
    expect(notice(card)).toBe('Nobody is left to escalate to: every level of the chain has been paged. Reassign… pages someone else of the rotation.');
    expect(texts(card)).toContain('Paged: ana (primary), ben (secondary), lead (escalation target).');
    expect(reassignChoices(card)).toEqual(['ana@contoso.com', 'ben@contoso.com', 'lead@contoso.com']);
  });

  it('a click that loses to another replica changes nothing and says so on the card', async () => {
    const w = await world({ race: true });
    const refused = await w.click('operator', ALERT_VERBS.escalate, { id: 'a1' });
    expect(refused.refused).toBe('escalation_changed_meanwhile');
    expect(notice(cardIn(refused.card))).toBe('Someone else changed this escalation at the same moment; nothing changed. Try again if it is still needed.');
  });

  it('on an alert that is gone there is no card to show: the line alone', async () => {
    const w = await world();
    expect(await w.click('operator', ALERT_VERBS.escalate, { id: 'a9' })).toEqual({
      message: 'This alert is not being paged (it was acknowledged, closed or resolved, or never bound to a rotation), so nothing changed.',
      refused: 'escalation_not_active',
    });
  });

  it('is for operators: a viewer is denied before anything is tried', async () => {
    const w = await world();
    expect(await w.click('viewer', ALERT_VERBS.escalate, { id: 'a1' })).toEqual({
      message: expect.stringMatching(/needs the operator role; you are a viewer/),
    });
    expect(w.audit.entries.map((e) => e.outcome)).toEqual(['denied']);
  });
});

describe('Reassign…', () => {
  it('pages the chosen person of the rotation now; the card says so', async () => {
    const w = await world();
    const done = await w.click('operator', ALERT_VERBS.reassign, { id: 'a1', member: 'BEN@contoso.com' });
    expect(done.refused).toBeUndefined();
    expect(texts(cardIn(done.card))).toContain('Paged: ben (primary).');
  });

  it('someone outside the rotation (a picker from before it changed): the current card and its people, with the line on top', async () => {
    const w = await world();
    const refused = await w.click('operator', ALERT_VERBS.reassign, { id: 'a1', member: 'zoe@contoso.com' });
    const line = "zoe@contoso.com is not one of the people of rotation berlin-ops, so nobody was paged; Reassign… offers the rotation's people.";
    expect(refused).toMatchObject({ refused: 'escalation_member_not_in_rotation', noop: line });
    const card = cardIn(refused.card);
    expect(notice(card)).toBe(line);
    expect(reassignChoices(card)).toEqual(['ana@contoso.com', 'ben@contoso.com', 'lead@contoso.com']);
    expect(bodyButton(card, 'Escalate')).toBeDefined();
    expect(texts(card).some((t) => t.startsWith('Paged:'))).toBe(false);
    expect(w.audit.entries.map((e) => [e.action, e.outcome, e.code])).toEqual([[ALERT_VERBS.reassign, 'refused', 'escalation_member_not_in_rotation']]);
  });

  it('after the alert was closed: the closed card with the line, even for someone outside the rotation', async () => {
    const w = await world();
    await w.service.close('a1', { name: 'Olga Operator' });
    const refused = await w.click('operator', ALERT_VERBS.reassign, { id: 'a1', member: 'zoe@contoso.com' });
    expect(refused.refused).toBe('escalation_not_active');
    const card = cardIn(refused.card);
    expect(notice(card)).toMatch(/^This alert is not being paged/);
    expect(facts(card).Closed).toBe('by Olga Operator, 2026-01-01 00:01 UTC');
  });

  it('a click that loses to another replica changes nothing and says so on the card', async () => {
    const w = await world({ race: true });
    const refused = await w.click('operator', ALERT_VERBS.reassign, { id: 'a1', member: 'ben@contoso.com' });
    expect(refused.refused).toBe('escalation_changed_meanwhile');
    expect(notice(cardIn(refused.card))).toMatch(/^Someone else changed this escalation at the same moment/);
  });
});

describe('notes', () => {
  const notes = async (w: Awaited<ReturnType<typeof world>>) => (await w.oncall.timeline.list('a1')).filter((e) => e.kind === 'note').map((e) => e.detail);

  it('alert note adds to the timeline; a note too long is refused with its code and nothing is added', async () => {
    const w = await world();
    expect((await w.say('operator', 'alert note a1 rebooted the gateway')).replies).toEqual(['Note added to `a1`. `alert a1` shows the timeline.']);
    const long = await w.say('operator', `alert note a1 ${'x'.repeat(1001)}`);
    expect(long).toEqual({
      replies: ['A note holds up to 1000 characters (this one has 1001); shorten it or add two.'],
      outcome: { refused: 'alert_note_too_long' },
    });
    expect(await notes(w)).toEqual(['rebooted the gateway']);
    expect(w.audit.entries.map((e) => [e.action, e.outcome, e.code])).toEqual([
      ['alert note', 'ok', undefined],
      ['alert note', 'refused', 'alert_note_too_long'],
    ]);
  });

  it('the card’s Note: an empty note gets the line alone (the card keeps what was typed), audited with its code', async () => {
    const w = await world();
    expect(await w.click('operator', ALERT_VERBS.note, { id: 'a1', note: '   ' })).toEqual({
      message: 'The note is empty; type what you found or did, e.g. "rebooted the gateway, devices back".',
      refused: 'alert_note_empty',
    });
    const done = await w.click('operator', ALERT_VERBS.note, { id: 'a1', note: 'fan replaced' });
    expect(texts(cardIn(done.card)).some((t) => t.includes('fan replaced'))).toBe(true);
    expect(await notes(w)).toEqual(['fan replaced']);
    expect(w.audit.entries.map((e) => [e.outcome, e.code])).toEqual([
      ['refused', 'alert_note_empty'],
      ['ok', undefined],
    ]);
  });
});

describe('an alert that is not there', () => {
  const line = 'There is no alert `a9`. `alerts` lists the open ones with their ids.';

  it('alert note and alert escalate refuse with alert_not_found, audited with the code', async () => {
    const w = await world();
    expect(await w.say('operator', 'alert note a9 rebooted')).toEqual({ replies: [line], outcome: { refused: 'alert_not_found' } });
    expect(await w.say('operator', 'alert escalate a9')).toEqual({ replies: [line], outcome: { refused: 'alert_not_found' } });
    expect(w.audit.entries.map((e) => [e.action, e.outcome, e.code, e.detail])).toEqual([
      ['alert note', 'refused', 'alert_not_found', line],
      ['alert escalate', 'refused', 'alert_not_found', line],
    ]);
  });

  it('the card’s Note on an alert that is not there is refused with alert_not_found and stores nothing; audited with the code', async () => {
    const w = await world();
    const before = await w.oncall.timeline.list('a1');
    expect(await w.click('operator', ALERT_VERBS.note, { id: 'a9', note: 'rebooted the gateway' })).toEqual({ message: line, refused: 'alert_not_found' });
    expect(await w.oncall.timeline.list('a9')).toEqual([]);
    expect(await w.oncall.timeline.list('a1')).toEqual(before);
    expect(w.audit.entries.map((e) => [e.action, e.target, e.outcome, e.code, e.detail])).toEqual([
      [ALERT_VERBS.note, 'a9', 'refused', 'alert_not_found', line],
    ]);
  });

  it('the per-person refresh of a card whose alert is gone gets the refusal’s line; of one that is there, the reader’s card', async () => {
    const w = await world();
    expect(await w.click('viewer', ALERT_VERBS.refresh, { id: 'a9' })).toEqual({ message: line, refused: 'alert_not_found' });
    const copy = cardIn((await w.click('viewer', ALERT_VERBS.refresh, { id: 'a1' })).card);
    expect(facts(copy)).toMatchObject({ Device: 'device-42' });
    expect(bodyButton(copy, 'Escalate')).toBeUndefined();
  });
});
