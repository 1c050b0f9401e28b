import crypto, { type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';

/**
 * Verifies the Entra ID bearer token Azure Monitor's *secure webhook* sends: an RS256
 * JWT from the "AZNS AAD Webhook" app, with the app role ActionGroupsSecureWebhook.
 * Verification is jose's (5.x: the maintained line that also loads as CommonJS); this
 * file adds Azure Monitor's own rules (app id, app role) and the tenant's key set.
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

export async function verifyActionGroupToken(token: string, options: EntraTokenOptions): Promise<TokenCheck> {
  let claims: Record<string, unknown>;
  try {
    const verified = await jwtVerify(
      token,
      async (header) => {
        if (typeof header.kid !== 'string') throw new KeyMissing('the bearer token must carry a key id');
        const key = await options.getKey(header.kid);
        if (!key) throw new KeyMissing('the bearer token is signed with a key this tenant does not publish');
        return key;
      },
      {
        // Only RS256: never let the token choose "none" or a symmetric algorithm.
        algorithms: ['RS256'],
        issuer: [`https://login.microsoftonline.com/${options.tenantId}/v2.0`, `https://sts.windows.net/${options.tenantId}/`],
        audience: [options.clientId, `api://${options.clientId}`],
        clockTolerance: CLOCK_SKEW_S,
        requiredClaims: ['exp'],
        currentDate: options.now ? new Date(options.now()) : undefined,
      },
    );
    claims = verified.payload as Record<string, unknown>;
  } catch (error) {
    return { ok: false, reason: reasonFor(error) };
  }
  if ((claims.appid ?? claims.azp) !== ACTION_GROUP_APP_ID) return { ok: false, reason: 'the bearer token does not come from Azure Monitor action groups' };
  if (!Array.isArray(claims.roles) || !claims.roles.includes(SECURE_WEBHOOK_ROLE)) {
    return { ok: false, reason: `the bearer token lacks the app role ${SECURE_WEBHOOK_ROLE}` };
  }
  return { ok: true, claims };
}

class KeyMissing extends Error {}

/** jose's error codes, as a line that tells the sender what is wrong (never the token). */
function reasonFor(error: unknown): string {
  if (error instanceof KeyMissing) return error.message;
  const code = (error as { code?: string }).code;
  const claim = (error as { claim?: string }).claim;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'the bearer token has expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the bearer token signature is invalid';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'the bearer token must be RS256 with a key id';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'iss') return 'the bearer token was issued by another tenant';
      if (claim === 'aud') return 'the bearer token is meant for another app';
      if (claim === 'nbf') return 'the bearer token is not valid yet';
      return `the bearer token's ${claim ?? 'claims'} are not acceptable`;
    default:
      return 'the bearer token is not a JWT';
  }
}

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/**
 * Keys from the tenant's JWKS, cached; an unknown key id refetches (Entra rotates keys),
 * at most once per `refetchAfterMs` so bad tokens cannot hammer the endpoint.
 */
export function jwksKeyGetter(tenantId: string, fetchFn: FetchLike = fetch, now: () => number = Date.now, refetchAfterMs = 300_000): SigningKeyGetter {
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
