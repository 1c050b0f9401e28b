import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFleetFeatureModule } from '../../bot/features/fleet';
import { FEATURE_MODULES } from '../../bot/features';
import { startTestBot, USERS, type TestBot } from '../support/bot-harness';
import { RecordingConnector } from '../support/recording-connector';
import { IotHubStandIn } from '../support/iothub-standin';
import { iotHubOverHttp } from '../support/iothub-over-http';
import { describeOnPostgres, scratchDatabase } from '../support/postgres';
import { PRODUCTION_BACKENDS } from '../support/production-backends';

jest.setTimeout(60_000);

/**
 * With DATABASE_URL the shared state lives in PostgreSQL only: no replica keeps a
 * fleetops.sqlite of its own. The embedded world on PostgreSQL is one process
 * (FLEETOPS_SINGLE_REPLICA=on), and a second one is refused.
 */
describeOnPostgres('DATA_DIR with the state on PostgreSQL', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  const bots: TestBot[] = [];
  const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-pg-files-'));

  beforeEach(async () => {
    scratch = await scratchDatabase();
  });

  afterEach(async () => {
    await Promise.all(bots.splice(0).map((b) => b.stop()));
    await scratch.drop();
  });

  test('with the production backends and every feature, no fleetops.sqlite is created in DATA_DIR', async () => {
    const hub = await new IotHubStandIn().start();
    try {
      hub.seed(3, '2.4.0');
      const dir = dataDir();
      // Every feature as bot/main.ts loads them, the fleet's IoT Hub requests sent to the stand-in.
      const features = FEATURE_MODULES.map((f) =>
        f.name === 'fleet' ? createFleetFeatureModule({ restApiClient: iotHubOverHttp(hub.url, 'fleetops-files') }) : f,
      );
      const bot = await startTestBot({ dataDir: dir, env: { ...PRODUCTION_BACKENDS, DATABASE_URL: scratch.url }, start: { features } });
      bots.push(bot);
      expect(bot.bot.db).toBeUndefined();
      // The state works (a subscription is written to PostgreSQL) and the fleet answers from the hub.
      expect((await bot.sayAndWait('subscribe alerts', { user: USERS.operator, conversation: 'channel' })).activity.text).toMatch(/Subscribed/);
      expect(JSON.stringify((await bot.sayAndWait('status device-1')).activity)).toMatch(/device-1/);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('fleetops.sqlite'))).toEqual([]);
    } finally {
      await hub.stop();
    }
  });

  test('FLEETOPS_SINGLE_REPLICA=on runs the embedded fleet on PostgreSQL in one process, and refuses a second one', async () => {
    const env = { DATABASE_URL: scratch.url, FLEETOPS_SINGLE_REPLICA: 'on', ALERT_RULES: 'off' };
    const connector = await new RecordingConnector().start();
    const start = () => startTestBot({ dataDir: dataDir(), env, connector });
    const first = await start();
    bots.push(first);
    // The local registry is the only thing in the file; the state is in PostgreSQL.
    expect(first.bot.db).toBeDefined();
    await expect(start()).rejects.toThrow(/FLEETOPS_SINGLE_REPLICA=on, but another FleetOps process already runs on this database/);
    // Once the first stops, the lock is free.
    await bots.pop()!.stop();
    bots.push(await start());
    await bots.pop()!.stop();
    await connector.stop();
  });
});
