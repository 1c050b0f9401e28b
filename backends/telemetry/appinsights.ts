import type { Telemetry } from './port';

/**
 * Application Insights (applicationinsights 3). Loaded only when a connection string is
 * configured: without one nothing leaves the machine, and start-up stays fast.
 */
export function createAppInsightsTelemetry(connectionString: string): Telemetry {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const appInsights = require('applicationinsights') as typeof import('applicationinsights');
  const client = new appInsights.TelemetryClient(connectionString);
  return {
    trackCommand(name, durationMs, success) {
      client.trackRequest({ name: `command ${name}`, url: `command://${name}`, duration: durationMs, resultCode: success ? '200' : '500', success });
    },
    trackCardAction(verb, durationMs, success) {
      client.trackRequest({ name: `card ${verb}`, url: `card://${verb}`, duration: durationMs, resultCode: success ? '200' : '500', success });
    },
    trackException(error, properties) {
      client.trackException({ exception: error instanceof Error ? error : new Error(String(error)), properties });
    },
    trackEvent(name, properties, measurements) {
      client.trackEvent({ name, properties, measurements });
    },
    async flush() {
      await client.flush();
    },
  };
}
