import type { Telemetry } from '../../core/ports/telemetry';

/**
 * Application Insights (applicationinsights 3). Loaded only when a connection string is
 * configured: without one nothing leaves the machine, and start-up stays fast.
 */
export function createAppInsightsTelemetry(connectionString: string): Telemetry {
  // Loaded only when telemetry is on: the SDK is heavy to load.
  const appInsights = require('applicationinsights') as typeof import('applicationinsights');
  const client = new appInsights.TelemetryClient(connectionString);
  return {
    // Custom events with a duration measurement: they share the log pipeline with
    // exceptions, so flush() delivers them together (requests would go through tracing).
    trackCommand(name, durationMs, success) {
      client.trackEvent({ name: 'FleetOps.Command', properties: { command: name, success: String(success) }, measurements: { durationMs } });
    },
    trackCardAction(verb, durationMs, success) {
      client.trackEvent({ name: 'FleetOps.CardAction', properties: { verb, success: String(success) }, measurements: { durationMs } });
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
