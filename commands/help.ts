import { commandHelpCard, helpCard, type HelpEntry } from '../cards/help';
import { parsed, type CommandSpec } from './spec';
import type { CommandRegistry } from './registry';
import { helpForUnknown } from './help-text';

export const toHelpEntry = (c: CommandSpec, group?: string): HelpEntry => ({
  group,
  name: c.name,
  usage: c.usage,
  summary: c.summary,
  examples: c.examples,
  aliases: c.aliases ?? [],
  role: c.role,
});

export const helpCommand: CommandSpec<{ topic?: string }> = {
  name: 'help',
  aliases: ['?', 'commands'],
  summary: 'List the commands, or explain one',
  usage: 'help [command]',
  examples: ['help', 'help status', 'help rollout plan'],
  role: 'viewer',
  parse: (input) => parsed({ topic: input || undefined }),
  async run(ctx, { topic }) {
    const registry: CommandRegistry = ctx.services.registry;
    if (!topic) {
      await ctx.reply(helpCard({ entries: registry.list().map((c) => toHelpEntry(c, registry.groupOf(c))), userRole: ctx.actor.role }));
      return;
    }
    const resolved = registry.resolve(topic);
    if (!resolved) {
      await ctx.reply(helpForUnknown(registry, topic));
      return;
    }
    await ctx.reply(commandHelpCard(toHelpEntry(resolved.command)));
  },
};
