import { openDatabase } from '../../../backends/store/sqlite/database';
import { DEPLOYMENT_MIGRATIONS, sqliteDeploymentRepository } from '../../../backends/store/sqlite/deployments';
import type { ApprovalDecision, ApprovalsClient, ApprovalUpdateResult } from '../../../core/ports/devops';
import { DEPLOYMENT_TOPIC } from '../../../core/deployments/run-events';
import { Broadcaster } from '../../../core/notifications/broadcaster';
import { DeploymentService } from '../../../core/deployments/service';
import { globMatches, matchesDeploymentFilter, validateDeploymentFilter } from '../../../core/deployments/subscription-filter';
import type { Subscription, SubscriptionRepository } from '../../../core/conversations/subscription';
import type { Notifier, OutboundMessage } from '../../../core/notifications/notifier';
import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import { fixture, variant } from './fixtures';

class RecordingNotifier implements Notifier {
  readonly posts: Array<{ conversationId: string; key: string; message: OutboundMessage }> = [];
  async post(conversationId: string, key: string, message: OutboundMessage): Promise<void> {
    this.posts.push({ conversationId, key, message });
  }
}

class FakeSubscriptions implements SubscriptionRepository {
  constructor(private readonly subs: Array<Pick<Subscription, 'conversationId' | 'filter'>>) {}
  async add(): Promise<Subscription> {
    throw new Error('not used');
  }
  async remove(): Promise<number> {
    return 0;
  }
  async removeById(): Promise<boolean> {
    return false;
  }
  async listForConversation(): Promise<Subscription[]> {
    return [];
  }
  async listForTopic(): Promise<Subscription[]> {
    return this.subs.map((s, i) => ({ id: i, topic: 'deployments', createdBy: 'x', createdAt: '', ...s }));
  }
}

class FakeApprovals implements ApprovalsClient {
  readonly kind = 'azure' as const;
  readonly calls: ApprovalDecision[] = [];
  constructor(public answer: ApprovalUpdateResult) {}
  async update(decision: ApprovalDecision): Promise<ApprovalUpdateResult> {
    this.calls.push(decision);
    return this.answer;
  }
}

function setup(answer: ApprovalUpdateResult = { ok: true, status: 'approved' }) {
  const db = openDatabase(':memory:', DEPLOYMENT_MIGRATIONS);
  const repository = sqliteDeploymentRepository(db);
  const notifier = new RecordingNotifier();
  const approvals = new FakeApprovals(answer);
  const clock = new ManualClock(new Date('2026-03-01T10:06:00Z'));
  const publish = new Broadcaster(
    new FakeSubscriptions([
      { conversationId: 'all', filter: '' },
      { conversationId: 'cd', filter: 'Fabrikam.*' },
      { conversationId: 'other', filter: 'nope' },
    ]),
    notifier,
  ).publisher({ ...DEPLOYMENT_TOPIC, render: ({ run }) => ({ text: `${run.runId} v${run.version}` }) });
  const service = new DeploymentService({ repository, approvals, publish, clock, log: silentLogger });
  return { db, repository, notifier, approvals, service };
}

const receive = (service: DeploymentService, body: unknown) => service.receive(body, JSON.stringify(body));
const releasePending = fixture('ms.vss-release.deployment-approval-pending-event');
const actor = { id: 'aad-lead', name: 'Rita Lead', upn: 'rita@contoso.com' };

