import { deploymentRunCard, APPROVE_VERB, REJECT_VERB, ROLLOUT_PLAN_VERB } from '../../cards/deployment-run';
import { deploymentListCard } from '../../cards/deployment-list';
import { durationBetween } from '../../cards/deployment-format';
import { expectValidCard } from '../support/cards';
import { approvedRun, errorRun, failedRun, hugeRun, NOW, releasedRun, runningRun, waitingRun } from './deployment-samples';

const actionsOf = (card: { actions?: Array<Record<string, unknown>> }) => (card.actions ?? []).map((a) => [a.type, a.title, a.verb ?? a.url]);

describe('deployment run card', () => {
  it.each([
    ['running', runningRun],
    ['waiting for approval', waitingRun],
    ['approved', approvedRun],
    ['approval error', errorRun],
    ['firmware released', releasedRun],
    ['failed', failedRun],
  ])('%s: valid, small, and pinned', (_name, run) => {
    const card = deploymentRunCard({ run, now: NOW });
    expectValidCard(card);
    expect(card).toMatchSnapshot();
  });

  it('offers Approve and Reject while an approval is pending, with the run and approval ids', () => {
    const card = deploymentRunCard({ run: waitingRun, now: NOW });
    expect(actionsOf(card)).toEqual([
      ['Action.Execute', 'Approve', APPROVE_VERB],
      ['Action.Execute', 'Reject', REJECT_VERB],
      ['Action.OpenUrl', 'Open in Azure DevOps', 'https://dev.azure.com/contoso/Fleet/_build/results?buildId=11'],
    ]);
    expect(card.actions![0]).toMatchObject({ data: { id: 'run-11', approvalId: 'aab27959-a5be-4ee3-97ca-f19b3602cd2f' } });
  });

  it('shows who approved and when, without buttons', () => {
    const json = JSON.stringify(deploymentRunCard({ run: approvedRun, now: NOW }));
    expect(json).toContain('Approved for Production by Rita Lead, 2026-03-01 10:06 UTC');
    expect(json).not.toContain(APPROVE_VERB);
  });

  it('shows the Azure DevOps error on the card and keeps the buttons', () => {
    const card = deploymentRunCard({ run: errorRun, now: NOW });
    expect(JSON.stringify(card)).toContain('not authorized to approve');
    expect(actionsOf(card)[0]).toEqual(['Action.Execute', 'Approve', APPROVE_VERB]);
  });

  it('offers "Plan rollout of <version>" once a firmware release succeeded', () => {
    const card = deploymentRunCard({ run: releasedRun, now: NOW });
    expect(actionsOf(card)[0]).toEqual(['Action.Execute', 'Plan rollout of 2.4.1', ROLLOUT_PLAN_VERB]);
    expect(card.actions![0]).toMatchObject({ data: { version: '2.4.1', verb: ROLLOUT_PLAN_VERB } });
    expect(JSON.stringify(deploymentRunCard({ run: { ...releasedRun, result: 'failed' }, now: NOW }))).not.toContain(ROLLOUT_PLAN_VERB);
  });

  it('stays under 28 KB in the worst case (many stages, several approvals)', () => {
    const card = deploymentRunCard({ run: hugeRun, now: NOW });
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain('…and 20 more stages');
    expect(card.actions!.filter((a) => a.verb === APPROVE_VERB)).toHaveLength(2);
  });
});

describe('deployment list card', () => {
  it('lists runs newest first with their state', () => {
    const card = deploymentListCard({ runs: [releasedRun, failedRun, waitingRun] });
    expectValidCard(card);
    expect(card).toMatchSnapshot();
  });

  it('stays small for the longest list the command shows', () => {
    const runs = Array.from({ length: 25 }, (_, i) => ({ ...failedRun, runId: `run-${i}`, pipeline: `pipeline ${'p'.repeat(60)}` }));
    expectValidCard(deploymentListCard({ runs, pipeline: 'pipeline' }));
  });
});

it("says how long a run took in the product's one duration format, and nothing when it cannot tell", () => {
  const after = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();
  expect([45_000, 185_000, 3_720_000].map((ms) => durationBetween(NOW, after(ms)))).toEqual(['45 s', '3 min', '1 h 2 min']);
  expect([durationBetween(undefined, NOW), durationBetween(NOW, 'not a time')]).toEqual(['', '']);
});
