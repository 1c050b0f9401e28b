import { card, type AdaptiveCard, type CardElement } from './card';

/** Card renderers treat `<device>` as an HTML tag and drop it: show placeholders as ‹device›. */
const placeholders = (usage: string) => usage.replace(/<([^<>]+)>/g, '‹$1›');

export interface HelpEntry {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly examples: readonly string[];
  readonly aliases: readonly string[];
  readonly role: string;
  /** The area the command belongs to; help lists commands by area. */
  readonly group?: string;
}

export interface HelpViewModel {
  readonly entries: readonly HelpEntry[];
  readonly userRole: string;
}

/**
 * The `help` card: the commands by area, each with its usage and summary; what needs a
 * higher role than viewer is marked.
 */
export function helpCard(vm: HelpViewModel): AdaptiveCard {
  const groups = new Map<string, HelpEntry[]>();
  for (const entry of vm.entries) {
    const group = entry.group ?? 'Commands';
    groups.set(group, [...(groups.get(group) ?? []), entry]);
  }
  const sections: CardElement[] = [...groups].map(([group, entries]) => ({
    type: 'Container',
    spacing: 'Medium',
    separator: true,
    items: [
      { type: 'TextBlock', text: group, weight: 'Bolder', wrap: true },
      ...entries.map((entry) => ({
        type: 'TextBlock',
        // Adaptive Card markdown has no inline code: the usage is bold.
        text: `**${placeholders(entry.usage)}** — ${entry.summary}${entry.role !== 'viewer' ? ` _(${entry.role})_` : ''}`,
        wrap: true,
        size: 'Small',
        spacing: 'Small',
      })),
    ],
  }));
  return card([
    { type: 'TextBlock', text: 'FleetOps commands', size: 'Large', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: `You are a **${vm.userRole}**. Type \`help <command>\` for details and examples.`, wrap: true, isSubtle: true, spacing: 'None' },
    ...sections,
  ]);
}

/** `help <command>`: usage, summary, aliases, the role needed and every example. */
export function commandHelpCard(entry: HelpEntry): AdaptiveCard {
  const facts = [
    { title: 'Usage', value: placeholders(entry.usage) },
    { title: 'Role', value: entry.role },
    ...(entry.aliases.length > 0 ? [{ title: 'Aliases', value: entry.aliases.join(', ') }] : []),
  ];
  return card([
    { type: 'TextBlock', text: entry.name, size: 'Large', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: entry.summary, wrap: true },
    { type: 'FactSet', facts },
    { type: 'TextBlock', text: 'Examples', weight: 'Bolder', spacing: 'Medium' },
    ...entry.examples.map((example) => ({ type: 'TextBlock', text: example, fontType: 'Monospace', wrap: true, spacing: 'Small' })),
  ]);
}
