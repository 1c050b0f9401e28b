import type { GateResult } from './gates';
import type { RolloutDevice } from './model';
import type { RolloutStateVerb } from './actions';
import type { RolloutView } from './view';

/** Who changed a rollout: a person's name, or what FleetOps calls itself (the health gate). */
export interface EventActor {
  readonly name: string;
}

/** The event type of each verb a person applies (`rollout approve R7` or its button). */
export const ROLLOUT_EVENT_OF_VERB = {
  start: 'rollout.started',
  approve: 'rollout.approved',
  pause: 'rollout.paused',
  resume: 'rollout.resumed',
  abort: 'rollout.aborted',
  retry: 'rollout.retried',
} as const satisfies Record<RolloutStateVerb, string>;

interface Changed {
  readonly rolloutId: string;
  /** The rollout as it stands after the change: the one view the reply and every card are rendered from. */
  readonly view: RolloutView;
  readonly at: string;
}

/**
 * What happened to a rollout. A person's transitions name the actor and the line saying what
 * they did; the engine's tick reports `progressed` (devices moved, a wave passed, the rollout
 * completed) and `gate-breached` (a wave paused itself).
 */
export type RolloutEvent =
  | (Changed & { readonly type: (typeof ROLLOUT_EVENT_OF_VERB)[RolloutStateVerb]; readonly actor: EventActor; readonly message: string })
  | (Changed & { readonly type: 'rollout.device-excluded'; readonly actor: EventActor; readonly message: string; readonly deviceId: string })
  | (Changed & { readonly type: 'rollout.progressed' })
  | (Changed & {
      readonly type: 'rollout.gate-breached';
      readonly wave: number;
      readonly gate: GateResult;
      readonly failing: readonly RolloutDevice[];
    });

/** An event that ends in the person's own reply (a command or a button). */
export type RolloutActionEvent = Extract<RolloutEvent, { actor: EventActor }>;
