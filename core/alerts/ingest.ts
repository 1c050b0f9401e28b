import { alertTarget, type Alert, type AlertRecord } from './alert';
import { dedupeKey } from './dedupe';
import { matchesFilter, parseAlertFilter, type AlertFilter } from './filter';
import { alertCardKey, joinsStorm, stormCardKey, stormIsCurrent, type Storm, type StormPolicy } from './storm';
import type { AlertRepository, Delivery } from './repository';
import type { AlertPublisher } from './publisher';
import type { Subscription, SubscriptionRepository } from '../conversations/subscription';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { FLEETOPS_ACTOR, type AuditLog } from '../audit/audit-log';
import { shortAlertId } from './alert';
import type { Silence } from './silence';
import type { UnitOfWork } from '../unit-of-work';

export type IngestResult =
  | { readonly outcome: 'duplicate'; readonly alertId: string }
  | { readonly outcome: 'stored'; readonly alertId: string; readonly cards: number; readonly silenced: boolean; readonly stale: boolean };

export type AlertRoutedListener = (record: AlertRecord, fresh: readonly Delivery[]) => Promise<void>;

/** Thrown by ingestTogether: the alert at `index` failed (its error is the cause), the ones before it were stored in the unit of work. */
export class BatchedAlertFailed extends Error {
  override readonly name = 'BatchedAlertFailed';

  constructor(
    readonly index: number,
    cause: unknown,
  ) {
    super(`alert ${index} of the batch failed`, { cause });
  }
}

/** What every alert of a batch reads alike. */
interface SharedReads {
  subscriptions(): Promise<readonly Subscription[]>;
  silenced(rule: string, target: string, now: Date): Promise<boolean>;
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
  /** True inside a maintenance window for the alert: stored and listed, no card (on call's `silence schedule`). */
  readonly isHeld?: (record: AlertRecord) => boolean;
}

/**
 * Stores an alert notification and queues its cards, all in one unit of work: when
 * `ingest` resolves, the alert and every card it causes are durable (the webhook then
 * answers 2xx); when it throws, nothing was stored and Azure retries.
 */
export class AlertIngestor {
  private readonly filterCache = new Map<string, AlertFilter | null>();

  constructor(private readonly deps: AlertIngestorDeps) {}

  ingest(alert: Alert, payload: string): Promise<IngestResult> {
    const { repo, subscriptions } = this.deps;
    const reads: SharedReads = {
      subscriptions: () => subscriptions.listForTopic('alerts'),
      silenced: async (rule, target, now) => (await repo.findSilence(rule, target, now)) !== undefined,
    };
    return this.deps.unitOfWork.run(() => this.store(alert, payload, reads));
  }

  /**
   * Alerts that arrived together, stored one after the other in the caller's unit of work,
   * with no savepoint each (two round trips apiece on a networked store): the first that
   * fails stops the batch with a BatchedAlertFailed that says which, so the caller rolls
   * the unit of work back and retries without it (IngestBatcher). Subscriptions and
   * silences are read once for all of them.
   */
  async ingestTogether(items: ReadonlyArray<{ readonly alert: Alert; readonly payload: string }>): Promise<IngestResult[]> {
    const reads = this.batchReads();
    const results: IngestResult[] = [];
    for (const [index, item] of items.entries()) {
      try {
        results.push(await this.store(item.alert, item.payload, reads));
      } catch (error) {
        throw new BatchedAlertFailed(index, error);
      }
    }
    return results;
  }

  /** Reads every alert of a batch shares: the store is not asked again for each. */
  private batchReads(): SharedReads {
    const { repo, subscriptions } = this.deps;
    let subscribed: Promise<Subscription[]> | undefined;
    let silences: Promise<Silence[]> | undefined;
    return {
      subscriptions: () => (subscribed ??= subscriptions.listForTopic('alerts')),
      // Silences active at the batch's first Fired alert; each alert checks the end against its own time (as findSilence would).
      silenced: async (rule, target, now) => {
        const at = now.toISOString();
        silences ??= repo.activeSilences(now);
        return (await silences).some((s) => s.rule === rule && s.target === target && s.until > at);
      },
    };
  }

