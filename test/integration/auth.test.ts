import { startTestBot } from '../support/bot-harness';

test('with CLIENT_ID set, an unsigned request to /api/messages gets 401 and is not handled', async () => {
  const t = await startTestBot({ env: { CLIENT_ID: '11111111-2222-3333-4444-555555555555', CLIENT_SECRET: 'not-used-offline', TENANT_ID: 'tenant-1' } });
  try {
    const response = await t.say('help');
    expect(response.status).toBe(401);
    const forged = await t.post('/api/messages', { type: 'message', text: 'help' }, { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiIxMTExIn0.' });
    expect(forged.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(t.connector.activities).toHaveLength(0);
  } finally {
    await t.stop();
  }
});

test('health and readiness', async () => {
  const t = await startTestBot();
  try {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store: 'ok' } });
    expect((await fetch(`${t.url}/nope`)).status).toBe(404);
  } finally {
    await t.stop();
  }
});
