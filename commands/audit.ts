import { parseError, parsed, type CommandSpec } from './spec';

export const auditCommand: CommandSpec<{ limit: number }> = {
  name: 'audit',
  summary: 'Show the latest state changes: who did what, when, and how it ended',
  usage: 'audit [n]',
  examples: ['audit', 'audit 50'],
  role: 'release-lead',
  parse(input) {
    if (!input) return parsed({ limit: 20 });
    const n = Number(input);
    return Number.isInteger(n) && n >= 1 && n <= 200 ? parsed({ limit: n }) : parseError('Give a number of entries between 1 and 200.');
  },
  async run(ctx, { limit }) {
    const entries = await ctx.services.audit.latest(limit);
    if (entries.length === 0) {
      await ctx.reply('The audit log is empty.');
      return;
    }
    const lines = entries.map(
      (e) =>
        `- ${e.at.slice(0, 19).replace('T', ' ')} UTC **${e.actorName}** (${e.role}) \`${e.action}\`${e.target ? ` ${e.target}` : ''} → ${e.outcome}${e.code ? ` (${e.code})` : ''}${e.detail ? ` — ${e.detail}` : ''}`,
    );
    await ctx.reply(`Latest ${entries.length} audit entries:\n\n${lines.join('\n')}`);
  },
};
