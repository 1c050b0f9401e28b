import type { AlertRecord } from './alert';
import type { AlertRepository, Delivery } from './repository';
import type { Silence } from './silence';
import type { Storm } from './storm';
import type { Subscription, SubscriptionRepository } from '../conversations/subscription';

/**
 * What one batch of notifications reads and writes while its alerts are decided one after
 * the other, inside the batch's unit of work. Each thing the batch needs is read from the
 * store once (subscriptions, silences, a conversation's recent deliveries, a rule's latest
 * storm) and then kept up to date in memory as the batch's own alerts change it; what the
 * batch writes is kept here and written by `write`, one statement per table. On a networked
 * store that is a handful of round trips per batch instead of ten per alert.
 *
 * The batch is one transaction and has one time (`now`), so what it remembers is exactly
 * what the store would answer if each alert were written before the next is decided.
 */
export class IngestBatch {
  private subscribed: Promise<Subscription[]> | undefined;
  private silences: Promise<Silence[]> | undefined;
  private readonly records = new Map<string, AlertRecord>();
  private readonly deliveries: Array<{ delivery: Delivery; joins?: { storm: Storm; member: AlertRecord } }> = [];
  private readonly deliveriesByAlert = new Map<string, Delivery[]>();
  /** Per conversation, read once: its deliveries within the storm window before the batch (capped) and its latest storms... */
  private readonly contexts = new Map<string, Promise<{ recentBefore: number; storms: Map<string, Storm> }>>();
  /** ...and what the batch added since, not in the store until `write`. */
  private readonly added = new Map<string, number>();

  constructor(
    private readonly repo: AlertRepository,
    private readonly subscriptionRepo: SubscriptionRepository,
    private readonly routing: {
      /** The rules the batch's alerts name: a conversation's latest storms of all of them are read in one step. */
      readonly rules: readonly string[];
      /** Deliveries after this (ms epoch) count towards a storm... */
      readonly sinceMs: number;
      /** ...counted up to this many. */
      readonly atMost: number;
    },
  ) {}

  /** The alerts topic's subscriptions, as read once for the batch. */
  subscriptions(): Promise<readonly Subscription[]> {
    this.subscribed ??= this.subscriptionRepo.listForTopic('alerts');
    return this.subscribed;
  }

  /** A silence covers `rule` on `target` at `now` (silences are read once, active at the batch's time). */
  async silenced(rule: string, target: string, now: Date): Promise<boolean> {
    this.silences ??= this.repo.activeSilences(now);
    const at = now.toISOString();
    return (await this.silences).some((s) => s.rule === rule && s.target === target && s.until > at);
  }

  /** Reads the stored deliveries of alerts the batch updates (one step for all of them). */
  async loadDeliveries(alertIds: readonly string[]): Promise<void> {
    const unread = [...new Set(alertIds)].filter((id) => !this.deliveriesByAlert.has(id));
    if (unread.length === 0) return;
    for (const id of unread) this.deliveriesByAlert.set(id, []);
    for (const delivery of await this.repo.deliveriesOfAlerts(unread)) this.deliveriesByAlert.get(delivery.alertId)?.push(delivery);
  }

  /** The alert's deliveries so far: stored (see loadDeliveries) and recorded by this batch. */
  deliveriesOf(alertId: string): Delivery[] {
    return [...(this.deliveriesByAlert.get(alertId) ?? [])];
  }

  /** The alert as an earlier notification of this batch left it. */
  recordOf(alertId: string): AlertRecord | undefined {
    return this.records.get(alertId);
  }

  save(record: AlertRecord): void {
    this.records.set(record.alertId, record);
  }

  /** Deliveries to the conversation within the storm window (up to `atMost`), this batch's included. */
  async recentDeliveries(conversationId: string): Promise<number> {
    const { recentBefore } = await this.context(conversationId);
    return Math.min(this.routing.atMost, recentBefore + (this.added.get(conversationId) ?? 0));
  }

  /** The rule's latest storm in the conversation, this batch's joins included. */
  async latestStorm(conversationId: string, rule: string): Promise<Storm | undefined> {
    // Read with the context for every rule the batch announced (ingest: all of its alerts'; a release: the alert's).
    return (await this.context(conversationId)).storms.get(rule);
  }

  /** Records a delivery; one to a storm card (`joins`) adds its alert to the storm, as the alert is when the batch is written. */
  async recordDelivery(delivery: Delivery, joins?: { storm: Storm; member: AlertRecord }): Promise<void> {
    this.deliveries.push({ delivery, joins });
    const of = this.deliveriesByAlert.get(delivery.alertId);
    if (of) of.push(delivery);
    else this.deliveriesByAlert.set(delivery.alertId, [delivery]);
    this.added.set(delivery.conversationId, (this.added.get(delivery.conversationId) ?? 0) + 1);
    if (joins) (await this.context(delivery.conversationId)).storms.set(joins.storm.rule, joins.storm);
  }

  /** Writes what the batch decided: the alerts, then the deliveries with what they add to storms (a statement each). */
  async write(): Promise<void> {
    if (this.records.size > 0) await this.repo.saveAll([...this.records.values()]);
    if (this.deliveries.length === 0) return;
    await this.repo.recordDeliveries(
      this.deliveries.map(({ delivery, joins }) => ({
        delivery,
        // A later notification of the batch may have resolved the member: the storm counts it as it is now.
        joins: joins && { storm: joins.storm, member: this.records.get(joins.member.alertId) ?? joins.member },
      })),
    );
  }

  private context(conversationId: string): Promise<{ recentBefore: number; storms: Map<string, Storm> }> {
    let context = this.contexts.get(conversationId);
    if (!context) {
      const { sinceMs, atMost, rules } = this.routing;
      context = this.repo
        .stormContext(conversationId, sinceMs, atMost, [...new Set(rules)])
        .then(({ recent, latest }) => ({ recentBefore: recent, storms: new Map(latest.map((storm) => [storm.rule, storm])) }));
      this.contexts.set(conversationId, context);
    }
    return context;
  }
}
