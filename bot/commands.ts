import type { CommandSpec, CardActionSpec } from '../commands/spec';
import { helpCommand } from '../commands/help';
import { whoamiCommand } from '../commands/whoami';
import { subscribeCommand, subscriptionsCommand, unsubscribeCommand, type FilterValidator } from '../commands/subscriptions';
import { auditCommand } from '../commands/audit';
import { deliveryCommand } from '../commands/delivery';
import type { Feature, FeatureModule } from './features/feature';
import { FEATURE_MODULES } from './features';

/** The foundation's commands, then each feature's, in the order help lists them. */
export function foundationCommands(validate: FilterValidator): CommandSpec[] {
  return [helpCommand, whoamiCommand, subscribeCommand(validate), unsubscribeCommand, subscriptionsCommand, auditCommand, deliveryCommand];
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

export interface GroupedCommand {
  readonly command: CommandSpec;
  readonly group: string;
}

/** Every command and card action: the foundation's and each feature module's (declared statically, or by the built feature). */
export function collectCommands(
  modules: readonly FeatureModule[],
  features: readonly Feature[] = [],
): { commands: GroupedCommand[]; actions: CardActionSpec[] } {
  const validators = new Map(
    features.flatMap((f) => (f.validateSubscriptionFilter ? [[f.validateSubscriptionFilter.topic, f.validateSubscriptionFilter.validate] as const] : [])),
  );
  const validate: FilterValidator = (topic, filter) => validators.get(topic)?.(filter);
  const [help, ...rest] = foundationCommands(validate);
  const seen = new Set<CommandSpec>();
  const grouped: GroupedCommand[] = [{ command: help!, group: 'Getting started' }];
  for (const m of modules) {
    const built = features.find((f) => f.name === m.name);
    for (const command of [...(m.commands ?? []), ...(built?.commands ?? [])]) {
      if (seen.has(command)) continue;
      seen.add(command);
      grouped.push({ command, group: GROUP_TITLES[m.name] ?? m.name });
    }
  }
  for (const command of rest) grouped.push({ command, group: 'This conversation and you' });
  const actions = [...new Set([...modules.flatMap((m) => m.actions ?? []), ...features.flatMap((f) => f.actions ?? [])])];
  return { commands: grouped, actions };
}

/** The registry's commands without starting anything: the single source of help, docs and the Teams manifest. */
export function allCommandSpecs(modules: readonly FeatureModule[] = FEATURE_MODULES): readonly CommandSpec[] {
  return collectCommands(modules).commands.map((c) => c.command);
}
