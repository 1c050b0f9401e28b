import { AzureAlertStateClient, isAlertsManagementId, type FetchFn } from '../../../backends/alerts/azure-changestate';
import { RoutingAlertStateClient, LocalAlertStateClient } from '../../../backends/alerts/local';

const ALERT = '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/providers/Microsoft.AlertsManagement/alerts/eeeeeeee-4444-5555-6666-ffffffffffff';

function stub(status = 200, body = '{}') {
  const calls: Array<{ url: string; init: Parameters<FetchFn>[1] }> = [];
  const fetchFn: FetchFn = async (url, init) => {
    calls.push({ url, init });
    return { ok: status >= 200 && status < 300, status, text: async () => body };
  };
  return { calls, fetchFn };
}

const credential = {
  scopes: [] as unknown[],
  async getToken(scopes: string | string[]) {
    this.scopes.push(scopes);
    return { token: 'tok' };
  },
};

describe('AzureAlertStateClient', () => {
  it('posts changestate with the new state and a comment naming the user', async () => {
    const { calls, fetchFn } = stub();
    await new AzureAlertStateClient(credential, fetchFn).changeState(ALERT, 'Acknowledged', 'Acknowledged from Microsoft Teams by Ada');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(`https://management.azure.com${ALERT}/changestate?api-version=2019-05-05-preview&newState=Acknowledged`);
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.headers.authorization).toBe('Bearer tok');
    expect(JSON.parse(calls[0]!.init.body)).toEqual({ comments: 'Acknowledged from Microsoft Teams by Ada' });
    expect(credential.scopes).toContain('https://management.azure.com/.default');
  });

  it('explains a 403 with the role to grant', async () => {
    const { fetchFn } = stub(403, '{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization"}}');
    await expect(new AzureAlertStateClient(credential, fetchFn).changeState(ALERT, 'Closed', 'c')).rejects.toThrow(
      /403 The client does not have authorization; give the bot identity the "Monitoring Contributor" role/,
    );
  });

  it('refuses ids that are not Alerts Management alerts without calling Azure', async () => {
    const { calls, fetchFn } = stub();
    await expect(new AzureAlertStateClient(credential, fetchFn).changeState('/fleetops/local/alerts/x', 'Closed', 'c')).rejects.toThrow(
      'not an Azure Monitor alert id',
    );
    expect(calls).toHaveLength(0);
  });

  it('reports a network failure', async () => {
    const fetchFn: FetchFn = async () => {
      throw new Error('ECONNRESET');
    };
    await expect(new AzureAlertStateClient(credential, fetchFn).changeState(ALERT, 'Closed', 'c')).rejects.toThrow('Azure did not answer (ECONNRESET)');
  });

  it('routes Azure alerts to Azure and local ones to the local record', async () => {
    const azure = new LocalAlertStateClient();
    const local = new LocalAlertStateClient();
    const router = new RoutingAlertStateClient(azure, local, isAlertsManagementId);
    await router.changeState(ALERT, 'Closed', 'c');
    await router.changeState('/fleetops/local/alerts/x', 'Closed', 'c');
    expect(azure.changes.map((c) => c.alertId)).toEqual([ALERT]);
    expect(local.changes.map((c) => c.alertId)).toEqual(['/fleetops/local/alerts/x']);
  });
});
