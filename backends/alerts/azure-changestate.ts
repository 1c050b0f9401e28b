import { AlertStateError, type AlertStateChange, type AlertStateClient, type AlertStateOptions } from '../../core/ports/alerts';

/** The slice of @azure/identity's TokenCredential this adapter uses (DefaultAzureCredential in production). */
export interface TokenCredentialLike {
  getToken(scopes: string | string[], options?: { abortSignal?: AbortSignal }): Promise<{ token: string } | null>;
}

export type FetchFn = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export const ARM_SCOPE = 'https://management.azure.com/.default';
const API_VERSION = '2019-05-05-preview';

/** An Alerts Management alert id: `/subscriptions/<sub>/providers/Microsoft.AlertsManagement/alerts/<guid>` (optionally under a resource scope). */
export const isAlertsManagementId = (alertId: string): boolean =>
  /^\/subscriptions\/[^/]+\/(?:.+\/)?providers\/Microsoft\.AlertsManagement\/alerts\/[^/]+$/i.test(alertId);

/**
 * Acknowledge/Close through Azure Monitor's Alerts Management API, so the portal shows
 * the new state and the comment naming the Teams user.
 * POST https://management.azure.com{alertId}/changestate?api-version=2019-05-05-preview&newState=…
 */
export class AzureAlertStateClient implements AlertStateClient {
  constructor(
    private readonly credential: TokenCredentialLike,
    private readonly fetchFn: FetchFn = fetch,
    private readonly endpoint = 'https://management.azure.com',
  ) {}

  async changeState(alertId: string, newState: AlertStateChange, comment: string, options: AlertStateOptions = {}): Promise<void> {
    if (!isAlertsManagementId(alertId)) throw new AlertStateError(`${alertId} is not an Azure Monitor alert id, so its state cannot be changed in Azure`);
    const signal = options.abortSignal ?? AbortSignal.timeout(options.timeoutInMs ?? 10_000);
    const token = await this.credential.getToken(ARM_SCOPE, { abortSignal: signal }).catch((error: unknown) => {
      throw new AlertStateError(
        `no Azure token for ${ARM_SCOPE}: ${error instanceof Error ? error.message : String(error)}; sign in (az login) or give the bot a managed identity`,
      );
    });
    if (!token) throw new AlertStateError(`no Azure token for ${ARM_SCOPE}; sign in (az login) or give the bot a managed identity`);
    const url = `${this.endpoint}${alertId}/changestate?api-version=${API_VERSION}&newState=${newState}`;
    let response: Awaited<ReturnType<FetchFn>>;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ comments: comment }),
        signal,
      });
    } catch (error) {
      throw new AlertStateError(`Azure did not answer (${error instanceof Error ? error.message : String(error)})`);
    }
    if (response.ok) return;
    const detail = await response.text().catch(() => '');
    const hint =
      response.status === 403
        ? '; give the bot identity the "Monitoring Contributor" role on the subscription'
        : response.status === 404
          ? '; the alert no longer exists in Azure Monitor'
          : '';
    throw new AlertStateError(`${response.status} ${errorMessage(detail)}${hint}`, response.status);
  }
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message.slice(0, 300);
  } catch {
    // not JSON: fall through
  }
  return body.slice(0, 300);
}

/** Production wiring: DefaultAzureCredential (managed identity in Azure, `az login` on a laptop), loaded only in Azure mode. */
export function createAzureAlertStateClient(): AzureAlertStateClient {
  // Loaded only in Azure mode: @azure/identity is heavy to load.
  const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
  return new AzureAlertStateClient(new DefaultAzureCredential());
}
