import { stateLabel } from '../../cards/deployment-format';
import { deploymentRunCard } from '../../cards/deployment-run';
import type { EventCards } from '../../core/notifications/broadcaster';
import { DEPLOYMENT_TOPIC, type DeploymentEvent } from '../../core/deployments/run-events';
import type { PipelineRun } from '../../core/deployments/run';

/** The deployments' registration with the broadcaster: every event shows the run's one card as of the event. */
export const deploymentEventCards: EventCards<DeploymentEvent> = {
  ...DEPLOYMENT_TOPIC,
  render: (event) => ({ card: deploymentRunCard({ run: event.run, now: event.at }), summary: summary(event.run) }),
};

function summary(run: PipelineRun): string {
  const pending = run.approvals.find((a) => a.status === 'pending');
  if (pending) return `Approval needed: ${run.pipeline} ${run.runNumber}${pending.stageName ? ` (${pending.stageName})` : ''}`;
  return `${run.pipeline} ${run.runNumber}: ${stateLabel(run.state, run.result)}`;
}
