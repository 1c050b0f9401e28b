import { alertListCard } from '../cards/alert-list';
import { alertCard, ALERT_VERBS } from '../cards/alert';
import type { AdaptiveCard } from '../cards/card';
import { SILENCE_VERBS, silencesCard } from '../cards/silences';
import { parseAlertFilter, type AlertFilter } from '../core/alerts/filter';
import type { AlertRecord } from '../core/alerts/alert';
import type { AlertService } from '../core/alerts/service';
import { SILENCE_DURATIONS_HOURS, type SilenceHours } from '../core/alerts/silence';
import type { TurnContext as Turn } from './context';
import {
  noArguments,
  parseError,
  parsed,
  parseRefused,
  rowIdData,
  type CardActionResult,
  type CardActionSpec as ActionSpec,
  type CommandSpec as Spec,
} from './spec';
import { Refusal } from '../core/refusal';
import { timelineText, withRecordSteps } from './alert-timeline';
import type { Clock } from '../core/clock';
import type { OnCallService } from '../core/oncall/service';

/** What the alert commands use (the alerts feature's services; on call's timeline when the bot has it). */
export interface AlertServices {
  readonly alerts: AlertService;
  readonly clock: Clock;
  readonly oncall?: Pick<OnCallService, 'timeline'>;
}
type TurnContext = Turn<AlertServices>;
type CommandSpec<Args = unknown> = Spec<Args, AlertServices>;
type CardActionSpec<Data = unknown> = ActionSpec<Data, AlertServices>;

function alertsOf(ctx: TurnContext): AlertService {
  return ctx.services.alerts;
}

export const alertsCommand: CommandSpec<{ filter: AlertFilter; text: string }> = {
  name: 'alerts',
  summary: 'List open alerts, worst first',
  usage: 'alerts [sev<=N] [device]',
  examples: ['alerts', 'alerts sev<=1', 'alerts device-42', 'alerts sev<=2 site:berlin'],
  role: 'viewer',
  parse(input) {
    const result = parseAlertFilter(input, { bareWordsAreDevices: true });
    return result.ok ? parsed({ filter: result.filter, text: input }) : parseRefused(result.refusal);
  },
  async run(ctx, { filter, text }) {
    const service = alertsOf(ctx);
    const { alerts, total } = await service.listOpen(filter, 40);
    if (total === 0) {
      await ctx.reply(text ? `No open alerts match \`${text}\`.` : 'No open alerts. 🎉');
      return;
    }
    await ctx.reply(
      alertListCard({
        title: `Open alerts${text ? ` matching ${text}` : ''}: ${total}`,
        alerts,
        total,
        narrowHint: 'narrow it with sev<=N, a device or site:NAME',
        now: ctx.services.clock.now(),
      }),
    );
  },
};

export const alertCommand: CommandSpec<string> = {
  name: 'alert',
  summary: 'Show one alert with its buttons',
  usage: 'alert <id>',
  examples: ['alert 6f1c2a34-…', 'alert offline-device-42-20260101T0000'],
  role: 'viewer',
  parse: (input) => (input.trim() ? parsed(input.trim()) : parseError('Say which alert: `alert <id>` (cards and `alerts` show the id).')),
  async run(ctx, id) {
    const service = alertsOf(ctx);
    const record = await service.get(id);
    if (!record) throw new Refusal('alert_not_found', { alertId: id });
    await ctx.reply(alertCard(await service.cardInput(record)));
    const timeline = await ctx.services.oncall?.timeline.list(record.alertId);
    if (timeline && timeline.length > 0) await ctx.reply(timelineText(withRecordSteps(timeline, record)));
  },
};

export const silencesCommand: CommandSpec<void> = {
  name: 'silences',
  summary: 'List active alert silences (rule and target, until when, who), each with an End silence button',
  usage: 'silences',
  examples: ['silences'],
  role: 'viewer',
  parse: noArguments('`silences` takes no arguments.'),
  async run(ctx) {
    await ctx.reply(silencesCard({ silences: await alertsOf(ctx).silences() }));
  },
};

const idData = (data: Record<string, unknown>) =>
  typeof data.id === 'string' && data.id.length > 0 && data.id.length <= 1000 ? parsed({ id: data.id }) : parseError('the alert id is missing');

/**
 * The alert card as it is now in this turn's conversation (the mention, when it is the one
 * paging), for this reader when `reader` is given, with `notice` on top when the click changed
 * nothing: the answer to a click or a refresh. Undefined when the alert no longer exists.
 */
export async function alertCardFor(
  ctx: Turn<Pick<AlertServices, 'alerts'>>,
  alertId: string,
  options: { reader?: { canAct: boolean; onCall: boolean }; notice?: string } = {},
): Promise<AdaptiveCard | undefined> {
  const alerts = ctx.services.alerts;
  const record = await alerts.get(alertId);
  if (!record) return undefined;
  const { reader, notice } = options;
  return alertCard(await alerts.cardInput(record, { conversationId: ctx.conversation.conversationId, ...(reader ? { reader } : {}) }), { notice });
}

