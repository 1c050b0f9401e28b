import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import { startTestBot, type TestBot } from '../support/bot-harness';

/**
 * Azure mode's inbound authentication, through the Teams SDK 2.1 validator itself: tokens
 * signed with a key published at a stand-in of the Bot Framework's OpenID keys endpoint,
 * then varied one claim at a time. Only the fully valid one is handled.
 */
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const ISSUER = 'https://api.botframework.com';

let keys: http.Server;
let privateKey: CryptoKey;
let t: TestBot;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', use: 'sig', alg: 'RS256' };
  keys = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(req.url?.endsWith('/keys') ? { keys: [jwk] } : {}));
  });
  await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
  const keysBase = `http://127.0.0.1:${(keys.address() as AddressInfo).port}`;
  t = await startTestBot({
    env: { CLIENT_ID, CLIENT_SECRET: 'not-used-offline', TENANT_ID: 'tenant-1' },
    start: { botCloud: withOverrides(PUBLIC, { openIdMetadataUrl: `${keysBase}/v1/.well-known/openidconfiguration`, loginEndpoint: keysBase }) },
  });
});

afterAll(async () => {
  await t?.stop();
  await new Promise((resolve) => keys?.close(resolve));
});

async function token(claims: { aud?: string; iss?: string; serviceurl?: string; expiresIn?: string } = {}, key: CryptoKey = privateKey): Promise<string> {
  return new SignJWT({ serviceurl: claims.serviceurl ?? t.connector.url })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? CLIENT_ID)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '10m')
    .sign(key);
}

const message = () => ({
  type: 'message',
  id: `m-${Math.random()}`,
  text: 'whoami',
  channelId: 'msteams',
  serviceUrl: t.connector.url,
  from: { id: 'user-1', name: 'Ada', aadObjectId: 'aad-admin' },
  recipient: { id: '28:bot', name: 'FleetOps' },
  conversation: { id: 'a:personal-jwt', conversationType: 'personal', tenantId: 'tenant-1' },
});

const post = async (bearer: string) => (await t.post('/api/messages', message(), { authorization: `Bearer ${bearer}` })).status;

test('a token signed by a published Bot Framework key, for this bot and this serviceUrl, is accepted', async () => {
  expect(await post(await token())).toBe(200);
});

test.each([
  ['another audience', { aud: '99999999-0000-0000-0000-000000000000' }],
  ['another issuer', { iss: 'https://evil.example' }],
  ['a serviceurl claim other than the activity’s', { serviceurl: 'https://smba.trafficmanager.net/evil/' }],
  ['an expired token (past the 5 min clock tolerance)', { expiresIn: '-10m' }],
])('a token with %s gets 401', async (_what, claims) => {
  expect(await post(await token(claims))).toBe(401);
});

test('a token signed by a key the Bot Framework does not publish gets 401', async () => {
  const stranger = await generateKeyPair('RS256');
  expect(await post(await token({}, stranger.privateKey))).toBe(401);
});
