import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { KeyVaultSecrets } from '../../../backends/secrets/keyvault';
import { resolveSecretReferences } from '../../../backends/secrets/resolve';

const VAULT = 'https://fleetops-kv.vault.azure.net';

/**
 * Key Vault's REST edge as documented: an unauthenticated request gets the 401 bearer
 * challenge; with a token, GET /secrets/{name}?api-version=... returns a SecretBundle.
 */
function fakeVault(secrets: Record<string, string>): HttpClient & { requests: PipelineRequest[] } {
  const requests: PipelineRequest[] = [];
  return {
    requests,
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      requests.push(request);
      const respond = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
        request,
        status,
        headers: createHttpHeaders({ 'content-type': 'application/json', ...headers }),
        bodyAsText: JSON.stringify(body),
      });
      if (!request.headers.get('authorization')) {
        return respond(
          401,
          { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } },
          {
            'www-authenticate': 'Bearer authorization="https://login.microsoftonline.com/tenant-1", resource="https://vault.azure.net"',
          },
        );
      }
      const name = /\/secrets\/([^/?]+)/.exec(request.url)?.[1] ?? '';
      if (!(name in secrets)) {
        return respond(404, { error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found in this key vault.` } });
      }
      return respond(200, {
        value: secrets[name],
        id: `${VAULT}/secrets/${name}/4387e9f3d6e14c459867679a90fd0f79`,
        attributes: { enabled: true, created: 1493938410, updated: 1493938410, recoveryLevel: 'Recoverable+Purgeable' },
      });
    },
  };
}

const credential = { getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

test('keyvault:NAME values are resolved through the Key Vault REST API', async () => {
  const http = fakeVault({ 'bot-secret': 's3cr3t', 'devops-password': 'pw' });
  const secrets = new KeyVaultSecrets(VAULT, credential, { httpClient: http, retryOptions: { maxRetries: 0 } });
  const env = await resolveSecretReferences(
    { CLIENT_SECRET: 'keyvault:bot-secret', DEVOPS_WEBHOOK_PASSWORD: 'keyvault:devops-password', PORT: '3978' },
    secrets,
  );
  expect(env).toEqual({ CLIENT_SECRET: 's3cr3t', DEVOPS_WEBHOOK_PASSWORD: 'pw', PORT: '3978' });
  expect(http.requests.some((r) => r.headers.get('authorization') === 'Bearer test-token')).toBe(true);
});

test('a missing secret fails naming the variable and the secret, not a value', async () => {
  const secrets = new KeyVaultSecrets(VAULT, credential, { httpClient: fakeVault({}), retryOptions: { maxRetries: 0 } });
  await expect(resolveSecretReferences({ ALERTS_WEBHOOK_TOKEN: 'keyvault:alerts-token' }, secrets)).rejects.toThrow(
    /ALERTS_WEBHOOK_TOKEN: could not read Key Vault secret "alerts-token".*Key Vault Secrets User/,
  );
});

test('invalid secret names are refused before any request', async () => {
  const http = fakeVault({});
  const secrets = new KeyVaultSecrets(VAULT, credential, { httpClient: http });
  await expect(resolveSecretReferences({ X: 'keyvault:../etc' }, secrets)).rejects.toThrow(/not a valid secret name/);
  expect(http.requests).toHaveLength(0);
});
