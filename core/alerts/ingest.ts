import { alertTarget, type Alert, type AlertRecord } from './alert';
import { dedupeKey } from './dedupe';
import { matchesFilter, parseAlertFilter, type AlertFilter } from './filter';
import { alertCardKey, joinsStorm, stormCardKey, stormIsCurrent, type Storm, type StormPolicy } from './storm';
import type { AlertRepository, ClaimedEvent, Delivery } from './repository';
import { IngestBatch } from './ingest-batch';
import type { AlertPublisher } from './publisher';
import type { Subscription, SubscriptionRepository } from '../conversations/subscription';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { FLEETOPS_ACTOR, type AuditLog } from '../audit/audit-log';
import { shortAlertId } from './alert';
import type { UnitOfWork } from '../unit-of-work';

export type IngestResult =
  | { readonly outcome: 'duplicate'; readonly alertId: string }
  | { readonly outcome: 'stored'; readonly alertId: string; readonly cards: number; readonly silenced: boolean; readonly stale: boolean };

/** An alert that got new cards, and the deliveries that are new. */
export interface RoutedAlert {
  readonly record: AlertRecord;
  readonly fresh: readonly Delivery[];
}

/** Told of a batch's routed alerts, with the alerts topic's subscriptions as the batch read them. */
export type AlertRoutedListener = (routed: readonly RoutedAlert[], subscriptions: readonly Subscription[]) => Promise<void>;

/**
 * Thrown by ingestTogether: the alert at `index` failed, or (index undefined) a step done for
 * the whole batch did, which may be any alert's fault (its error is the cause). The unit of
 * work must roll back.
 */
export class BatchedAlertFailed extends Error {
  override readonly name = 'BatchedAlertFailed';

  constructor(
    readonly index: number | undefined,
    cause: unknown,
  ) {
    super(index === undefined ? 'a step for the whole batch failed' : `alert ${index} of the batch failed`, { cause });
  }
}

export interface AlertIngestorDeps {
  readonly repo: AlertRepository;
  readonly unitOfWork: UnitOfWork;
  readonly subscriptions: SubscriptionRepository;
  readonly publisher: AlertPublisher;
  readonly clock: Clock;
  readonly storm: StormPolicy;
  readonly log: Logger;
  /** Transitions no user clicked (Azure resolving an alert) are recorded with FleetOps as the actor. */
  readonly audit?: AuditLog;
  /** Told, inside the unit of work and before the cards are rendered, of the conversations that get a new card for a fired alert (on call pages from it). */
  readonly onRouted?: AlertRoutedListener;
  /**
   * True inside a maintenance window for the alert: stored and listed, no card (on call's
   * `silence schedule`). Called inside the batch's unit of work, so what it records of the hold
   * (the timeline entry its release looks for) commits or rolls back with the alert.
   */
  readonly isHeld?: (record: AlertRecord) => Promise<boolean>;
}

/** One notification decided: stored (with every delivery of its alert, and the new ones), or not. */
type Decision =
  | { readonly result: IngestResult }
  | { readonly record: AlertRecord; readonly deliveries: readonly Delivery[]; readonly fresh: readonly Delivery[]; readonly silenced: boolean };

/**
 * Stores alert notifications and queues their cards, all in one unit of work: when
 * `ingest` resolves, the alert and every card it causes are durable (the webhook then
 * answers 2xx); when it throws, nothing was stored and Azure retries.
 */
export class AlertIngestor {
  private readonly filterCache = new Map<string, AlertFilter | null>();

  constructor(private readonly deps: AlertIngestorDeps) {}

  async ingest(alert: Alert, payload: string): Promise<IngestResult> {
    try {
      const [result] = await this.deps.unitOfWork.run(() => this.ingestTogether([{ alert, payload }]));
      return result!;
    } catch (error) {
      throw error instanceof BatchedAlertFailed ? error.cause : error;
    }
  }

  /**
   * Notifications that arrived together, stored in the caller's unit of work at one time:
   * their keys are claimed in one step, each is decided in turn (in memory, reading what it
   * needs once for the batch: IngestBatch), then the batch is written with a statement per
   * table, on call is told, and the cards are queued. A notification that fails on its own
   * stops the batch with a BatchedAlertFailed that says which, so the caller rolls the unit of
   * work back and retries without it (IngestBatcher).
   */
  async ingestTogether(items: ReadonlyArray<{ readonly alert: Alert; readonly payload: string }>): Promise<IngestResult[]> {
    try {
      return await this.storeTogether(items);
    } catch (error) {
      throw error instanceof BatchedAlertFailed ? error : new BatchedAlertFailed(undefined, error);
    }
  }

