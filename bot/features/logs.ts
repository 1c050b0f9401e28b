import { createLogsClient } from '../../backends/logs';
import { logsActions, logsButtonActions, logsCommand, logsSchemaCommand } from '../../commands/logs';
import type { ScheduledJob } from '../../core/scheduling/scheduler';
import { defineFeature } from './feature';

/**
 * Logs: `logs <KQL>` / `logs device-42` on Log Analytics or the embedded DuckDB store.
 * The Kusto parser is warmed in the background at start (in the KQL compiler process)
 * so the first query is quick. The embedded store is also the simulated fleet's log sink
 * (`logSink`): its devices write log lines and telemetry there.
 */
export const logsFeature = defineFeature({
  name: 'logs',
  needs: [],
  commands: [logsCommand, logsSchemaCommand],
  actions: [...logsActions, ...logsButtonActions],
  async create(deps) {
    const { client: logs, sink } = createLogsClient(deps.config, { clock: deps.clock, logger: deps.log });
    let warmUp: ScheduledJob | undefined;
    return {
      provides: { logs, logSink: sink },
      async start() {
        // After the bot is up (warming takes a few seconds of CPU), so readiness and the
        // first chat turns do not compete with it.
        // Every replica warms its own compiler process.
        if (logs.warmUp) warmUp = deps.scheduler.add({ name: 'logs-warm-up', runs: 'on-every-replica', firstAfterMs: 1_000, run: async () => logs.warmUp?.() });
      },
      async stop() {
        // Not awaited: a warm-up in progress ends with the compiler process `close` stops.
        void warmUp?.stop();
        await logs.close();
      },
    };
  },
});
