import { alertTarget, type AlertRecord } from './alert';
import type { AlertCardAudience, AlertCardExtrasSource, AlertCardInput } from './card-renderer';
import type { AlertFilter } from './filter';
import type { AlertPublisher } from './publisher';
import type { AlertRepository } from './repository';
import type { Silence, SilenceHours } from './silence';
import type { AlertStateChange, AlertStateClient } from '../ports/alerts';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { UnitOfWork } from '../unit-of-work';
import { Refusal } from '../refusal';
import { AlertStateError } from '../ports/alerts';

export interface ActingUser {
  readonly name: string;
  readonly upn?: string;
}

export interface AlertServiceDeps {
  readonly repo: AlertRepository;
  readonly unitOfWork: UnitOfWork;
  readonly publisher: AlertPublisher;
  readonly stateClient: AlertStateClient;
  readonly clock: Clock;
  readonly log: Logger;
  /** Gives a firing alert that has no card yet its cards, as if it had just arrived (AlertIngestor.release); returns how many. */
  readonly release?: (alertId: string) => Promise<number>;
}

const EMPTY_FILTER: AlertFilter = { sites: [], devices: [], rules: [] };

/** How many open alerts ending a silence puts on cards again, at most (one rule on one target: a handful, in practice). */
const COVERED_ALERTS_LIMIT = 100;

/** What commands and card actions (and other features' cards) do with alerts. */
export class AlertService {
  constructor(private readonly deps: AlertServiceDeps) {}

  /** By full id, or by its last segment (what cards show as the short id). */
  get(id: string): Promise<AlertRecord | undefined> {
    return this.deps.repo.get(id.trim());
  }

  async listOpen(filter: AlertFilter = EMPTY_FILTER, limit = 20): Promise<{ alerts: AlertRecord[]; total: number }> {
    return { alerts: await this.deps.repo.listOpen(filter, limit), total: await this.deps.repo.countOpen(filter) };
  }

  /** Open alerts of one device, worst first (for the device status card). */
  openForDevice(deviceId: string, limit = 10): Promise<AlertRecord[]> {
    return this.deps.repo.listOpen({ ...EMPTY_FILTER, devices: [deviceId] }, limit);
  }

  silences(): Promise<Silence[]> {
    return this.deps.repo.activeSilences(this.deps.clock.now());
  }

  /** A storm card's alerts in full (for its "List" button), worst and newest first. */
  async stormAlerts(conversationId: string, rule: string, generation: number, limit: number): Promise<{ total: number; alerts: AlertRecord[] }> {
    const { total, members } = await this.deps.repo.stormMembers(conversationId, rule, generation, limit);
    const alerts = (await Promise.all(members.map((m) => this.deps.repo.get(m.alertId)))).filter((a): a is AlertRecord => a !== undefined);
    return { total, alerts };
  }

  /** What the alert card needs, rendered now (the same input the cards posted to conversations get). */
  cardInput(record: AlertRecord, audience?: AlertCardAudience): Promise<AlertCardInput> {
    return this.deps.publisher.cardInput(record, audience);
  }

  /** On call adds notes, runbook, mention and its buttons to the alert's cards. */
  useCardExtras(source: AlertCardExtrasSource): void {
    this.deps.publisher.useExtras(source);
  }

  /** Puts the alert's current cards (with their extras: a new note, someone unreachable) in every conversation again. */
  republish(alertId: string): Promise<void> {
    return this.deps.unitOfWork.run(async () => {
      const record = await this.deps.repo.get(alertId);
      if (record) await this.deps.publisher.publish(record);
    });
  }

  /**
   * The alert after the change. Refused (core/refusal.ts) when there is no such alert, when it is
   * already where the click wants it (double click, stale card), or when Azure Monitor says no.
   */
  acknowledge(alertId: string, user: ActingUser): Promise<AlertRecord> {
    return this.transition(alertId, 'Acknowledged', user);
  }

  close(alertId: string, user: ActingUser): Promise<AlertRecord> {
    return this.transition(alertId, 'Closed', user);
  }

  /** No cards for the alert's rule and target for `hours`; the alert's cards say so. */
  silence(alertId: string, hours: SilenceHours, user: ActingUser): Promise<{ record: AlertRecord; silence: Silence }> {
    const { repo, clock } = this.deps;
    return this.deps.unitOfWork.run(async () => {
      const record = await this.require(alertId);
      const now = clock.now();
      const silence = await repo.addSilence({
        rule: record.rule,
        target: alertTarget(record),
        until: new Date(now.getTime() + hours * 3_600_000).toISOString(),
        createdBy: user.name,
        createdAt: now.toISOString(),
      });
      const updated = { ...record, version: record.version + 1 };
      await repo.save(updated);
      await this.deps.publisher.publish(updated);
      return { record: updated, silence };
    });
  }

