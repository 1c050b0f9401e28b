import type { Migration } from '../../store/sqlite/database';

/**
 * The local device registry, in IoT Hub's shapes. The filter columns (site, ring, model,
 * firmware, fw_update_status, connection_state) are copied out of the twin JSON on
 * write, so lists and counts never parse JSON. `sort_key` gives natural id order
 * (device-2 < device-10) for keyset paging; `last_activity_ms` 0 means never.
 * `desired_seq` orders desired-property changes for devices polling their twins.
 */
export const FLEET_MIGRATIONS: readonly Migration[] = [
  {
    id: '0101-fleet-registry',
    sql: `
CREATE TABLE fleet_devices (
  device_id TEXT PRIMARY KEY,
  sort_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  status_reason TEXT,
  connection_state TEXT NOT NULL DEFAULT 'Disconnected' CHECK (connection_state IN ('Connected', 'Disconnected')),
  connection_state_updated_ms INTEGER NOT NULL DEFAULT 0,
  last_activity_ms INTEGER NOT NULL DEFAULT 0,
  site TEXT,
  ring TEXT,
  model TEXT,
  firmware TEXT,
  fw_update_status TEXT,
  tags_json TEXT NOT NULL DEFAULT '{}',
  desired_json TEXT NOT NULL DEFAULT '{}',
  reported_json TEXT NOT NULL DEFAULT '{}',
  desired_version INTEGER NOT NULL DEFAULT 1,
  reported_version INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  desired_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fleet_devices_site ON fleet_devices (site, sort_key);
CREATE INDEX fleet_devices_ring ON fleet_devices (ring, sort_key);
CREATE INDEX fleet_devices_model ON fleet_devices (model, sort_key);
CREATE INDEX fleet_devices_firmware ON fleet_devices (firmware, sort_key);
CREATE INDEX fleet_devices_update ON fleet_devices (fw_update_status, sort_key);
CREATE INDEX fleet_devices_connection ON fleet_devices (connection_state, sort_key);
CREATE INDEX fleet_devices_connection_activity ON fleet_devices (connection_state, last_activity_ms, sort_key);
CREATE INDEX fleet_devices_activity ON fleet_devices (last_activity_ms, sort_key);
CREATE INDEX fleet_devices_desired_seq ON fleet_devices (desired_seq) WHERE desired_seq > 0;
CREATE TABLE fleet_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
INSERT INTO fleet_sequence (id, value) VALUES (1, 0);
`,
  },
  {
    // Heartbeats rewrite last_activity_ms thousands of times a second at 100k devices; an
    // index on it made every heartbeat touch random index pages (WAL traffic of ~40 MB/s).
    // "Longest silent" lists filter on connection state first and sort the few rows left.
    id: '0102-fleet-no-activity-index',
    sql: `
DROP INDEX IF EXISTS fleet_devices_activity;
DROP INDEX IF EXISTS fleet_devices_connection_activity;
`,
  },
  {
    // The rollout engine reads the firmware state of one rollout's devices every 10 s. These
    // columns answer that from an index: desired firmware (rollout, attempt, version) copied
    // out of desired_json, the update substatus, and fw_seq, the fleet sequence at the last
    // change of reported firmware or connection (heartbeats and desired writes do not count),
    // so a tick reads only the devices that changed since the previous one.
    id: '0103-fleet-firmware-state',
    sql: `
ALTER TABLE fleet_devices ADD COLUMN fw_update_substatus TEXT;
ALTER TABLE fleet_devices ADD COLUMN desired_fw_version TEXT;
ALTER TABLE fleet_devices ADD COLUMN desired_rollout_id TEXT;
ALTER TABLE fleet_devices ADD COLUMN desired_attempt INTEGER;
ALTER TABLE fleet_devices ADD COLUMN fw_seq INTEGER NOT NULL DEFAULT 0;
UPDATE fleet_devices SET
  fw_update_substatus = CASE WHEN json_type(reported_json, '$.firmware.fwUpdateSubstatus') = 'text' THEN json_extract(reported_json, '$.firmware.fwUpdateSubstatus') END,
  desired_fw_version = CASE WHEN json_type(desired_json, '$.firmware.fwVersion') = 'text' THEN json_extract(desired_json, '$.firmware.fwVersion') END,
  desired_rollout_id = CASE WHEN json_type(desired_json, '$.firmware.rolloutId') = 'text' THEN json_extract(desired_json, '$.firmware.rolloutId') END,
  desired_attempt = CASE WHEN json_type(desired_json, '$.firmware.attempt') = 'integer' THEN json_extract(desired_json, '$.firmware.attempt') END;
CREATE INDEX fleet_devices_rollout ON fleet_devices (desired_rollout_id, fw_seq) WHERE desired_rollout_id IS NOT NULL;
`,
  },
  {
    // The rollout read every 10 s returns only the columns in this index, in fw_seq order:
    // the devices that changed since the last tick sit together at the end of their
    // rollout's range, so the read touches a few index pages and never the wide twin rows.
    id: '0104-fleet-rollout-covering-index',
    sql: `
DROP INDEX IF EXISTS fleet_devices_rollout;
CREATE INDEX fleet_devices_rollout ON fleet_devices (desired_rollout_id, fw_seq, device_id, connection_state, firmware, fw_update_status,
  fw_update_substatus, desired_fw_version, desired_attempt) WHERE desired_rollout_id IS NOT NULL;
`,
  },
];
