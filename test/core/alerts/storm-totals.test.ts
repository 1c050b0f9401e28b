import fc from 'fast-check';
import { migrate, openDatabase } from '../../../backends/store/sqlite/database';
import { alertMigrations, SqliteAlertRepository } from '../../../backends/store/sqlite/alerts';
import { subscriptionMigrations } from '../../../backends/store/sqlite/subscriptions';
import type { SqliteDatabase } from '../../../backends/store/sqlite/database';
import { alertsWorld } from './world';
import { devicePayload } from './fixtures';
import { Refusal } from '../../../core/refusal';

/** What the storm card showed before running totals: a recount over every member. */
function recount(db: SqliteDatabase, conversationId: string, rule: string, generation: number) {
  const key = [conversationId, rule, generation];
  const counts = db
    .prepare(
      `SELECT COUNT(*) AS total, COALESCE(SUM(a.monitor_condition = 'Fired'), 0) AS firing, MIN(a.severity) AS severity, MIN(a.fired_at) AS first, MAX(a.fired_at) AS last
         FROM alert_deliveries d JOIN alerts a ON a.alert_id = d.alert_id
        WHERE d.conversation_id = ? AND d.storm_rule = ? AND d.storm_generation = ?`,
    )
    .get(...key) as { total: number; firing: number; severity: number | null; first: string | null; last: string | null };
  const sites = db
    .prepare(
      `SELECT a.site AS site, COUNT(*) AS count FROM alert_deliveries d JOIN alerts a ON a.alert_id = d.alert_id
        WHERE d.conversation_id = ? AND d.storm_rule = ? AND d.storm_generation = ? AND a.site IS NOT NULL
        GROUP BY a.site ORDER BY count DESC, a.site LIMIT 3`,
    )
    .all(...key) as Array<{ site: string; count: number }>;
  return { ...counts, sites };
}

const storms = (db: SqliteDatabase) =>
  db.prepare('SELECT conversation_id AS conversationId, rule, generation, started_at AS startedAt, last_at AS lastAt FROM alert_storms').all() as Array<{
    conversationId: string;
    rule: string;
    generation: number;
    startedAt: number;
    lastAt: number;
  }>;

const RULES = ['Device offline', 'Temperature high'];
const SITES = ['berlin', 'Berlin', 'lyon', 'oslo'];

const event = fc.record({
  id: fc.integer({ min: 0, max: 11 }),
  rule: fc.integer({ min: 0, max: 1 }),
  severity: fc.integer({ min: 0, max: 4 }),
  site: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  resolved: fc.boolean(),
  minute: fc.integer({ min: 0, max: 90 }),
  advanceSeconds: fc.integer({ min: 0, max: 40 }),
  close: fc.boolean(),
});

describe('storm cards keep running totals', () => {
  it('equal a recount over every member, whatever fires, resolves, fires again, moves site or is closed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 40 }), async (events) => {
        const w = alertsWorld({ storm: { threshold: 2, windowMs: 60_000 } });
        await w.subscribe('ops');
        await w.subscribe('night');
        for (const e of events) {
          w.clock.advance(e.advanceSeconds * 1000);
          const at = new Date(Date.UTC(2026, 0, 1, 0, e.minute)).toISOString();
          await w.ingest(
            devicePayload({
              alertId: `a${e.id}`,
              rule: RULES[e.rule],
              severity: e.severity,
              deviceId: `dev-${e.id}`,
              site: e.site === undefined ? undefined : SITES[e.site],
              condition: e.resolved ? 'Resolved' : 'Fired',
              firedAt: at,
              resolvedAt: at,
            }),
          );
          // An id drawn twice may already be closed: that refusal is not what this property is about.
          if (e.close) await w.service.close(`a${e.id}`, { name: 'Ana' }).catch((error: unknown) => expect(error).toBeInstanceOf(Refusal));
        }
        for (const storm of storms(w.db)) {
          const view = await w.repo.stormView(storm, 8);
          const truth = recount(w.db, storm.conversationId, storm.rule, storm.generation);
          expect({ total: view.total, firing: view.firing, sites: view.topSites.map((s) => [s.site.toLowerCase(), s.count]) }).toEqual({
            total: truth.total,
            firing: truth.firing,
            sites: truth.sites.map((s) => [s.site.toLowerCase(), s.count]),
          });
          // Severity and times only widen: the worst reached and the whole span.
          if (truth.total > 0) {
            expect(view.severity).toBeLessThanOrEqual(truth.severity!);
            expect(view.firstFiredAt <= truth.first!).toBe(true);
            expect(view.lastFiredAt >= truth.last!).toBe(true);
          }
        }
        w.db.close();
      }),
      { numRuns: 40 },
    );
  }, 30_000); // 40 worlds of up to 40 alerts: ~1 s alone, slower on a loaded 2-core machine

  it('are filled in for storms that were running when the migration was applied', () => {
    const before = alertMigrations.filter((m) => m.id < '0203');
    const db = openDatabase(':memory:', [...subscriptionMigrations, ...before]);
    const alert = db.prepare(
      `INSERT INTO alerts (alert_id, short_id, rule, severity, monitor_condition, state, site, target, fired_at, record_json) VALUES (?, ?, 'R', ?, ?, 'New', ?, 't', ?, '{"targetIds":[],"configurationItems":[]}')`,
    );
    alert.run('a1', 'a1', 2, 'Fired', 'berlin', '2026-01-01T00:01:00.000Z');
    alert.run('a2', 'a2', 1, 'Resolved', 'berlin', '2026-01-01T00:02:00.000Z');
    alert.run('a3', 'a3', 3, 'Fired', null, '2026-01-01T00:00:30.000Z');
    db.prepare(`INSERT INTO alert_storms (conversation_id, rule, generation, started_at, last_at) VALUES ('ops', 'R', 1, 0, 0)`).run();
    for (const id of ['a1', 'a2', 'a3']) {
      db.prepare(
        `INSERT INTO alert_deliveries (conversation_id, alert_id, card_key, delivered_at, storm_rule, storm_generation) VALUES ('ops', ?, 'storm:ops:R', 1, 'R', 1)`,
      ).run(id);
    }
    migrate(db, [...subscriptionMigrations, ...alertMigrations]);
    const view = new SqliteAlertRepository(db).stormView({ conversationId: 'ops', rule: 'R', generation: 1, startedAt: 0, lastAt: 0 }, 8);
    expect(view).toMatchObject({
      total: 3,
      firing: 2,
      resolved: 1,
      severity: 1,
      firstFiredAt: '2026-01-01T00:00:30.000Z',
      lastFiredAt: '2026-01-01T00:02:00.000Z',
      topSites: [{ site: 'berlin', count: 2 }],
    });
    db.close();
  });
});
