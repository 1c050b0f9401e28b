import crypto from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { alertsWebhookRouter } from '../../../bot/webhooks/alerts';
import { sameSecret } from '../../../bot/webhooks/same-secret';
import { ACTION_GROUP_APP_ID, jwksKeyGetter, type FetchLike } from '../../../bot/webhooks/entra-token';
import { silentLogger } from '../../../core/logger';
import { alertsWorld } from '../../core/alerts/world';
import { devicePayload, fixture } from '../../core/alerts/fixtures';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const TOKEN = 'correct horse battery staple';
const json = async (res: Response): Promise<any> => res.json();

const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

function jwt(claims: Record<string, unknown>, key = privateKey, header: Record<string, unknown> = { alg: 'RS256', kid: 'k1', typ: 'JWT' }): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc(header)}.${enc(claims)}`;
  return `${input}.${crypto.sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

const now = Math.floor(Date.now() / 1000);
const goodClaims = {
  iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  aud: CLIENT_ID,
  azp: ACTION_GROUP_APP_ID,
  roles: ['ActionGroupsSecureWebhook'],
  iat: now - 60,
  nbf: now - 60,
  exp: now + 3600,
};

describe('POST /api/alerts', () => {
  let server: http.Server;
  let base: string;
  let world: ReturnType<typeof alertsWorld>;

  beforeAll(async () => {
    world = alertsWorld();
    await world.subscribe('ops');
    const app = express();
    app.use(
      '/api/alerts',
      alertsWebhookRouter({
        token: TOKEN,
        entra: { tenantId: TENANT, clientId: CLIENT_ID, getKey: async (kid) => (kid === 'k1' ? publicKey : undefined) },
        accept: (alert, payload) => world.ingestor.ingest(alert, payload),
        log: silentLogger,
      }),
    );
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/alerts`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (body: unknown, { query = `?token=${encodeURIComponent(TOKEN)}`, headers = {} as Record<string, string> } = {}) =>
    fetch(`${base}${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const stored = () => world.db.prepare('SELECT COUNT(*) FROM alert_events').pluck().get() as number;

  it('accepts every common-schema fixture with the token and stores it before answering', async () => {
    for (const name of [
      'common-schema_metric-static_fired_test-action.json',
      'common-schema_log-alert-v2_fired_test-action.json',
      'common-schema_service-health_test-action.json',
    ]) {
      const res = await post(fixture(name));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'stored' });
    }
  });

  it('answers a retried alert 200 "duplicate" without a second card', async () => {
    const payload = devicePayload({ alertId: 'dup-1' });
    expect((await post(payload)).status).toBe(200);
    const posts = world.notifier.posts.length;
    for (let i = 0; i < 5; i++) expect(await (await post(payload)).json()).toEqual({ status: 'duplicate', alertId: 'dup-1' });
    expect(world.notifier.posts.length).toBe(posts);
  });

  it.each([
    ['no credentials', ''],
    ['a wrong token', '?token=wrong'],
    ['an empty token', '?token='],
  ])('refuses %s with 401 JSON and stores nothing', async (_what, query) => {
    const before = stored();
    const res = await post(devicePayload({ alertId: `auth-${query}` }), { query });
    expect(res.status).toBe(401);
    expect((await json(res)).error).toMatch(/token|authoris/i);
    expect(stored()).toBe(before);
  });

  it('accepts a valid Entra ID secure-webhook token (v2 and v1 issuers, api:// audience)', async () => {
    const v2 = await post(devicePayload({ alertId: 'entra-1' }), { query: '', headers: { authorization: `Bearer ${jwt(goodClaims)}` } });
    expect(v2.status).toBe(200);
    const v1 = jwt({ ...goodClaims, iss: `https://sts.windows.net/${TENANT}/`, aud: `api://${CLIENT_ID}`, azp: undefined, appid: ACTION_GROUP_APP_ID });
    expect((await post(devicePayload({ alertId: 'entra-2' }), { query: '', headers: { authorization: `Bearer ${v1}` } })).status).toBe(200);
  });

  it.each([
    ['signed by another key', jwt(goodClaims, stranger.privateKey), 'signature is invalid'],
    ['an unknown key id', jwt(goodClaims, privateKey, { alg: 'RS256', kid: 'zz' }), 'does not publish'],
    [
      'alg none',
      `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${Buffer.from(JSON.stringify(goodClaims)).toString('base64url')}.`,
      'RS256',
    ],
    ['expired', jwt({ ...goodClaims, exp: now - 3600 }), 'expired'],
    ['another tenant', jwt({ ...goodClaims, iss: 'https://login.microsoftonline.com/evil/v2.0' }), 'another tenant'],
    ['another audience', jwt({ ...goodClaims, aud: 'someone-else' }), 'another app'],
    ['another client app', jwt({ ...goodClaims, azp: 'aaaaaaaa-0000-0000-0000-000000000000' }), 'action groups'],
    ['no role', jwt({ ...goodClaims, roles: [] }), 'ActionGroupsSecureWebhook'],
    ['garbage', 'not-a-jwt', 'not a JWT'],
  ])('refuses a bearer token %s', async (_what, token, reason) => {
    const before = stored();
    const res = await post(devicePayload({ alertId: `bad-${_what}` }), { query: '', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect((await json(res)).error).toContain(reason);
    expect(stored()).toBe(before);
  });

  it('says 400 for a body that is not JSON', async () => {
    const res = await post('{"schemaId": ');
    expect(res.status).toBe(400);
    expect((await json(res)).error).toContain('not JSON');
  });

  it('says 413 for a body over 256 KB', async () => {
    const payload = devicePayload({ alertId: 'big' });
    payload.data.essentials.description = 'x'.repeat(300 * 1024);
    const res = await post(payload);
    expect(res.status).toBe(413);
    expect((await json(res)).error).toContain('256 KB');
  });

  it('says 413 for a body over 256 KB sent in chunks without a length', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${base}?token=${encodeURIComponent(TOKEN)}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      for (let i = 0; i < 30; i++) req.write('x'.repeat(10 * 1024));
      req.end();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error).toContain('256 KB');
  });

  it('accepts a gzip-compressed alert', async () => {
    const before = stored();
    const res = await fetch(`${base}?token=${encodeURIComponent(TOKEN)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: zlib.gzipSync(JSON.stringify(devicePayload({ alertId: 'gzipped' }))),
    });
    expect(res.status).toBe(200);
    expect(stored()).toBe(before + 1);
  });

  it('says 400 with the fix for a legacy (non-common) payload', async () => {
    const res = await post(fixture('legacy-non-common_AzureMonitorMetricAlert_static.json'));
    expect(res.status).toBe(400);
    expect((await json(res)).error).toContain('enable the common alert schema on the action group');
  });

  it('says 400 naming the broken field', async () => {
    const payload = devicePayload({ alertId: 'broken' });
    payload.data.essentials.severity = 'High';
    const res = await post(payload);
    expect(res.status).toBe(400);
    expect((await json(res)).error).toContain('data.essentials.severity');
  });
});

describe('the shared-secret comparison', () => {
  it('is equal only for the same secret, whatever the lengths', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
  });
});

describe('the tenant JWKS key getter', () => {
  it('fetches once, caches, and refetches unknown key ids at most every 5 minutes', async () => {
    let t = 0;
    let calls = 0;
    const jwk = publicKey.export({ format: 'jwk' });
    const fetchFn: FetchLike = async (url) => {
      calls++;
      expect(url).toBe(`https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`);
      return { ok: true, status: 200, json: async () => ({ keys: [{ ...jwk, kid: 'k1', kty: 'RSA' }] }) };
    };
    const getKey = jwksKeyGetter(TENANT, fetchFn, () => t);
    expect(await getKey('k1')).toBeDefined();
    expect(await getKey('k1')).toBeDefined();
    expect(await getKey('unknown')).toBeUndefined();
    expect(calls).toBe(1);
    t += 300_001;
    expect(await getKey('unknown')).toBeUndefined();
    expect(calls).toBe(2);
  });
});
