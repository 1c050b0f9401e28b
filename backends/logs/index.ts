/** Chooses the logs adapter for the configured world, once, at startup. */
import type { Clock } from '../../core/clock';
import type { AppConfig } from '../../core/config/config';
import type { Logger } from '../../core/logger';
import { ChildProcessCompiler } from './kql/child-process-compiler';
import { EmbeddedLogsClient } from './local/embedded-logs-client';
import type { LogsClient } from '../../core/ports/logs';
import type { LogSink } from '../../sim/log-sink';

export interface LogsClientDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface LogsBackend {
  readonly client: LogsClient;
  /** Where the simulated fleet writes its rows; only the embedded store has one (Log Analytics is fed by Azure Monitor). */
  readonly sink?: LogSink;
}

export function createLogsClient(config: AppConfig, deps: LogsClientDeps): LogsBackend {
  if (config.logsBackend === 'loganalytics') {
    const workspaceId = config.logAnalytics.workspaceId;
    if (!workspaceId) throw new Error('LOGS_BACKEND=loganalytics needs LOG_ANALYTICS_WORKSPACE_ID (the workspace GUID from the Azure portal)');
    // Azure SDKs load only in Azure mode (start-up time of the embedded world).
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    const { LogAnalyticsLogsClient } = require('./loganalytics') as typeof import('./loganalytics');
    return { client: new LogAnalyticsLogsClient(workspaceId, new DefaultAzureCredential()) };
  }
  const logger = deps.logger.child({ component: 'logs' });
  // The bot compiles KQL in a process of its own: the parser's ~120 MB and its
  // synchronous parses stay out of the process that answers chat and webhooks.
  const embedded = new EmbeddedLogsClient({
    dataDir: config.dataDir,
    clock: deps.clock,
    logger,
    compiler: (tables) => new ChildProcessCompiler(tables, { logger }),
  });
  return { client: embedded, sink: embedded };
}
