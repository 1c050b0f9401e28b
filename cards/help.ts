import { card, type AdaptiveCard, type CardElement } from './card';

export interface HelpEntry {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly examples: readonly string[];
  readonly aliases: readonly string[];
  readonly role: string;
}

export interface HelpViewModel {
  readonly entries: readonly HelpEntry[];
  readonly userRole: string;
}

/** The `help` card: every command with its first example; what needs a higher role is marked. */
export function helpCard(vm: HelpViewModel): AdaptiveCard {
  const rows: CardElement[] = vm.entries.map((entry) => ({
    type: 'Container',
    spacing: 'Small',
    items: [
      { type: 'TextBlock', text: entry.usage, fontType: 'Monospace', weight: 'Bolder', size: 'Small', wrap: true },
      { type: 'TextBlock', text: entry.summary + (entry.role !== 'viewer' ? ` _(${entry.role})_` : ''), wrap: true, size: 'Small', isSubtle: true, spacing: 'None' },
    ],
  }));
  return card([
    { type: 'TextBlock', text: 'FleetOps commands', size: 'Large', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: `You are a **${vm.userRole}**. Type \`help <command>\` for details and examples.`, wrap: true, isSubtle: true, spacing: 'None' },
    ...rows,
  ]);
}

/** `help <command>`: usage, summary, aliases, the role needed and every example. */
export function commandHelpCard(entry: HelpEntry): AdaptiveCard {
  const facts = [
    { title: 'Usage', value: entry.usage },
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
