import { startFleetOps } from '../../bot/server';
import { createAlertsFeatureModule } from '../../bot/features/alerts';
import { firmwareFeature } from '../../bot/features/firmware';
import { createFleetFeatureModule } from '../../bot/features/fleet';
import { createRolloutsFeatureModule } from '../../bot/features/rollouts';
import { iotHubOverHttp } from './iothub-over-http';

/**
 * One bot replica as its own process, for test/integration/postgres-two-processes.test.ts:
 * `node --require tsx/cjs test/support/replica-process.ts` with the bot's environment plus
 * TEST_IOTHUB_URL (the hub stand-in) and REPLICA_NAME. It is bot/main.ts minus the
 * Playground, with the features the scenario uses (fleet on IoT Hub, alerts, rollouts) and
 * the IoT Hub SDK's requests sent over HTTP to the stand-in (test/support/iothub-over-http.ts).
 * Prints one JSON line `{"ready": url}` when it listens. SIGTERM stops it gracefully;
 * the test kills it with SIGKILL.
 */
async function main(): Promise<void> {
  const standIn = process.env.TEST_IOTHUB_URL;
  if (!standIn) throw new Error('TEST_IOTHUB_URL is not set');
  const name = process.env.REPLICA_NAME ?? 'replica';
  const restApiClient = iotHubOverHttp(standIn, `fleetops-${name}`);
  const bot = await startFleetOps(process.env, {
    features: [createFleetFeatureModule({ restApiClient }), firmwareFeature, createAlertsFeatureModule(), createRolloutsFeatureModule()],
  });
  process.stdout.write(`${JSON.stringify({ ready: bot.url, pid: process.pid })}\n`);
  process.on('SIGTERM', () => void bot.stop(2_000).then(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`replica could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
