import { allCommandSpecs } from '../bot/commands';
import type { CommandInfo } from '../bot/features/feature';

/** The command registry's specs: the single source of the manifest's command menu. */
export function registryCommandSpecs(): readonly CommandInfo[] {
  return allCommandSpecs();
}
