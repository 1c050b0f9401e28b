import { openDatabase } from '../../../backends/store/sqlite/database';
import { alertMigrations, sqliteAlertRepository } from '../../../backends/store/sqlite/alerts';
import { subscriptionMigrations, sqliteSubscriptionRepository } from '../../../backends/store/sqlite/subscriptions';
import { AlertIngestor } from '../../../core/alerts/ingest';
import { AlertPublisher } from '../../../core/alerts/publisher';
import { AlertService } from '../../../core/alerts/service';
import { parseAlertPayload } from '../../../core/alerts/parse-alert';
import { DEFAULT_STORM_POLICY, type StormPolicy } from '../../../core/alerts/storm';
import type { AlertStateChange, AlertStateClient } from '../../../core/ports/alerts';
import type { AlertRecord } from '../../../core/alerts/alert';
import type { AlertRepository } from '../../../core/alerts/repository';
import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import type { Notifier, OutboundMessage } from '../../../core/notifications/notifier';
import { alertEventCards } from '../../../bot/broadcasts/alerts';
import { Broadcaster } from '../../../core/notifications/broadcaster';
import { SqliteUnitOfWork } from '../../../backends/store/sqlite/unit-of-work';

/** Records posts; `latest` is what the outbox would hold per (conversation, key) after coalescing. */
export class RecordingNotifier implements Notifier {
  readonly posts: Array<{ conversationId: string; key: string; message: OutboundMessage }> = [];
  async post(conversationId: string, key: string, message: OutboundMessage): Promise<void> {
    this.posts.push({ conversationId, key, message });
  }
  keys(conversationId?: string): string[] {
    return [...new Set(this.posts.filter((p) => !conversationId || p.conversationId === conversationId).map((p) => p.key))];
  }
  latest(conversationId: string, key: string): any {
    return [...this.posts].reverse().find((p) => p.conversationId === conversationId && p.key === key)?.message.card;
  }
}

export class RecordingStateClient implements AlertStateClient {
  readonly calls: Array<{ alertId: string; newState: AlertStateChange; comment: string }> = [];
  failWith?: Error;
  async changeState(alertId: string, newState: AlertStateChange, comment: string): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.calls.push({ alertId, newState, comment });
  }
}

/** `wrapRepo` puts a fake in front of the store (a statement that fails, say). */
/** `holds` stands in for on call's maintenance windows (given the repository, to record something in the batch's unit of work). */
export function alertsWorld(
  options: {
    storm?: StormPolicy;
    file?: string;
    wrapRepo?: (repo: AlertRepository) => AlertRepository;
    holds?: (repo: AlertRepository) => (record: AlertRecord) => Promise<boolean>;
  } = {},
) {
  const db = openDatabase(options.file ?? ':memory:', [...subscriptionMigrations, ...alertMigrations]);
  const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
  const stored = sqliteAlertRepository(db);
  const repo = options.wrapRepo?.(stored) ?? stored;
  const subscriptions = sqliteSubscriptionRepository(db);
  const unitOfWork = new SqliteUnitOfWork(db);
  const notifier = new RecordingNotifier();
  const publisher = new AlertPublisher(repo, unitOfWork, new Broadcaster(subscriptions, notifier).router(alertEventCards()), clock);
  const ingestor = new AlertIngestor({
    repo,
    unitOfWork,
    subscriptions,
    publisher,
    clock,
    storm: options.storm ?? DEFAULT_STORM_POLICY,
    log: silentLogger,
    isHeld: options.holds?.(repo),
  });
  const stateClient = new RecordingStateClient();
  const service = new AlertService({ repo, unitOfWork, publisher, stateClient, clock, log: silentLogger, release: (alertId) => ingestor.release(alertId) });
  const ingest = async (payload: unknown) => {
    const parsed = parseAlertPayload(payload);
    if (!parsed.ok) throw new Error(parsed.error);
    const result = await ingestor.ingest(parsed.alert, JSON.stringify(payload));
    // The feature flushes storm cards on a short timer; tests flush at once.
    await publisher.flushStorms();
    return result;
  };
  const subscribe = (conversationId: string, filter = '') => subscriptions.add({ conversationId, topic: 'alerts', filter, createdBy: 'test' });
  return { db, clock, repo, unitOfWork, subscriptions, notifier, publisher, ingestor, service, stateClient, ingest, subscribe };
}
