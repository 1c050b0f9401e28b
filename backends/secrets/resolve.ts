import { isSecretReference, SECRET_REFERENCE_PREFIX } from '../../core/config/config';
import type { SecretClientPort } from '../../core/ports/secrets';

/**
 * Returns a copy of `env` where every `keyvault:NAME` value is replaced by the secret
 * NAME, so no secret has to live in the environment. Fails naming the variable (never
 * the value) when a secret cannot be read.
 */
export async function resolveSecretReferences(
  env: Readonly<Record<string, string | undefined>>,
  secrets: SecretClientPort,
): Promise<Record<string, string | undefined>> {
  const resolved: Record<string, string | undefined> = { ...env };
  const references = Object.entries(env).filter(([, value]) => isSecretReference(value));
  await Promise.all(
    references.map(async ([variable, value]) => {
      const name = value!.slice(SECRET_REFERENCE_PREFIX.length).trim();
      if (!/^[0-9a-zA-Z-]{1,127}$/.test(name)) {
        throw new Error(`${variable} refers to Key Vault secret "${name}", which is not a valid secret name (letters, digits and dashes)`);
      }
      try {
        resolved[variable] = await secrets.getSecret(name);
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        throw new Error(
          `${variable}: could not read Key Vault secret "${name}" (${reason}); check that it exists and that the bot's identity has the "Key Vault Secrets User" role`,
        );
      }
    }),
  );
  return resolved;
}

export const hasSecretReferences = (env: Readonly<Record<string, string | undefined>>): boolean => Object.values(env).some(isSecretReference);
