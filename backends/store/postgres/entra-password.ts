/** What @azure/identity's credentials give: a token and when it expires. */
export interface AccessToken {
  readonly token: string;
  readonly expiresOnTimestamp: number;
}

export type TokenSource = () => Promise<AccessToken>;

/** The scope of Azure Database for PostgreSQL's Entra ID sign-in. */
export const POSTGRES_ENTRA_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

/** A token this close to expiring is replaced: a connection opened with it must still be accepted. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * The password of each new connection: the Entra ID access token of the app's identity.
 * Tokens last about an hour; one is reused until five minutes before it expires, then a new
 * one is fetched (once, however many connections open meanwhile). Open connections are not
 * affected: PostgreSQL checks the token only when a connection signs in.
 */
export function entraPassword(tokens: TokenSource, now: () => number = Date.now): () => Promise<string> {
  let current: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;
  return async () => {
    if (current && current.expiresOnTimestamp - now() > REFRESH_BEFORE_MS) return current.token;
    pending ??= tokens().finally(() => (pending = undefined));
    current = await pending;
    return current.token;
  };
}

/** The app's identity (managed identity in Azure, developer sign-in locally) as a TokenSource. */
export async function azureIdentityTokens(): Promise<TokenSource> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  const credential = new DefaultAzureCredential();
  return async () => {
    const token = await credential.getToken(POSTGRES_ENTRA_SCOPE);
    if (!token) throw new Error(`Azure identity returned no token for ${POSTGRES_ENTRA_SCOPE}`);
    return token;
  };
}
