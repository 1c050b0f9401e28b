import { ConfigError, readConfig } from '../../../core/config/config';

const problemsOf = (env: Record<string, string>) => {
  try {
    readConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
};

test('defaults are the embedded world on loopback', () => {
  const config = readConfig({});
  expect(config).toMatchObject({
    port: 3978,
    host: '127.0.0.1',
    dataDir: './.data',
    playground: false,
    sim: { devices: 1000, seed: 42 },
    fleetBackend: 'local',
    logsBackend: 'local',
    bot: undefined,
  });
  expect(Object.isFrozen(config)).toBe(true);
  expect(Object.isFrozen(config.roles)).toBe(true);
});

test('lists are comma-separated and trimmed', () => {
  const config = readConfig({ RELEASE_LEADS: ' a@x.com, b ,', OPERATORS: '', PLAYGROUND: 'ON' });
  expect(config.roles.releaseLeads).toEqual(['a@x.com', 'b']);
  expect(config.roles.operators).toEqual([]);
  expect(config.playground).toBe(true);
});

test('a wrong value names the variable and how to fix it', () => {
  expect(problemsOf({ PORT: 'abc' })).toMatch(/PORT="abc" must be a whole number; set PORT to a free TCP port/);
  expect(problemsOf({ SIM_DEVICES: '-1' })).toMatch(/SIM_DEVICES/);
  expect(problemsOf({ FLEET_BACKEND: 'mongo' })).toMatch(/FLEET_BACKEND="mongo".*use FLEET_BACKEND=local/);
  expect(problemsOf({ PLAYGROUND: 'maybe' })).toMatch(/PLAYGROUND/);
  expect(problemsOf({ KEY_VAULT_URL: 'not a url' })).toMatch(/KEY_VAULT_URL/);
});

test('local mode refuses a non-loopback address', () => {
  expect(problemsOf({ HOST: '0.0.0.0' })).toMatch(/HOST="0.0.0.0" is not a loopback address, but CLIENT_ID is not set/);
  expect(readConfig({ HOST: '0.0.0.0', CLIENT_ID: 'app', CLIENT_SECRET: 's' }).host).toBe('0.0.0.0');
  expect(readConfig({ HOST: '::1' }).host).toBe('::1');
});

test('secrets are never echoed in errors', () => {
  const text = problemsOf({ CLIENT_ID: 'app', DEVOPS_WEBHOOK_PASSWORD: 'hunter2' });
  expect(text).toMatch(/CLIENT_SECRET is missing/);
  expect(text).toMatch(/DEVOPS_WEBHOOK_USER and DEVOPS_WEBHOOK_PASSWORD go together/);
  expect(text).not.toContain('hunter2');
});

test('Azure backends need their settings', () => {
  expect(problemsOf({ FLEET_BACKEND: 'iothub' })).toMatch(/IOTHUB_CONNECTION_STRING/);
  expect(problemsOf({ LOGS_BACKEND: 'loganalytics' })).toMatch(/LOG_ANALYTICS_WORKSPACE_ID/);
  expect(problemsOf({ CLIENT_SECRET: 'keyvault:bot-secret' })).toMatch(/CLIENT_SECRET refers to Key Vault .* KEY_VAULT_URL is not set/);
});

describe('feature settings are read here too, once', () => {
  test('defaults follow the world: the simulated fleet paces rollouts for a demo, IoT Hub for S1', () => {
    const local = readConfig({});
    expect(local.rollouts).toEqual({ dispatchPerSecond: 2000, soakMs: 30_000, phaseTimeoutMs: 1_800_000 });
    expect(local.alerts).toEqual({ storm: { threshold: 5, windowMs: 60_000 }, localRules: true, rulesFile: undefined });
    expect(local.sim).toMatchObject({ heartbeatMs: 30_000, updateSpeed: 1 });
    expect(local.feed).toEqual({ backend: 'local' });
    expect(local.devops).toEqual({ backend: 'local' });

    const azure = readConfig({ FLEET_BACKEND: 'iothub', IOTHUB_HOST: 'hub.azure-devices.net', CLIENT_ID: 'app', CLIENT_SECRET: 's' });
    expect(azure.rollouts).toEqual({ dispatchPerSecond: 50, soakMs: 300_000, phaseTimeoutMs: 1_800_000 });
    expect(azure.alerts.localRules).toBe(false);
    expect(azure.iothub).toMatchObject({ host: 'hub.azure-devices.net', quotas: { twinUpdatesPerSecond: 50, twinReadsPerSecond: 100, queriesPerMinute: 20 } });
    expect(azure.devops).toEqual({ backend: 'azure', organizationUrl: undefined, project: undefined, pat: undefined });
  });

  test('values are typed and converted', () => {
    const config = readConfig({
      ROLLOUT_WRITES_PER_SECOND: '120',
      ROLLOUT_SOAK_SECONDS: '0',
      ROLLOUT_PHASE_TIMEOUT_MINUTES: '5',
      ALERTS_STORM_THRESHOLD: '9',
      ALERTS_STORM_WINDOW_SECONDS: '30',
      ALERT_RULES: 'OFF',
      SIM_HEARTBEAT_SECONDS: '2.5',
      SIM_UPDATE_SPEED: '4',
      IOTHUB_QUERIES_PER_MIN: '1000',
      FEED_ORGANIZATION: 'contoso',
      FEED_NAME: 'firmware',
      FEED_TOKEN: 'pat',
    });
    expect(config.rollouts).toEqual({ dispatchPerSecond: 120, soakMs: 0, phaseTimeoutMs: 300_000 });
    expect(config.alerts).toMatchObject({ storm: { threshold: 9, windowMs: 30_000 }, localRules: false });
    expect(config.sim).toMatchObject({ heartbeatMs: 2_500, updateSpeed: 4 });
    expect(config.iothub.quotas.queriesPerMinute).toBe(1000);
    // FEED_ORGANIZATION alone chooses Azure Artifacts.
    expect(config.feed).toEqual({
      backend: 'artifacts',
      organization: 'contoso',
      project: undefined,
      feed: 'firmware',
      packageName: 'device-firmware',
      token: 'pat',
    });
  });

  test('all wrong feature values are reported at once, each with its fix, secrets hidden', () => {
    const text = problemsOf({
      ROLLOUT_WRITES_PER_SECOND: 'fast',
      ALERTS_STORM_THRESHOLD: '0',
      IOTHUB_TWIN_UPDATES_PER_SEC: '-3',
      FEED_BACKEND: 'nexus',
      DEVOPS_BACKEND: 'jenkins',
      AZURE_DEVOPS_ORG_URL: 'dev.azure.com/contoso',
      AZURE_DEVOPS_PAT: 'keyvault:pat',
    });
    expect(text).toMatch(/ROLLOUT_WRITES_PER_SECOND="fast" must be a number such as 50 or 0.5; set ROLLOUT_WRITES_PER_SECOND/);
    expect(text).toMatch(/ALERTS_STORM_THRESHOLD="0" must be at least 1/);
    expect(text).toMatch(/IOTHUB_TWIN_UPDATES_PER_SEC="-3" .*S1 is 50/);
    expect(text).toMatch(/FEED_BACKEND="nexus" must be "local" or "artifacts"/);
    expect(text).toMatch(/DEVOPS_BACKEND="jenkins" must be "local" or "azure"/);
    expect(text).toMatch(/AZURE_DEVOPS_ORG_URL="dev.azure.com\/contoso" should look like https:\/\/dev.azure.com\/<organization>/);
    expect(text).toMatch(/AZURE_DEVOPS_PAT refers to Key Vault/);
    expect(problemsOf({ FEED_BACKEND: 'artifacts' })).toMatch(/FEED_BACKEND=artifacts needs FEED_ORGANIZATION .* and FEED_NAME/);
    expect(problemsOf({ IOTHUB_CONNECTION_STRING: 'HostName=h;SharedAccessKey=topsecret', IOTHUB_QUERIES_PER_MIN: 'x' })).not.toContain('topsecret');
  });
});

/** DATABASE_URL with the backends several replicas can share. */
const SEVERAL_REPLICAS = {
  DATABASE_URL: 'postgres://h/db',
  FLEET_BACKEND: 'iothub',
  IOTHUB_HOST: 'hub.azure-devices.net',
  LOGS_BACKEND: 'loganalytics',
  LOG_ANALYTICS_WORKSPACE_ID: '00000000-0000-0000-0000-000000000000',
};

describe('the embedded world and several replicas', () => {
  test('with DATABASE_URL, the simulated fleet and the embedded logs are refused at start, naming what to set instead', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://h/db', SIM_DEVICES: '0' });
    expect(problems).toMatch(
      /the simulated fleet \(FLEET_BACKEND=local, the default\), the embedded log store \(LOGS_BACKEND=local, the default\) are for one process only/,
    );
    expect(problems).toMatch(/FLEET_BACKEND=iothub with IOTHUB_CONNECTION_STRING \(or IOTHUB_HOST/);
    expect(problems).toMatch(/LOGS_BACKEND=loganalytics with LOG_ANALYTICS_WORKSPACE_ID/);
    expect(problems).toMatch(/FLEETOPS_SINGLE_REPLICA=on/);
    // One line for the embedded world, whichever part is left.
    expect(
      problemsOf({ ...SEVERAL_REPLICAS, FLEET_BACKEND: 'local' })
        .split('\n')
        .filter((l) => /for one process only/.test(l)),
    ).toHaveLength(1);
    expect(problemsOf({ ...SEVERAL_REPLICAS, FLEET_BACKEND: 'local' })).toMatch(/but the simulated fleet .* is for one process only/);
    expect(problemsOf({ ...SEVERAL_REPLICAS, LOGS_BACKEND: 'local' })).toMatch(/but the embedded log store .* is for one process only/);
    expect(problemsOf({ ...SEVERAL_REPLICAS, ALERT_RULES: 'on' })).toMatch(/but the local alert rules \(ALERT_RULES=on\) is for one process only/);
    // The password in the URL never shows.
    expect(problemsOf({ DATABASE_URL: 'postgres://u:hunter2@h/db' })).not.toContain('hunter2');
  });

  test('with the production backends, several replicas may share the database; the local rules are off', () => {
    const config = readConfig(SEVERAL_REPLICAS);
    expect(config.database?.singleReplica).toBe(false);
    expect(config.alerts.localRules).toBe(false);
  });

  test('FLEETOPS_SINGLE_REPLICA=on allows one process on PostgreSQL with the whole embedded world', () => {
    const config = readConfig({ DATABASE_URL: 'postgres://h/db', FLEETOPS_SINGLE_REPLICA: 'on' });
    expect(config.database?.singleReplica).toBe(true);
    expect(config.fleetBackend).toBe('local');
    expect(config.logsBackend).toBe('local');
    expect(config.sim.devices).toBe(1000);
    // As without DATABASE_URL: the simulated fleet comes with its rules.
    expect(config.alerts.localRules).toBe(true);
    expect(problemsOf({ FLEETOPS_SINGLE_REPLICA: 'on' })).toMatch(/FLEETOPS_SINGLE_REPLICA=on is for one process on PostgreSQL \(DATABASE_URL\)/);
    expect(problemsOf({ DATABASE_URL: 'postgres://h/db', FLEETOPS_SINGLE_REPLICA: 'yes' })).toMatch(/FLEETOPS_SINGLE_REPLICA="yes" must be "on" or "off"/);
  });
});

test('DATABASE_URL puts the state on PostgreSQL; without it the state stays in SQLite', () => {
  expect(readConfig({}).database).toBeUndefined();
  expect(
    readConfig({ ...SEVERAL_REPLICAS, DATABASE_URL: 'postgres://fleetops@db.postgres.database.azure.com:5432/fleetops', DATABASE_ENTRA_AUTH: 'on' }).database,
  ).toEqual({
    url: 'postgres://fleetops@db.postgres.database.azure.com:5432/fleetops',
    singleReplica: false,
    password: undefined,
    entraAuth: true,
    poolMax: 10,
    statementTimeoutMs: 15_000,
  });
  expect(problemsOf({ DATABASE_URL: 'mysql://x/y' })).toMatch(/DATABASE_URL.*PostgreSQL URL/);
  expect(problemsOf({ DATABASE_URL: 'mysql://x:hunter2@y/z' })).not.toContain('hunter2');
  expect(problemsOf({ DATABASE_ENTRA_AUTH: 'on' })).toMatch(/need DATABASE_URL/);
  expect(problemsOf({ ...SEVERAL_REPLICAS, DATABASE_ENTRA_AUTH: 'on', DATABASE_PASSWORD: 'x' })).toMatch(/unset DATABASE_PASSWORD/);
});
