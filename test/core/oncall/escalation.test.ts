import { acknowledged, duePage, escalateNow, pageSent, reassign, startEscalation } from '../../../core/oncall/escalation';
import type { OnCall } from '../../../core/oncall/schedule';

const member = (name: string) => ({ id: `${name}@contoso.com`, name });
const onCall: OnCall = {
  rotation: 'berlin-ops',
  primary: member('ana'),
  secondary: member('ben'),
  escalationTarget: member('lead'),
  since: new Date(0),
  until: new Date(1e13),
};
const posted = new Date('2026-12-05T10:00:00Z');
const at = (minutes: number) => new Date(posted.getTime() + minutes * 60_000);

test('primary after N minutes, then secondary, then the escalation target, each N minutes apart', () => {
  let state = startEscalation({ alertId: 'a-1', conversationId: 'c', onCall, unacknowledgedMinutes: 5, postedAt: posted });
  expect(duePage(state, at(4.9))).toBeUndefined();
  const sent: string[] = [];
  for (const minute of [5, 10, 15]) {
    const page = duePage(state, at(minute));
    sent.push(`${page?.level}:${page?.member.name}`);
    state = pageSent(state, at(minute));
    expect(duePage(state, at(minute))).toBeUndefined();
  }
  expect(sent).toEqual(['primary:ana', 'secondary:ben', 'escalation target:lead']);
  expect(state.nextDueAt).toBeUndefined();
  expect(duePage(state, at(60))).toBeUndefined();
});

test('acknowledging stops the chain; escalate pulls the next page forward; reassign pages the person now', () => {
  const start = startEscalation({ alertId: 'a-1', conversationId: 'c', onCall, unacknowledgedMinutes: 5, postedAt: posted });
  expect(duePage(acknowledged(start, 'ben', at(1)), at(30))).toBeUndefined();
  expect(duePage(escalateNow(start, at(1))!, at(1))?.member.name).toBe('ana');
  expect(escalateNow(acknowledged(start, 'ben', at(1)), at(2))).toBeUndefined();
  const moved = reassign(pageSent(start, at(5)), member('zed'), at(6));
  expect(duePage(moved, at(6))?.member.name).toBe('zed');
  expect(moved.pages.map((p) => p.member.name)).toEqual(['ana', 'zed', 'ben', 'lead']);
});

test('nobody is paged twice when the secondary or target is the primary', () => {
  const state = startEscalation({
    alertId: 'a',
    conversationId: 'c',
    onCall: { ...onCall, secondary: member('ana'), escalationTarget: undefined },
    unacknowledgedMinutes: 5,
    postedAt: posted,
  });
  expect(state.pages.map((p) => p.member.name)).toEqual(['ana']);
});
