import type { CommandSpec, CardActionSpec } from '../commands/spec';
import { helpCommand } from '../commands/help';
import { whoamiCommand } from '../commands/whoami';
import { subscribeCommand, subscriptionsCommand, unsubscribeCommand, type FilterValidator } from '../commands/subscriptions';
import { auditCommand } from '../commands/audit';
import { deliveryCommand } from '../commands/delivery';
import type { Feature } from './features/feature';

/** The foundation's commands, then each feature's, in the order help lists them. */
export function foundationCommands(validate: FilterValidator): CommandSpec[] {
  return [helpCommand, whoamiCommand, subscribeCommand(validate), unsubscribeCommand, subscriptionsCommand, auditCommand, deliveryCommand];
}

export function collectCommands(features: readonly Feature[]): { commands: CommandSpec[]; actions: CardActionSpec[] } {
  const validators = new Map(features.flatMap((f) => (f.validateSubscriptionFilter ? [[f.validateSubscriptionFilter.topic, f.validateSubscriptionFilter.validate] as const] : [])));
  const validate: FilterValidator = (topic, filter) => validators.get(topic)?.(filter);
  const [help, ...rest] = foundationCommands(validate);
  return {
    commands: [help!, ...features.flatMap((f) => f.commands ?? []), ...rest],
    actions: features.flatMap((f) => f.actions ?? []),
  };
}
