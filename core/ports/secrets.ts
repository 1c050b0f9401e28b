/** Where secrets come from: Key Vault in Azure, the environment locally. */
export interface SecretClientPort {
  getSecret(name: string): Promise<string>;
}
