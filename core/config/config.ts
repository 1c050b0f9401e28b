import { z } from 'zod';

/**
 * Configuration, read once at start by `readConfig(env)`: validated, frozen, and
 * failing fast with the variable's name and how to fix it. Nothing else reads env.
 */

const list = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean));

const onOff = (fallback: 'on' | 'off') =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? fallback).trim().toLowerCase())
    .pipe(z.enum(['on', 'off'], { message: 'must be "on" or "off"' }))
    .transform((v) => v === 'on');

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(z.string().regex(/^\d+$/, { message: 'must be a whole number' }))
    .transform(Number)
    .pipe(z.number().min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` }));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const optionalUrl = optionalString.pipe(z.url({ message: 'must be a URL such as https://example.vault.azure.net' }).optional());

const envSchema = z.object({
  PORT: int(3978, 0, 65535),
  HOST: optionalString.transform((v) => v ?? '127.0.0.1'),
  DATA_DIR: optionalString.transform((v) => v ?? './.data'),
  PLAYGROUND: onOff('off'),
  SIM_DEVICES: int(1000, 0, 1_000_000),
  SIM_SEED: int(42, 0, 2 ** 31 - 1),
  ALERTS_WEBHOOK_TOKEN: optionalString,
  DEVOPS_WEBHOOK_USER: optionalString,
  DEVOPS_WEBHOOK_PASSWORD: optionalString,
  RELEASE_LEADS: list,
  OPERATORS: list,
  ADMINS: list,
  CLIENT_ID: optionalString,
  CLIENT_SECRET: optionalString,
  TENANT_ID: optionalString,
  KEY_VAULT_URL: optionalUrl,
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalString,
  FLEET_BACKEND: optionalString.transform((v) => v ?? 'local').pipe(z.enum(['local', 'iothub'], { message: 'must be "local" or "iothub"' })),
  LOGS_BACKEND: optionalString.transform((v) => v ?? 'local').pipe(z.enum(['local', 'loganalytics'], { message: 'must be "local" or "loganalytics"' })),
  LOG_LEVEL: optionalString.transform((v) => v ?? 'info').pipe(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])),
});

export type AppConfig = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  playground: boolean;
  sim: Readonly<{ devices: number; seed: number }>;
  alertsWebhookToken?: string;
  devopsWebhook?: Readonly<{ user: string; password: string }>;
  roles: Readonly<{ admins: readonly string[]; releaseLeads: readonly string[]; operators: readonly string[] }>;
  /** Present in Azure mode; absent = local mode (unauthenticated, loopback only). */
  bot?: Readonly<{ clientId: string; clientSecret?: string; tenantId?: string }>;
  keyVaultUrl?: string;
  appInsightsConnectionString?: string;
  fleetBackend: 'local' | 'iothub';
  logsBackend: 'local' | 'loganalytics';
  logLevel: string;
  /** The raw environment, for adapters that read their own variables (IOTHUB_*, LOG_ANALYTICS_*). */
  env: Readonly<Record<string, string | undefined>>;
}>;

/** What to do about each variable when it is wrong. */
const HINTS: Record<string, string> = {
  PORT: 'set PORT to a free TCP port, e.g. PORT=3978 (0 picks any free port)',
  HOST: 'set HOST to the address to listen on, e.g. HOST=127.0.0.1',
  PLAYGROUND: 'set PLAYGROUND=on to start the Agents Playground, or off',
  SIM_DEVICES: 'set SIM_DEVICES to the number of simulated devices (0 turns the simulator off)',
  SIM_SEED: 'set SIM_SEED to any whole number',
  KEY_VAULT_URL: 'set KEY_VAULT_URL to your vault, e.g. https://my-vault.vault.azure.net',
  FLEET_BACKEND: 'use FLEET_BACKEND=local (simulated fleet) or FLEET_BACKEND=iothub',
  LOGS_BACKEND: 'use LOGS_BACKEND=local (DuckDB) or LOGS_BACKEND=loganalytics',
  LOG_LEVEL: 'use one of trace, debug, info, warn, error, fatal, silent',
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`FleetOps cannot start, the configuration is wrong:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

export function readConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const value = env[name];
      const shown = name.includes('SECRET') || name.includes('PASSWORD') || name.includes('TOKEN') ? '(hidden)' : JSON.stringify(value);
      return `${name}=${shown} ${issue.message}${HINTS[name] ? `; ${HINTS[name]}` : ''}`;
    });
    throw new ConfigError(problems);
  }
  const e = result.data;
  const problems: string[] = [];
  if (!e.CLIENT_ID && !isLoopback(e.HOST)) {
    problems.push(
      `HOST=${JSON.stringify(e.HOST)} is not a loopback address, but CLIENT_ID is not set, so requests would not be authenticated; ` +
        'set CLIENT_ID (and CLIENT_SECRET, TENANT_ID) of your Azure Bot, or keep HOST=127.0.0.1 for local use',
    );
  }
  if (e.CLIENT_ID && !e.CLIENT_SECRET) problems.push('CLIENT_SECRET is missing; set it (or CLIENT_SECRET=keyvault:NAME with KEY_VAULT_URL) so the bot can send messages');
  if ((e.DEVOPS_WEBHOOK_USER === undefined) !== (e.DEVOPS_WEBHOOK_PASSWORD === undefined)) {
    problems.push('DEVOPS_WEBHOOK_USER and DEVOPS_WEBHOOK_PASSWORD go together; set both or neither');
  }
  if (e.FLEET_BACKEND === 'iothub' && !env.IOTHUB_CONNECTION_STRING && !env.IOTHUB_HOST) {
    problems.push('FLEET_BACKEND=iothub needs IOTHUB_CONNECTION_STRING, or IOTHUB_HOST (e.g. my-hub.azure-devices.net) with an Azure identity');
  }
  if (e.LOGS_BACKEND === 'loganalytics' && !env.LOG_ANALYTICS_WORKSPACE_ID) {
    problems.push('LOGS_BACKEND=loganalytics needs LOG_ANALYTICS_WORKSPACE_ID (the workspace GUID from the Azure portal)');
  }
  for (const [name, value] of Object.entries(env)) {
    if (value?.startsWith('keyvault:') && !e.KEY_VAULT_URL) {
      problems.push(`${name} refers to Key Vault (${value}) but KEY_VAULT_URL is not set; set KEY_VAULT_URL=https://<vault>.vault.azure.net`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return deepFreeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    playground: e.PLAYGROUND,
    sim: { devices: e.SIM_DEVICES, seed: e.SIM_SEED },
    alertsWebhookToken: e.ALERTS_WEBHOOK_TOKEN,
    devopsWebhook: e.DEVOPS_WEBHOOK_USER && e.DEVOPS_WEBHOOK_PASSWORD ? { user: e.DEVOPS_WEBHOOK_USER, password: e.DEVOPS_WEBHOOK_PASSWORD } : undefined,
    roles: { admins: e.ADMINS, releaseLeads: e.RELEASE_LEADS, operators: e.OPERATORS },
    bot: e.CLIENT_ID ? { clientId: e.CLIENT_ID, clientSecret: e.CLIENT_SECRET, tenantId: e.TENANT_ID } : undefined,
    keyVaultUrl: e.KEY_VAULT_URL,
    appInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING,
    fleetBackend: e.FLEET_BACKEND,
    logsBackend: e.LOGS_BACKEND,
    logLevel: e.LOG_LEVEL,
    env: { ...env },
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
