import { z } from 'zod';
import { DEFAULT_STORM_POLICY } from '../alerts/storm';
import { choice, decimal, int, list, onOff, optionalString, optionalUrl } from './fields';

/**
 * Configuration, read once at start by `readConfig(env)`: validated, frozen, and
 * failing fast with the variable's name and how to fix it. Nothing else reads env.
 */

const envSchema = z.object({
  PORT: int(3978, 0, 65535),
  HOST: optionalString.transform((v) => v ?? '127.0.0.1'),
  DATA_DIR: optionalString.transform((v) => v ?? './.data'),
  // The bot's state on PostgreSQL (several replicas); unset = SQLite in DATA_DIR (one process)
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/[^/]+/, {
        message: 'must be a PostgreSQL URL such as postgres://fleetops@my-server.postgres.database.azure.com:5432/fleetops',
      })
      .optional(),
  ),
  DATABASE_PASSWORD: optionalString,
  DATABASE_ENTRA_AUTH: onOff('off'),
  DATABASE_POOL_MAX: int(10, 1, 500),
  DATABASE_STATEMENT_TIMEOUT_MS: int(15_000, 100, 600_000),
  // One process on PostgreSQL with the embedded world (a developer's setup): the operator promises that no second replica runs
  FLEETOPS_SINGLE_REPLICA: onOff('off'),
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
  KEY_VAULT_URL: optionalUrl('https://my-vault.vault.azure.net'),
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalString,
  FLEET_BACKEND: optionalString.transform((v) => v ?? 'local').pipe(z.enum(['local', 'iothub'], { message: 'must be "local" or "iothub"' })),
  LOGS_BACKEND: optionalString.transform((v) => v ?? 'local').pipe(z.enum(['local', 'loganalytics'], { message: 'must be "local" or "loganalytics"' })),
  LOG_LEVEL: optionalString.transform((v) => v ?? 'info').pipe(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])),
  // The simulated world
  SIM_HEARTBEAT_SECONDS: decimal(0.1, 86_400),
  SIM_UPDATE_SPEED: decimal(0.01, 1_000),
  // Alerts
  ALERTS_STORM_THRESHOLD: int(DEFAULT_STORM_POLICY.threshold, 1, 1000),
  ALERTS_STORM_WINDOW_SECONDS: int(DEFAULT_STORM_POLICY.windowMs / 1000, 1, 3600),
  ALERT_RULES: onOff(undefined),
  ALERT_RULES_FILE: optionalString,
  // On call
  ONCALL_FILE: optionalString,
  // IoT Hub
  IOTHUB_CONNECTION_STRING: optionalString,
  IOTHUB_HOST: optionalString,
  IOTHUB_RESOURCE_ID: optionalString,
  IOTHUB_TWIN_UPDATES_PER_SEC: decimal(0.01, 100_000),
  IOTHUB_TWIN_READS_PER_SEC: decimal(0.01, 100_000),
  IOTHUB_QUERIES_PER_MIN: decimal(0.01, 1_000_000),
  // Log Analytics
  LOG_ANALYTICS_WORKSPACE_ID: optionalString,
  // Rollouts and the firmware feed
  ROLLOUT_WRITES_PER_SECOND: decimal(1, 100_000),
  ROLLOUT_SOAK_SECONDS: decimal(0, 86_400),
  ROLLOUT_PHASE_TIMEOUT_MINUTES: int(30, 1, 10_080),
  FEED_BACKEND: choice(['local', 'artifacts']),
  FEED_ORGANIZATION: optionalString,
  FEED_PROJECT: optionalString,
  FEED_NAME: optionalString,
  FEED_PACKAGE: optionalString.transform((v) => v ?? 'device-firmware'),
  FEED_TOKEN: optionalString,
  // Deployments (Azure DevOps approvals)
  DEVOPS_BACKEND: choice(['local', 'azure']),
  AZURE_DEVOPS_ORG_URL: optionalString.pipe(
    z
      .string()
      .regex(/^https:\/\/[^/]+\/?[^/]*\/?$/, { message: 'should look like https://dev.azure.com/<organization>' })
      .optional(),
  ),
  AZURE_DEVOPS_PROJECT: optionalString,
  AZURE_DEVOPS_PAT: optionalString,
});

