import type { FeatureModule } from './feature';
import { rolloutsFeature } from './rollouts';
import { deploymentsFeature } from './deployments';

/**
 * The features, in build order: later ones may use the services of earlier ones.
 * Each line is one feature module (bot/features/<name>.ts).
 */
export const FEATURE_MODULES: readonly FeatureModule[] = [
  // fleet, logs, alerts, rollouts, deployments are added here as they land
  rolloutsFeature,
  deploymentsFeature,
];
