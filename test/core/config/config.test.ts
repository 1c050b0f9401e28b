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
