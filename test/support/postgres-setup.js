// Jest global setup (plain JS: it runs before any transform): is a PostgreSQL server there for
// the PostgreSQL suites? Probed once. Without one, those suites skip and this prints ONE line
// saying so. When FLEETOPS_TEST_DATABASE_URL is set (CI), a server that does not answer fails the run.
const { Client } = require('pg');

module.exports = async function probePostgres() {
  const required = process.env.FLEETOPS_TEST_DATABASE_URL !== undefined;
  const url = process.env.FLEETOPS_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    process.env.FLEETOPS_TEST_PG = url;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (required) throw new Error(`FLEETOPS_TEST_DATABASE_URL is set but PostgreSQL does not answer (${reason})`);
    process.env.FLEETOPS_TEST_PG = '';
    process.stdout.write(
      `\nSkipped: the PostgreSQL suites (store contract on PostgreSQL, migrations under an advisory lock, outbox claims) — no PostgreSQL at ${new URL(url).host} (${reason}); set FLEETOPS_TEST_DATABASE_URL to run them.\n`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
};
