import * as botCommands from '../bot/commands';
import type { CommandSpec } from '../commands/spec';
import { alertsCommand } from '../commands/alerts';
import { deploymentsCommand } from '../commands/deployments';
import { devicesCommand } from '../commands/devices';
import { fleetCommand } from '../commands/fleet';
import { logsCommand } from '../commands/logs';
import { rolloutPlanCommand, rolloutsCommand } from '../commands/rollouts';
import { statusCommand } from '../commands/status';

/**
 * The command registry's specs: the single source of the manifest's command menu.
 * `allCommandSpecs()` from bot/commands.ts when it exists; until then the foundation's
 * commands plus the feature commands that can be imported without starting anything.
 */
export function registryCommandSpecs(): readonly CommandSpec[] {
  const fromRegistry = (botCommands as { allCommandSpecs?: () => readonly CommandSpec[] }).allCommandSpecs;
  if (typeof fromRegistry === 'function') return fromRegistry();
  const [help, ...rest] = botCommands.foundationCommands(() => undefined);
  return [help!, statusCommand, devicesCommand, fleetCommand, alertsCommand, logsCommand, rolloutsCommand, rolloutPlanCommand, deploymentsCommand, ...rest];
}
