import type { AlertRecord } from './alert';
import type { AlertRepository, Delivery } from './repository';
import type { Silence } from './silence';
import type { Storm } from './storm';
import type { Subscription, SubscriptionRepository } from '../conversations/subscription';

const stormKey = (conversationId: string, rule: string) => `${conversationId}\u0000${rule}`;

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
  private readonly deliveries: Delivery[] = [];
  private readonly deliveriesByAlert = new Map<string, Delivery[]>();
  /** Per conversation: its deliveries within the storm window before the batch (capped, read once)... */
  private readonly recentBefore = new Map<string, number>();
  /** ...and the batch's own, not in the store until `write`. */
  private readonly added = new Map<string, number>();
  private readonly storms = new Map<string, Storm | undefined>();
  private readonly joins: Array<{ storm: Storm; member: AlertRecord }> = [];

  constructor(
    private readonly repo: AlertRepository,
    private readonly subscriptionRepo: SubscriptionRepository,
    /** The rules the batch's alerts name: a conversation's latest storms of all of them are read in one step. */
    private readonly rules: readonly string[],
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

  /** Deliveries to the conversation after `sinceMs`, counted up to `atMost`, this batch's included. */
  async deliveriesSince(conversationId: string, sinceMs: number, atMost: number): Promise<number> {
    let before = this.recentBefore.get(conversationId);
    if (before === undefined) {
      before = await this.repo.countDeliveriesSince(conversationId, sinceMs, atMost);
      this.recentBefore.set(conversationId, before);
    }
    return Math.min(atMost, before + (this.added.get(conversationId) ?? 0));
  }

  recordDelivery(delivery: Delivery): void {
    this.deliveries.push(delivery);
    const of = this.deliveriesByAlert.get(delivery.alertId);
    if (of) of.push(delivery);
    else this.deliveriesByAlert.set(delivery.alertId, [delivery]);
    this.added.set(delivery.conversationId, (this.added.get(delivery.conversationId) ?? 0) + 1);
  }

  /** The rule's latest storm in the conversation, this batch's joins included. */
  async latestStorm(conversationId: string, rule: string): Promise<Storm | undefined> {
    const key = stormKey(conversationId, rule);
    if (!this.storms.has(key)) {
      const rules = [...new Set([rule, ...this.rules])].filter((r) => !this.storms.has(stormKey(conversationId, r)));
      for (const r of rules) this.storms.set(stormKey(conversationId, r), undefined);
      for (const storm of await this.repo.latestStorms(conversationId, rules)) this.storms.set(stormKey(conversationId, storm.rule), storm);
    }
    return this.storms.get(key);
  }

  /** The alert joins the storm (with what it is when the batch is written: a later notification of the batch may resolve it). */
  joinStorm(storm: Storm, member: AlertRecord): void {
    this.joins.push({ storm, member });
    this.storms.set(stormKey(storm.conversationId, storm.rule), storm);
  }

  /** Writes what the batch decided: alerts first, then storms, then deliveries (a statement each). */
  async write(): Promise<void> {
    if (this.records.size > 0) await this.repo.saveAll([...this.records.values()]);
    if (this.joins.length > 0)
      await this.repo.joinStorms(this.joins.map(({ storm, member }) => ({ storm, member: this.records.get(member.alertId) ?? member })));
    if (this.deliveries.length > 0) await this.repo.recordDeliveries(this.deliveries);
  }
}
