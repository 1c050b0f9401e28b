import fs from 'node:fs';
import path from 'node:path';
import type { BuiltFeature } from './features/feature';

/** Where a local bot's webhooks listen, and the secrets a test event needs (random per run unless configured). */
export interface LocalWebhooks {
  readonly url: string;
  readonly secrets: Readonly<Record<string, string>>;
}

/** The file `fleetops send` reads to post sample events to the running bot. */
export const LOCAL_WEBHOOKS_FILE = 'local-webhooks.json';

/**
 * Local mode only (no CLIENT_ID, so the bot listens on loopback): the webhook secrets go to
 * DATA_DIR, readable by this user alone, so `npx fleetops send alert` can post to the bot.
 */
export function saveLocalWebhooks(dataDir: string, url: string, features: readonly Pick<BuiltFeature<object>, 'localSecrets'>[]): LocalWebhooks {
  const local: LocalWebhooks = { url, secrets: Object.assign({}, ...features.map((f) => f.localSecrets ?? {})) };
  const file = path.join(dataDir, LOCAL_WEBHOOKS_FILE);
  fs.writeFileSync(file, `${JSON.stringify(local, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return local;
}

export function readLocalWebhooks(dataDir: string): LocalWebhooks | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, LOCAL_WEBHOOKS_FILE), 'utf8')) as Partial<LocalWebhooks>;
    if (typeof parsed.url !== 'string' || typeof parsed.secrets !== 'object' || parsed.secrets === null) return undefined;
    const secrets = Object.fromEntries(Object.entries(parsed.secrets).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return { url: parsed.url, secrets };
  } catch {
    return undefined;
  }
}

/** Local mode: the webhooks' secrets, so a test alert or pipeline event can be posted by hand or with `npx fleetops send`. */
export function localWebhookLines(local: LocalWebhooks | undefined): string[] {
  if (!local) return [];
  const s = local.secrets;
  return [
    '',
    `  Webhooks (local mode; secrets random for this run unless set in .env):`,
    ...(s.ALERTS_WEBHOOK_TOKEN ? [`    Azure Monitor:    POST ${local.url}/api/alerts?token=${s.ALERTS_WEBHOOK_TOKEN}`] : []),
    ...(s.DEVOPS_WEBHOOK_USER
      ? [`    Azure DevOps:     POST ${local.url}/api/devops  basic auth ${s.DEVOPS_WEBHOOK_USER} / ${s.DEVOPS_WEBHOOK_PASSWORD}`]
      : []),
    '    Try:              npx fleetops send alert  ·  npx fleetops send alert --resolve  ·  npx fleetops send pipeline',
  ];
}
