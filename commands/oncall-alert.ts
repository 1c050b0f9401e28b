import { onCallMentionCard, ONCALL_VERBS } from '../cards/oncall-page';
import type { AdaptiveCard } from '../cards/card';
import { runbookOf } from '../core/oncall/paging';
import { NOTES_ON_CARD, noteProblem } from '../core/oncall/timeline';
import type { TurnContext } from './context';
import { parseError, parsed, type CardActionResult, type CardActionSpec, type CommandSpec } from './spec';
import { UserError } from './user-error';

/** Notes and Escalate on an alert: commands and the buttons of the on-call mention card. */

function paging(ctx: TurnContext) {
  const { oncall, escalator, alerts } = ctx.services;
  if (!oncall || !escalator || !alerts) throw new UserError('On-call paging is not set up in this bot; ask an admin to check the logs.');
  return { oncall, escalator, alerts };
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

/** The mention card as it is now (its notes), for the card-action response. */
async function mentionCardOf(ctx: TurnContext, alertId: string): Promise<AdaptiveCard | undefined> {
  const { oncall, alerts } = paging(ctx);
  const record = await alerts.get(alertId);
  const state = await oncall.escalations.get(alertId);
  if (!record || !state) return undefined;
  const notes = await oncall.timeline.notes(alertId, NOTES_ON_CARD);
  return onCallMentionCard({
    alertId,
    title: record.rule,
    severity: record.severity,
    rotation: state.rotation,
    member: state.pages[0]!.member,
    role: 'on call',
    runbookUrl: runbookOf(record, oncall.runbooks),
    notes: { count: notes.count, latest: notes.latest.map((n) => ({ actor: n.actor, at: n.at, text: n.detail ?? '' })) },
  });
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
    await ctx.reply(await paging(ctx).escalator.escalate(await alertIdOf(ctx, id), ctx.actor.name));
  },
};

const idData = (data: Record<string, unknown>) => (typeof data.id === 'string' && data.id ? parsed(data.id) : parseError('no alert id'));

export const oncallNoteAction: CardActionSpec<{ id: string; note: string }> = {
  verb: ONCALL_VERBS.note,
  role: 'operator',
  sideEffects: true,
  parse: (data) => (typeof data.id === 'string' && typeof data.note === 'string' ? parsed({ id: data.id, note: data.note }) : parseError('no alert id or note')),
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