  private async storeTogether(items: ReadonlyArray<{ readonly alert: Alert; readonly payload: string }>): Promise<IngestResult[]> {
    const { repo } = this.deps;
    const now = this.deps.clock.now();
    const batch = this.batch(
      items.map((item) => item.alert.rule),
      now,
    );
    const receivedAt = now.toISOString();
    const claims = await repo.claimEvents(items.map(({ alert, payload }) => ({ dedupeKey: dedupeKey(alert), alertId: alert.alertId, receivedAt, payload })));
    await batch.loadDeliveries(claims.flatMap((claim) => (claim.claimed && claim.previous ? [claim.previous.alertId] : [])));

    const decisions: Decision[] = [];
    for (const [index, { alert }] of items.entries()) {
      try {
        decisions.push(await this.decide(alert, claims[index]!, batch, now));
      } catch (error) {
        throw new BatchedAlertFailed(index, error);
      }
    }
    await batch.write();

    const routed = decisions.flatMap((d) => ('record' in d && d.fresh.length > 0 ? [{ record: d.record, fresh: d.fresh }] : []));
    // Before the cards are rendered: on call starts paging, so a new card already @mentions the primary.
    if (routed.length > 0) await this.deps.onRouted?.(routed, await batch.subscriptions());

    const results: IngestResult[] = [];
    for (const [index, decision] of decisions.entries()) {
      if ('result' in decision) {
        results.push(decision.result);
        continue;
      }
      const { record, deliveries, silenced } = decision;
      try {
        const cards = await this.deps.publisher.publish(record, deliveries);
        results.push({ outcome: 'stored', alertId: record.alertId, cards, silenced, stale: false });
      } catch (error) {
        throw new BatchedAlertFailed(index, error);
      }
    }
    return results;
  }

  /** What one notification changes: its alert's record, and the conversations that get a card (recorded in the batch). */
  private async decide(alert: Alert, claim: ClaimedEvent, batch: IngestBatch, now: Date): Promise<Decision> {
    if (!claim.claimed) return { result: { outcome: 'duplicate', alertId: alert.alertId } };
    // An earlier notification of this batch may have changed the alert already.
    const previous = batch.recordOf(alert.alertId) ?? claim.previous;
    if (isStale(previous, alert)) return { result: { outcome: 'stored', alertId: alert.alertId, cards: 0, silenced: false, stale: true } };

    const record = merge(previous, alert, now);
    batch.save(record);
    if (alert.monitorCondition === 'Resolved' && previous?.monitorCondition === 'Fired') {
      await this.deps.audit?.record({
        ...FLEETOPS_ACTOR,
        action: 'alert.resolved',
        target: shortAlertId(alert.alertId),
        outcome: 'ok',
        detail: `${alert.rule}: resolved by Azure Monitor`,
      });
    }

    const existing = previous ? batch.deliveriesOf(alert.alertId) : [];
    let silenced = false;
    let fresh: Delivery[] = [];
    if (alert.monitorCondition === 'Fired') {
      silenced = (await batch.silenced(alert.rule, alertTarget(alert), now)) || (await this.deps.isHeld?.(record)) === true;
      if (!silenced) fresh = await this.route(record, existing, now.getTime(), batch);
    }
    return { record, deliveries: [...existing, ...fresh], fresh, silenced };
  }

  /**
   * A held alert (maintenance window) whose window ended while it still fires: its cards go
   * out now, as if it had just arrived. Returns how many cards; 0 when it no longer fires.
   */
  release(alertId: string): Promise<number> {
    const { repo } = this.deps;
    return this.deps.unitOfWork.run(async (): Promise<number> => {
      const record = await repo.getExact(alertId);
      if (record?.monitorCondition !== 'Fired' || record.state === 'Closed' || (await this.deps.isHeld?.(record)) === true) return 0;
      const now = this.deps.clock.now();
      if (await repo.findSilence(record.rule, alertTarget(record), now)) return 0;
      const batch = this.batch([record.rule], now);
      await batch.loadDeliveries([alertId]);
      const existing = batch.deliveriesOf(alertId);
      const fresh = await this.route(record, existing, now.getTime(), batch);
      if (fresh.length === 0) return 0;
      await batch.write();
      await this.deps.onRouted?.([{ record, fresh }], await batch.subscriptions());
      return this.deps.publisher.publish(record, [...existing, ...fresh]);
    });
  }

