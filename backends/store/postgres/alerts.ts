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
import type { PostgresDatabase } from './database';
import { GenerationCache, withGeneration } from './generation-cache';
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

/** How far back a copy of the silences reaches: a batch whose clock is a little behind the copy's is still served. */
const SILENCE_COPY_REACH_MS = 60 * 60_000;

/** A storm key in a transaction's notes: marked dirty in this transaction. */
const dirtyNote = (conversationId: string, rule: string, generation: number) => `storm-dirty\u0000${conversationId}\u0000${rule}\u0000${generation}`;

/** Orders composite keys as PostgreSQL's "C" collation does (by code unit). */
function compareKeys(x: readonly (string | number)[], y: readonly (string | number)[]): number {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

interface StormJoinTotal {
  storm: Storm;
  total: number;
  firing: number;
  severity: number;
  firstFiredAt: string;
  lastFiredAt: string;
}

/** What a batch's joins add to each storm and each storm's sites, in key order. */
function stormJoinTotals(joins: ReadonlyArray<{ readonly storm: Storm; readonly member: StormJoiner }>): {
  storms: StormJoinTotal[];
  sites: Array<{ storm: Storm; site: string; count: number }>;
} {
  const storms = new Map<string, StormJoinTotal>();
  const sites = new Map<string, { storm: Storm; site: string; count: number }>();
  for (const { storm, member } of joins) {
    const key = dirtyNote(storm.conversationId, storm.rule, storm.generation);
    const firing = member.monitorCondition === 'Fired' ? 1 : 0;
    const t = storms.get(key);
    if (!t) storms.set(key, { storm, total: 1, firing, severity: member.severity, firstFiredAt: member.firedAt, lastFiredAt: member.firedAt });
    else {
      // The first join's storm says when it started; the last one's how recent it is.
      t.storm = { ...t.storm, lastAt: Math.max(t.storm.lastAt, storm.lastAt) };
      t.total++;
      t.firing += firing;
      t.severity = Math.min(t.severity, member.severity);
      if (member.firedAt < t.firstFiredAt) t.firstFiredAt = member.firedAt;
      if (member.firedAt > t.lastFiredAt) t.lastFiredAt = member.firedAt;
    }
    if (member.site) {
      const siteKey = `${key}\u0000${member.site}`;
      const x = sites.get(siteKey);
      if (x) x.count++;
      else sites.set(siteKey, { storm, site: member.site, count: 1 });
    }
  }
  const byStorm = (x: { storm: Storm }, y: { storm: Storm }) =>
    compareKeys([x.storm.conversationId, x.storm.rule, x.storm.generation], [y.storm.conversationId, y.storm.rule, y.storm.generation]);
  return {
    storms: [...storms.values()].sort(byStorm),
    sites: [...sites.values()].sort((x, y) => byStorm(x, y) || compareKeys([x.site], [y.site])),
  };
}

const parse = (rows: ReadonlyArray<{ record_json: string }>): AlertRecord[] => rows.map((r) => JSON.parse(r.record_json) as AlertRecord);

/** The WHERE clause of a filter from fixed fragments; values are always bound parameters. Sites, devices and rules match without case, as on SQLite. */
function filterClause(filter: AlertFilter): { sql: string; params: unknown[] } {
  const parts = [`monitor_condition = 'Fired'`, `state <> 'Closed'`];
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  if (filter.maxSeverity !== undefined) parts.push(`severity <= ${bind(filter.maxSeverity)}`);
  if (filter.minSeverity !== undefined) parts.push(`severity >= ${bind(filter.minSeverity)}`);
  const anyOf = (column: string, values: readonly string[]) => {
    if (values.length > 0) parts.push(`lower(${column}) = ANY(${bind(values.map((v) => v.toLowerCase()))})`);
  };
  anyOf('site', filter.sites);
  anyOf('device_id', filter.devices);
  anyOf('rule', filter.rules);
  return { sql: parts.join(' AND '), params };
}

/**
 * Alerts on PostgreSQL. The dedupe key is the primary key of alert_events: of two replicas
 * given one redelivery at once, the second's insert fails and its webhook answers 5xx, so
 * Azure retries and then finds the duplicate.
 */
export class PostgresAlertRepository implements AlertRepository {
  private readonly silences: GenerationCache<{ since: string; silences: Silence[] }>;

  constructor(private readonly db: PostgresDatabase) {
    this.silences = new GenerationCache(db, 'alert_silences');
  }

  async claimEvents(events: readonly EventClaim[]): Promise<ClaimedEvent[]> {
    // A key given twice is claimed by its first notification: only first ones are sent.
    const firsts = new Map<string, EventClaim>();
    for (const e of events) if (!firsts.has(e.dedupeKey)) firsts.set(e.dedupeKey, e);
    // One round trip: the insert claims the new keys (in key order: two replicas claiming overlapping keys wait, never
    // deadlock; a claim in flight on another replica is waited for), the join reads the alerts as they were.
    const rows = await this.db.query<{ dedupe_key: string; claimed: boolean; record_json: string | null }>(
      `WITH input AS (SELECT * FROM json_to_recordset($1::json) AS i(dedupe_key text, alert_id text, received_at text, payload text)),
            claim AS (INSERT INTO alert_events (dedupe_key, alert_id, received_at, payload)
                      SELECT dedupe_key, alert_id, received_at, payload FROM input ORDER BY dedupe_key COLLATE "C"
                      ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key)
       SELECT i.dedupe_key, c.dedupe_key IS NOT NULL AS claimed, a.record_json
         FROM input i LEFT JOIN claim c ON c.dedupe_key = i.dedupe_key LEFT JOIN alerts a ON a.alert_id = i.alert_id`,
      [JSON.stringify([...firsts.values()].map((e) => ({ dedupe_key: e.dedupeKey, alert_id: e.alertId, received_at: e.receivedAt, payload: e.payload })))],
      'alerts.claimEvents',
    );
    const byKey = new Map(rows.map((r) => [r.dedupe_key, r]));
    return events.map((e) => {
      const row = byKey.get(e.dedupeKey);
      if (firsts.get(e.dedupeKey) !== e || !row?.claimed) return { claimed: false };
      return { claimed: true, previous: row.record_json === null ? undefined : (JSON.parse(row.record_json) as AlertRecord) };
    });
  }

  async getExact(alertId: string): Promise<AlertRecord | undefined> {
    return parse(await this.db.query('SELECT record_json FROM alerts WHERE alert_id = $1', [alertId], 'alerts.getExact'))[0];
  }

  async get(alertId: string): Promise<AlertRecord | undefined> {
    return (
      (await this.getExact(alertId)) ??
      parse(await this.db.query('SELECT record_json FROM alerts WHERE short_id = $1 ORDER BY fired_at DESC LIMIT 1', [alertId]))[0]
    );
  }

  save(record: AlertRecord): Promise<void> {
    return this.saveAll([record]);
  }

  async saveAll(records: readonly AlertRecord[]): Promise<void> {
    const names = ['alert_id', 'short_id', 'rule', 'severity', 'monitor_condition', 'state', 'device_id', 'site', 'target', 'fired_at', 'record_json'] as const;
    // Alert id order: batches on two replicas that touch the same alerts lock them in one order.
    const rows = [...records]
      .sort((x, y) => compareKeys([x.alertId], [y.alertId]))
      .map((record) => Object.fromEntries(alertColumns(record).map((value, i) => [names[i], value])));
    await this.db.execute(
      `INSERT INTO alerts (alert_id, short_id, rule, severity, monitor_condition, state, device_id, site, target, fired_at, record_json)
       SELECT * FROM json_to_recordset($1::json) AS r(alert_id text, short_id text, rule text, severity int, monitor_condition text, state text,
                                                      device_id text, site text, target text, fired_at text, record_json text)
       ON CONFLICT (alert_id) DO UPDATE SET rule = excluded.rule, severity = excluded.severity, monitor_condition = excluded.monitor_condition,
         state = excluded.state, device_id = excluded.device_id, site = excluded.site, target = excluded.target,
         fired_at = excluded.fired_at, record_json = excluded.record_json`,
      [JSON.stringify(rows)],
      'alerts.saveAll',
    );
  }

  replace(record: AlertRecord, expectedVersion: number): Promise<boolean> {
    return this.db.unitOfWork.run(async () => {
      // The row lock makes the check and the write one step for concurrent clicks.
      const [row] = await this.db.query<{ record_json: string }>('SELECT record_json FROM alerts WHERE alert_id = $1 FOR UPDATE', [record.alertId]);
      if (!row || (JSON.parse(row.record_json) as AlertRecord).version !== expectedVersion) return false;
      await this.save(record);
      return true;
    });
  }

  async listOpen(filter: AlertFilter, limit: number): Promise<AlertRecord[]> {
    const { sql, params } = filterClause(filter);
    return parse(
      await this.db.query(`SELECT record_json FROM alerts WHERE ${sql} ORDER BY severity, fired_at DESC LIMIT $${params.length + 1}`, [...params, limit]),
    );
  }

  async countOpen(filter: AlertFilter): Promise<number> {
    const { sql, params } = filterClause(filter);
    const [row] = await this.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM alerts WHERE ${sql}`, params);
    return Number(row?.n ?? 0);
  }

  async listFiringWithPrefix(prefix: string): Promise<AlertRecord[]> {
    // left() rather than LIKE: the prefix is data, and LIKE would read its % and _ as wildcards.
    return parse(await this.db.query(`SELECT record_json FROM alerts WHERE monitor_condition = 'Fired' AND left(alert_id, $1) = $2`, [prefix.length, prefix]));
  }

  async deliveriesOf(alertId: string): Promise<Delivery[]> {
    return (await this.db.query<DeliveryRow>('SELECT * FROM alert_deliveries WHERE alert_id = $1 ORDER BY delivered_at, conversation_id', [alertId])).map(
      toDelivery,
    );
  }

  async deliveriesOfAlerts(alertIds: readonly string[]): Promise<Delivery[]> {
    return (
      await this.db.query<DeliveryRow>(
        'SELECT * FROM alert_deliveries WHERE alert_id = ANY($1::text[]) ORDER BY delivered_at, conversation_id',
        [alertIds],
        'alerts.deliveriesOfAlerts',
      )
    ).map(toDelivery);
  }

  async recordDeliveries(deliveries: readonly DeliveryToRecord[]): Promise<void> {
    const rows = [...deliveries]
      .map(({ delivery: d }) => d)
      .sort((x, y) => compareKeys([x.conversationId, x.alertId], [y.conversationId, y.alertId]))
      .map((d) => ({
        conversation_id: d.conversationId,
        alert_id: d.alertId,
        card_key: d.cardKey,
        delivered_at: d.deliveredAt,
        storm_rule: d.storm?.rule ?? null,
        storm_generation: d.storm?.generation ?? null,
      }));
    const { storms, sites } = stormJoinTotals(deliveries.flatMap(({ joins }) => (joins ? [joins] : [])));
    // One statement: the deliveries, what their members add to each storm, and to each storm's sites (each in key order, so
    // replicas lock storms in one order and wait rather than deadlock). The tables have no trigger between them.
    await this.db.execute(
      `WITH delivered AS (
         INSERT INTO alert_deliveries (conversation_id, alert_id, card_key, delivered_at, storm_rule, storm_generation)
         SELECT * FROM json_to_recordset($1::json)
           AS d(conversation_id text, alert_id text, card_key text, delivered_at bigint, storm_rule text, storm_generation int)
         ON CONFLICT (conversation_id, alert_id) DO NOTHING),
       joined AS (
         INSERT INTO alert_storms (conversation_id, rule, generation, started_at, last_at, dirty, total, firing, severity, first_fired_at, last_fired_at)
         SELECT conversation_id, rule, generation, started_at, last_at, true, total, firing, severity, first_fired_at, last_fired_at
           FROM json_to_recordset($2::json) AS j(conversation_id text, rule text, generation int, started_at bigint, last_at bigint,
                                                 total int, firing int, severity int, first_fired_at text, last_fired_at text)
         ON CONFLICT (conversation_id, rule, generation) DO UPDATE SET
           last_at = GREATEST(alert_storms.last_at, excluded.last_at), dirty = true, total = alert_storms.total + excluded.total,
           firing = alert_storms.firing + excluded.firing, severity = LEAST(alert_storms.severity, excluded.severity),
           first_fired_at = LEAST(alert_storms.first_fired_at, excluded.first_fired_at),
           last_fired_at = GREATEST(alert_storms.last_fired_at, excluded.last_fired_at))
       INSERT INTO alert_storm_sites (conversation_id, rule, generation, site, count)
       SELECT * FROM json_to_recordset($3::json) AS x(conversation_id text, rule text, generation int, site text, count int)
       ON CONFLICT (conversation_id, rule, generation, site) DO UPDATE SET count = alert_storm_sites.count + excluded.count`,
      [
        JSON.stringify(rows),
        JSON.stringify(
          storms.map((t) => ({
            conversation_id: t.storm.conversationId,
            rule: t.storm.rule,
            generation: t.storm.generation,
            started_at: t.storm.startedAt,
            last_at: t.storm.lastAt,
            total: t.total,
            firing: t.firing,
            severity: t.severity,
            first_fired_at: t.firstFiredAt,
            last_fired_at: t.lastFiredAt,
          })),
        ),
        JSON.stringify(
          sites.map((x) => ({ conversation_id: x.storm.conversationId, rule: x.storm.rule, generation: x.storm.generation, site: x.site, count: x.count })),
        ),
      ],
      'alerts.recordDeliveries',
    );
    const notes = this.db.transactionNotes();
    for (const { storm } of storms) notes?.add(dirtyNote(storm.conversationId, storm.rule, storm.generation));
  }

  async stormContext(conversationId: string, sinceMs: number, atMost: number, rules: readonly string[]): Promise<StormContext> {
    // Capped: the storm rule only asks "more than K?", and an uncapped count grows with the storm.
    const [row] = await this.db.query<{ recent: string; latest: StormRow[] | null }>(
      `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM alert_deliveries WHERE conversation_id = $1 AND delivered_at > $2 LIMIT $3) AS r) AS recent,
              (SELECT json_agg(s) FROM (SELECT DISTINCT ON (rule) * FROM alert_storms WHERE conversation_id = $1 AND rule = ANY($4::text[])
                                         ORDER BY rule, generation DESC) AS s) AS latest`,
      [conversationId, sinceMs, atMost, [...new Set(rules)]],
      'alerts.stormContext',
    );
    return { recent: Number(row?.recent ?? 0), latest: (row?.latest ?? []).map(toStorm) };
  }

  async markStormDirty(conversationId: string, rule: string, generation: number): Promise<void> {
    // Joining a storm marks it dirty; the card published right after in the same transaction
    // would mark it again. The row stays locked by this transaction, so nobody cleared it since.
    const notes = this.db.transactionNotes();
    const note = dirtyNote(conversationId, rule, generation);
    if (notes?.has(note)) return;
    await this.db.execute(
      'UPDATE alert_storms SET dirty = true WHERE conversation_id = $1 AND rule = $2 AND generation = $3 AND NOT dirty',
      [conversationId, rule, generation],
      'alerts.markStormDirty',
    );
    notes?.add(note);
  }

  async dirtyStorms(limit = Number.POSITIVE_INFINITY, after?: StormCursor): Promise<Array<Storm & { cardKey: string }>> {
    const from = after ?? { conversationId: '', rule: '', generation: 0 };
    const rows = await this.db.query<StormRow>(
      `SELECT * FROM alert_storms WHERE dirty AND (conversation_id, rule, generation) > ($1, $2, $3)
        ORDER BY conversation_id, rule, generation LIMIT $4`,
      [from.conversationId, from.rule, from.generation, Number.isFinite(limit) ? limit : null],
    );
    return rows.map((r) => ({ ...toStorm(r), cardKey: stormCardKey(r.conversation_id, r.rule, r.generation) }));
  }

  async clearStormDirty(storm: Storm): Promise<void> {
    this.db.transactionNotes()?.delete(dirtyNote(storm.conversationId, storm.rule, storm.generation));
    await this.db.execute('UPDATE alert_storms SET dirty = false WHERE conversation_id = $1 AND rule = $2 AND generation = $3', [
      storm.conversationId,
      storm.rule,
      storm.generation,
    ]);
  }

  async stormView(storm: Storm, memberLimit: number): Promise<StormView> {
    const key = [storm.conversationId, storm.rule, storm.generation] as const;
    const totals = await this.totals(...key);
    const topSites = await this.db.query<{ site: string; count: number }>(
      `SELECT site, count FROM alert_storm_sites WHERE conversation_id = $1 AND rule = $2 AND generation = $3 AND count > 0 ORDER BY count DESC, site LIMIT 3`,
      key,
    );
    return toStormView(storm, totals, topSites, await this.members(...key, memberLimit));
  }

  async stormMembers(conversationId: string, rule: string, generation: number, limit: number): Promise<{ total: number; members: StormMember[] }> {
    return { total: (await this.totals(conversationId, rule, generation)).total, members: await this.members(conversationId, rule, generation, limit) };
  }

  async addSilence(silence: Omit<Silence, 'id'>): Promise<Silence> {
    this.silences.writing();
    const [row] = await this.db.query<{ id: string }>(
      'INSERT INTO alert_silences (rule, target, until, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [silence.rule, silence.target, silence.until, silence.createdBy, silence.createdAt],
    );
    return { ...silence, id: Number(row!.id) };
  }

  async endSilence(id: number, at: string): Promise<Silence | undefined> {
    this.silences.writing();
    // The lock makes two ends at once take turns; the second sees the row the first left (no longer in force) and ends nothing.
    const [row] = await this.db.query<SilenceRow>(
      `WITH before AS (SELECT * FROM alert_silences WHERE id = $1 AND until > $2 FOR UPDATE)
       UPDATE alert_silences s SET until = $2 FROM before WHERE s.id = before.id RETURNING before.*`,
      [id, at],
    );
    return row ? toSilence(row) : undefined;
  }

  async activeSilences(now: Date): Promise<Silence[]> {
    const at = now.toISOString();
    return (await this.silencesFrom(now)).filter((s) => s.until > at);
  }

  async findSilence(rule: string, target: string, now: Date): Promise<Silence | undefined> {
    // Every alert card shows the silence covering its alert: from the replica's copy, not a round trip per card.
    const at = now.toISOString();
    return (await this.silencesFrom(now)).findLast((s) => s.rule === rule && s.target === target && s.until > at);
  }

  /** Silences in force at `now` or later, by `until` (plus those that ended within the hour before, so a copy serves a while). */
  private silencesFrom(now: Date): Promise<Silence[]> {
    const at = now.toISOString();
    const read = async () => {
      const since = new Date(now.getTime() - SILENCE_COPY_REACH_MS).toISOString();
      const [row] = await this.db.query<{ generation: string; rows: SilenceRow[] }>(
        withGeneration('alert_silences', 'SELECT json_agg(s ORDER BY s.until, s.id) FROM alert_silences s WHERE s.until > $1'),
        [since],
        'alerts.silences',
      );
      return { generation: Number(row!.generation), value: { since, silences: row!.rows.map(toSilence) } };
    };
    return this.silences.get(read, (copy) => copy.since <= at).then((copy) => copy.silences);
  }

  private async totals(conversationId: string, rule: string, generation: number): Promise<StormTotals> {
    const [row] = await this.db.query<StormTotals>(
      `SELECT total, firing, severity, first_fired_at AS "firstFiredAt", last_fired_at AS "lastFiredAt"
         FROM alert_storms WHERE conversation_id = $1 AND rule = $2 AND generation = $3`,
      [conversationId, rule, generation],
    );
    return row ?? NO_STORM_TOTALS;
  }

  private async members(conversationId: string, rule: string, generation: number, limit: number): Promise<StormMember[]> {
    const rows = await this.db.query<{ record_json: string }>(
      `SELECT a.record_json FROM alert_deliveries d JOIN alerts a ON a.alert_id = d.alert_id
        WHERE d.conversation_id = $1 AND d.storm_rule = $2 AND d.storm_generation = $3
        ORDER BY d.delivered_at DESC LIMIT $4`,
      [conversationId, rule, generation, limit],
    );
    return parse(rows).map(toStormMember);
  }
}
