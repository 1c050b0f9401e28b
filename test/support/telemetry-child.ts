// Runs in a child process so NODE_EXTRA_CA_CERTS (read at start) can trust the test's
// self-signed ingestion endpoint: tracks a command, a card action and an error, flushes.
import { createAppInsightsTelemetry } from '../../backends/telemetry/appinsights';

async function main() {
  const telemetry = createAppInsightsTelemetry(process.env.TEST_CONNECTION_STRING!);
  telemetry.trackCommand('status', 12, true);
  telemetry.trackCardAction('rollout.pause', 34, false);
  telemetry.trackException(new Error('boom'), { correlationId: 'abc123' });
  await telemetry.flush();
  setTimeout(() => process.exit(0), 500);
}
void main();
