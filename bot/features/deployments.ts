import { randomBytes } from 'node:crypto';
import { AzureDevOpsApprovals } from '../../backends/devops/azure';
import { entraTokenSource } from '../../backends/devops/entra';
import { LocalApprovals } from '../../backends/devops/local';
import type { ApprovalsClient } from '../../core/ports/devops';
import { DEPLOYMENT_MIGRATIONS } from '../../backends/store/sqlite/deployments';
import { approveDeploymentAction, deploymentsCommand, rejectDeploymentAction } from '../../commands/deployments';
import { Broadcaster } from '../../core/notifications/broadcaster';
import { DeploymentService } from '../../core/deployments/service';
import { validateDeploymentFilter } from '../../core/deployments/subscription-filter';
import { devopsWebhookRouter } from '../webhooks/devops';
import { deploymentEventCards } from '../broadcasts/deployments';
import { defineFeature, type Platform } from './feature';

/**
 * Deployments: Azure DevOps service hooks → one card per run in subscribed
 * conversations; approvals decided from the card.
 *
 * Settings (readConfig: config.devopsWebhook, config.devops): DEVOPS_WEBHOOK_USER / DEVOPS_WEBHOOK_PASSWORD (the service hook's
 * basic auth), DEVOPS_BACKEND=local|azure, AZURE_DEVOPS_ORG_URL, AZURE_DEVOPS_PROJECT,
 * AZURE_DEVOPS_PAT (or keyvault:NAME; without a PAT, an Entra token of the managed identity).
 */
export const deploymentsFeature = defineFeature({
  name: 'deployments',
  needs: [],
  commands: [deploymentsCommand],
  actions: [approveDeploymentAction, rejectDeploymentAction],
  migrations: DEPLOYMENT_MIGRATIONS,
  async create(deps) {
    const credentials = webhookCredentials(deps);
    const approvals = approvalsClient(deps, credentials);
    const service = new DeploymentService({
      repository: deps.stores.deployments(),
      approvals,
      publish: new Broadcaster(deps.subscriptions, deps.notifier).publisher(deploymentEventCards),
      clock: deps.clock,
      log: deps.log,
      // The outbox lives in the same database: event, run and card posts commit in one sync.
      unitOfWork: deps.unitOfWork,
      audit: deps.audit,
    });
    deps.log.info({ approvals: approvals.kind }, 'deployments ready: POST /api/devops');
    return {
      routes: [{ path: '/api/devops', router: devopsWebhookRouter({ credentials, receive: (body, raw) => service.receive(body, raw), log: deps.log }) }],
      provides: { deployments: service },
      localSecrets: deps.config.bot ? undefined : { DEVOPS_WEBHOOK_USER: credentials.user, DEVOPS_WEBHOOK_PASSWORD: credentials.password },
      validateSubscriptionFilter: { topic: 'deployments', validate: validateDeploymentFilter },
      async start() {
        const recovered = await service.recover();
        if (recovered > 0) deps.log.info({ recovered }, 'deployment cards re-queued after a restart');
      },
    };
  },
});

/** Never unauthenticated: without configured credentials, random ones only the local stand-in knows. */
function webhookCredentials(deps: Platform): { user: string; password: string } {
  if (deps.config.devopsWebhook) return deps.config.devopsWebhook;
  const message =
    'DEVOPS_WEBHOOK_USER / DEVOPS_WEBHOOK_PASSWORD are not set: /api/devops takes random credentials for this run (printed at start in local mode, used by `npx fleetops send pipeline`).';
  if (deps.config.bot) deps.log.warn(`${message} Set both to receive Azure DevOps service hooks.`);
  else deps.log.info(message);
  return { user: 'fleetops-local', password: randomBytes(24).toString('base64url') };
}

function approvalsClient(deps: Platform, credentials: { user: string; password: string }): ApprovalsClient {
  const devops = deps.config.devops;
  if (devops.backend === 'local')
    return new LocalApprovals({ selfUrl: deps.selfUrl, credentials, clock: deps.clock, log: deps.log.child({ adapter: 'local-devops' }) });
  return new AzureDevOpsApprovals({
    organizationUrl: devops.organizationUrl,
    project: devops.project,
    auth: devops.pat ? { kind: 'pat', token: devops.pat } : { kind: 'entra', getToken: entraTokenSource() },
  });
}
