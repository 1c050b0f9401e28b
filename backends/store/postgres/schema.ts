import type { Migration } from '../migration';
import { POSTGRES_ONCALL_MIGRATION } from './oncall';

/**
 * The bot's tables on PostgreSQL. Ids follow the SQLite adapter's (00xx foundation, 02xx
 * alerts, 03xx rollouts, 04xx deployments, 06xx on call), so one id means one schema change on both.
 * Times the domain compares are epoch ms (BIGINT), as on SQLite.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
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
    // Who runs each 'on-one-replica' job (core/scheduling): expires_at in epoch ms on the server's clock.
    id: '0005-job-leases',
    sql: 'CREATE TABLE job_leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL)',
  },
  {
    // Teams' sliding windows for every replica together: one row per send and scope ('c:<conversation>', 't:<tenant>').
    id: '0006-send-log',
    sql: `CREATE TABLE send_log (scope TEXT NOT NULL, sent_at BIGINT NOT NULL);
    CREATE INDEX send_log_scope ON send_log (scope, sent_at)`,
  },
  { id: '0007-audit-code', sql: 'ALTER TABLE audit_log ADD COLUMN code TEXT' },
  {
    // One migration for what SQLite reached in 0201–0204: storms keep running totals; a trigger
    // adds the difference when a member alert changes, whoever writes it.
    id: '0201-alerts',
    sql: `CREATE TABLE alerts (
      alert_id TEXT PRIMARY KEY,
      short_id TEXT NOT NULL,
      rule TEXT NOT NULL,
      severity INTEGER NOT NULL,
      monitor_condition TEXT NOT NULL,
      state TEXT NOT NULL,
      device_id TEXT,
      site TEXT,
      target TEXT NOT NULL,
      fired_at TEXT NOT NULL,
      record_json TEXT NOT NULL
    );
    CREATE INDEX alerts_short_id ON alerts (short_id);
    CREATE INDEX alerts_open ON alerts (monitor_condition, state, severity, fired_at);
    CREATE INDEX alerts_device ON alerts (lower(device_id));
    CREATE TABLE alert_events (
      dedupe_key TEXT PRIMARY KEY,
      alert_id TEXT NOT NULL,
      received_at TEXT NOT NULL,
      payload TEXT NOT NULL
    );
    CREATE TABLE alert_deliveries (
      conversation_id TEXT NOT NULL,
      alert_id TEXT NOT NULL,
      card_key TEXT NOT NULL,
      delivered_at BIGINT NOT NULL,
      storm_rule TEXT,
      storm_generation INTEGER,
      PRIMARY KEY (conversation_id, alert_id)
    );
    CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id);
    CREATE INDEX alert_deliveries_recent ON alert_deliveries (conversation_id, delivered_at);
    CREATE INDEX alert_deliveries_storm ON alert_deliveries (conversation_id, storm_rule, storm_generation, delivered_at);
    CREATE TABLE alert_storms (
      conversation_id TEXT COLLATE "C" NOT NULL,
      rule TEXT COLLATE "C" NOT NULL,
      generation INTEGER NOT NULL,
      started_at BIGINT NOT NULL,
      last_at BIGINT NOT NULL,
      dirty BOOLEAN NOT NULL DEFAULT false,
      total INTEGER NOT NULL DEFAULT 0,
      firing INTEGER NOT NULL DEFAULT 0,
      severity INTEGER NOT NULL DEFAULT 4,
      first_fired_at TEXT,
      last_fired_at TEXT,
      PRIMARY KEY (conversation_id, rule, generation)
    );
    CREATE INDEX alert_storms_dirty ON alert_storms (conversation_id, rule, generation) WHERE dirty;
    CREATE TABLE alert_storm_sites (
      conversation_id TEXT NOT NULL,
      rule TEXT NOT NULL,
      generation INTEGER NOT NULL,
      site TEXT NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (conversation_id, rule, generation, site)
    );
    CREATE TABLE alert_silences (
      id BIGSERIAL PRIMARY KEY,
      rule TEXT NOT NULL,
      target TEXT NOT NULL,
      until TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX alert_silences_match ON alert_silences (rule, target, until);
    CREATE FUNCTION alert_storm_member_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE alert_storms AS s SET
          firing = s.firing + (NEW.monitor_condition = 'Fired')::int - (OLD.monitor_condition = 'Fired')::int,
          severity = LEAST(s.severity, NEW.severity),
          first_fired_at = LEAST(s.first_fired_at, NEW.fired_at),
          last_fired_at = GREATEST(s.last_fired_at, NEW.fired_at)
        FROM alert_deliveries AS d
       WHERE d.alert_id = NEW.alert_id AND d.storm_rule IS NOT NULL
         AND s.conversation_id = d.conversation_id AND s.rule = d.storm_rule AND s.generation = d.storm_generation;
      IF OLD.site IS DISTINCT FROM NEW.site THEN
        UPDATE alert_storm_sites AS x SET count = x.count - 1
          FROM alert_deliveries AS d
         WHERE OLD.site IS NOT NULL AND d.alert_id = NEW.alert_id AND d.storm_rule IS NOT NULL
           AND x.conversation_id = d.conversation_id AND x.rule = d.storm_rule AND x.generation = d.storm_generation AND x.site = OLD.site;
        INSERT INTO alert_storm_sites (conversation_id, rule, generation, site, count)
          SELECT d.conversation_id, d.storm_rule, d.storm_generation, NEW.site, 1 FROM alert_deliveries AS d
           WHERE NEW.site IS NOT NULL AND d.alert_id = NEW.alert_id AND d.storm_rule IS NOT NULL
          ON CONFLICT (conversation_id, rule, generation, site) DO UPDATE SET count = alert_storm_sites.count + 1;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER alert_storm_member_changes AFTER UPDATE OF monitor_condition, severity, fired_at, site ON alerts
      FOR EACH ROW EXECUTE FUNCTION alert_storm_member_changes()`,
  },
  {
    // Counts the changes of the tables every alert batch reads and people rarely change: each
    // transaction reads the counts with its BEGIN, so a replica's copy of those tables is checked
    // for freshness without a round trip (generation-cache.ts). Statement-level: a bulk write counts once.
    id: '0202-change-generations',
    sql: `CREATE TABLE change_generations (name TEXT PRIMARY KEY, generation BIGINT NOT NULL);
    INSERT INTO change_generations (name, generation) VALUES ('subscriptions', 0), ('alert_silences', 0);
    CREATE FUNCTION count_table_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE change_generations SET generation = generation + 1 WHERE name = TG_TABLE_NAME;
      RETURN NULL;
    END $$;
    CREATE TRIGGER subscriptions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON subscriptions
      FOR EACH STATEMENT EXECUTE FUNCTION count_table_change();
    CREATE TRIGGER alert_silences_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON alert_silences
      FOR EACH STATEMENT EXECUTE FUNCTION count_table_change();`,
  },
  {
    // What SQLite reached in 0301–0304. Rollout ids come from a sequence: replicas planning at once get different ones.
    id: '0301-rollouts',
    sql: `CREATE SEQUENCE rollout_seq;
    CREATE TABLE rollouts (
      id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL UNIQUE,
      version INTEGER NOT NULL,
      fw_version TEXT NOT NULL,
      fw_uri TEXT NOT NULL,
      fw_sha256 TEXT NOT NULL,
      filter_text TEXT NOT NULL,
      state TEXT NOT NULL,
      current_wave INTEGER NOT NULL,
      waves_json TEXT NOT NULL,
      settings_json TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL,
      conversation_id TEXT,
      last_change_json TEXT NOT NULL,
      pause_reason TEXT,
      last_dispatch_at BIGINT
    );
    CREATE INDEX rollouts_state ON rollouts (state);
    CREATE TABLE rollout_devices (
      id BIGSERIAL PRIMARY KEY,
      rollout_id TEXT NOT NULL REFERENCES rollouts (id),
      device_id TEXT NOT NULL,
      wave INTEGER,
      seq INTEGER NOT NULL,
      state TEXT NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 1,
      since BIGINT NOT NULL,
      previous_version TEXT,
      model TEXT,
      pending_write BOOLEAN NOT NULL DEFAULT false,
      baseline_status TEXT,
      reason TEXT,
      connected BOOLEAN NOT NULL DEFAULT true,
      UNIQUE (rollout_id, device_id)
    );
    CREATE INDEX rollout_devices_state ON rollout_devices (rollout_id, state, wave, since);
    CREATE INDEX rollout_devices_queue ON rollout_devices (rollout_id, wave, seq) WHERE state = 'queued';
    CREATE INDEX rollout_devices_pending ON rollout_devices (rollout_id) WHERE pending_write`,
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
  POSTGRES_ONCALL_MIGRATION,
];
