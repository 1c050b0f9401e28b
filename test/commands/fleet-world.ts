import { ManualClock } from '../../core/clock';
import type { Role } from '../../core/access/roles';
import { MemoryAudit } from '../support/memory-audit';
import { recordingTurn } from '../support/turn';
import type { TurnContext } from '../../commands/context';
import { CommandRegistry } from '../../commands/registry';
import type { Services } from '../../commands/services';
import { devicesCommand, devicesPageAction } from '../../commands/devices';
import { fleetCommand, fleetRefreshAction } from '../../commands/fleet';
import { deviceStatusAction, rebootAskAction, rebootConfirmAction, statusCommand } from '../../commands/status';
import { localHarness, type FleetHarness } from '../backends/fleet/harness';
import { SEED } from '../backends/fleet/fleet-contract';

/** The fleet commands on a seeded local registry, at 2026-01-01 01:00 UTC. */
export async function fleetWorld(extra: Partial<Services> = {}, options: { seed?: boolean } = {}) {
  const harness: FleetHarness = localHarness();
  if (options.seed !== false) await harness.seed(SEED);
  const clock = new ManualClock(new Date('2026-01-01T01:00:00Z'));
  const registry = new CommandRegistry(
    [statusCommand, devicesCommand, fleetCommand],
    [deviceStatusAction, rebootAskAction, rebootConfirmAction, devicesPageAction, fleetRefreshAction],
  );
  const audit = new MemoryAudit();
  const services = {
    config: { fleetBackend: 'local', env: {} },
    clock,
    registry,
    audit,
    fleet: harness.client,
    ...extra,
  } as unknown as Services;
  const replies: unknown[] = [];
  const ctx = (role: Role = 'viewer'): TurnContext => recordingTurn(services, { id: 'u1', name: 'Olga Operator', role }, replies);
  return { harness, clock, registry, audit, services, replies, ctx };
}

/** All the text of a card, for "does it say X" checks. */
export const textOf = (value: unknown): string => JSON.stringify(value);
