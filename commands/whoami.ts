import { noArguments, type CommandSpec } from './spec';

export const whoamiCommand: CommandSpec<void> = {
  name: 'whoami',
  summary: 'Show who I think you are and your role',
  usage: 'whoami',
  examples: ['whoami'],
  role: 'viewer',
  parse: noArguments('`whoami` takes no arguments.'),
  async run(ctx) {
    const { actor } = ctx;
    const upn = actor.upn ? ` (${actor.upn})` : '';
    await ctx.reply(`You are **${actor.name}**${upn}, id \`${actor.id}\`, role **${actor.role}**.`);
  },
};