describe('DeploymentService', () => {
  it('stores an event once, posts the run card to matching subscriptions under one key, recognises redelivery', async () => {
    const { service, notifier } = setup();
    expect(await receive(service, releasePending)).toMatchObject({ status: 'accepted', runId: 'release-1', conversations: 2 });
    expect(notifier.posts.map((p) => [p.conversationId, p.key])).toEqual([
      ['all', 'deployment:release-1'],
      ['cd', 'deployment:release-1'],
    ]);
    expect(await receive(service, releasePending)).toMatchObject({ status: 'duplicate', runId: 'release-1' });
    expect(notifier.posts).toHaveLength(2);
  });

  it('re-announces an event stored before a crash but never handed to the outbox', async () => {
    const { db, service, repository, notifier } = setup();
    await receive(service, releasePending);
    const key = `${releasePending.eventType}:${releasePending.id}`;
    db.prepare('UPDATE deployment_events SET announced = 0').run();
    expect(await repository.unannounced(10)).toEqual([{ eventKey: key, runId: 'release-1' }]);
    expect(await service.recover()).toBe(1);
    expect(notifier.posts).toHaveLength(4);
    expect(await repository.unannounced(10)).toEqual([]);
  });

  it('ignores unhandled event types and rejects malformed events, storing neither', async () => {
    const { service, repository } = setup();
    expect(await receive(service, fixture('ms.vss-pipelines.job-state-changed-event'))).toMatchObject({
      status: 'ignored',
      eventType: 'ms.vss-pipelines.job-state-changed-event',
    });
    expect(await receive(service, { eventType: 'build.complete' })).toMatchObject({ status: 'rejected', reason: 'malformed' });
    expect(await repository.listRecent({ limit: 10 })).toEqual([]);
  });

  it('approves through Azure DevOps with a comment naming the Teams user, then shows who and when', async () => {
    const { service, approvals, notifier } = setup();
    await receive(service, releasePending);
    const run = await service.decide({ runId: 'release-1', approvalId: '0', decision: 'approved', actor });
    expect(approvals.calls[0]).toMatchObject({
      approvalId: '0',
      api: 'release',
      status: 'approved',
      comment: 'Approved in Microsoft Teams by Rita Lead (rita@contoso.com) via FleetOps',
      organizationUrl: 'https://dev.azure.com/fabfiber',
      project: 'Fabrikam-Fiber-Git',
    });
    expect(run.approvals[0]).toMatchObject({ status: 'approved', decidedBy: 'Rita Lead', decidedAt: '2026-03-01T10:06:00.000Z' });
    expect(notifier.posts.at(-1)!.message.text).toBe('release-1 v2');

    await expect(service.decide({ runId: 'release-1', approvalId: '0', decision: 'rejected', actor })).rejects.toMatchObject({
      code: 'deployment_approval_decided',
      facts: { status: 'approved', by: 'Rita Lead', at: '2026-03-01T10:06:00.000Z' },
    });
    expect(approvals.calls).toHaveLength(1);
  });

  it('keeps the approval pending and shows Azure DevOps’ error on the card', async () => {
    const { service } = setup({ ok: false, failure: 'not-approver', message: 'User Rita is not authorized to approve this request.' });
    await receive(service, releasePending);
    await expect(service.decide({ runId: 'release-1', approvalId: '0', decision: 'approved', actor })).rejects.toMatchObject({
      code: 'deployment_decision_refused',
      facts: { reason: 'User Rita is not authorized to approve this request.' },
    });
    expect((await service.get('release-1'))!.approvals[0]).toMatchObject({
      status: 'pending',
      lastError: 'User Rita is not authorized to approve this request. (tried by Rita Lead at 10:06 UTC)',
    });
  });

  it('says when more approvers are needed', async () => {
    const { service } = setup({ ok: true, status: 'pending', remainingApprovers: 1 });
    await receive(service, releasePending);
    const run = await service.decide({ runId: 'release-1', approvalId: '0', decision: 'approved', actor });
    expect(run.approvals[0]).toMatchObject({ status: 'pending', note: 'Approved by Rita Lead; waiting for 1 more approver.' });
  });

  it('refuses unknown runs and approvals', async () => {
    const { service } = setup();
    await expect(service.decide({ runId: 'run-404', approvalId: 'a', decision: 'approved', actor })).rejects.toMatchObject({
      code: 'deployment_run_unknown',
      facts: { runId: 'run-404' },
    });
    await receive(service, releasePending);
    await expect(service.decide({ runId: 'release-1', approvalId: 'zzz', decision: 'approved', actor })).rejects.toMatchObject({
      code: 'deployment_approval_unknown',
      facts: { approvalId: 'zzz' },
    });
  });

  it('lists recent runs, optionally of one pipeline', async () => {
    const { service } = setup();
    await receive(service, releasePending);
    await receive(service, fixture('build.complete'));
    await receive(
      service,
      variant('ms.vss-pipelines.run-state-changed-event', (e) => (e.resource.run.id = 99)),
    );
    expect((await service.list()).map((r) => r.runId).sort()).toEqual(['release-1', 'run-2', 'run-99']);
    expect((await service.list({ pipeline: 'fabrikam.cd' })).map((r) => r.runId)).toEqual(['release-1']);
  });
});

describe('deployments subscription filter', () => {
  it('validates and matches pipeline names with * and commas', () => {
    expect(validateDeploymentFilter('')).toBeUndefined();
    expect(validateDeploymentFilter('firmware-*, FleetOps CD')).toBeUndefined();
    const refused = (filter: string) => {
      const refusal = validateDeploymentFilter(filter);
      return refusal && [refusal.code, refusal.facts];
    };
    expect(refused('a,,b')).toEqual(['deployment_filter_name_empty', { filter: 'a,,b' }]);
    expect(refused(' firmware-*, ** ')).toEqual(['deployment_filter_name_only_wildcards', { name: '**' }]);
    expect(refused('x'.repeat(201))).toEqual(['deployment_filter_too_long', { length: 201, max: 200 }]);
    expect(refused('bad\u0007name')).toEqual(['deployment_filter_control_character', { filter: 'bad\u0007name' }]);
    expect(matchesDeploymentFilter('firmware-*, FleetOps CD', { pipeline: 'Firmware-Release' })).toBe(true);
    expect(matchesDeploymentFilter('firmware-*, FleetOps CD', { pipeline: 'fleetops cd' })).toBe(true);
    expect(matchesDeploymentFilter('firmware-*', { pipeline: 'my firmware-release' })).toBe(false);
    expect(matchesDeploymentFilter('a.b', { pipeline: 'axb' })).toBe(false);
  });
});

describe('deployment filter globs', () => {
  test('match like `*` globs', () => {
    const cases: Array<[string, string, boolean]> = [
      ['firmware-*', 'firmware-release', true],
      ['*-release', 'firmware-release', true],
      ['f*e*e', 'firmware-release', true],
      ['*rel*', 'firmware-release', true],
      ['firm*x', 'firmware-release', false],
      ['a*a', 'a', false],
      ['a*b*c', 'abc', true],
      ['ab*ba', 'aba', false],
      ['fleetops cd', 'fleetops cd', true],
      ['fleetops', 'fleetops cd', false],
      ['*', '', true],
    ];
    for (const [pattern, name, expected] of cases) expect([pattern, name, globMatches(pattern, name)]).toEqual([pattern, name, expected]);
  });

  test('a pathological filter against a long pipeline name answers at once (a RegExp backtracked for minutes)', () => {
    const started = performance.now();
    expect(matchesDeploymentFilter(`${'*a'.repeat(40)}*b`, { pipeline: 'a'.repeat(200) })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
