import { Pool, type PoolConfig } from 'pg';
import { entraPassword, type TokenSource } from './entra-password';

export interface PostgresSettings {
  readonly url: string;
  readonly password?: string;
  readonly entraAuth: boolean;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
}

/** Azure Database for PostgreSQL refuses connections without TLS; so do we. */
const AZURE_HOST = /\.postgres\.database\.azure\.com$/i;
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/i;

/** Raised before any connection is made: the settings cannot work. */
export class PostgresSettingsError extends Error {
  override readonly name = 'PostgresSettingsError';
}

/**
 * The pool configuration: the URL, TLS (required on Azure and for any host that is not
 * this machine, unless the URL says otherwise), the password (given, or an Entra ID token
 * fetched per new connection and refreshed before it expires), timeouts for connecting and
 * for every statement, so a stuck database fails requests instead of holding them.
 */
export function poolConfig(settings: PostgresSettings, tokens?: TokenSource): PoolConfig {
  const url = new URL(settings.url);
  const host = url.hostname;
  const sslmode = url.searchParams.get('sslmode');
  const azure = AZURE_HOST.test(host);
  if (azure && sslmode === 'disable') {
    throw new PostgresSettingsError(
      `DATABASE_URL says sslmode=disable, but Azure Database for PostgreSQL (${host}) requires TLS: remove sslmode from DATABASE_URL.`,
    );
  }
  const tls = azure || (!LOOPBACK.test(host) && sslmode !== 'disable') || sslmode === 'require' || sslmode === 'verify-full';
  // The URL's sslmode would override the TLS options below (pg reads it after them): they decide.
  url.searchParams.delete('sslmode');
  const config: PoolConfig = {
    connectionString: url.toString(),
    max: settings.poolMax,
    ssl: tls ? { rejectUnauthorized: true } : false,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + 5_000,
    application_name: 'fleetops',
  };
  if (settings.entraAuth) {
    if (!tokens) throw new PostgresSettingsError('DATABASE_ENTRA_AUTH=on needs an Azure identity (managed identity in App Service, or `az login` locally).');
    config.password = entraPassword(tokens);
  } else if (settings.password !== undefined) {
    config.password = settings.password;
  }
  return config;
}

export function createPool(settings: PostgresSettings, tokens?: TokenSource, onIdleError: (error: Error) => void = () => undefined): Pool {
  const pool = new Pool(poolConfig(settings, tokens));
  // An idle connection the server closed (failover, restart): the pool drops it and opens another; without a listener it would crash the process.
  pool.on('error', onIdleError);
  return pool;
}
