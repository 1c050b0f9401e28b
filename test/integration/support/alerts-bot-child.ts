// A FleetOps bot in its own process (alerts only), for the kill -9 test. Prints its URL.
// SEED_CONVERSATION=<id> registers the conversation (serviceUrl = CONNECTOR_URL) and subscribes it to alerts.
import { startFleetOps } from '../../../bot/server';
import { createAlertsFeatureModule } from '../../../bot/features/alerts';
import { silentLogger } from '../../../core/logger';

async function main() {
  const bot = await startFleetOps(process.env, {
    logger: silentLogger,
    features: [createAlertsFeatureModule({ schedule: () => () => undefined })],
    outbox: { backoff: { baseMs: 50, maxMs: 500 } },
  });
  const conversationId = process.env.SEED_CONVERSATION;
  if (conversationId) {
    await bot.services.conversations.upsert({
      conversationId,
      serviceUrl: process.env.CONNECTOR_URL!,
      channelId: 'msteams',
      tenantId: 'tenant-1',
      conversationType: 'channel',
    });
    await bot.services.subscriptions.add({ conversationId, topic: 'alerts', filter: '', createdBy: 'test' });
  }
  process.stdout.write(`READY ${bot.url}\n`);
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
