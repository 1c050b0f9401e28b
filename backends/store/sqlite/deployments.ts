import type { Migration, SqliteDatabase } from './database';
import type { DeploymentRepository, IngestResult, ReceivedEvent } from '../../../core/deployments/repository';
import type { PipelineRun } from '../../../core/deployments/run';
import { gated, type Synchronous } from './gate';

export const DEPLOYMENT_MIGRATIONS: readonly Migration[] = [
  {
    id: '0401-deployments',
    sql: `
      CREATE TABLE deployment_runs (
        run_id TEXT PRIMARY KEY,
        pipeline_lc TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX deployment_runs_recent ON deployment_runs (updated_at DESC);
      CREATE INDEX deployment_runs_pipeline ON deployment_runs (pipeline_lc, updated_at DESC);
      CREATE TABLE deployment_events (
        event_key TEXT PRIMARY KEY,
        event_type TEXT NOT NULL,
        run_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        body TEXT NOT NULL,
        announced INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX deployment_events_unannounced ON deployment_events (announced) WHERE announced = 0;
    `,
  },
];

/** The DeploymentRepository port on SQLite (calls pass the connection's gate: see gate.ts). */
export function sqliteDeploymentRepository(db: SqliteDatabase): DeploymentRepository {
  return gated<DeploymentRepository>(new SqliteDeploymentRepository(db), db);
}

/** Runs and received events in SQLite, each method one transaction: the synchronous store behind `sqliteDeploymentRepository` (its methods run on the caller's turn). */
export class SqliteDeploymentRepository implements Synchronous<DeploymentRepository> {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      findEvent: db.prepare('SELECT run_id AS runId, announced FROM deployment_events WHERE event_key = ?'),
      insertEvent: db.prepare('INSERT INTO deployment_events (event_key, event_type, run_id, received_at, body) VALUES (?, ?, ?, ?, ?)'),
      getRun: db.prepare('SELECT data FROM deployment_runs WHERE run_id = ?').pluck(),
      upsertRun: db.prepare(
        `INSERT INTO deployment_runs (run_id, pipeline_lc, state, updated_at, version, data) VALUES (@runId, @pipelineLc, @state, @updatedAt, @version, @data)
         ON CONFLICT (run_id) DO UPDATE SET pipeline_lc = excluded.pipeline_lc, state = excluded.state, updated_at = excluded.updated_at, version = excluded.version, data = excluded.data`,
      ),
      recent: db.prepare('SELECT data FROM deployment_runs ORDER BY updated_at DESC, run_id DESC LIMIT ?').pluck(),
      recentForPipeline: db.prepare('SELECT data FROM deployment_runs WHERE pipeline_lc = ? ORDER BY updated_at DESC, run_id DESC LIMIT ?').pluck(),
      markAnnounced: db.prepare('UPDATE deployment_events SET announced = 1 WHERE event_key = ?'),
      unannounced: db.prepare('SELECT event_key AS eventKey, run_id AS runId FROM deployment_events WHERE announced = 0 ORDER BY received_at LIMIT ?'),
    };
  }

  ingest(event: ReceivedEvent, runId: string, apply: (current: PipelineRun | undefined) => PipelineRun): IngestResult {
    return this.db
      .transaction((): IngestResult => {
        const seen = this.statements.findEvent.get(event.key) as { runId: string; announced: number } | undefined;
        if (seen) return { duplicate: true, run: this.get(seen.runId), announced: seen.announced === 1 };
        const run = apply(this.get(runId));
        this.statements.insertEvent.run(event.key, event.eventType, run.runId, event.receivedAt, event.body);
        this.write(run);
        return { duplicate: false, run };
      })
      .immediate();
  }

  update(runId: string, change: (current: PipelineRun) => PipelineRun): PipelineRun | undefined {
    return this.db
      .transaction(() => {
        const current = this.get(runId);
        if (!current) return undefined;
        const next = change(current);
        this.write(next);
        return next;
      })
      .immediate();
  }

  get(runId: string): PipelineRun | undefined {
    const data = this.statements.getRun.get(runId) as string | undefined;
    return data === undefined ? undefined : (JSON.parse(data) as PipelineRun);
  }

  listRecent(options: { pipeline?: string; limit: number }): PipelineRun[] {
    const limit = Math.max(1, Math.min(options.limit, 100));
    const rows = (
      options.pipeline ? this.statements.recentForPipeline.all(options.pipeline.toLowerCase(), limit) : this.statements.recent.all(limit)
    ) as string[];
    return rows.map((data) => JSON.parse(data) as PipelineRun);
  }

  markAnnounced(eventKey: string): void {
    this.statements.markAnnounced.run(eventKey);
  }

  unannounced(limit: number): Array<{ eventKey: string; runId: string }> {
    return this.statements.unannounced.all(limit) as Array<{ eventKey: string; runId: string }>;
  }

  private write(run: PipelineRun): void {
    this.statements.upsertRun.run({
      runId: run.runId,
      pipelineLc: run.pipeline.toLowerCase(),
      state: run.state,
      updatedAt: run.updatedAt,
      version: run.version,
      data: JSON.stringify(run),
    });
  }
}
