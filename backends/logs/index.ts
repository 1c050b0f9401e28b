/** Chooses the logs adapter for the configured world, once, at startup. */
import type { Clock } from '../../core/clock';
import type { AppConfig } from '../../core/config/config';
import type { Logger } from '../../core/logger';
import { warmUpKusto } from './kql/kusto';
import { EmbeddedLogsClient } from './local/embedded-logs-client';
import type { LogsClient } from './port';

export interface LogsClientDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

export function createLogsClient(config: AppConfig, deps: LogsClientDeps): LogsClient {
  if (config.logsBackend === 'loganalytics') {
    const workspaceId = config.env.LOG_ANALYTICS_WORKSPACE_ID;
    if (!workspaceId) throw new Error('LOGS_BACKEND=loganalytics needs LOG_ANALYTICS_WORKSPACE_ID (the workspace GUID from the Azure portal)');
    // Azure SDKs load only in Azure mode (start-up time of the embedded world).
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    const { LogAnalyticsLogsClient } = require('./loganalytics') as typeof import('./loganalytics');
    return new LogAnalyticsLogsClient(workspaceId, new DefaultAzureCredential());
  }
  return new EmbeddedLogsClient({ dataDir: config.dataDir, clock: deps.clock, logger: deps.logger.child({ component: 'logs' }) });
}

/**
 * Loads the Kusto parser in the background (load + first parse take 2–3 s), so the first
 * `logs` command answers quickly. Never rejects.
 */
export function warmUp(): Promise<void> {
  return warmUpKusto();
}

export type { LogsClient } from './port';
export { EmbeddedLogsClient } from './local/embedded-logs-client';
