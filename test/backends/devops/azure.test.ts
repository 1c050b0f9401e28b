import { AzureDevOpsApprovals } from '../../../backends/devops/azure';
import type { ApprovalDecision } from '../../../core/ports/devops';

/** The documented 200 body of Approvals - Update (vsts-rest-api-specs, approvalsAndChecks 7.1, PATCH__UpdateApproval.json). */
const documentedApproved = {
  count: 1,
  value: [
    {
      id: 'aab27959-a5be-4ee3-97ca-f19b3602cd2f',
      steps: [
        {
          assignedApprover: { displayName: 'User Name', id: '3b3db741-9d03-4e32-a7c0-6c3dfc2013c1', uniqueName: 'uniqueName', descriptor: 'Descriptor' },
          actualApprover: { displayName: 'User Name', id: '3b3db741-9d03-4e32-a7c0-6c3dfc2013c1', uniqueName: 'uniqueName', descriptor: 'Descriptor' },
          status: 'approved',
          comment: 'Approving',
          lastModifiedOn: '2020-11-19T09:57:54.252505Z',
          order: 1,
          initiatedOn: '2020-11-19T09:51:16.7045043Z',
          history: [],
        },
      ],
      status: 'approved',
      createdOn: '2020-11-19T09:51:16.703Z',
      lastModifiedOn: '2020-11-19T09:57:54.252505Z',
      executionOrder: 'anyOrder',
      minRequiredApprovers: 1,
      blockedApprovers: [],
    },
  ],
};

/** Azure DevOps' error body shape ($id, innerException, message, typeName, typeKey, errorCode, eventId); the messages here are illustrative. */
const adoError = (message: string, typeKey: string) => ({
  $id: '1',
  innerException: null,
  message,
  typeName: `Microsoft.Azure.Pipelines.Approvals.WebApi.${typeKey}, Microsoft.Azure.Pipelines.Approvals.WebApi`,
  typeKey,
  errorCode: 0,
  eventId: 3000,
});

interface Call {
  url: string;
  init: RequestInit;
}

function stub(status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const calls: Call[] = [];
  const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
  }) as typeof fetch;
  return { calls, fetchStub };
}

const decision = (overrides: Partial<ApprovalDecision> = {}): ApprovalDecision => ({
  approvalId: 'aab27959-a5be-4ee3-97ca-f19b3602cd2f',
  api: 'pipelines',
  status: 'approved',
  comment: 'Approved in Microsoft Teams by Rita Lead (rita@contoso.com) via FleetOps',
  organizationUrl: 'https://dev.azure.com/contoso',
  project: 'Fleet Ops',
  run: { runId: 'run-11', pipeline: 'firmware-release', runNumber: '20260301.1', stageName: 'Production' },
  decidedBy: { name: 'Rita Lead', upn: 'rita@contoso.com' },
  ...overrides,
});

