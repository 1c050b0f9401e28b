import type { Pool } from 'pg';

/** Any constant other than the migration lock's: held by the one process FLEETOPS_SINGLE_REPLICA=on promises. */
const SINGLE_REPLICA_LOCK = 0x466c_5331;

export class SecondReplicaError extends Error {
  override readonly name = 'SecondReplicaError';
}

/**
 * Holds a session advisory lock for the life of the process, on a connection of its own, so
 * a second process started with FLEETOPS_SINGLE_REPLICA=on on the same database refuses to
 * start instead of running a second simulated fleet. PostgreSQL drops the lock with the
 * connection, so a process killed with SIGKILL does not keep its successor out.
 * Returns the release.
 */
export async function claimSingleReplica(pool: Pool): Promise<() => Promise<void>> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ claimed: boolean }>('SELECT pg_try_advisory_lock($1) AS claimed', [SINGLE_REPLICA_LOCK]);
    if (!rows[0]?.claimed) {
      throw new SecondReplicaError(
        'FLEETOPS_SINGLE_REPLICA=on, but another FleetOps process already runs on this database: the simulated fleet and the embedded logs are for one process. ' +
          'Stop the other process, or use FLEET_BACKEND=iothub and LOGS_BACKEND=loganalytics without FLEETOPS_SINGLE_REPLICA for several replicas.',
      );
    }
  } catch (error) {
    client.release();
    throw error;
  }
  return async () => {
    await client.query('SELECT pg_advisory_unlock($1)', [SINGLE_REPLICA_LOCK]).catch(() => undefined);
    client.release();
  };
}