/**
 * The answer to a refused click on an alert card (Acknowledge, Close, Silence here; Escalate and
 * Reassign… in oncall-alert.ts): someone was first, Azure Monitor said no, nobody is paged any
 * more… The clicker's card becomes the alert as it is now, with dispatch's line on top. A click
 * on an alert that no longer exists gets the line alone (there is no card to show).
 */
export const currentCardWith = (ctx: Turn<Pick<AlertServices, 'alerts'>>, alertId: string, refused: { readonly line: string }) =>
  alertCardFor(ctx, alertId, { notice: refused.line });

/** The changed alert's card for the clicker; a refusal (already done, Azure said no) reaches them through dispatch and `afterRefusal`. */
async function act(ctx: TurnContext, work: (service: AlertService) => Promise<AlertRecord>): Promise<CardActionResult> {
  const service = alertsOf(ctx);
  // The answer updates the clicked card in place: in the conversation that pages, it keeps its mention.
  return { card: alertCard(await service.cardInput(await work(service), { conversationId: ctx.conversation.conversationId })) };
}

const user = (ctx: TurnContext) => ({ name: ctx.actor.name, upn: ctx.actor.upn });

export const acknowledgeAction: CardActionSpec<{ id: string }> = {
  verb: ALERT_VERBS.acknowledge,
  role: 'operator',
  sideEffects: true,
  parse: idData,
  run: (ctx, { id }) => act(ctx, (s) => s.acknowledge(id, user(ctx))),
  afterRefusal: (ctx, { id }, refused) => currentCardWith(ctx, id, refused),
};

export const closeAction: CardActionSpec<{ id: string }> = {
  verb: ALERT_VERBS.close,
  role: 'operator',
  sideEffects: true,
  parse: idData,
  run: (ctx, { id }) => act(ctx, (s) => s.close(id, user(ctx))),
  afterRefusal: (ctx, { id }, refused) => currentCardWith(ctx, id, refused),
};

export const silenceAction: CardActionSpec<{ id: string; hours: SilenceHours }> = {
  verb: ALERT_VERBS.silence,
  role: 'operator',
  sideEffects: true,
  parse(data) {
    const id = idData(data);
    if (!id.ok) return id;
    const hours = Number(data.hours);
    if (!(SILENCE_DURATIONS_HOURS as readonly number[]).includes(hours)) return parseError(`silences last ${SILENCE_DURATIONS_HOURS.join(', ')} hours`);
    return parsed({ id: id.value.id, hours: hours as SilenceHours });
  },
  run: (ctx, { id, hours }) => act(ctx, async (s) => (await s.silence(id, hours, user(ctx))).record),
  afterRefusal: (ctx, { id }, refused) => currentCardWith(ctx, id, refused),
};

/**
 * The End silence button of a `silences` card row: ends that silence now, with the role the
 * alert card's Silence button needs, and answers with the updated card saying who ended which.
 */
export const endSilenceAction: CardActionSpec<{ id: number }> = {
  verb: SILENCE_VERBS.end,
  role: silenceAction.role,
  sideEffects: true,
  parse: rowIdData('silence'),
  async run(ctx, { id }) {
    const service = alertsOf(ctx);
    const ended = await service.endSilence(id);
    // Ended already (another click, another replica), over by itself, or unknown: the card as it is now is the answer.
    if (!ended) return { card: silencesCard({ silences: await service.silences() }), noop: `silence ${id} is not in force (ended, expired or unknown)` };
    return { card: silencesCard({ silences: await service.silences(), ended: { by: ctx.actor.name, silence: ended } }) };
  },
};

export const listStormAction: CardActionSpec<{ rule: string; generation: number }> = {
  verb: ALERT_VERBS.list,
  role: 'viewer',
  parse(data) {
    const generation = Number(data.generation);
    if (typeof data.rule !== 'string' || !data.rule || !Number.isInteger(generation) || generation < 1) return parseError('the storm is not named');
    return parsed({ rule: data.rule, generation });
  },
  async run(ctx, { rule, generation }) {
    const service = alertsOf(ctx);
    // Only the storms of the conversation the button is in: the id comes from the activity, not the button.
    const { total, alerts } = await service.stormAlerts(ctx.conversation.conversationId, rule, generation, 40);
    if (total === 0) return { message: 'That storm has no alerts in this conversation any more.' };
    return {
      card: alertListCard({
        title: `${rule}: ${total} alerts in this storm`,
        alerts,
        total,
        narrowHint: '`alerts sev<=N <device>` narrows the list',
        now: ctx.services.clock.now(),
      }),
    };
  },
};

export const ALERT_COMMANDS: readonly CommandSpec[] = [alertsCommand, alertCommand, silencesCommand];
export const ALERT_ACTIONS: readonly CardActionSpec[] = [acknowledgeAction, closeAction, silenceAction, endSilenceAction, listStormAction];
