import type { CardActionSpec, CommandSpec } from '../commands/spec';
import { helpCommand } from '../commands/help';
import { whoamiCommand } from '../commands/whoami';
import { subscribeCommand, subscriptionsCommand, unsubscribeAction, unsubscribeCommand, type FilterValidator } from '../commands/subscriptions';
import { auditCommand } from '../commands/audit';
import { deliveryCommand } from '../commands/delivery';
import type { CommandInfo, Feature } from './features/feature';
import { FEATURE_MODULES } from './features';

/** The foundation's commands, in the order help lists them (help first, the rest after the features'). */
export function foundationCommands(validate: FilterValidator): CommandSpec[] {
  return [helpCommand, whoamiCommand, subscribeCommand(validate), unsubscribeCommand, subscriptionsCommand, auditCommand, deliveryCommand];
}

/** The foundation's card buttons: the Unsubscribe of each `subscriptions` card row. */
export function foundationActions(): CardActionSpec[] {
  return [unsubscribeAction];
}

/** How help titles each feature's commands. */
const GROUP_TITLES: Record<string, string> = {
  fleet: 'Devices',
  logs: 'Logs',
  alerts: 'Alerts',
  oncall: 'On call',
  rollouts: 'Firmware rollouts',
  deployments: 'Deployments',
};

export interface GroupedCommand<C> {
  readonly command: C;
  readonly group: string;
}

/** help, then each feature's commands under its title, then the foundation's others: the order of help and the manifest. */
export function arrangeCommands<C extends CommandInfo>(
  foundation: readonly C[],
  featureCommands: ReadonlyArray<{ readonly feature: string; readonly command: C }>,
): GroupedCommand<C>[] {
  const [help, ...rest] = foundation;
  return [
    ...(help ? [{ command: help, group: 'Getting started' }] : []),
    ...featureCommands.map(({ feature, command }) => ({ command, group: GROUP_TITLES[feature] ?? feature })),
    ...rest.map((command) => ({ command, group: 'This conversation and you' })),
  ];
}

/** The registry's commands without starting anything: the single source of help, docs and the Teams manifest. */
export function allCommandSpecs(features: readonly Feature[] = FEATURE_MODULES): readonly CommandInfo[] {
  const declared = features.flatMap((f) => f.commands.map((command) => ({ feature: f.name, command })));
  return arrangeCommands<CommandInfo>(
    foundationCommands(() => undefined),
    declared,
  ).map((c) => c.command);
}
