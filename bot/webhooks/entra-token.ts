import crypto, { type KeyObject } from 'node:crypto';

/**
 * Verifies the Entra ID bearer token Azure Monitor's *secure webhook* sends: an RS256
 * JWT from the "AZNS AAD Webhook" app, with the app role ActionGroupsSecureWebhook.
 * Written on node:crypto rather than jose: jose 6 is ESM-only and cannot be loaded by
 * the test runner on Node 20, and this is code that must be tested.
 * https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups#secure-webhook
 */

/** Azure Monitor's action-group app (AZNS AAD Webhook). */
export const ACTION_GROUP_APP_ID = '461e8683-5575-4561-ac7f-899cc907d62a';
export const SECURE_WEBHOOK_ROLE = 'ActionGroupsSecureWebhook';
const CLOCK_SKEW_S = 300;

/** Returns the public key for a key id, or undefined when the tenant has no such key. */
export type SigningKeyGetter = (kid: string) => Promise<KeyObject | undefined>;

export interface EntraTokenOptions {
  readonly tenantId: string;
  /** This app's client id: the token's audience. */
  readonly clientId: string;
  readonly getKey: SigningKeyGetter;
  readonly now?: () => number;
}

export type TokenCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

const decodeJson = (part: string): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

export async function verifyActionGroupToken(token: string, options: EntraTokenOptions): Promise<TokenCheck> {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'the bearer token is not a JWT' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const claims = decodeJson(payloadPart);
  if (!header || !claims) return { ok: false, reason: 'the bearer token is not a JWT' };
  // Only RS256: never let the token choose "none" or a symmetric algorithm.
  if (header.alg !== 'RS256' || typeof header.kid !== 'string') return { ok: false, reason: 'the bearer token must be RS256 with a key id' };
  const key = await options.getKey(header.kid);
  if (!key) return { ok: false, reason: 'the bearer token is signed with a key this tenant does not publish' };
  const signed = crypto.verify('RSA-SHA256', Buffer.from(`${headerPart}.${payloadPart}`), key, Buffer.from(signaturePart, 'base64url'));
  if (!signed) return { ok: false, reason: 'the bearer token signature is invalid' };

  const now = Math.floor((options.now ?? Date.now)() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_S < now) return { ok: false, reason: 'the bearer token has expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW_S > now) return { ok: false, reason: 'the bearer token is not valid yet' };
  const issuers = [`https://login.microsoftonline.com/${options.tenantId}/v2.0`, `https://sts.windows.net/${options.tenantId}/`];
  if (!issuers.includes(String(claims.iss))) return { ok: false, reason: 'the bearer token was issued by another tenant' };
  const audiences = [options.clientId, `api://${options.clientId}`];
  const aud = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud)];
  if (!aud.some((a) => audiences.includes(a))) return { ok: false, reason: 'the bearer token is meant for another app' };
  if ((claims.appid ?? claims.azp) !== ACTION_GROUP_APP_ID) return { ok: false, reason: 'the bearer token does not come from Azure Monitor action groups' };
  if (!Array.isArray(claims.roles) || !claims.roles.includes(SECURE_WEBHOOK_ROLE)) {
    return { ok: false, reason: `the bearer token lacks the app role ${SECURE_WEBHOOK_ROLE}` };
  }
  return { ok: true, claims };
}

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/**
 * Keys from the tenant's JWKS, cached; an unknown key id refetches (Entra rotates keys),
 * at most once per `refetchAfterMs` so bad tokens cannot hammer the endpoint.
 */
export function jwksKeyGetter(tenantId: string, fetchFn: FetchLike = fetch as unknown as FetchLike, now: () => number = Date.now, refetchAfterMs = 300_000): SigningKeyGetter {
  const url = `https://login.microsoftonline.com/${encodeURIComponent(tenantId)}/discovery/v2.0/keys`;
  let keys = new Map<string, KeyObject>();
  let fetchedAt = -Infinity;
  let inflight: Promise<void> | undefined;
  const refresh = async () => {
    const response = await fetchFn(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`JWKS ${url} answered ${response.status}`);
    const body = (await response.json()) as { keys?: Array<Record<string, unknown>> };
    const next = new Map<string, KeyObject>();
    for (const jwk of body.keys ?? []) {
      if (jwk.kty !== 'RSA' || typeof jwk.kid !== 'string') continue;
      next.set(jwk.kid, crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: 'jwk' }));
    }
    keys = next;
    fetchedAt = now();
  };
  return async (kid) => {
    if (!keys.has(kid) && now() - fetchedAt > refetchAfterMs) {
      inflight ??= refresh().finally(() => (inflight = undefined));
      await inflight;
    }
    return keys.get(kid);
  };
}
