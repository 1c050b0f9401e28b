import { ALERT_VERBS } from '../cards/alert';
import { hasRole } from '../core/access/roles';
import type { AlertService } from '../core/alerts/service';
import type { Clock } from '../core/clock';
import type { AppConfig } from '../core/config/config';
import type { Escalator } from '../core/oncall/escalator';
import { isActor, type OnCallService } from '../core/oncall/service';
import { refuseUnwritableNote } from '../core/oncall/timeline';
import { Refusal } from '../core/refusal';
import { alertCardFor, currentCardWith } from './alerts';
import type { TurnContext as Turn } from './context';
import { parseError, parsed, type CardActionResult, type CardActionSpec as ActionSpec, type CommandSpec as Spec } from './spec';

/** Notes, Escalate, Reassign… and the per-person copy of the alert card: commands and the card's on-call buttons. */

/** What they use: the oncall feature's services and the alerts it needs. */
interface PagingServices {
  readonly oncall: OnCallService;
  readonly escalator: Escalator;
  readonly alerts: AlertService;
  readonly clock: Clock;
  readonly config: AppConfig;
}
type TurnContext = Turn<PagingServices>;
type CommandSpec<Args = unknown> = Spec<Args, PagingServices>;
type CardActionSpec<Data = unknown> = ActionSpec<Data, PagingServices>;

function paging(ctx: TurnContext) {
  return ctx.services;
}

/** The full id of the alert a command or button names (by its full or short id); refused when there is none. */
async function alertIdOf(ctx: TurnContext, id: string): Promise<string> {
  const record = await paging(ctx).alerts.get(id);
  if (!record) throw new Refusal('alert_not_found', { alertId: id });
  return record.alertId;
}

async function addNote(ctx: TurnContext, alertId: string, text: string): Promise<void> {
  refuseUnwritableNote(alertId, text);
  const { oncall, alerts } = paging(ctx);
  await oncall.timeline.append({ alertId, at: ctx.services.clock.now().toISOString(), kind: 'note', actor: ctx.actor.name, detail: text.trim() });
  // Every copy of the card (channel, personal pages' conversations) shows the new note.
  await alerts.republish(alertId);
}

export const alertNoteCommand: CommandSpec<{ id: string; text: string }> = {
  name: 'alert note',
  summary: 'Add a note to an alert’s timeline (what you found or did)',
  usage: 'alert note <id> <text>',
  examples: ['alert note int-1 rebooted the gateway, devices back'],
  role: 'operator',
  sideEffects: true,
  parse: (input) => {
    const [id = '', ...words] = input.trim().split(/\s+/);
    return id && words.length > 0 ? parsed({ id, text: words.join(' ') }) : parseError('Say which alert and the note: `alert note <id> rebooted the gateway`.');
  },
  async run(ctx, { id, text }) {
    const alertId = await alertIdOf(ctx, id);
    await addNote(ctx, alertId, text);
    await ctx.reply(`Note added to \`${id}\`. \`alert ${id}\` shows the timeline.`);
  },
};

export const alertEscalateCommand: CommandSpec<string> = {
  name: 'alert escalate',
  summary: 'Page the next on-call level for an alert now',
  usage: 'alert escalate <id>',
  examples: ['alert escalate int-1'],
  role: 'operator',
  sideEffects: true,
  parse: (input) => (input.trim() ? parsed(input.trim()) : parseError('Say which alert: `alert escalate <id>`.')),
  async run(ctx, id) {
    const paged = await paging(ctx).escalator.escalate(await alertIdOf(ctx, id), ctx.actor.name);
    await ctx.reply(`Escalated to ${paged.name}.`);
  },
};

/** Someone is paged now: the clicker's card as it is now says who (a refusal is dispatch's to word and audit). */
async function answer(ctx: TurnContext, alertId: string, done: string): Promise<CardActionResult> {
  const card = await alertCardFor(ctx, alertId);
  return card ? { card } : { message: done };
}

const idData = (data: Record<string, unknown>) => (typeof data.id === 'string' && data.id ? parsed(data.id) : parseError('no alert id'));

export const oncallNoteAction: CardActionSpec<{ id: string; note: string }> = {
  verb: ALERT_VERBS.note,
  role: 'operator',
  sideEffects: true,
  parse: (data) =>
    typeof data.id === 'string' && typeof data.note === 'string' ? parsed({ id: data.id, note: data.note }) : parseError('no alert id or note'),
  async run(ctx, { id, note }): Promise<CardActionResult> {
    // A card whose alert is gone (or forged data) is refused before anything is stored.
    const alertId = await alertIdOf(ctx, id);
    await addNote(ctx, alertId, note);
    const card = await alertCardFor(ctx, alertId);
    return card ? { card } : { message: 'Note added.' };
  },
};

export const oncallEscalateAction: CardActionSpec<string> = {
  verb: ALERT_VERBS.escalate,
  role: 'operator',
  sideEffects: true,
  parse: idData,
  async run(ctx, id): Promise<CardActionResult> {
    const paged = await paging(ctx).escalator.escalate(id, ctx.actor.name);
    return answer(ctx, id, `Escalated to ${paged.name}.`);
  },
  afterRefusal: (ctx, id, refused) => currentCardWith(ctx, id, refused),
};

export const oncallReassignAction: CardActionSpec<{ id: string; member: string }> = {
  verb: ALERT_VERBS.reassign,
  role: 'operator',
  sideEffects: true,
  parse: (data) =>
    typeof data.id === 'string' && typeof data.member === 'string' && data.member
      ? parsed({ id: data.id, member: data.member })
      : parseError('no alert id or person'),
  async run(ctx, { id, member }): Promise<CardActionResult> {
    // The escalator refuses someone outside the rotation (a picker from before the rotation changed).
    const paged = await paging(ctx).escalator.reassign(id, member, ctx.actor.name);
    return answer(ctx, id, `Reassigned to ${paged.name}: paged now.`);
  },
  afterRefusal: (ctx, { id }, refused) => currentCardWith(ctx, id, refused),
};

/** Universal Actions refresh: each reader sees the buttons their role allows, and the one on call is told so. */
export const oncallRefreshAction: CardActionSpec<string> = {
  verb: ALERT_VERBS.refresh,
  role: 'viewer',
  parse: idData,
  async run(ctx, id): Promise<CardActionResult> {
    const state = await ctx.services.oncall.escalations.get(id);
    // The one being paged now (the last page sent), or the primary before any personal page.
    const current = state?.pages[Math.max(0, state.nextPage - 1)]?.member;
    const onCall = current !== undefined && isActor(current, ctx.actor);
    const card = await alertCardFor(ctx, id, { reader: { canAct: hasRole(ctx.actor.role, 'operator'), onCall } });
    if (!card) throw new Refusal('alert_not_found', { alertId: id });
    return { card };
  },
};
