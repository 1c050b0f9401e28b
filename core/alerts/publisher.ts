import { alertTarget, severityLabel, type AlertRecord } from './alert';
import type { AlertCardRenderer } from './card-renderer';
import type { Notifier } from '../notifications/notifier';
import type { AlertRepository, Delivery } from './repository';
import type { Clock } from '../clock';

/** Storm cards list this many members; the rest is "and N more" (keeps cards far below 28 KB). */
export const STORM_CARD_MEMBER_CAP = 8;

/**
 * Puts the current state of an alert on every card that shows it, in every
 * conversation: its own card (`alert:<id>`) or the storm card it joined. The notifier
 * sends a key's first post as a message and later ones as in-place updates.
 *
 * Storm cards are not rendered per alert: a storm of thousands would render (and
 * coalesce away) thousands of cards. The alert marks its storm dirty, durably and in
 * the same transaction; `flushStorms` renders each dirty storm once (soon after, and
 * at start-up for what a crash left dirty).
 */
export class AlertPublisher {
  constructor(
    private readonly repo: AlertRepository,
    private readonly notifier: Notifier,
    private readonly cards: AlertCardRenderer,
    private readonly clock: Clock,
    /** Called when a storm card needs rendering (schedule a flushStorms). */
    private readonly onStormDirty: () => void = () => undefined,
  ) {}

  /** Call inside the repository's transaction so the card is queued with the change that caused it. */
  publish(record: AlertRecord, deliveries: readonly Delivery[] = this.repo.deliveriesOf(record.alertId)): number {
    const now = this.clock.now();
    let posted = 0;
    let ownCard: object | undefined;
    let stormDirty = false;
    for (const delivery of deliveries) {
      if (delivery.storm) {
        this.repo.markStormDirty(delivery.conversationId, delivery.storm.rule, delivery.storm.generation);
        stormDirty = true;
      } else {
        ownCard ??= this.cards.alert({ record, silence: this.repo.findSilence(record.rule, alertTarget(record), now), now });
        this.notifier.post(delivery.conversationId, delivery.cardKey, { card: ownCard, summary: summaryLine(record) });
      }
      posted++;
    }
    if (stormDirty) this.onStormDirty();
    return posted;
  }

  /**
   * Renders every dirty storm card once and queues it; returns how many. Nobody waits for
   * this write: a crash before it reaches the disk loses the card and its cleared mark
   * together, and the start-up flush renders it again.
   */
  flushStorms(): number {
    const { result, durable } = this.repo.groupCommit(() => {
      const now = this.clock.now();
      const dirty = this.repo.dirtyStorms();
      for (const storm of dirty) {
        const view = this.repo.stormView(storm, STORM_CARD_MEMBER_CAP);
        this.notifier.post(storm.conversationId, storm.cardKey, {
          card: this.cards.storm(view, now),
          summary: `Alert storm: ${storm.rule} — ${view.firing} firing, ${view.resolved} resolved`,
        });
        this.repo.clearStormDirty(storm);
      }
      return dirty.length;
    });
    durable.catch(() => undefined); // a failed flush fails the webhooks' answers; here nothing waits
    return result;
  }
}

export function summaryLine(record: Pick<AlertRecord, 'severity' | 'rule' | 'monitorCondition' | 'deviceId' | 'targetIds' | 'configurationItems'>): string {
  const status = record.monitorCondition === 'Resolved' ? 'Resolved' : 'Fired';
  return `${severityLabel(record.severity)} ${status}: ${record.rule} — ${alertTarget(record)}`;
}
