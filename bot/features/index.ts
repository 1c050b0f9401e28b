import type { FeatureModule } from './feature';
import { fleetFeature } from './fleet';
import { deploymentsFeature } from './deployments';
import { alertsFeature } from './alerts';
import { rolloutsFeature } from './rollouts';

/**
 * The features, in build order: later ones may use the services of earlier ones.
 * Each line is one feature module (bot/features/<name>.ts).
 */
export const FEATURE_MODULES: readonly FeatureModule[] = [
  // fleet, logs, alerts, rollouts, deployments are added here as they land
  fleetFeature,
  alertsFeature,
  rolloutsFeature,
  deploymentsFeature,
];
