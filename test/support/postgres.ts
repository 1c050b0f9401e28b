import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server the PostgreSQL suites use, or undefined when the global setup found none (they skip). */
export const testPostgresUrl = (): string | undefined => process.env.FLEETOPS_TEST_PG || undefined;

/** `describe` that runs only with a PostgreSQL server (the global setup printed the skip line otherwise). */
export const describeOnPostgres: jest.Describe = (testPostgresUrl() ? describe : describe.skip) as jest.Describe;

/** A fresh database of its own (fleetops_test_<random>) and a function that drops it. */
export async function scratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = testPostgresUrl();
  if (!admin) throw new Error('no PostgreSQL server for tests');
  const name = `fleetops_test_${randomBytes(6).toString('hex')}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
