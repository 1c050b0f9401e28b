import type { EventCards } from '../notifications/broadcaster';
import type { PipelineRun } from './run';
import { matchesDeploymentFilter } from './subscription-filter';

interface RunChanged {
  readonly runId: string;
  /** The run after the change: what its card shows. */
  readonly run: PipelineRun;
  readonly at: string;
}

/**
 * What happened to a pipeline run: an Azure DevOps service hook moved it (published again
 * for a redelivered or recovered event whose card never reached the outbox), or someone
 * decided an approval from its card (`ok` false: Azure DevOps refused, its error is on the run).
 */
export type DeploymentEvent =
  | (RunChanged & { readonly type: 'deployment.run-changed'; readonly eventKey: string })
  | (RunChanged & {
      readonly type: 'deployment.approval-decided';
      readonly approvalId: string;
      readonly decision: 'approved' | 'rejected';
      readonly actor: { readonly name: string };
      readonly ok: boolean;
    });

export const deploymentCardKey = (runId: string): string => `deployment:${runId}`;

/**
 * Who sees a run's events (the conversations subscribed to its pipeline) and under which
 * key: one card per run, sent first and updated in place afterwards. The feature adds `render`.
 */
export const DEPLOYMENT_TOPIC: Omit<EventCards<DeploymentEvent>, 'render'> = {
  topic: 'deployments',
  matches: (filter, event) => matchesDeploymentFilter(filter, event.run),
  cardKey: (event) => deploymentCardKey(event.runId),
};
