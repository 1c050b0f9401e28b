import type { DeploymentRepository, IngestResult, ReceivedEvent } from '../../../core/deployments/repository';
import type { PipelineRun } from '../../../core/deployments/run';
import type { PostgresDatabase } from './database';

/**
 * Runs and received events on PostgreSQL. The event's key is unique: of two replicas given
 * the same redelivery, one inserts it and the other sees a duplicate. A run is changed
 * under its lock, so concurrent events of one run merge in turn.
 */
export class PostgresDeploymentRepository implements DeploymentRepository {
  constructor(private readonly db: PostgresDatabase) {}

  ingest(event: ReceivedEvent, runId: string, apply: (current: PipelineRun | undefined) => PipelineRun): Promise<IngestResult> {
    return this.db.unitOfWork.run(async (): Promise<IngestResult> => {
      // The run first (and locked) so that concurrent events of one run queue here rather than deadlock.
      const current = await this.locked(runId);
      const inserted = await this.db.execute(
        'INSERT INTO deployment_events (event_key, event_type, run_id, received_at, body) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_key) DO NOTHING',
        [event.key, event.eventType, runId, event.receivedAt, event.body],
      );
      if (inserted === 0) {
        const [seen] = await this.db.query<{ run_id: string; announced: boolean }>('SELECT run_id, announced FROM deployment_events WHERE event_key = $1', [
          event.key,
        ]);
        return { duplicate: true, run: seen ? await this.get(seen.run_id) : undefined, announced: seen?.announced ?? false };
      }
      const run = apply(current);
      if (run.runId !== runId) await this.db.execute('UPDATE deployment_events SET run_id = $1 WHERE event_key = $2', [run.runId, event.key]);
      await this.write(run);
      return { duplicate: false, run };
    });
  }

  update(runId: string, change: (current: PipelineRun) => PipelineRun): Promise<PipelineRun | undefined> {
    return this.db.unitOfWork.run(async () => {
      const current = await this.locked(runId);
      if (!current) return undefined;
      const next = change(current);
      await this.write(next);
      return next;
    });
  }

  async get(runId: string): Promise<PipelineRun | undefined> {
    const [row] = await this.db.query<{ data: string }>('SELECT data FROM deployment_runs WHERE run_id = $1', [runId]);
    return row ? (JSON.parse(row.data) as PipelineRun) : undefined;
  }

  async listRecent(options: { pipeline?: string; limit: number }): Promise<PipelineRun[]> {
    const limit = Math.max(1, Math.min(options.limit, 100));
    const rows = options.pipeline
      ? await this.db.query<{ data: string }>('SELECT data FROM deployment_runs WHERE pipeline_lc = $1 ORDER BY updated_at DESC, run_id DESC LIMIT $2', [
          options.pipeline.toLowerCase(),
          limit,
        ])
      : await this.db.query<{ data: string }>('SELECT data FROM deployment_runs ORDER BY updated_at DESC, run_id DESC LIMIT $1', [limit]);
    return rows.map((r) => JSON.parse(r.data) as PipelineRun);
  }

  async markAnnounced(eventKey: string): Promise<void> {
    await this.db.execute('UPDATE deployment_events SET announced = true WHERE event_key = $1', [eventKey]);
  }

  unannounced(limit: number): Promise<Array<{ eventKey: string; runId: string }>> {
    return this.db.query('SELECT event_key AS "eventKey", run_id AS "runId" FROM deployment_events WHERE NOT announced ORDER BY received_at LIMIT $1', [limit]);
  }

  /** The run, with the run's lock held until the unit of work ends (an advisory lock: it holds for a run not stored yet, too). */
  private async locked(runId: string): Promise<PipelineRun | undefined> {
    await this.db.query("SELECT pg_advisory_xact_lock(hashtext('deployment_run:' || $1))", [runId]);
    const [row] = await this.db.query<{ data: string }>('SELECT data FROM deployment_runs WHERE run_id = $1', [runId]);
    return row ? (JSON.parse(row.data) as PipelineRun) : undefined;
  }

  private async write(run: PipelineRun): Promise<void> {
    await this.db.execute(
      `INSERT INTO deployment_runs (run_id, pipeline_lc, state, updated_at, version, data) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (run_id) DO UPDATE SET pipeline_lc = excluded.pipeline_lc, state = excluded.state, updated_at = excluded.updated_at, version = excluded.version, data = excluded.data`,
      [run.runId, run.pipeline.toLowerCase(), run.state, run.updatedAt, run.version, JSON.stringify(run)],
    );
  }
}
