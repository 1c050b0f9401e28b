import { ManualClock } from '../../core/clock';
import type { Role } from '../../core/access/roles';
import { recordingTurn } from '../support/turn';
import type { TurnContext } from '../../commands/context';
import { CommandRegistry } from '../../commands/registry';
import { devicesCommand, devicesPageAction } from '../../commands/devices';
import { fleetCommand, fleetRefreshAction } from '../../commands/fleet';
import { deviceStatusAction, rebootAskAction, rebootConfirmAction, statusCommand, type DeviceServices } from '../../commands/status';
import { bindAction, bindCommand } from '../../bot/features/feature';
import { localHarness, type FleetHarness } from '../backends/fleet/harness';
import { SEED } from '../backends/fleet/fleet-contract';
import type { FleetClient } from '../../core/ports/fleet';
import { commandServices } from './services';

/** The fleet commands on a seeded local registry, at 2026-01-01 01:00 UTC. */
export async function fleetWorld(
  extra: Partial<DeviceServices> = {},
  options: { seed?: boolean /** The client the commands see (e.g. one describing itself as IoT Hub). */; fleet?: (client: FleetClient) => FleetClient } = {},
) {
  const harness: FleetHarness = localHarness();
  if (options.seed !== false) await harness.seed(SEED);
  const clock = new ManualClock(new Date('2026-01-01T01:00:00Z'));
  // The commands bound to the fleet feature's services, as the composition root binds them.
  const bound: DeviceServices = { fleet: options.fleet?.(harness.client) ?? harness.client, clock, ...extra };
  const registry = new CommandRegistry(
    [bindCommand(statusCommand, bound), bindCommand(devicesCommand, bound), bindCommand(fleetCommand, bound)],
    [
      bindAction(deviceStatusAction, bound),
      bindAction(rebootAskAction, bound),
      bindAction(rebootConfirmAction, bound),
      bindAction(devicesPageAction, bound),
      bindAction(fleetRefreshAction, bound),
    ],
  );
  const services = commandServices({ clock, registry });
  const replies: unknown[] = [];
  const ctx = (role: Role = 'viewer'): TurnContext => recordingTurn(services, { id: 'u1', name: 'Olga Operator', role }, replies);
  return { harness, clock, registry, audit: services.audit, services, replies, ctx };
}

/** All the text of a card, for "does it say X" checks. */
export const textOf = (value: unknown): string => JSON.stringify(value);
