import type { LogsClient } from '../../core/ports/logs';
import { rolloutGateAlertCard, rolloutProgressCard } from '../../cards/rollout-progress';
import { fmt } from '../../cards/rollout-format';
import type { Logger } from '../../core/logger';
import type { EventCards } from '../../core/notifications/broadcaster';
import type { OutboundMessage } from '../../core/notifications/notifier';
import { describeState } from '../../core/rollouts/actions';
import type { RolloutEvent } from '../../core/rollouts/events';
import { ROLLOUT_TOPIC } from '../../core/rollouts/topic';
import { kqlString } from '../../core/text/kql-string';

export type LogTail = (deviceIds: readonly string[]) => Promise<Map<string, string[]>>;

export interface RolloutCardOptions {
  /** Teams users who get the card refreshed for them (release leads and admins see Approve and Resume). */
  readonly refreshUserIds?: readonly string[];
  /** The failing devices' last log lines on the gate alert. */
  readonly logTail?: LogTail;
  readonly log?: Logger;
}

/**
 * The rollouts' registration with the broadcaster: a gate breach becomes the on-call alert
 * card (with the failing devices' last log lines when the logs answer), every other event
 * the progress card of the event's view, under the rollout's one key.
 */
export function rolloutEventCards(options: RolloutCardOptions = {}): EventCards<RolloutEvent> {
  return {
    ...ROLLOUT_TOPIC,
    async render(event): Promise<OutboundMessage> {
      if (event.type === 'rollout.gate-breached') return await gateAlert(event, options);
      const { view } = event;
      const t = view.totals;
      return {
        card: rolloutProgressCard(view, { refreshUserIds: options.refreshUserIds }),
        summary: `${view.rollout.id} ${view.rollout.firmware.version}: ${describeState(view.rollout)} (${fmt(t.succeeded)}/${fmt(t.targets)} succeeded)`,
      };
    },
  };
}

async function gateAlert(event: Extract<RolloutEvent, { type: 'rollout.gate-breached' }>, options: RolloutCardOptions): Promise<OutboundMessage> {
  let tails = new Map<string, string[]>();
  try {
    tails = (await options.logTail?.(event.failing.map((d) => d.deviceId))) ?? tails;
  } catch (error) {
    options.log?.warn({ err: String(error), rolloutId: event.rolloutId }, 'no log lines for the gate alert');
  }
  const card = rolloutGateAlertCard({
    view: event.view,
    wave: event.wave,
    gate: event.gate,
    failing: event.failing.map((d) => ({ ...d, logLines: tails.get(d.deviceId) })),
  });
  return { card, summary: `Rollout ${event.rolloutId} paused itself at wave ${event.wave}: ${event.gate.reason ?? 'gate breached'}` };
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
