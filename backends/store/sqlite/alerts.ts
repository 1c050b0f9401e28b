import type { AlertRecord } from '../../../core/alerts/alert';
import type { AlertFilter } from '../../../core/alerts/filter';
import type {
  AlertRepository,
  ClaimedEvent,
  Delivery,
  DeliveryToRecord,
  EventClaim,
  StormContext,
  StormCursor,
  StormJoiner,
} from '../../../core/alerts/repository';
import type { Silence } from '../../../core/alerts/silence';
import { stormCardKey, type Storm, type StormMember, type StormView } from '../../../core/alerts/storm';
import type { Migration, SqliteDatabase } from './database';
import { gated, type Synchronous } from './gate';
import {
  alertColumns,
  NO_STORM_TOTALS,
  toDelivery,
  toSilence,
  toStorm,
  toStormMember,
  toStormView,
  type DeliveryRow,
  type SilenceRow,
  type StormRow,
  type StormTotals,
} from '../rows/alerts';

export const alertMigrations: Migration[] = [
  {
    id: '0201-alerts',
    sql: `CREATE TABLE alerts (
      alert_id TEXT PRIMARY KEY,
      short_id TEXT NOT NULL,
      rule TEXT NOT NULL,
      severity INTEGER NOT NULL,
      monitor_condition TEXT NOT NULL,
      state TEXT NOT NULL,
      device_id TEXT COLLATE NOCASE,
      site TEXT COLLATE NOCASE,
      target TEXT NOT NULL,
      fired_at TEXT NOT NULL,
      record_json TEXT NOT NULL
    );
    CREATE INDEX alerts_short_id ON alerts (short_id);
    CREATE INDEX alerts_open ON alerts (monitor_condition, state, severity, fired_at);
    CREATE INDEX alerts_device ON alerts (device_id);
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
      delivered_at INTEGER NOT NULL,
      storm_rule TEXT,
      storm_generation INTEGER,
      PRIMARY KEY (conversation_id, alert_id)
    );
    CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id);
    CREATE INDEX alert_deliveries_recent ON alert_deliveries (conversation_id, delivered_at);
    CREATE INDEX alert_deliveries_storm ON alert_deliveries (conversation_id, storm_rule, storm_generation, delivered_at);
    CREATE TABLE alert_storms (
      conversation_id TEXT NOT NULL,
      rule TEXT NOT NULL,
      generation INTEGER NOT NULL,
      started_at INTEGER NOT NULL,
      last_at INTEGER NOT NULL,
      PRIMARY KEY (conversation_id, rule, generation)
    );
    CREATE TABLE alert_silences (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      rule TEXT NOT NULL,
      target TEXT NOT NULL,
      until TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX alert_silences_match ON alert_silences (rule, target, until)`,
  },
  {
    // Storm cards are rendered once per flush, not once per alert: this marks the ones to render.
    id: '0202-alert-storms-dirty',
    sql: `ALTER TABLE alert_storms ADD COLUMN dirty INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX alert_storms_dirty ON alert_storms (dirty) WHERE dirty = 1`,
  },
  {
    // A storm card's counts kept as running totals: recounting thousands of members on every
    // render stalled the event loop for ~100 ms a second in a storm. A member joining adds
    // itself (joinStorm since 0204); a trigger adds the difference when a member changes
    // (resolved, fired again, another severity or site), whoever writes it (ingestion,
    // acknowledge, close). The severity and the first/last times only ever widen: the worst
    // and the span the storm reached.
    id: '0203-alert-storm-totals',
    sql: `ALTER TABLE alert_storms ADD COLUMN total INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE alert_storms ADD COLUMN firing INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE alert_storms ADD COLUMN severity INTEGER NOT NULL DEFAULT 4;
    ALTER TABLE alert_storms ADD COLUMN first_fired_at TEXT;
    ALTER TABLE alert_storms ADD COLUMN last_fired_at TEXT;
    CREATE TABLE alert_storm_sites (
      conversation_id TEXT NOT NULL,
      rule TEXT NOT NULL,
      generation INTEGER NOT NULL,
      site TEXT NOT NULL COLLATE NOCASE,
      count INTEGER NOT NULL,
      PRIMARY KEY (conversation_id, rule, generation, site)
    );
    UPDATE alert_storms SET (total, firing, severity, first_fired_at, last_fired_at) = (
      SELECT COUNT(*), COALESCE(SUM(a.monitor_condition = 'Fired'), 0), COALESCE(MIN(a.severity), 4), MIN(a.fired_at), MAX(a.fired_at)
        FROM alert_deliveries d JOIN alerts a ON a.alert_id = d.alert_id
       WHERE d.conversation_id = alert_storms.conversation_id AND d.storm_rule = alert_storms.rule AND d.storm_generation = alert_storms.generation);
    INSERT INTO alert_storm_sites (conversation_id, rule, generation, site, count)
      SELECT d.conversation_id, d.storm_rule, d.storm_generation, a.site, COUNT(*)
        FROM alert_deliveries d JOIN alerts a ON a.alert_id = d.alert_id
       WHERE d.storm_rule IS NOT NULL AND a.site IS NOT NULL
       GROUP BY d.conversation_id, d.storm_rule, d.storm_generation, a.site;
    CREATE TRIGGER alert_storm_member_joins AFTER INSERT ON alert_deliveries WHEN NEW.storm_rule IS NOT NULL
    BEGIN
      UPDATE alert_storms AS s SET
          total = s.total + 1,
          firing = s.firing + (a.monitor_condition = 'Fired'),
          severity = min(s.severity, a.severity),
          first_fired_at = coalesce(min(s.first_fired_at, a.fired_at), a.fired_at),
          last_fired_at = coalesce(max(s.last_fired_at, a.fired_at), a.fired_at)
        FROM alerts AS a
       WHERE a.alert_id = NEW.alert_id AND s.conversation_id = NEW.conversation_id AND s.rule = NEW.storm_rule AND s.generation = NEW.storm_generation;
      INSERT INTO alert_storm_sites (conversation_id, rule, generation, site, count)
        SELECT NEW.conversation_id, NEW.storm_rule, NEW.storm_generation, a.site, 1 FROM alerts AS a WHERE a.alert_id = NEW.alert_id AND a.site IS NOT NULL
        ON CONFLICT (conversation_id, rule, generation, site) DO UPDATE SET count = count + 1;
    END;
    CREATE TRIGGER alert_storm_member_changes AFTER UPDATE OF monitor_condition, severity, fired_at, site ON alerts
    BEGIN
      UPDATE alert_storms AS s SET
          firing = s.firing + (NEW.monitor_condition = 'Fired') - (OLD.monitor_condition = 'Fired'),
          severity = min(s.severity, NEW.severity),
          first_fired_at = coalesce(min(s.first_fired_at, NEW.fired_at), NEW.fired_at),
          last_fired_at = coalesce(max(s.last_fired_at, NEW.fired_at), NEW.fired_at)
        FROM alert_deliveries AS d
       WHERE d.alert_id = NEW.alert_id AND d.storm_rule IS NOT NULL
         AND s.conversation_id = d.conversation_id AND s.rule = d.storm_rule AND s.generation = d.storm_generation;
      UPDATE alert_storm_sites AS x SET count = x.count - 1
        FROM alert_deliveries AS d
       WHERE OLD.site IS NOT NULL AND OLD.site IS NOT NEW.site AND d.alert_id = NEW.alert_id AND d.storm_rule IS NOT NULL
         AND x.conversation_id = d.conversation_id AND x.rule = d.storm_rule AND x.generation = d.storm_generation AND x.site = OLD.site;
      INSERT INTO alert_storm_sites (conversation_id, rule, generation, site, count)
        SELECT d.conversation_id, d.storm_rule, d.storm_generation, NEW.site, 1 FROM alert_deliveries AS d
         WHERE NEW.site IS NOT NULL AND OLD.site IS NOT NEW.site AND d.alert_id = NEW.alert_id AND d.storm_rule IS NOT NULL
        ON CONFLICT (conversation_id, rule, generation, site) DO UPDATE SET count = count + 1;
    END`,
  },
  {
    // Members join through joinStorm (one statement with the storm's time and dirty mark, values in hand), not a trigger that looked the alert up again.
    id: '0204-alert-storm-join-in-statement',
    sql: `DROP TRIGGER alert_storm_member_joins`,
  },
];

