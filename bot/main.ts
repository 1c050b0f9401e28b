import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/config/config';
import { startFleetOps } from './server';
import { localWebhookLines } from './local-webhooks';
import { PLAYGROUND_PORT, repoRoot, startPlayground, type PlaygroundUser } from './playground';

/**
 * `npm start`: the bot on its embedded defaults, the simulated fleet and the Agents
 * Playground. Ctrl-C (SIGINT) or SIGTERM drains the outbox for up to 10 s and stops.
 */
async function main(): Promise<void> {
  const envFile = path.resolve('.env');
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
  const env = { ...process.env };
  // `npm start` means "try it": the Playground is on unless PLAYGROUND says otherwise.
  if (env.PLAYGROUND === undefined && process.argv.includes('--playground')) env.PLAYGROUND = 'on';

  const as = playgroundUser(process.argv);

  const started = Date.now();
  const bot = await startFleetOps(env);
  const playground = bot.config.playground ? startPlayground({ botUrl: bot.url, cwd: repoRoot(), log: bot.log, as }) : undefined;

  const lines = [
    '',
    `  FleetOps is running (${bot.config.bot ? 'Azure mode' : 'local mode'}, ready in ${Date.now() - started} ms)`,
    `  Bot endpoint:       ${bot.url}/api/messages`,
    `  Health:             ${bot.url}/healthz  ${bot.url}/readyz`,
    playground ? `  Chat with it here:  http://localhost:${PLAYGROUND_PORT}  (the Agents Playground)` : '  Playground:         off (PLAYGROUND=on to start it)',
    ...(playground
      ? [
          as === 'viewer'
            ? '  You are:            Megan Bowen, a viewer (without --as viewer: Alex Wilber, a release lead)'
            : '  You are:            Alex Wilber, a release lead (npm start -- --as viewer: Megan Bowen, a viewer)',
        ]
      : []),
    `  Try typing:         help · whoami · status device-42 · fleet · logs DeviceLogs | take 10`,
    ...localWebhookLines(bot.localWebhooks),
    '  Stop with Ctrl-C.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n  ${signal}: stopping FleetOps (sending what is queued, up to 10 s)…\n`);
    playground?.kill('SIGTERM');
    await bot.stop(10_000);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** `npm start -- --as viewer`: the Playground signs you in as the viewer. */
function playgroundUser(argv: readonly string[]): PlaygroundUser {
  const i = argv.indexOf('--as');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--as='))?.slice(5);
  if (value === undefined || value === 'release-lead' || value === 'lead') return 'release-lead';
  if (value === 'viewer') return 'viewer';
  throw new ConfigError([`--as ${value}: say --as viewer (Megan Bowen) or leave it out (Alex Wilber, a release lead).`]);
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`FleetOps could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