  /** A batch at `now` for alerts of these rules (storms count deliveries within the window before `now`). */
  private batch(rules: readonly string[], now: Date): IngestBatch {
    const policy = this.deps.storm;
    return new IngestBatch(this.deps.repo, this.deps.subscriptions, { rules, sinceMs: now.getTime() - policy.windowMs, atMost: policy.threshold + 1 });
  }

  /** New deliveries (recorded in the batch) for conversations whose subscriptions match and that have no card for this alert yet. */
  private async route(record: AlertRecord, existing: readonly Delivery[], now: number, batch: IngestBatch): Promise<Delivery[]> {
    const policy = this.deps.storm;
    const already = new Set(existing.map((d) => d.conversationId));
    const targets = new Set<string>();
    for (const sub of await batch.subscriptions()) {
      if (already.has(sub.conversationId) || targets.has(sub.conversationId)) continue;
      const filter = this.filterOf(sub.filter);
      if (filter && matchesFilter(record, filter)) targets.add(sub.conversationId);
    }
    const fresh: Delivery[] = [];
    for (const conversationId of targets) {
      if (joinsStorm(await batch.recentDeliveries(conversationId), policy)) {
        const storm = await this.currentStorm(batch, conversationId, record.rule, now);
        const delivery: Delivery = {
          conversationId,
          alertId: record.alertId,
          cardKey: stormCardKey(conversationId, storm.rule, storm.generation),
          deliveredAt: now,
          storm: { rule: storm.rule, generation: storm.generation },
        };
        await batch.recordDelivery(delivery, { storm, member: record });
        fresh.push(delivery);
      } else {
        const delivery: Delivery = { conversationId, alertId: record.alertId, cardKey: alertCardKey(record.alertId), deliveredAt: now };
        await batch.recordDelivery(delivery);
        fresh.push(delivery);
      }
    }
    return fresh;
  }

  private async currentStorm(batch: IngestBatch, conversationId: string, rule: string, now: number): Promise<Storm> {
    const latest = await batch.latestStorm(conversationId, rule);
    if (latest && stormIsCurrent(latest, now, this.deps.storm)) return { ...latest, lastAt: now };
    return { conversationId, rule, generation: (latest?.generation ?? 0) + 1, startedAt: now, lastAt: now };
  }

  private filterOf(text: string): AlertFilter | null {
    let filter = this.filterCache.get(text);
    if (filter === undefined) {
      const parsed = parseAlertFilter(text);
      // Filters are validated when subscribing; one that no longer parses matches nothing rather than everything.
      if (!parsed.ok)
        this.deps.log.warn(
          { filter: text, problem: parsed.refusal.code, facts: parsed.refusal.facts },
          'alerts subscription has an invalid filter; it receives nothing',
        );
      filter = parsed.ok ? parsed.filter : null;
      this.filterCache.set(text, filter);
    }
    return filter;
  }
}

/** A Fired notification older than the resolution we already have arrived late (retries overlap): keep the resolution. */
function isStale(previous: AlertRecord | undefined, alert: Alert): boolean {
  if (previous?.monitorCondition !== 'Resolved' || alert.monitorCondition !== 'Fired') return false;
  return Date.parse(alert.firedAt) <= Date.parse(previous.resolvedAt ?? previous.firedAt);
}

function merge(previous: AlertRecord | undefined, alert: Alert, now: Date): AlertRecord {
  const resolvedAt = alert.monitorCondition === 'Resolved' ? (alert.resolvedAt ?? now.toISOString()) : undefined;
  if (!previous) return { ...alert, resolvedAt, state: 'New', receivedAt: now.toISOString(), version: 1 };
  const refired = alert.monitorCondition === 'Fired' && previous.monitorCondition === 'Resolved';
  return {
    ...previous,
    ...alert,
    // Resolved notifications of log alerts carry less detail; keep what the Fired one told us.
    deviceId: alert.deviceId ?? previous.deviceId,
    site: alert.site ?? previous.site,
    links: { portal: alert.links.portal ?? previous.links.portal, searchResults: alert.links.searchResults ?? previous.links.searchResults },
    firedAt: alert.monitorCondition === 'Resolved' ? previous.firedAt : alert.firedAt,
    rawFiredDateTime: alert.monitorCondition === 'Resolved' ? previous.rawFiredDateTime : alert.rawFiredDateTime,
    resolvedAt,
    state: refired && previous.state === 'Closed' ? 'New' : previous.state,
    version: previous.version + 1,
  };
}