/** IoT Hub S1 quotas per unit (twin updates and reads per second, queries per minute). */
export const S1_QUOTAS = { twinUpdatesPerSecond: 50, twinReadsPerSecond: 100, queriesPerMinute: 20 } as const;

/**
 * Rollout pace per world. The embedded world runs in real time with simulated devices that
 * update in about 30 s: a 30 s soak lets a newcomer watch a 1,000-device, four-wave rollout
 * finish in minutes (test/core/rollouts/embedded-timing.test.ts). IoT Hub keeps 5 min and
 * S1's 50 twin writes/s.
 */
export const ROLLOUT_DEFAULTS = {
  embedded: { dispatchPerSecond: 2000, soakMs: 30_000 },
  iothub: { dispatchPerSecond: S1_QUOTAS.twinUpdatesPerSecond, soakMs: 300_000 },
} as const;

export type AppConfig = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  /** The state on PostgreSQL; absent = SQLite in dataDir. */
  database?: Readonly<{
    /**
     * FLEETOPS_SINGLE_REPLICA=on: exactly one process runs on this database, so the embedded
     * world (simulated fleet, DuckDB logs, local rules), which lives in DATA_DIR, is allowed.
     */
    singleReplica: boolean;
    url: string;
    /** From DATABASE_PASSWORD (may be a keyvault: reference); else the URL's own, or Entra ID's token. */
    password?: string;
    /** The password is an Entra ID token of the app's identity, refreshed before it expires. */
    entraAuth: boolean;
    poolMax: number;
    statementTimeoutMs: number;
  }>;
  playground: boolean;
  sim: Readonly<{ devices: number; seed: number; heartbeatMs: number; updateSpeed: number }>;
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
  alerts: Readonly<{
    storm: Readonly<{ threshold: number; windowMs: number }>;
    /** The local alert rules (on by default with the simulated fleet). */
    localRules: boolean;
    rulesFile?: string;
  }>;
  iothub: Readonly<{
    connectionString?: string;
    host?: string;
    /** The hub's ARM id, for "Open in Azure portal". */
    resourceId?: string;
    quotas: Readonly<{ twinUpdatesPerSecond: number; twinReadsPerSecond: number; queriesPerMinute: number }>;
  }>;
  logAnalytics: Readonly<{ workspaceId?: string }>;
  /** Rotations, maintenance windows and runbook links from a YAML file (core/oncall/file.ts); without it they live only in chat. */
  oncall: Readonly<{ file?: string }>;
  rollouts: Readonly<{ dispatchPerSecond: number; soakMs: number; phaseTimeoutMs: number }>;
  feed: Readonly<{ backend: 'local' } | { backend: 'artifacts'; organization: string; project?: string; feed: string; packageName: string; token?: string }>;
  devops: Readonly<{ backend: 'local' } | { backend: 'azure'; organizationUrl?: string; project?: string; pat?: string }>;
}>;

