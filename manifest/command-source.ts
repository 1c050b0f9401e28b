import { allCommandSpecs } from '../bot/commands';
import type { CommandSpec } from '../commands/spec';

/** The command registry's specs: the single source of the manifest's command menu. */
export function registryCommandSpecs(): readonly CommandSpec[] {
  return allCommandSpecs();
}
