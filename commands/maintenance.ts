import { SILENCE_SCHEDULE_EXAMPLE } from '../core/oncall/maintenance';
import { currentOrNext, describeWindow } from '../core/oncall/window';
import { formatLocal } from '../core/oncall/zoned-time';
import { parseError, parsed, type CommandSpec as Spec, type ParseResult } from './spec';
import { UserError } from './user-error';
import type { Clock } from '../core/clock';
import type { OnCallService } from '../core/oncall/service';

/** What `silence schedule` uses (the oncall feature's services). */
interface MaintenanceServices {
  readonly oncall: OnCallService;
  readonly clock: Clock;
}
type CommandSpec<Args = unknown> = Spec<Args, MaintenanceServices>;

type ScheduleArgs = { kind: 'add'; text: string } | { kind: 'list' } | { kind: 'remove'; id: number };

function parseScheduleArgs(input: string): ParseResult<ScheduleArgs> {
  const text = input.trim();
  if (text === '' || text === 'list') return parsed({ kind: 'list' });
  const remove = /^remove\s+#?(\d+)$/.exec(text);
  if (remove) return parsed({ kind: 'remove', id: Number(remove[1]) });
  if (/^remove\b/.test(text)) return parseError('Say which window: `silence schedule remove 2` (`silence schedule` lists them).');
  return parsed({ kind: 'add', text });
}

/**
 * Maintenance windows: scheduled silences, one-off or recurring, in a time zone. Alerts inside
 * are stored and listed but get no card and no page.
 */
export const silenceScheduleCommand: CommandSpec<ScheduleArgs> = {
  name: 'silence schedule',
  aliases: ['maintenance'],
  summary: 'Maintenance windows: no cards or pages for matching alerts inside them (list, add, remove)',
  usage: 'silence schedule [<filter>] <day> <HH:MM-HH:MM> <time zone> [weekly|daily|once] | silence schedule | silence schedule remove <id>',
  examples: [SILENCE_SCHEDULE_EXAMPLE, 'silence schedule site:paris 2026-12-12 22:00-02:00 Europe/Paris', 'silence schedule', 'silence schedule remove 2'],
  role: 'operator',
  sideEffects: true,
  parse: parseScheduleArgs,
  async run(ctx, args) {
    const service = ctx.services.oncall;
    if (!service) throw new UserError('Maintenance windows are not set up in this bot (the oncall feature did not start); ask an admin to check the logs.');
    const now = ctx.services.clock.now();
    if (args.kind === 'list') {
      const windows = await service.maintenanceWindows();
      if (windows.length === 0) {
        await ctx.reply(`No maintenance windows. Add one: \`${SILENCE_SCHEDULE_EXAMPLE}\`.`);
        return;
      }
      const lines = windows.map((w) => {
        const next = currentOrNext(w.window, now);
        const when = !next
          ? 'over'
          : next.start.getTime() <= now.getTime()
            ? `**in progress** until ${formatLocal(next.end, w.window.timeZone)}`
            : `next ${formatLocal(next.start, w.window.timeZone)}`;
        return `- #${w.id} ${w.filter ? `\`${w.filter}\`` : 'all alerts'}: ${describeWindow(w.window)} — ${when} (by ${w.createdBy})`;
      });
      await ctx.reply(`Maintenance windows (alerts inside are stored and listed, not carded or paged):\n\n${lines.join('\n')}`);
      return;
    }
    if (args.kind === 'remove') {
      const removed = await service.removeMaintenanceWindow(args.id);
      if (!removed) throw new UserError(`There is no maintenance window #${args.id}; \`silence schedule\` lists them.`);
      await ctx.reply(`Maintenance window #${args.id} (${describeWindow(removed.window)}) is removed.`);
      return;
    }
    const added = await service.scheduleSilence(args.text, ctx.actor);
    const next = currentOrNext(added.window, now);
    await ctx.reply(
      `Maintenance window #${added.id}: ${added.filter ? `alerts matching \`${added.filter}\`` : 'all alerts'}, ${describeWindow(added.window)}` +
        `${next ? `; ${next.start.getTime() <= now.getTime() ? 'in progress now' : `next from ${formatLocal(next.start, added.window.timeZone)}`}` : ''}. Alerts inside get no card or page; those still firing at its end are posted then.`,
    );
  },
};