/** What to do about each variable when it is wrong. */
const HINTS: Record<string, string> = {
  PORT: 'set PORT to a free TCP port, e.g. PORT=3978 (0 picks any free port)',
  HOST: 'set HOST to the address to listen on, e.g. HOST=127.0.0.1',
  PLAYGROUND: 'set PLAYGROUND=on to start the Agents Playground, or off',
  SIM_DEVICES: 'set SIM_DEVICES to the number of simulated devices (0 turns the simulator off)',
  SIM_SEED: 'set SIM_SEED to any whole number',
  KEY_VAULT_URL: 'set KEY_VAULT_URL to your vault, e.g. https://my-vault.vault.azure.net',
  DATABASE_URL:
    'set DATABASE_URL to your PostgreSQL server, e.g. postgres://fleetops@my-server.postgres.database.azure.com:5432/fleetops, or unset it for SQLite',
  DATABASE_ENTRA_AUTH: "set DATABASE_ENTRA_AUTH=on to sign in to PostgreSQL with the app's Entra ID identity, or off",
  DATABASE_POOL_MAX: 'set DATABASE_POOL_MAX to the connections per replica, e.g. 10',
  FLEETOPS_SINGLE_REPLICA: 'set FLEETOPS_SINGLE_REPLICA=on to run one process on PostgreSQL with the simulated fleet and the embedded logs, or off',
  DATABASE_STATEMENT_TIMEOUT_MS: 'set DATABASE_STATEMENT_TIMEOUT_MS to the longest a statement may run, e.g. 15000',
  FLEET_BACKEND: 'use FLEET_BACKEND=local (simulated fleet) or FLEET_BACKEND=iothub',
  LOGS_BACKEND: 'use LOGS_BACKEND=local (DuckDB) or LOGS_BACKEND=loganalytics',
  LOG_LEVEL: 'use one of trace, debug, info, warn, error, fatal, silent',
  SIM_HEARTBEAT_SECONDS: 'set SIM_HEARTBEAT_SECONDS to how often a simulated device reports, e.g. 30',
  SIM_UPDATE_SPEED: 'set SIM_UPDATE_SPEED to the pace of simulated firmware updates (1 = normal, 2 = twice as fast)',
  ALERTS_STORM_THRESHOLD: 'set ALERTS_STORM_THRESHOLD to how many alerts within the window make a storm, e.g. 5',
  ALERTS_STORM_WINDOW_SECONDS: 'set ALERTS_STORM_WINDOW_SECONDS to the storm window, e.g. 60',
  ALERT_RULES: 'set ALERT_RULES=on to run the local alert rules, or off',
  IOTHUB_TWIN_UPDATES_PER_SEC: "your hub tier's quota per unit; S1 is 50",
  IOTHUB_TWIN_READS_PER_SEC: "your hub tier's quota per unit; S1 is 100",
  IOTHUB_QUERIES_PER_MIN: "your hub tier's quota per unit; S1 is 20",
  ROLLOUT_WRITES_PER_SECOND: 'set ROLLOUT_WRITES_PER_SECOND to the desired-firmware writes per second (at most your hub quota)',
  ROLLOUT_SOAK_SECONDS: 'set ROLLOUT_SOAK_SECONDS to how long an updated device must stay healthy, e.g. 300',
  ROLLOUT_PHASE_TIMEOUT_MINUTES: 'set ROLLOUT_PHASE_TIMEOUT_MINUTES to how long a device may stay silent in one phase, e.g. 30',
  FEED_BACKEND: 'use FEED_BACKEND=local (embedded catalog) or FEED_BACKEND=artifacts (Azure Artifacts)',
  DEVOPS_BACKEND: 'use DEVOPS_BACKEND=local (embedded) or DEVOPS_BACKEND=azure',
  AZURE_DEVOPS_ORG_URL: 'set AZURE_DEVOPS_ORG_URL to your organization, e.g. https://dev.azure.com/contoso',
};

/** Variables whose values never appear in an error or a log. */
const isSecret = (name: string): boolean => /SECRET|PASSWORD|TOKEN|_PAT$|CONNECTION_STRING|DATABASE_URL/.test(name);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`FleetOps cannot start, the configuration is wrong:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/** A value written `keyvault:NAME` names a Key Vault secret, resolved at start (backends/secrets/resolve.ts). */
export const SECRET_REFERENCE_PREFIX = 'keyvault:';

export const isSecretReference = (value: string | undefined): boolean => value?.startsWith(SECRET_REFERENCE_PREFIX) === true;

/** `keyvault:NAME` values are resolved at start only with KEY_VAULT_URL. */
function unresolvableReferences(env: Readonly<Record<string, string | undefined>>): string[] {
  if (env.KEY_VAULT_URL?.trim()) return [];
  return Object.entries(env)
    .filter(([, value]) => isSecretReference(value))
    .map(([name, value]) => `${name} refers to Key Vault (${value}) but KEY_VAULT_URL is not set; set KEY_VAULT_URL=https://<vault>.vault.azure.net`);
}

