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

/** Every command and card action: the foundation's and each feature module's (declared statically, or by the built feature). */
export function collectCommands(modules: readonly FeatureModule[], features: readonly Feature[] = []): { commands: CommandSpec[]; actions: CardActionSpec[] } {
  const validators = new Map(features.flatMap((f) => (f.validateSubscriptionFilter ? [[f.validateSubscriptionFilter.topic, f.validateSubscriptionFilter.validate] as const] : [])));
  const validate: FilterValidator = (topic, filter) => validators.get(topic)?.(filter);
  const [help, ...rest] = foundationCommands(validate);
  const unique = <T>(items: T[]) => [...new Set(items)];
  return {
    commands: [help!, ...unique([...modules.flatMap((m) => m.commands ?? []), ...features.flatMap((f) => f.commands ?? [])]), ...rest],
    actions: unique([...modules.flatMap((m) => m.actions ?? []), ...features.flatMap((f) => f.actions ?? [])]),
  };
}

/** The registry's commands without starting anything: the single source of help, docs and the Teams manifest. */
export function allCommandSpecs(modules: readonly FeatureModule[] = FEATURE_MODULES): readonly CommandSpec[] {
  return collectCommands(modules).commands;
}