  /**
   * Ends silence `id` now: the alerts of its rule and target get cards again, and the cards of
   * the open ones among them stop saying "silenced" (put in every conversation again, in the same
   * unit of work). Returns the silence as it was; undefined when it is not in force (ended
   * already, expired, or unknown): nothing changes then. Audited by the caller, as `silence` is
   * (the card action's dispatch).
   */
  endSilence(id: number): Promise<Silence | undefined> {
    const { repo, clock } = this.deps;
    return this.deps.unitOfWork.run(async () => {
      const ended = await repo.endSilence(id, clock.now().toISOString());
      if (!ended) return undefined;
      for (const record of await this.openCoveredBy(ended)) {
        // One that arrived while silenced has no card: Azure Monitor will not send it again, so it gets its cards now
        // (release routes it as if it had just arrived, and updates the cards it has). The others: their cards drop the silence.
        const carded = record.monitorCondition === 'Fired' ? ((await this.deps.release?.(record.alertId)) ?? 0) : 0;
        if (carded === 0) await this.deps.publisher.publish(record);
      }
      return ended;
    });
  }

  /**
   * The open alerts a silence covers: its rule on its target. The target is an alert's device,
   * else its first resource (alertTarget): the device filter finds the first kind exactly; the
   * second kind is looked for among the rule's open alerts (worst and newest first, at most
   * COVERED_ALERTS_LIMIT of them).
   */
  private async openCoveredBy({ rule, target }: Silence): Promise<AlertRecord[]> {
    const { repo } = this.deps;
    const onDevice = await repo.listOpen({ ...EMPTY_FILTER, rules: [rule], devices: [target] }, COVERED_ALERTS_LIMIT);
    const candidates = onDevice.length > 0 ? onDevice : await repo.listOpen({ ...EMPTY_FILTER, rules: [rule] }, COVERED_ALERTS_LIMIT);
    return candidates.filter((a) => a.rule === rule && alertTarget(a) === target);
  }

  private async transition(alertId: string, to: AlertStateChange, user: ActingUser): Promise<AlertRecord> {
    const { repo, clock } = this.deps;
    const before = await this.require(alertId);
    refuseIfDone(before, to);
    const who = user.upn ? `${user.name} (${user.upn})` : user.name;
    // The source system first: if Azure refuses, the card must not claim otherwise.
    try {
      await this.deps.stateClient.changeState(before.alertId, to, `${to} from Microsoft Teams by ${who} via FleetOps`);
    } catch (error) {
      if (error instanceof AlertStateError) throw new Refusal('alert_source_refused', { alertId: before.alertId, reason: error.message });
      throw error;
    }
    return this.deps.unitOfWork.run(async (): Promise<AlertRecord> => {
      const current = await this.require(alertId);
      // Another click (on this replica or another) may have got here first.
      refuseIfDone(current, to);
      const at = clock.now().toISOString();
      const updated: AlertRecord =
        to === 'Acknowledged'
          ? { ...current, state: 'Acknowledged', acknowledgedBy: user.name, acknowledgedAt: at, version: current.version + 1 }
          : { ...current, state: 'Closed', closedBy: user.name, closedAt: at, version: current.version + 1 };
      if (!(await repo.replace(updated, current.version))) {
        refuseIfDone(await this.require(alertId), to);
        throw new Refusal('alert_changed_meanwhile', { alertId: current.alertId });
      }
      await this.deps.publisher.publish(updated);
      return updated;
    });
  }

  private async require(alertId: string): Promise<AlertRecord> {
    const record = await this.deps.repo.get(alertId);
    if (!record) throw new Refusal('alert_not_found', { alertId });
    return record;
  }
}

/** Refuses when the alert is already where the click wants it (a double click, a stale card), naming who and when. */
function refuseIfDone(record: AlertRecord, to: AlertStateChange): void {
  if (record.state === 'Closed') throw new Refusal('alert_already_closed', { alertId: record.alertId, by: record.closedBy, at: record.closedAt });
  if (to === 'Acknowledged' && record.state === 'Acknowledged')
    throw new Refusal('alert_already_acknowledged', { alertId: record.alertId, by: record.acknowledgedBy, at: record.acknowledgedAt });
}
