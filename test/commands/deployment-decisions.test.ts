import { openDatabase } from '../../backends/store/sqlite/database';
import { DEPLOYMENT_MIGRATIONS, sqliteDeploymentRepository } from '../../backends/store/sqlite/deployments';
import { APPROVE_VERB, REJECT_VERB } from '../../cards/deployment-run';
import { dispatchCardAction } from '../../commands/dispatch';
import { approveDeploymentAction, rejectDeploymentAction, type DeploymentServices } from '../../commands/deployments';
import { bindAction } from '../../bot/features/feature';
import { CommandRegistry } from '../../commands/registry';
import { ManualClock } from '../../core/clock';
import { readConfig } from '../../core/config/config';
import { DEPLOYMENT_TOPIC } from '../../core/deployments/run-events';
import { Broadcaster } from '../../core/notifications/broadcaster';
import { DeploymentService } from '../../core/deployments/service';
import { silentLogger } from '../../core/logger';
import type { ApprovalDecision, ApprovalsClient, ApprovalUpdateResult } from '../../core/ports/devops';
import { fixture } from '../core/deployments/fixtures';
import { actions, cardIn, textMatching } from '../support/card-reading';
import { recordingTurn } from '../support/turn';
import { commandServices } from './services';

class FakeApprovals implements ApprovalsClient {
  readonly kind = 'azure' as const;
  readonly calls: ApprovalDecision[] = [];
  constructor(public answer: ApprovalUpdateResult) {}
  async update(decision: ApprovalDecision): Promise<ApprovalUpdateResult> {
    this.calls.push(decision);
    return this.answer;
  }
}

/** The approval buttons over a release waiting for approval (run release-1, approval 0), at 2026-03-01 10:06 UTC. */
async function world(answer: ApprovalUpdateResult = { ok: true, status: 'approved' }) {
  const clock = new ManualClock(new Date('2026-03-01T10:06:00Z'));
  const approvals = new FakeApprovals(answer);
  const notifier = { post: async () => undefined };
  const publish = new Broadcaster({ listForTopic: async () => [] }, notifier).publisher({ ...DEPLOYMENT_TOPIC, render: ({ run }) => ({ text: run.runId }) });
  const deployments = new DeploymentService({
    repository: sqliteDeploymentRepository(openDatabase(':memory:', DEPLOYMENT_MIGRATIONS)),
    approvals,
    publish,
    clock,
    log: silentLogger,
  });
  const pending = fixture('ms.vss-release.deployment-approval-pending-event');
  await deployments.receive(pending, JSON.stringify(pending));
  const config = readConfig({});
  // The buttons bound to the deployments feature's services, as the composition root binds them.
  const bound: DeploymentServices = { deployments, config, clock, selfUrl: 'http://127.0.0.1:3978' };
  const services = commandServices({
    config,
    clock,
    registry: new CommandRegistry([], [bindAction(approveDeploymentAction, bound), bindAction(rejectDeploymentAction, bound)]),
    notifier,
  });
  const lead = { id: 'aad-lead', name: 'Rita Lead', role: 'release-lead' as const };
  const click = (verb: string, data: Record<string, unknown>) => dispatchCardAction(recordingTurn(services, lead, []), verb, data);
  return { approvals, audit: services.audit, click };
}

describe('deployment approval buttons', () => {
  it('approve: the run card says who approved; a second click gets the card again, refused as already decided', async () => {
    const w = await world();
    const done = await w.click(APPROVE_VERB, { id: 'release-1', approvalId: '0' });
    expect(textMatching(cardIn(done.card), /^✅ Approved/)).toBe('✅ Approved for Dev by Rita Lead, 2026-03-01 10:06 UTC');
    const again = await w.click(REJECT_VERB, { id: 'release-1', approvalId: '0' });
    expect(again).toMatchObject({ refused: 'deployment_approval_decided', noop: 'This approval was already approved by Rita Lead at 2026-03-01 10:06 UTC.' });
    expect(actions(cardIn(again.card))).toEqual([]);
    expect(w.approvals.calls).toHaveLength(1);
    expect(w.audit.entries.map((e) => [e.outcome, e.code])).toEqual([
      ['ok', undefined],
      ['refused', 'deployment_approval_decided'],
    ]);
  });

  it('Azure DevOps says no: the card shows its error and keeps the buttons; the audit has the code', async () => {
    const w = await world({ ok: false, failure: 'not-approver', message: 'User Rita is not authorized to approve this request.' });
    const refused = await w.click(APPROVE_VERB, { id: 'release-1', approvalId: '0' });
    expect(refused.refused).toBe('deployment_decision_refused');
    const card = cardIn(refused.card);
    expect(textMatching(card, /^⚠️/)).toBe('⚠️ User Rita is not authorized to approve this request. (tried by Rita Lead at 10:06 UTC)');
    expect(actions(card).map((a) => a.title)).toEqual(['Approve', 'Reject']);
    expect(w.audit.entries).toMatchObject([
      {
        outcome: 'refused',
        code: 'deployment_decision_refused',
        detail: 'Azure DevOps did not accept the decision: User Rita is not authorized to approve this request.',
      },
    ]);
  });

  it('an unknown run or approval gets the line, not a card', async () => {
    const w = await world();
    expect(await w.click(APPROVE_VERB, { id: 'run-404', approvalId: '0' })).toEqual({
      message: 'I no longer know run run-404; open it in Azure DevOps to decide there.',
      refused: 'deployment_run_unknown',
    });
    expect(await w.click(APPROVE_VERB, { id: 'release-1', approvalId: 'zzz' })).toMatchObject({
      message: expect.stringMatching(/has no approval zzz; the card may be out of date\.$/),
      refused: 'deployment_approval_unknown',
    });
  });
});
