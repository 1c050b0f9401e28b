import { onCallMentionCard, ONCALL_VERBS } from '../cards/oncall-page';
import { teamsUserIds } from '../cards/refresh-users';
import { hasRole } from '../core/access/roles';
import { isActor } from '../core/oncall/service';
import type { AppConfig } from '../core/config/config';
import type { Clock } from '../core/clock';
import type { AlertService } from '../core/alerts/service';
import type { Escalator } from '../core/oncall/escalator';
import type { OnCallService } from '../core/oncall/service';
import type { AdaptiveCard } from '../cards/card';
import { runbookOf } from '../core/oncall/paging';
import { NOTES_ON_CARD, noteProblem } from '../core/oncall/timeline';
import type { TurnContext as Turn } from './context';
import { parseError, parsed, type CardActionResult, type CardActionSpec as ActionSpec, type CommandSpec as Spec } from './spec';
import { UserError } from './user-error';

/** Notes and Escalate on an alert: commands and the buttons of the on-call mention card. */

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

async function alertIdOf(ctx: TurnContext, id: string): Promise<string> {
  const record = await paging(ctx).alerts.get(id);
  if (!record) throw new UserError(`There is no alert \`${id}\`. \`alerts\` lists the open ones with their ids.`);
  return record.alertId;
}

async function addNote(ctx: TurnContext, alertId: string, text: string): Promise<void> {
  const problem = noteProblem(text);
  if (problem) throw new UserError(problem);
  await paging(ctx).oncall.timeline.append({ alertId, at: ctx.services.clock.now().toISOString(), kind: 'note', actor: ctx.actor.name, detail: text.trim() });
}

/** What the mention card is built from (a turn's services, or the feature's). */
export type MentionSources = Pick<PagingServices, 'oncall' | 'alerts' | 'config'>;

/** The mention card as it is now (notes, the rotation's people), shared or for one reader. */
export async function mentionCardFor(
  sources: MentionSources,
  alertId: string,
  reader?: { canAct: boolean; onCall: boolean },
): Promise<AdaptiveCard | undefined> {
  const { oncall, alerts, config } = sources;
  const record = await alerts.get(alertId);
  const state = await oncall.escalations.get(alertId);
  if (!record || !state) return undefined;
  const notes = await oncall.timeline.notes(alertId, NOTES_ON_CARD);
  const rotation = await oncall.onCall(state.rotation).catch(() => undefined);
  const people = rotation
    ? [
        ...rotation.rotation.members,
        ...(rotation.rotation.secondaries ?? []),
        ...(rotation.rotation.escalationTarget ? [rotation.rotation.escalationTarget] : []),
      ]
    : state.pages.map((p) => p.member);
  const members = people.filter((m, i) => people.findIndex((o) => o.id.toLowerCase() === m.id.toLowerCase()) === i);
  return onCallMentionCard({
    alertId,
    title: record.rule,
    severity: record.severity,
    rotation: state.rotation,
    member: state.pages[0]!.member,
    role: 'on call',
    runbookUrl: runbookOf(record, oncall.runbooks),
    notes: { count: notes.count, latest: notes.latest.map((n) => ({ actor: n.actor, at: n.at, text: n.detail ?? '' })) },
    members,
    refreshUserIds: teamsUserIds([...members.map((m) => m.id), ...config.roles.operators, ...config.roles.releaseLeads, ...config.roles.admins]),
    reader,
  });
}

const mentionCardOf = (ctx: TurnContext, alertId: string) => mentionCardFor(ctx.services, alertId);

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
    await ctx.reply(await paging(ctx).escalator.escalate(await alertIdOf(ctx, id), ctx.actor.name));
  },
};

const idData = (data: Record<string, unknown>) => (typeof data.id === 'string' && data.id ? parsed(data.id) : parseError('no alert id'));

export const oncallNoteAction: CardActionSpec<{ id: string; note: string }> = {
  verb: ONCALL_VERBS.note,
  role: 'operator',
  sideEffects: true,
  parse: (data) =>
    typeof data.id === 'string' && typeof data.note === 'string' ? parsed({ id: data.id, note: data.note }) : parseError('no alert id or note'),
  async run(ctx, { id, note }): Promise<CardActionResult> {
    await addNote(ctx, id, note);
    const card = await mentionCardOf(ctx, id);
    return card ? { card } : { message: 'Note added.' };
  },
};

export const oncallEscalateAction: CardActionSpec<string> = {
  verb: ONCALL_VERBS.escalate,
  role: 'operator',
  sideEffects: true,
  parse: idData,
  async run(ctx, id): Promise<CardActionResult> {
    return { message: await paging(ctx).escalator.escalate(id, ctx.actor.name) };
  },
};

export const oncallReassignAction: CardActionSpec<{ id: string; member: string }> = {
  verb: ONCALL_VERBS.reassign,
  role: 'operator',
  sideEffects: true,
  parse: (data) =>
    typeof data.id === 'string' && typeof data.member === 'string' && data.member
      ? parsed({ id: data.id, member: data.member })
      : parseError('no alert id or person'),
  async run(ctx, { id, member }): Promise<CardActionResult> {
    const { oncall, escalator } = paging(ctx);
    const state = await oncall.escalations.get(id);
    const rotation = state ? await oncall.onCall(state.rotation).catch(() => undefined) : undefined;
    const people = rotation
      ? [
          ...rotation.rotation.members,
          ...(rotation.rotation.secondaries ?? []),
          ...(rotation.rotation.escalationTarget ? [rotation.rotation.escalationTarget] : []),
        ]
      : [];
    const person = people.find((p) => p.id.toLowerCase() === member.toLowerCase());
    if (!person) return { message: `${member} is not in this alert's rotation; Reassign… offers its people.` };
    return { message: await escalator.reassign(id, person, ctx.actor.name) };
  },
};

/** Universal Actions refresh: each reader sees the buttons their role allows, and the one on call is told so. */
export const oncallRefreshAction: CardActionSpec<string> = {
  verb: ONCALL_VERBS.refresh,
  role: 'viewer',
  parse: idData,
  async run(ctx, id): Promise<CardActionResult> {
    const state = await ctx.services.oncall.escalations.get(id);
    const onCall = state !== undefined && isActor(state.pages[Math.max(0, state.nextPage - 1)]?.member ?? state.pages[0]!.member, ctx.actor);
    const card = await mentionCardFor(ctx.services, id, { canAct: hasRole(ctx.actor.role, 'operator'), onCall });
    return card ? { card } : { message: 'This alert is no longer paged.' };
  },
};
