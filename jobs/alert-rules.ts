import { healthOf, tagOf } from '../core/fleet/twin-view';
import { errorLinesQuery, localAlertId, localAlertPayload, LOCAL_ALERT_PREFIX, type LocalAlertRule, type RuleHit } from '../core/alerts/local-rules';
import type { AlertRecord } from '../core/alerts/alert';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { FleetClient } from '../core/ports/fleet';
import type { LogsClient } from '../core/ports/logs';

export interface AlertRuleEvaluatorDeps {
  readonly rules: readonly LocalAlertRule[];
  /** Absent until the fleet feature exists: the device rules are skipped then. */
  readonly fleet?: FleetClient;
  /** Absent until the logs feature exists: the error-lines rule is skipped then. */
  readonly logs?: Pick<LogsClient, 'query'>;
  /** The local alerts still Fired in the bot's store (its memory of what it already posted). */
  readonly firing: () => Promise<readonly AlertRecord[]>;
  /** Posts one payload to the bot's /api/alerts; throws unless 2xx. */
  readonly post: (payload: Record<string, unknown>) => Promise<void>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Parallel posts (loopback; keeps a fleet-wide outage from taking minutes). */
  readonly concurrency?: number;
}

export interface EvaluationResult {
  readonly fired: number;
  readonly resolved: number;
  readonly failed: number;
  readonly skipped: readonly string[];
}

/**
 * The embedded world's alert rules: each tick finds the (rule, device) pairs that hold,
 * posts Fired for new ones and Resolved for those that cleared. What was posted is read
 * back from the bot's store, so a failed post is simply retried on the next tick and a
 * restart neither forgets nor repeats alerts.
 */
export class AlertRuleEvaluator {
  private running: Promise<EvaluationResult> | undefined;

  constructor(private readonly deps: AlertRuleEvaluatorDeps) {}

  /** One evaluation; overlapping calls share it. */
  evaluate(): Promise<EvaluationResult> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<EvaluationResult> {
    const now = this.deps.clock.now();
    const skipped: string[] = [];
    const hits = new Map<string, RuleHit>();
    const evaluated = new Set<string>();
    const key = (ruleId: string, deviceId: string) => `${ruleId}\u0000${deviceId}`;

    const deviceRules = this.deps.rules.filter((r) => r.kind === 'offline' || r.kind === 'temperature');
    if (deviceRules.length > 0) {
      if (!this.deps.fleet) skipped.push(...deviceRules.map((r) => `${r.id} (no fleet)`));
      else {
        try {
          for (const hit of await this.deviceHits(this.deps.fleet, deviceRules, now)) hits.set(key(hit.rule.id, hit.deviceId), hit);
          for (const r of deviceRules) evaluated.add(r.id);
        } catch (error) {
          skipped.push(...deviceRules.map((r) => `${r.id} (fleet: ${String(error)})`));
        }
      }
    }
    for (const rule of this.deps.rules) {
      if (rule.kind !== 'error-lines') continue;
      if (!this.deps.logs) {
        skipped.push(`${rule.id} (no logs)`);
        continue;
      }
      try {
        for (const hit of await this.errorHits(this.deps.logs, rule, now)) hits.set(key(rule.id, hit.deviceId), hit);
        evaluated.add(rule.id);
      } catch (error) {
        skipped.push(`${rule.id} (logs: ${error instanceof Error ? error.message : String(error)})`);
      }
    }

    const byId = new Map(this.deps.rules.map((r) => [r.id, r]));
    const firing = (await this.deps.firing()).filter((a) => a.alertId.startsWith(LOCAL_ALERT_PREFIX));
    const open = new Set<string>();
    const posts: Array<{ payload: Record<string, unknown>; kind: 'fired' | 'resolved' }> = [];
    for (const alert of firing) {
      const ruleId = alert.customProperties.ruleId;
      const rule = ruleId ? byId.get(ruleId) : undefined;
      if (!rule || !alert.deviceId) continue;
      open.add(key(rule.id, alert.deviceId));
      // A rule that could not be evaluated this tick neither fires nor resolves.
      if (!evaluated.has(rule.id) || hits.has(key(rule.id, alert.deviceId))) continue;
      const hit: RuleHit = { rule, deviceId: alert.deviceId, site: alert.site, value: lastValue(alert) };
      posts.push({
        kind: 'resolved',
        payload: localAlertPayload(hit, { alertId: alert.alertId, firedDateTime: alert.rawFiredDateTime, resolvedDateTime: now.toISOString() }),
      });
    }
    for (const [k, hit] of hits) {
      if (open.has(k)) continue;
      posts.push({
        kind: 'fired',
        payload: localAlertPayload(hit, { alertId: localAlertId(hit.rule.id, hit.deviceId, now), firedDateTime: now.toISOString() }),
      });
    }

    let fired = 0;
    let resolved = 0;
    let failed = 0;
    await runLimited(posts, this.deps.concurrency ?? 8, async ({ payload, kind }) => {
      try {
        await this.deps.post(payload);
        if (kind === 'fired') fired++;
        else resolved++;
      } catch (error) {
        failed++;
        this.deps.log.warn({ err: String(error), kind }, 'local alert rule could not post to /api/alerts; retrying next tick');
      }
    });
    if (skipped.length > 0) this.deps.log.debug({ skipped }, 'local alert rules skipped');
    return { fired, resolved, failed, skipped };
  }

  private async deviceHits(fleet: FleetClient, rules: readonly LocalAlertRule[], now: Date): Promise<RuleHit[]> {
    const hits: RuleHit[] = [];
    for await (const page of fleet.listDevices({}, { pageSize: 500 })) {
      for (const device of page.devices) {
        const site = tagOf(device, 'site');
        for (const rule of rules) {
          if (rule.kind === 'offline' && device.connectionState === 'Disconnected' && device.status === 'enabled') {
            const last = Date.parse(device.lastActivityTime ?? device.connectionStateUpdatedTime ?? '');
            const minutes = Number.isNaN(last) ? Infinity : (now.getTime() - last) / 60_000;
            if (minutes > rule.afterMinutes)
              hits.push({ rule, deviceId: device.deviceId, site, value: Number.isFinite(minutes) ? minutes : rule.afterMinutes });
          }
          if (rule.kind === 'temperature') {
            const temperature = healthOf(device).temperature;
            if (temperature !== undefined && temperature > rule.thresholdC) hits.push({ rule, deviceId: device.deviceId, site, value: temperature });
          }
        }
      }
    }
    return hits;
  }

  private async errorHits(logs: Pick<LogsClient, 'query'>, rule: Extract<LocalAlertRule, { kind: 'error-lines' }>, now: Date): Promise<RuleHit[]> {
    const result = await logs.query(errorLinesQuery(rule, now), { timeoutInMs: 20_000, maxRows: 5_000, user: 'fleetops-alert-rules' });
    const table = result.tables[0];
    if (!table) return [];
    const device = table.columns.findIndex((c) => c.name === 'DeviceId');
    const count = table.columns.findIndex((c) => c.name === 'ErrorLines');
    return table.rows.filter((row) => typeof row[device] === 'string').map((row) => ({ rule, deviceId: row[device] as string, value: Number(row[count]) }));
  }
}

function lastValue(alert: AlertRecord): number {
  const c = alert.condition;
  if (c.kind === 'metric') return c.criteria[0]?.value ?? 0;
  if (c.kind === 'log') return c.resultCount ?? 0;
  return 0;
}

async function runLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
