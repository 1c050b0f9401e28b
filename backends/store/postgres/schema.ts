import type { PostgresMigration } from './migrate';

/**
 * The bot's tables on PostgreSQL. Ids follow the SQLite adapter's (00xx foundation, 02xx
 * alerts, 03xx rollouts, 04xx deployments), so one id means one schema change on both.
 * Times the domain compares are epoch ms (BIGINT), as on SQLite.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    id: '0001-conversations',
    sql: `CREATE TABLE conversations (
      conversation_id TEXT PRIMARY KEY,
      ref_json TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
  },
  {
    id: '0002-subscriptions',
    sql: `CREATE TABLE subscriptions (
      id BIGSERIAL PRIMARY KEY,
      conversation_id TEXT NOT NULL,
      topic TEXT NOT NULL,
      filter TEXT NOT NULL DEFAULT '',
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (conversation_id, topic, filter)
    );
    CREATE INDEX subscriptions_topic ON subscriptions (topic)`,
  },
  {
    id: '0003-audit',
    sql: `CREATE TABLE audit_log (
      id BIGSERIAL PRIMARY KEY,
      at TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      actor_name TEXT NOT NULL,
      role TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT,
      outcome TEXT NOT NULL,
      detail TEXT,
      conversation_id TEXT
    )`,
  },
  {
    // lease_until: a replica sending the row holds it until then; if it dies, the row is due again.
    id: '0004-outbox',
    sql: `CREATE TABLE outbox (
      id BIGSERIAL PRIMARY KEY,
      conversation_id TEXT NOT NULL,
      message_key TEXT NOT NULL,
      message_json TEXT NOT NULL,
      version INTEGER NOT NULL DEFAULT 1,
      attempts INTEGER NOT NULL DEFAULT 0,
      not_before BIGINT NOT NULL,
      lease_until BIGINT,
      state TEXT NOT NULL DEFAULT 'pending',
      last_error TEXT,
      updated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX outbox_pending_key ON outbox (conversation_id, message_key) WHERE state = 'pending';
    CREATE INDEX outbox_due ON outbox (state, not_before, id);
    CREATE TABLE sent_messages (
      conversation_id TEXT NOT NULL,
      message_key TEXT NOT NULL,
      activity_id TEXT NOT NULL,
      sent_at TEXT NOT NULL,
      PRIMARY KEY (conversation_id, message_key)
    )`,
  },
  {
    id: '0401-deployments',
    sql: `CREATE TABLE deployment_runs (
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
      announced BOOLEAN NOT NULL DEFAULT false
    );
    CREATE INDEX deployment_events_unannounced ON deployment_events (received_at) WHERE NOT announced`,
  },
];
