import type { FeatureModule } from './feature';
import { fleetFeature } from './fleet';
import { logsFeature } from './logs';
import { deploymentsFeature } from './deployments';
import { alertsFeature } from './alerts';
import { rolloutsFeature } from './rollouts';
import { oncallFeature } from './oncall';

/**
 * The features, in build order: later ones may use the services of earlier ones.
 * Each line is one feature module (bot/features/<name>.ts).
 */
export const FEATURE_MODULES: readonly FeatureModule[] = [fleetFeature, logsFeature, alertsFeature, oncallFeature, rolloutsFeature, deploymentsFeature];
