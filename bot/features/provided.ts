import type { AlertRecord } from '../../core/alerts/alert';
import type { AlertRoutedListener } from '../../core/alerts/ingest';
import type { AlertService } from '../../core/alerts/service';
import type { DeploymentService } from '../../core/deployments/service';
import type { Escalator } from '../../core/oncall/escalator';
import type { OnCallService } from '../../core/oncall/service';
import type { FirmwareCatalog } from '../../core/ports/feed';
import type { DeviceSideClient, FleetClient } from '../../core/ports/fleet';
import type { LogsClient } from '../../core/ports/logs';
import type { RolloutService } from '../../core/rollouts/service';
import type { LogSink } from '../../sim/log-sink';
import type { FleetSimulator } from '../../sim/simulator';

/**
 * What each feature provides to the features that need it and to its own commands, by
 * feature name. `defineFeature` makes a feature's `create` return exactly this, and types
 * the deps of the features that name it in `needs` or `uses`.
 */
export interface Provided {
  fleet: {
    readonly fleet: FleetClient;
    /** The hub side devices talk to; only the local registry has one. */
    readonly deviceSide?: DeviceSideClient;
    /** The simulated fleet (FLEET_BACKEND=local, SIM_DEVICES > 0). */
    readonly simulator?: FleetSimulator;
  };
  logs: {
    readonly logs: LogsClient;
    /** Where the simulated fleet writes its rows: only the embedded store has one. */
    readonly logSink?: LogSink;
  };
  firmware: {
    readonly feed: FirmwareCatalog;
    /** Synchronous, for the simulator: does a device fail on this version? (the local catalog only) */
    readonly isBadVersion?: (version: string) => boolean;
  };
  alerts: {
    readonly alerts: AlertService;
    /** Fired alerts' new cards: on call starts paging from them, holds them in maintenance windows and releases them. */
    readonly alertRouted: AlertRouting;
  };
  oncall: {
    readonly oncall: OnCallService;
    /** On-call paging: Escalate and notes from cards and commands. */
    readonly escalator: Escalator;
  };
  rollouts: {
    readonly rollouts: RolloutService;
  };
  deployments: {
    readonly deployments: DeploymentService;
  };
}

export interface AlertRouting {
  add(listener: AlertRoutedListener): void;
  /** `held` runs in the alert's unit of work and records the hold there (see AlertIngestorDeps.isHeld). */
  hold(held: (record: AlertRecord) => Promise<boolean>): void;
  release(alertId: string): Promise<number>;
}
