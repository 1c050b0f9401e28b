import { alertTarget, severityLabel, type AlertRecord } from './alert';
import type { AlertCardAudience, AlertCardExtrasSource, AlertCardInput } from './card-renderer';
import type { AlertEvent } from './events';
import type { PublishRouted } from '../notifications/broadcaster';
import type { AlertRepository, Delivery, StormCursor } from './repository';
import type { Clock } from '../clock';
import type { UnitOfWork } from '../unit-of-work';

/** Storm cards list this many members; the rest is "and N more" (keeps cards far below 28 KB). */
export const STORM_CARD_MEMBER_CAP = 8;

/**
 * Puts the current state of an alert on every card that shows it, in every
 * conversation: its own card (`alert:<id>`) or the storm card it joined, as AlertEvents
 * the broadcaster turns into cards (bot/broadcasts/alerts.ts). The notifier sends a key's
 * first post as a message and later ones as in-place updates.
 *
 * Storm cards are not rendered per alert: a storm of thousands would render (and
 * coalesce away) thousands of cards. The alert marks its storm dirty, durably and in
 * the same transaction; `flushStorms` renders each dirty storm once (soon after, and
 * at start-up for what a crash left dirty).
 */
export class AlertPublisher {
  private extras: AlertCardExtrasSource | undefined;

  constructor(
    private readonly repo: AlertRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly publishEvent: PublishRouted<AlertEvent>,
    private readonly clock: Clock,
    /** Called when a storm card needs rendering (schedule a flushStorms). */
    private readonly onStormDirty: () => void = () => undefined,
  ) {}

  /** On call adds its notes, runbook, mention and buttons to every card of an alert through this. */
  useExtras(source: AlertCardExtrasSource): void {
    this.extras = source;
  }

  /** What the alert's own card shows now, in `audience.conversationId` (and for `audience.reader`): the record, the silence covering it, the extras. */
  async cardInput(record: AlertRecord, audience: AlertCardAudience = {}): Promise<AlertCardInput> {
    const now = this.clock.now();
    const extras = this.extras ? await this.extras(record, audience) : {};
    return { ...extras, record, silence: await this.repo.findSilence(record.rule, alertTarget(record), now), now };
  }

  /** Call inside the unit of work so the card is queued with the change that caused it. */
  async publish(record: AlertRecord, deliveries?: readonly Delivery[]): Promise<number> {
    deliveries ??= await this.repo.deliveriesOf(record.alertId);
    const copies: Array<{ delivery: Delivery; card: AlertCardInput }> = [];
    let stormDirty = false;
    for (const delivery of deliveries) {
      if (delivery.storm) {
        await this.repo.markStormDirty(delivery.conversationId, delivery.storm.rule, delivery.storm.generation);
        stormDirty = true;
      } else {
        // One copy per conversation: the one whose subscription pages a rotation @mentions its primary.
        copies.push({ delivery, card: await this.cardInput(record, { conversationId: delivery.conversationId }) });
      }
    }
    if (copies.length > 0) await this.publishEvent({ type: 'alert.changed', copies });
    if (stormDirty) this.onStormDirty();
    return deliveries.length;
  }

  /**
   * Renders every dirty storm card once and queues it; returns how many. A crash before
   * the write is durable loses the card and its cleared mark together, and the start-up
   * flush renders it again.
   */
  async flushStorms(): Promise<number> {
    return (await this.flushSomeStorms(Number.POSITIVE_INFINITY)).rendered;
  }

  /**
   * Renders at most `limit` dirty storm cards that come after `after` (in storm key order),
   * so a caller can spread a round over several turns of the event loop; `next` is where
   * the round goes on, absent when it is complete. Storms dirtied again behind the cursor
   * wait for the next round instead of being rendered over and over.
   */
  async flushSomeStorms(limit: number, after?: StormCursor): Promise<{ rendered: number; next?: StormCursor }> {
    const result = await this.unitOfWork.run(async () => {
      const now = this.clock.now();
      const dirty = await this.repo.dirtyStorms(limit, after);
      for (const storm of dirty) {
        const view = await this.repo.stormView(storm, STORM_CARD_MEMBER_CAP);
        await this.publishEvent({ type: 'alert.storm-changed', conversationId: storm.conversationId, cardKey: storm.cardKey, view, now });
        await this.repo.clearStormDirty(storm);
      }
      return dirty;
    });
    const last = result.at(-1);
    return {
      rendered: result.length,
      next: result.length === limit && last ? { conversationId: last.conversationId, rule: last.rule, generation: last.generation } : undefined,
    };
  }
}

export function summaryLine(record: Pick<AlertRecord, 'severity' | 'rule' | 'monitorCondition' | 'deviceId' | 'targetIds' | 'configurationItems'>): string {
  return `${severityLabel(record.severity)} ${record.monitorCondition}: ${record.rule} — ${alertTarget(record)}`;
}
