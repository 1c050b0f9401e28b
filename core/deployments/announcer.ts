import type { SubscriptionRepository } from '../conversations/subscription';
import type { Notifier, OutboundMessage } from '../notifications/notifier';
import { matchesDeploymentFilter } from './subscription-filter';
import type { PipelineRun } from './run';

export const deploymentCardKey = (runId: string): string => `deployment:${runId}`;

/**
 * Puts the run's card in the outbox of every conversation subscribed to its pipeline.
 * One key per run: the notifier sends the first and updates it in place afterwards.
 */
export class DeploymentAnnouncer {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly notifier: Notifier,
    private readonly render: (run: PipelineRun) => OutboundMessage,
  ) {}

  /** Returns the conversations the run was posted to. */
  async announce(run: PipelineRun): Promise<string[]> {
    const conversations = new Set<string>();
    for (const sub of await this.subscriptions.listForTopic('deployments')) {
      if (matchesDeploymentFilter(sub.filter, run)) conversations.add(sub.conversationId);
    }
    if (conversations.size === 0) return [];
    const message = this.render(run);
    for (const conversationId of conversations) await this.notifier.post(conversationId, deploymentCardKey(run.runId), message);
    return [...conversations];
  }
}