/** Builds the WHERE clause of a filter from fixed fragments; values are always bound parameters. */
function filterClause(filter: AlertFilter): { sql: string; params: unknown[] } {
  const parts = [`monitor_condition = 'Fired'`, `state <> 'Closed'`];
  const params: unknown[] = [];
  if (filter.maxSeverity !== undefined) {
    parts.push('severity <= ?');
    params.push(filter.maxSeverity);
  }
  if (filter.minSeverity !== undefined) {
    parts.push('severity >= ?');
    params.push(filter.minSeverity);
  }
  const anyOf = (column: string, values: readonly string[]) => {
    if (values.length === 0) return;
    parts.push(`${column} COLLATE NOCASE IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  anyOf('site', filter.sites);
  anyOf('device_id', filter.devices);
  anyOf('rule', filter.rules);
  return { sql: parts.join(' AND '), params };
}

/** The AlertRepository port on SQLite (calls pass the connection's gate: see gate.ts). */
export function sqliteAlertRepository(db: SqliteDatabase): AlertRepository {
  return gated<AlertRepository>(new SqliteAlertRepository(db), db);
}

/** The synchronous store behind `sqliteAlertRepository` (its methods run on the caller's turn). */
export class SqliteAlertRepository implements Synchronous<AlertRepository> {
  private readonly s;

  constructor(private readonly db: SqliteDatabase) {
    this.s = {
      recordEvent: db.prepare('INSERT INTO alert_events (dedupe_key, alert_id, received_at, payload) VALUES (?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING'),
      get: db.prepare('SELECT record_json FROM alerts WHERE alert_id = ?').pluck(),
      getShort: db.prepare('SELECT record_json FROM alerts WHERE short_id = ? ORDER BY fired_at DESC LIMIT 1').pluck(),
      save: db.prepare(
        `INSERT INTO alerts (alert_id, short_id, rule, severity, monitor_condition, state, device_id, site, target, fired_at, record_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (alert_id) DO UPDATE SET rule = excluded.rule, severity = excluded.severity, monitor_condition = excluded.monitor_condition,
           state = excluded.state, device_id = excluded.device_id, site = excluded.site, target = excluded.target,
           fired_at = excluded.fired_at, record_json = excluded.record_json`,
      ),
      // substr() rather than LIKE: the prefix is data, and LIKE would read its % and _ as wildcards.
      firingWithPrefix: db.prepare(`SELECT record_json FROM alerts WHERE monitor_condition = 'Fired' AND substr(alert_id, 1, ?) = ?`).pluck(),
      deliveriesOf: db.prepare('SELECT * FROM alert_deliveries WHERE alert_id = ? ORDER BY delivered_at, conversation_id'),
      recordDelivery: db.prepare(
        `INSERT INTO alert_deliveries (conversation_id, alert_id, card_key, delivered_at, storm_rule, storm_generation) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, alert_id) DO NOTHING`,
      ),
      // Capped: the storm rule only asks "more than K?", and an uncapped count grows with the storm.
      countSince: db.prepare('SELECT COUNT(*) FROM (SELECT 1 FROM alert_deliveries WHERE conversation_id = ? AND delivered_at > ? LIMIT ?)').pluck(),
      latestStorm: db.prepare('SELECT * FROM alert_storms WHERE conversation_id = ? AND rule = ? ORDER BY generation DESC LIMIT 1'),
      // One statement per joining alert: the storm's time, its dirty mark and its totals.
      joinStorm: db.prepare(
        `INSERT INTO alert_storms (conversation_id, rule, generation, started_at, last_at, dirty, total, firing, severity, first_fired_at, last_fired_at)
         VALUES (@conversationId, @rule, @generation, @startedAt, @lastAt, 1, 1, @firing, @severity, @firedAt, @firedAt)
         ON CONFLICT (conversation_id, rule, generation) DO UPDATE SET
           last_at = excluded.last_at, dirty = 1, total = total + 1, firing = firing + excluded.firing,
           severity = min(severity, excluded.severity),
           first_fired_at = coalesce(min(first_fired_at, excluded.first_fired_at), excluded.first_fired_at),
           last_fired_at = coalesce(max(last_fired_at, excluded.last_fired_at), excluded.last_fired_at)`,
      ),
      joinStormSite: db.prepare(
        `INSERT INTO alert_storm_sites (conversation_id, rule, generation, site, count) VALUES (?, ?, ?, ?, 1)
         ON CONFLICT (conversation_id, rule, generation, site) DO UPDATE SET count = count + 1`,
      ),
      markDirty: db.prepare('UPDATE alert_storms SET dirty = 1 WHERE conversation_id = ? AND rule = ? AND generation = ? AND dirty = 0'),
      dirty: db.prepare(
        `SELECT * FROM alert_storms WHERE dirty = 1 AND (conversation_id, rule, generation) > (?, ?, ?)
          ORDER BY conversation_id, rule, generation LIMIT ?`,
      ),
      clearDirty: db.prepare('UPDATE alert_storms SET dirty = 0 WHERE conversation_id = ? AND rule = ? AND generation = ?'),
      stormTotals: db.prepare(
        `SELECT total, firing, severity, first_fired_at AS firstFiredAt, last_fired_at AS lastFiredAt
           FROM alert_storms WHERE conversation_id = ? AND rule = ? AND generation = ?`,
      ),
      stormSites: db.prepare(
        `SELECT site, count FROM alert_storm_sites
          WHERE conversation_id = ? AND rule = ? AND generation = ? AND count > 0
          ORDER BY count DESC, site LIMIT 3`,
      ),
      stormMembers: db
        .prepare(
          `SELECT a.record_json
           FROM alert_deliveries d JOIN alerts a ON a.alert_id = d.alert_id
          WHERE d.conversation_id = ? AND d.storm_rule = ? AND d.storm_generation = ?
          ORDER BY d.delivered_at DESC LIMIT ?`,
        )
        .pluck(),
      addSilence: db.prepare('INSERT INTO alert_silences (rule, target, until, created_by, created_at) VALUES (?, ?, ?, ?, ?)'),
      activeSilences: db.prepare('SELECT * FROM alert_silences WHERE until > ? ORDER BY until'),
      findSilence: db.prepare('SELECT * FROM alert_silences WHERE rule = ? AND target = ? AND until > ? ORDER BY until DESC LIMIT 1'),
      silenceInForce: db.prepare('SELECT * FROM alert_silences WHERE id = ? AND until > ?'),
      endSilence: db.prepare('UPDATE alert_silences SET until = ? WHERE id = ?'),
    };
  }

  // One statement per item: on the caller's turn, with no round trip, a loop costs what one statement would.
  claimEvents(events: readonly EventClaim[]): ClaimedEvent[] {
    return events.map((e) =>
      this.s.recordEvent.run(e.dedupeKey, e.alertId, e.receivedAt, e.payload).changes > 0
        ? { claimed: true, previous: this.getExact(e.alertId) }
        : { claimed: false },
    );
  }

  getExact(alertId: string): AlertRecord | undefined {
    const json = this.s.get.get(alertId) as string | undefined;
    return json ? (JSON.parse(json) as AlertRecord) : undefined;
  }

  get(alertId: string): AlertRecord | undefined {
    const json = (this.s.get.get(alertId) ?? this.s.getShort.get(alertId)) as string | undefined;
    return json ? (JSON.parse(json) as AlertRecord) : undefined;
  }

  save(record: AlertRecord): void {
    this.s.save.run(...alertColumns(record));
  }

  saveAll(records: readonly AlertRecord[]): void {
    for (const record of records) this.save(record);
  }

  replace(record: AlertRecord, expectedVersion: number): boolean {
    return this.db.transaction(() => {
      if (this.getExact(record.alertId)?.version !== expectedVersion) return false;
      this.save(record);
      return true;
    })();
  }

  listOpen(filter: AlertFilter, limit: number): AlertRecord[] {
    const { sql, params } = filterClause(filter);
    const rows = this.db
      .prepare(`SELECT record_json FROM alerts WHERE ${sql} ORDER BY severity, fired_at DESC LIMIT ?`)
      .pluck()
      .all(...params, limit) as string[];
    return rows.map((json) => JSON.parse(json) as AlertRecord);
  }

  countOpen(filter: AlertFilter): number {
    const { sql, params } = filterClause(filter);
    return this.db
      .prepare(`SELECT COUNT(*) FROM alerts WHERE ${sql}`)
      .pluck()
      .get(...params) as number;
  }

  listFiringWithPrefix(prefix: string): AlertRecord[] {
    const rows = this.s.firingWithPrefix.all(prefix.length, prefix) as string[];
    return rows.map((json) => JSON.parse(json) as AlertRecord);
  }

  deliveriesOf(alertId: string): Delivery[] {
    return (this.s.deliveriesOf.all(alertId) as DeliveryRow[]).map(toDelivery);
  }

  deliveriesOfAlerts(alertIds: readonly string[]): Delivery[] {
    return alertIds.flatMap((id) => this.deliveriesOf(id));
  }

  recordDeliveries(deliveries: readonly DeliveryToRecord[]): void {
    for (const { delivery: d, joins } of deliveries) {
      this.s.recordDelivery.run(d.conversationId, d.alertId, d.cardKey, d.deliveredAt, d.storm?.rule ?? null, d.storm?.generation ?? null);
      if (joins) this.joinStorm(joins.storm, joins.member);
    }
  }

  stormContext(conversationId: string, sinceMs: number, atMost: number, rules: readonly string[]): StormContext {
    return {
      recent: this.s.countSince.get(conversationId, sinceMs, atMost) as number,
      latest: [...new Set(rules)].flatMap((rule) => this.latestStorm(conversationId, rule) ?? []),
    };
  }

  private latestStorm(conversationId: string, rule: string): Storm | undefined {
    const row = this.s.latestStorm.get(conversationId, rule) as StormRow | undefined;
    return row ? toStorm(row) : undefined;
  }

  private joinStorm(storm: Storm, member: StormJoiner): void {
    this.s.joinStorm.run({
      conversationId: storm.conversationId,
      rule: storm.rule,
      generation: storm.generation,
      startedAt: storm.startedAt,
      lastAt: storm.lastAt,
      firing: member.monitorCondition === 'Fired' ? 1 : 0,
      severity: member.severity,
      firedAt: member.firedAt,
    });
    if (member.site) this.s.joinStormSite.run(storm.conversationId, storm.rule, storm.generation, member.site);
  }

  markStormDirty(conversationId: string, rule: string, generation: number): void {
    this.s.markDirty.run(conversationId, rule, generation);
  }

  dirtyStorms(limit = Number.POSITIVE_INFINITY, after?: StormCursor): Array<Storm & { cardKey: string }> {
    // '' sorts before every conversation id: no cursor = from the start.
    const from = after ?? { conversationId: '', rule: '', generation: 0 };
    return (this.s.dirty.all(from.conversationId, from.rule, from.generation, Number.isFinite(limit) ? limit : -1) as StormRow[]).map((r) => ({
      ...toStorm(r),
      cardKey: stormCardKey(r.conversation_id, r.rule, r.generation),
    }));
  }

  clearStormDirty(storm: Storm): void {
    this.s.clearDirty.run(storm.conversationId, storm.rule, storm.generation);
  }

  stormView(storm: Storm, memberLimit: number): StormView {
    const key = [storm.conversationId, storm.rule, storm.generation] as const;
    const totals = this.totals(...key);
    return toStormView(storm, totals, this.s.stormSites.all(...key) as Array<{ site: string; count: number }>, this.members(...key, memberLimit));
  }

  stormMembers(conversationId: string, rule: string, generation: number, limit: number): { total: number; members: StormMember[] } {
    return { total: this.totals(conversationId, rule, generation).total, members: this.members(conversationId, rule, generation, limit) };
  }

  /** The storm's running totals (kept by the triggers of migration 0203). */
  private totals(conversationId: string, rule: string, generation: number): StormTotals {
    const row = this.s.stormTotals.get(conversationId, rule, generation) as StormTotals | undefined;
    return row ?? NO_STORM_TOTALS;
  }

  private members(conversationId: string, rule: string, generation: number, limit: number): StormMember[] {
    const rows = this.s.stormMembers.all(conversationId, rule, generation, limit) as string[];
    return rows.map((json) => toStormMember(JSON.parse(json) as AlertRecord));
  }

  addSilence(silence: Omit<Silence, 'id'>): Silence {
    const info = this.s.addSilence.run(silence.rule, silence.target, silence.until, silence.createdBy, silence.createdAt);
    return { ...silence, id: Number(info.lastInsertRowid) };
  }

  activeSilences(now: Date): Silence[] {
    return (this.s.activeSilences.all(now.toISOString()) as SilenceRow[]).map(toSilence);
  }

  findSilence(rule: string, target: string, now: Date): Silence | undefined {
    const row = this.s.findSilence.get(rule, target, now.toISOString()) as SilenceRow | undefined;
    return row ? toSilence(row) : undefined;
  }

  // The read and the update run on the caller's turn with nothing in between: no other end can slip in.
  endSilence(id: number, at: string): Silence | undefined {
    const row = this.s.silenceInForce.get(id, at) as SilenceRow | undefined;
    if (!row) return undefined;
    this.s.endSilence.run(at, id);
    return toSilence(row);
  }
}
