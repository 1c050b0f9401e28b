import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import type { SecretClientPort } from '../../core/ports/secrets';

/** Key Vault through the official client; `options.httpClient` lets tests stub the REST edge. */
export class KeyVaultSecrets implements SecretClientPort {
  private readonly client: SecretClient;

  constructor(vaultUrl: string, credential: TokenCredential = new DefaultAzureCredential(), options?: SecretClientOptions) {
    this.client = new SecretClient(vaultUrl, credential, options);
  }

  async getSecret(name: string): Promise<string> {
    const secret = await this.client.getSecret(name);
    if (secret.value === undefined) throw new Error(`Key Vault secret "${name}" has no value`);
    return secret.value;
  }
}
