import { noArguments, type CommandSpec } from './spec';

/** Delivery health: what is queued and what could not be delivered (the Pipelines app fails silently; we don't). */
export const deliveryCommand: CommandSpec<void> = {
  name: 'delivery',
  summary: 'Show queued proactive messages and any that could not be delivered',
  usage: 'delivery',
  examples: ['delivery'],
  role: 'operator',
  parse: noArguments('`delivery` takes no arguments.'),
  async run(ctx) {
    const health = ctx.services.delivery;
    if (!health) {
      await ctx.reply('Delivery health is not available.');
      return;
    }
    const pending = await health.pendingCount();
    const dead = await health.deadLetters(10);
    const lines = dead.map((d) => `- ${d.at.slice(0, 19).replace('T', ' ')} \`${d.key}\` to ${d.conversationId}: ${d.error}`);
    await ctx.reply(
      `**${pending}** message${pending === 1 ? '' : 's'} waiting to be sent.` +
        (dead.length === 0 ? ' Nothing failed permanently.' : `\n\nCould not deliver (latest ${dead.length}):\n\n${lines.join('\n')}`),
    );
  },
};
