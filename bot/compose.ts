import type { CardActionSpec, CommandSpec } from '../commands/spec';
import type { Feature, Platform, RunningFeature } from './features/feature';
import type { Provided } from './features/provided';

/** A feature list the bot cannot start with: a missing dependency, a cycle, a name used twice. */
export class FeatureGraphError extends Error {
  override readonly name = 'FeatureGraphError';
}

/**
 * The build order: each feature after everything it needs and uses (of those present), and
 * otherwise in the order given. A need that is not in the list, a cycle or a duplicate name
 * is a start-up error naming the features involved.
 */
export function orderFeatures(features: readonly Feature[]): Feature[] {
  const byName = new Map<string, Feature>();
  for (const feature of features) {
    if (byName.has(feature.name)) throw new FeatureGraphError(`Two features are named "${feature.name}"; each name may appear once.`);
    byName.set(feature.name, feature);
  }
  for (const feature of features) {
    const missing = feature.needs.filter((need) => !byName.has(need));
    if (missing.length > 0) {
      throw new FeatureGraphError(
        `Feature "${feature.name}" needs ${missing.map((m) => `"${m}"`).join(' and ')}, which this bot does not have (features: ${[...byName.keys()].join(', ')}).`,
      );
    }
  }
  const before = (feature: Feature) => [...feature.needs, ...feature.uses.filter((use) => byName.has(use))];
  const ordered: Feature[] = [];
  const placed = new Set<string>();
  while (ordered.length < features.length) {
    const next = features.find((f) => !placed.has(f.name) && before(f).every((name) => placed.has(name)));
    if (!next)
      throw new FeatureGraphError(
        `Features depend on each other in a cycle: ${cycleAmong(
          features.filter((f) => !placed.has(f.name)),
          byName,
          before,
        )}.`,
      );
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

/** One cycle among features that could not be placed, as "a → b → a". */
function cycleAmong(stuck: readonly Feature[], byName: ReadonlyMap<string, Feature>, before: (f: Feature) => string[]): string {
  const path: string[] = [];
  let current = stuck[0]!;
  const stuckNames = new Set(stuck.map((f) => f.name));
  // Every stuck feature waits for another stuck one: walking those edges must come back to a name already seen.
  while (!path.includes(current.name)) {
    path.push(current.name);
    current = byName.get(before(current).find((name) => stuckNames.has(name))!)!;
  }
  return [...path.slice(path.indexOf(current.name)), current.name].join(' → ');
}

export interface ComposedFeatures {
  /** In build order (start in this order, stop in reverse). */
  readonly running: readonly RunningFeature[];
  /** Every command and card action, bound to its feature's dependencies, in the order the features were given. */
  readonly commands: ReadonlyArray<{ readonly feature: string; readonly command: CommandSpec }>;
  readonly actions: readonly CardActionSpec[];
  /** What a feature provides, when it is part of this bot. */
  provided<N extends keyof Provided>(name: N): Provided[N] | undefined;
}

/**
 * Builds the features in dependency order, each with the platform and what its needs (and
 * uses, when present) provide, then binds their commands. `platform` gives each feature its
 * own logger. If a build fails, the features built so far are stopped before rethrowing.
 */
export async function composeFeatures(features: readonly Feature[], platform: (feature: string) => Platform): Promise<ComposedFeatures> {
  const ordered = orderFeatures(features);
  const provides = new Map<string, object>();
  const running: RunningFeature[] = [];
  const servicesOf = (names: readonly string[]): object => Object.fromEntries(names.flatMap((name) => Object.entries(provides.get(name) ?? {})));
  try {
    for (const feature of ordered) {
      const deps: Platform = { ...servicesOf([...feature.needs, ...feature.uses]), ...platform(feature.name) };
      const built = await feature.build(deps, new Set(provides.keys()));
      running.push(built);
      provides.set(feature.name, built.provides);
    }
  } catch (error) {
    for (const built of running.reverse()) await built.stop?.().catch(() => undefined);
    throw error;
  }
  const commands: Array<{ feature: string; command: CommandSpec }> = [];
  const actions: CardActionSpec[] = [];
  for (const feature of features) {
    const bound = running.find((r) => r.name === feature.name)!.bindCommands(servicesOf(feature.commandsMayUse));
    commands.push(...bound.commands.map((command) => ({ feature: feature.name, command })));
    actions.push(...bound.actions);
  }
  return {
    running,
    commands,
    actions,
    // The map holds what each feature's typed `create` returned under its name (defineFeature checks it against Provided).
    provided: <N extends keyof Provided>(name: N) => provides.get(name) as Provided[N] | undefined,
  };
}
