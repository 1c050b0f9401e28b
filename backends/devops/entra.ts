import { AZURE_DEVOPS_SCOPE } from './azure';

/**
 * Entra ID tokens for Azure DevOps from the App Service's managed identity (or any
 * DefaultAzureCredential source). The identity must be added to the organization as a
 * user and be an approver of the environments it decides.
 */
export function entraTokenSource(): () => Promise<string> {
  // Loaded on first use in Azure mode only (start-up time of the embedded world).
  const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
  const credential = new DefaultAzureCredential();
  return async () => {
    const token = await credential.getToken(AZURE_DEVOPS_SCOPE);
    if (!token) throw new Error('no token returned for Azure DevOps');
    return token.token;
  };
}