export function readConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const value = env[name];
      const shown = isSecret(name) ? '(hidden)' : JSON.stringify(value);
      return `${name}=${shown} ${issue.message}${HINTS[name] ? `; ${HINTS[name]}` : ''}`;
    });
    throw new ConfigError([...problems, ...unresolvableReferences(env)]);
  }
  const e = result.data;
  const problems: string[] = unresolvableReferences(env);
  if (!e.CLIENT_ID && !isLoopback(e.HOST)) {
    problems.push(
      `HOST=${JSON.stringify(e.HOST)} is not a loopback address, but CLIENT_ID is not set, so requests would not be authenticated; ` +
        'set CLIENT_ID (and CLIENT_SECRET, TENANT_ID) of your Azure Bot, or keep HOST=127.0.0.1 for local use',
    );
  }
  if (e.CLIENT_ID && !e.CLIENT_SECRET)
    problems.push('CLIENT_SECRET is missing; set it (or CLIENT_SECRET=keyvault:NAME with KEY_VAULT_URL) so the bot can send messages');
  if ((e.DEVOPS_WEBHOOK_USER === undefined) !== (e.DEVOPS_WEBHOOK_PASSWORD === undefined)) {
    problems.push('DEVOPS_WEBHOOK_USER and DEVOPS_WEBHOOK_PASSWORD go together; set both or neither');
  }
  if (e.FLEET_BACKEND === 'iothub' && !e.IOTHUB_CONNECTION_STRING && !e.IOTHUB_HOST) {
    problems.push('FLEET_BACKEND=iothub needs IOTHUB_CONNECTION_STRING, or IOTHUB_HOST (e.g. my-hub.azure-devices.net) with an Azure identity');
  }
  if (e.LOGS_BACKEND === 'loganalytics' && !e.LOG_ANALYTICS_WORKSPACE_ID) {
    problems.push('LOGS_BACKEND=loganalytics needs LOG_ANALYTICS_WORKSPACE_ID (the workspace GUID from the Azure portal)');
  }
  const feedBackend = e.FEED_BACKEND ?? (e.FEED_ORGANIZATION ? 'artifacts' : 'local');
  if (feedBackend === 'artifacts' && (!e.FEED_ORGANIZATION || !e.FEED_NAME)) {
    problems.push('FEED_BACKEND=artifacts needs FEED_ORGANIZATION (your Azure DevOps organization) and FEED_NAME (the feed holding the firmware package)');
  }
  if (!e.DATABASE_URL && (e.DATABASE_ENTRA_AUTH || e.DATABASE_PASSWORD))
    problems.push('DATABASE_ENTRA_AUTH and DATABASE_PASSWORD need DATABASE_URL (the PostgreSQL server); unset them to keep the state in SQLite');
  if (e.DATABASE_URL && !e.FLEETOPS_SINGLE_REPLICA) {
    const embedded = embeddedWorldParts(e);
    if (embedded.length > 0) problems.push(severalReplicasRefusal(embedded));
  }
  if (e.FLEETOPS_SINGLE_REPLICA && !e.DATABASE_URL)
    problems.push(
      'FLEETOPS_SINGLE_REPLICA=on is for one process on PostgreSQL (DATABASE_URL); without DATABASE_URL the state is in SQLite, one process anyway: unset it',
    );
  if (e.DATABASE_ENTRA_AUTH && e.DATABASE_PASSWORD)
    problems.push('DATABASE_ENTRA_AUTH=on signs in with an Entra ID token: unset DATABASE_PASSWORD (no secret is needed)');
  if (problems.length > 0) throw new ConfigError(problems);

  const embedded = e.FLEET_BACKEND === 'local';
  const pace = embedded ? ROLLOUT_DEFAULTS.embedded : ROLLOUT_DEFAULTS.iothub;
  const devopsBackend = e.DEVOPS_BACKEND ?? (e.AZURE_DEVOPS_PAT || e.AZURE_DEVOPS_ORG_URL || e.CLIENT_ID ? 'azure' : 'local');
  return deepFreeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    database: e.DATABASE_URL
      ? {
          url: e.DATABASE_URL,
          singleReplica: e.FLEETOPS_SINGLE_REPLICA ?? false,
          password: e.DATABASE_PASSWORD,
          entraAuth: e.DATABASE_ENTRA_AUTH ?? false,
          poolMax: e.DATABASE_POOL_MAX,
          statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
        }
      : undefined,
    playground: e.PLAYGROUND ?? false,
    sim: { devices: e.SIM_DEVICES, seed: e.SIM_SEED, heartbeatMs: (e.SIM_HEARTBEAT_SECONDS ?? 30) * 1000, updateSpeed: e.SIM_UPDATE_SPEED ?? 1 },
    alertsWebhookToken: e.ALERTS_WEBHOOK_TOKEN,
    devopsWebhook: e.DEVOPS_WEBHOOK_USER && e.DEVOPS_WEBHOOK_PASSWORD ? { user: e.DEVOPS_WEBHOOK_USER, password: e.DEVOPS_WEBHOOK_PASSWORD } : undefined,
    roles: { admins: e.ADMINS, releaseLeads: e.RELEASE_LEADS, operators: e.OPERATORS },
    bot: e.CLIENT_ID ? { clientId: e.CLIENT_ID, clientSecret: e.CLIENT_SECRET, tenantId: e.TENANT_ID } : undefined,
    keyVaultUrl: e.KEY_VAULT_URL,
    appInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING,
    fleetBackend: e.FLEET_BACKEND,
    logsBackend: e.LOGS_BACKEND,
    logLevel: e.LOG_LEVEL,
    alerts: {
      storm: { threshold: e.ALERTS_STORM_THRESHOLD, windowMs: e.ALERTS_STORM_WINDOW_SECONDS * 1000 },
      localRules: e.ALERT_RULES ?? (embedded && (!e.DATABASE_URL || e.FLEETOPS_SINGLE_REPLICA === true)),
      rulesFile: e.ALERT_RULES_FILE,
    },
    iothub: {
      connectionString: e.IOTHUB_CONNECTION_STRING,
      host: e.IOTHUB_HOST,
      resourceId: e.IOTHUB_RESOURCE_ID,
      quotas: {
        twinUpdatesPerSecond: e.IOTHUB_TWIN_UPDATES_PER_SEC ?? S1_QUOTAS.twinUpdatesPerSecond,
        twinReadsPerSecond: e.IOTHUB_TWIN_READS_PER_SEC ?? S1_QUOTAS.twinReadsPerSecond,
        queriesPerMinute: e.IOTHUB_QUERIES_PER_MIN ?? S1_QUOTAS.queriesPerMinute,
      },
    },
    logAnalytics: { workspaceId: e.LOG_ANALYTICS_WORKSPACE_ID },
    oncall: { file: e.ONCALL_FILE },
    rollouts: {
      dispatchPerSecond: e.ROLLOUT_WRITES_PER_SECOND ?? pace.dispatchPerSecond,
      soakMs: e.ROLLOUT_SOAK_SECONDS !== undefined ? e.ROLLOUT_SOAK_SECONDS * 1000 : pace.soakMs,
      phaseTimeoutMs: e.ROLLOUT_PHASE_TIMEOUT_MINUTES * 60_000,
    },
    feed:
      feedBackend === 'artifacts'
        ? {
            backend: 'artifacts',
            organization: e.FEED_ORGANIZATION!,
            project: e.FEED_PROJECT,
            feed: e.FEED_NAME!,
            packageName: e.FEED_PACKAGE,
            token: e.FEED_TOKEN,
          }
        : { backend: 'local' },
    devops:
      devopsBackend === 'azure'
        ? { backend: 'azure', organizationUrl: e.AZURE_DEVOPS_ORG_URL, project: e.AZURE_DEVOPS_PROJECT, pat: e.AZURE_DEVOPS_PAT }
        : { backend: 'local' },
  });
}