describe('AzureDevOpsApprovals', () => {
  it('PATCHes the pipelines approvals API with a PAT as basic auth (empty user) and reads the documented answer', async () => {
    const { calls, fetchStub } = stub(200, documentedApproved);
    const client = new AzureDevOpsApprovals({ auth: { kind: 'pat', token: 'secret-pat' }, fetch: fetchStub });
    await expect(client.update(decision())).resolves.toEqual({ ok: true, status: 'approved' });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.url).toBe('https://dev.azure.com/contoso/Fleet%20Ops/_apis/pipelines/approvals?api-version=7.1');
    expect(call!.init.method).toBe('PATCH');
    expect((call!.init.headers as Record<string, string>).authorization).toBe(`Basic ${Buffer.from(':secret-pat').toString('base64')}`);
    expect(JSON.parse(String(call!.init.body))).toEqual([
      {
        approvalId: 'aab27959-a5be-4ee3-97ca-f19b3602cd2f',
        status: 'approved',
        comment: 'Approved in Microsoft Teams by Rita Lead (rita@contoso.com) via FleetOps',
      },
    ]);
  });

  it('uses an Entra token when configured so', async () => {
    const { calls, fetchStub } = stub(200, documentedApproved);
    const client = new AzureDevOpsApprovals({ auth: { kind: 'entra', getToken: async () => 'entra-token' }, fetch: fetchStub });
    await client.update(decision());
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer entra-token');
  });

  it('reports that more approvers are needed when the approval stays pending', async () => {
    const pending = structuredClone(documentedApproved);
    pending.value[0]!.status = 'pending';
    pending.value[0]!.minRequiredApprovers = 2;
    const { fetchStub } = stub(200, pending);
    const client = new AzureDevOpsApprovals({ auth: { kind: 'pat', token: 'x' }, fetch: fetchStub });
    await expect(client.update(decision())).resolves.toEqual({ ok: true, status: 'pending', remainingApprovers: 1 });
  });

  it('decides classic release approvals on vsrm with {status, comments}', async () => {
    const { calls, fetchStub } = stub(200, { id: 42, status: 'rejected' });
    const client = new AzureDevOpsApprovals({ auth: { kind: 'pat', token: 'x' }, fetch: fetchStub });
    await expect(client.update(decision({ api: 'release', approvalId: '42', status: 'rejected' }))).resolves.toEqual({ ok: true, status: 'rejected' });
    expect(calls[0]!.url).toBe('https://vsrm.dev.azure.com/contoso/Fleet%20Ops/_apis/release/approvals/42?api-version=7.1');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ status: 'rejected', comments: decision().comment });
  });

  it.each([
    [400, adoError('The approval aab27959 has already been completed.', 'ApprovalAlreadyCompletedException'), 'already-decided'],
    [403, adoError('User Rita is not authorized to approve this request.', 'AccessDeniedException'), 'not-approver'],
    [404, adoError('Approval with id aab27959 does not exist.', 'ApprovalNotFoundException'), 'not-found'],
    [503, adoError('Service unavailable', 'ServiceUnavailableException'), 'unavailable'],
  ])('surfaces Azure DevOps errors (HTTP %s) with their message', async (status, body, failure) => {
    const { fetchStub } = stub(status, body);
    const client = new AzureDevOpsApprovals({ auth: { kind: 'pat', token: 'x' }, fetch: fetchStub });
    const result = await client.update(decision());
    expect(result).toEqual({ ok: false, failure, message: body.message });
  });

  it('explains a rejected PAT (Azure DevOps answers 203 with a sign-in page)', async () => {
    const { fetchStub } = stub(203, '<html>Sign in</html>', { 'content-type': 'text/html' });
    const client = new AzureDevOpsApprovals({ auth: { kind: 'pat', token: 'expired' }, fetch: fetchStub });
    const result = await client.update(decision());
    expect(result).toMatchObject({ ok: false, failure: 'unauthorized' });
    if (!result.ok) expect(result.message).toMatch(/PAT/);
  });

  it('says what to configure when the run did not name its organization', async () => {
    const { calls, fetchStub } = stub(200, documentedApproved);
    const client = new AzureDevOpsApprovals({ auth: { kind: 'pat', token: 'x' }, fetch: fetchStub });
    const result = await client.update(decision({ organizationUrl: undefined, project: undefined }));
    expect(result).toMatchObject({ ok: false, failure: 'misconfigured' });
    expect(calls).toHaveLength(0);
    const configured = new AzureDevOpsApprovals({
      organizationUrl: 'https://dev.azure.com/fabrikam/',
      project: 'Fleet',
      auth: { kind: 'pat', token: 'x' },
      fetch: fetchStub,
    });
    await configured.update(decision({ organizationUrl: undefined, project: undefined }));
    expect(calls[0]!.url).toBe('https://dev.azure.com/fabrikam/Fleet/_apis/pipelines/approvals?api-version=7.1');
  });

  it('turns a network failure or a timeout into a clear message', async () => {
    const failing = (async () => {
      throw Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    }) as typeof fetch;
    const client = new AzureDevOpsApprovals({ auth: { kind: 'pat', token: 'x' }, fetch: failing });
    await expect(client.update(decision())).resolves.toMatchObject({ ok: false, failure: 'unavailable', message: expect.stringMatching(/in time/) });
  });
});
