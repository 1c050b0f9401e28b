import type { Feature } from './feature';
import { fleetFeature } from './fleet';
import { logsFeature } from './logs';
import { firmwareFeature } from './firmware';
import { deploymentsFeature } from './deployments';
import { alertsFeature } from './alerts';
import { rolloutsFeature } from './rollouts';
import { oncallFeature } from './oncall';

/**
 * The bot's features, in the order help lists their commands. The composition root
 * (bot/compose.ts) builds them in the order their `needs` and `uses` require.
 * Each line is one feature module (bot/features/<name>.ts).
 */
export const FEATURE_MODULES: readonly Feature[] = [
  fleetFeature,
  logsFeature,
  firmwareFeature,
  alertsFeature,
  oncallFeature,
  rolloutsFeature,
  deploymentsFeature,
];