type Env = z.infer<typeof envSchema>;

/**
 * The parts of the embedded world a configuration turns on. Each lives in one process by
 * nature: the local fleet registry is a SQLite file in DATA_DIR (a second replica would have
 * a fleet of its own, or none: `status device-42` would depend on which replica answered),
 * the DuckDB log store is a file in DATA_DIR, and the local rules read them.
 */
function embeddedWorldParts(e: Env): string[] {
  const parts: string[] = [];
  if (e.FLEET_BACKEND === 'local') parts.push('the simulated fleet (FLEET_BACKEND=local, the default)');
  if (e.LOGS_BACKEND === 'local') parts.push('the embedded log store (LOGS_BACKEND=local, the default)');
  if (e.ALERT_RULES === true) parts.push('the local alert rules (ALERT_RULES=on)');
  return parts;
}

/** Why several replicas cannot share the embedded world, and the settings that fix it. */
function severalReplicasRefusal(parts: readonly string[]): string {
  return (
    `DATABASE_URL is for two or more replicas, but ${parts.join(', ')} ${parts.length > 1 ? 'are' : 'is'} for one process only (files in DATA_DIR): ` +
    'set FLEET_BACKEND=iothub with IOTHUB_CONNECTION_STRING (or IOTHUB_HOST with an Azure identity), LOGS_BACKEND=loganalytics with LOG_ANALYTICS_WORKSPACE_ID, and ALERT_RULES=off; ' +
    'or, to run exactly one process on PostgreSQL with the embedded world, set FLEETOPS_SINGLE_REPLICA=on; or unset DATABASE_URL to keep the state in SQLite'
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
