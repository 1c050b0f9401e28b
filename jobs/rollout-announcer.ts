import type { LogsClient } from '../core/ports/logs';
import { rolloutGateAlertCard, rolloutProgressCard } from '../cards/rollout-progress';
import { fmt } from '../cards/rollout-format';
import type { SubscriptionRepository } from '../core/conversations/subscription';
import type { Logger } from '../core/logger';
import type { Notifier } from '../core/notifications/notifier';
import { rolloutCardKey, rolloutFilterMatches, type RolloutAnnouncer } from '../core/rollouts/announcer';
import type { RolloutEvent } from '../core/rollouts/engine';
import type { Rollout } from '../core/rollouts/model';
import type { RolloutService } from '../core/rollouts/service';
import { describeState } from '../core/rollouts/actions';
import { kqlString } from '../core/text/kql-string';

export type LogTail = (deviceIds: readonly string[]) => Promise<Map<string, string[]>>;

/**
 * Posts rollout cards through the Notifier (durable outbox): the progress card under key
 * `rollout:<id>` (first post sends, later posts update it in place) to the conversation it
 * was planned in and to every conversation subscribed to `rollouts` with a matching filter.
 */
export class NotifierRolloutAnnouncer implements RolloutAnnouncer {
  constructor(
    private readonly service: RolloutService,
    private readonly notifier: Notifier,
    private readonly subscriptions: SubscriptionRepository,
    private readonly options: { refreshUserIds?: readonly string[]; logTail?: LogTail; log?: Logger } = {},
  ) {}

  async progress(rolloutId: string): Promise<void> {
    const view = await this.service.view(rolloutId);
    if (!view) return;
    const card = rolloutProgressCard(view, { refreshUserIds: this.options.refreshUserIds });
    const t = view.totals;
    const summary = `${view.rollout.id} ${view.rollout.firmware.version}: ${describeState(view.rollout)} (${fmt(t.succeeded)}/${fmt(t.targets)} succeeded)`;
    for (const conversationId of await this.recipients(view.rollout))
      await this.notifier.post(conversationId, rolloutCardKey(view.rollout.id), { card, summary });
  }

  async gateBreached(event: Extract<RolloutEvent, { kind: 'gate-breached' }>): Promise<void> {
    const view = await this.service.view(event.rolloutId);
    if (!view) return;
    let tails = new Map<string, string[]>();
    try {
      tails = (await this.options.logTail?.(event.failing.map((d) => d.deviceId))) ?? tails;
    } catch (error) {
      this.options.log?.warn({ err: String(error), rolloutId: event.rolloutId }, 'no log lines for the gate alert');
    }
    const card = rolloutGateAlertCard({
      view,
      wave: event.wave,
      gate: event.gate,
      failing: event.failing.map((d) => ({ ...d, logLines: tails.get(d.deviceId) })),
    });
    const summary = `Rollout ${event.rolloutId} paused itself at wave ${event.wave}: ${event.gate.reason ?? 'gate breached'}`;
    for (const conversationId of await this.recipients(view.rollout)) {
      await this.notifier.post(conversationId, `rollout-alert:${event.rolloutId}:${event.wave}:${view.rollout.version}`, { card, summary });
    }
  }

  private async recipients(rollout: Rollout): Promise<string[]> {
    const ids = new Set<string>();
    if (rollout.conversationId) ids.add(rollout.conversationId);
    for (const sub of await this.subscriptions.listForTopic('rollouts')) if (rolloutFilterMatches(sub.filter, rollout)) ids.add(sub.conversationId);
    return [...ids];
  }
}

/** Last log lines per device from the logs port (Log Analytics or the embedded store). */
export function logsTail(logs: LogsClient, lines = 5): LogTail {
  return async (deviceIds) => {
    const out = new Map<string, string[]>();
    for (const id of deviceIds) {
      if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) continue;
      const result = await logs.query(
        `DeviceLogs | where DeviceId == ${kqlString(id)} | top ${lines} by TimeGenerated desc | project TimeGenerated, Level, Message`,
        {
          timespan: { durationInMs: 24 * 3_600_000 },
          maxRows: lines,
          timeoutInMs: 10_000,
        },
      );
      const rows = result.tables[0]?.rows ?? [];
      out.set(id, rows.map((r) => `${String(r[0] ?? '').slice(11, 19)} ${String(r[1] ?? '')} ${String(r[2] ?? '')}`.trim()).reverse());
    }
    return out;
  };
}
