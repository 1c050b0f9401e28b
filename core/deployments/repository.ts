import type { PipelineRun } from './run';

/** A received service-hook event, kept as it came (for redelivery detection and replay). */
export interface ReceivedEvent {
  /** `<eventType>:<id>`: Azure DevOps redelivers with the same id. */
  readonly key: string;
  readonly eventType: string;
  readonly receivedAt: string;
  readonly body: string;
}

export type IngestResult = { duplicate: false; run: PipelineRun } | { duplicate: true; run?: PipelineRun; announced: boolean };

/**
 * Storage of runs and received events. Every method is atomic: `ingest` stores the
 * event and the updated run together, so an acknowledged event is never half applied.
 */
export interface DeploymentRepository {
  /** Records the event and applies it to its run, unless the event was seen before. */
  ingest(event: ReceivedEvent, runId: string, apply: (current: PipelineRun | undefined) => PipelineRun): Promise<IngestResult>;
  /** Applies `change` to the stored run (read-modify-write in one transaction); undefined when unknown. */
  update(runId: string, change: (current: PipelineRun) => PipelineRun): Promise<PipelineRun | undefined>;
  get(runId: string): Promise<PipelineRun | undefined>;
  /** Newest first (by last update); `pipeline` matches the name case-insensitively. */
  listRecent(options: { pipeline?: string; limit: number }): Promise<PipelineRun[]>;
  /** The event's card updates are in the outbox. */
  markAnnounced(eventKey: string): Promise<void>;
  /** Events stored but whose card updates may not have reached the outbox (crash in between). */
  unannounced(limit: number): Promise<Array<{ eventKey: string; runId: string }>>;
}