  /** Stores one notification and queues its cards; call inside a unit of work. */
  private async store(alert: Alert, payload: string, reads: SharedReads): Promise<IngestResult> {
    const { repo } = this.deps;
    const key = dedupeKey(alert);
    const now = this.deps.clock.now();
    const event = await repo.claimEvent(key, alert.alertId, now.toISOString(), payload);
    if (!event.claimed) return { outcome: 'duplicate', alertId: alert.alertId };

    const { previous } = event;
    const stale = isStale(previous, alert);
    if (stale) return { outcome: 'stored', alertId: alert.alertId, cards: 0, silenced: false, stale: true };

    const record = merge(previous, alert, now);
    await repo.save(record);
    if (alert.monitorCondition === 'Resolved' && previous?.monitorCondition === 'Fired') {
      await this.deps.audit?.record({
        ...FLEETOPS_ACTOR,
        action: 'alert.resolved',
        target: shortAlertId(alert.alertId),
        outcome: 'ok',
        detail: `${alert.rule}: resolved by Azure Monitor`,
      });
    }

    const existing = previous ? await repo.deliveriesOf(alert.alertId) : [];
    let silenced = false;
    let fresh: Delivery[] = [];
    if (alert.monitorCondition === 'Fired') {
      silenced = (await reads.silenced(alert.rule, alertTarget(alert), now)) || this.deps.isHeld?.(record) === true;
      if (!silenced) fresh = await this.route(record, existing, now.getTime(), await reads.subscriptions());
    }
    // Before the cards are rendered: on call starts paging, so the new card already @mentions the primary.
    if (fresh.length > 0) await this.deps.onRouted?.(record, fresh);
    const cards = await this.deps.publisher.publish(record, [...existing, ...fresh]);
    return { outcome: 'stored', alertId: alert.alertId, cards, silenced, stale: false };
  }

  /**
   * A held alert (maintenance window) whose window ended while it still fires: its cards go
   * out now, as if it had just arrived. Returns how many cards; 0 when it no longer fires.
   */
  release(alertId: string): Promise<number> {
    const { repo } = this.deps;
    return this.deps.unitOfWork.run(async (): Promise<number> => {
      const record = await repo.getExact(alertId);
      if (record?.monitorCondition !== 'Fired' || record.state === 'Closed' || this.deps.isHeld?.(record) === true) return 0;
      const now = this.deps.clock.now();
      if (await repo.findSilence(record.rule, alertTarget(record), now)) return 0;
      const existing = await repo.deliveriesOf(alertId);
      const fresh = await this.route(record, existing, now.getTime(), await this.deps.subscriptions.listForTopic('alerts'));
      if (fresh.length === 0) return 0;
      await this.deps.onRouted?.(record, fresh);
      return this.deps.publisher.publish(record, [...existing, ...fresh]);
    });
  }

  /** New deliveries for conversations whose subscriptions match and that have no card for this alert yet. */
  private async route(record: AlertRecord, existing: readonly Delivery[], now: number, subscriptions: readonly Subscription[]): Promise<Delivery[]> {
    const { repo, storm: policy } = this.deps;
    const already = new Set(existing.map((d) => d.conversationId));
    const targets = new Set<string>();
    for (const sub of subscriptions) {
      if (already.has(sub.conversationId) || targets.has(sub.conversationId)) continue;
      const filter = this.filterOf(sub.filter);
      if (filter && matchesFilter(record, filter)) targets.add(sub.conversationId);
    }
    const fresh: Delivery[] = [];
    for (const conversationId of targets) {
      const recent = await repo.countDeliveriesSince(conversationId, now - policy.windowMs, policy.threshold + 1);
      let delivery: Delivery;
      if (joinsStorm(recent, policy)) {
        const storm = await this.currentStorm(conversationId, record.rule, now);
        await repo.joinStorm(storm, record);
        delivery = {
          conversationId,
          alertId: record.alertId,
          cardKey: stormCardKey(conversationId, storm.rule, storm.generation),
          deliveredAt: now,
          storm: { rule: storm.rule, generation: storm.generation },
        };
      } else {
        delivery = { conversationId, alertId: record.alertId, cardKey: alertCardKey(record.alertId), deliveredAt: now };
      }
      await repo.recordDelivery(delivery);
      fresh.push(delivery);
    }
    return fresh;
  }

  private async currentStorm(conversationId: string, rule: string, now: number): Promise<Storm> {
    const latest = await this.deps.repo.latestStorm(conversationId, rule);
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
