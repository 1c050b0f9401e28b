import { hasRole, type Role } from '../access/roles';
import type { RefusalCode } from '../refusal';
import type { RolloutState } from './model';

/**
 * The rollout state machine, written once. The actions (core/rollouts/actions.ts) refuse a verb
 * the state does not allow, the progress card shows a button for each verb its state allows the
 * viewer, and the chat commands take their roles and help from here.
 */
export interface RolloutTransition {
  /** States the verb applies in; from any other the action is refused with `refusal`. */
  readonly from: readonly RolloutState[];
  /** The state after it; `unchanged` for verbs that act on devices (retry reruns a wave waiting for approval). */
  readonly to: RolloutState | 'unchanged';
  /** The least role that may do it, by command or by button. */
  readonly role: Role;
  /** The button's title. */
  readonly label: (r: { readonly id: string; readonly currentWave: number }) => string;
  /** Moves the rollout forward: the button is styled positive. */
  readonly positive: boolean;
  /** Cannot be undone: the button is styled destructive and asks for a confirmation first. */
  readonly destructive: boolean;
  /** Only offered when the rollout has failed devices to act on (the action refuses otherwise). */
  readonly needsFailures: boolean;
  readonly refusal: RefusalCode;
}

const ACTIVE: readonly RolloutState[] = ['awaiting-approval', 'running', 'paused'];
const NOT_FINISHED: readonly RolloutState[] = ['planned', ...ACTIVE];

/** In the order the buttons appear on the card. */
export const ROLLOUT_TRANSITIONS = {
  start: {
    from: ['planned'],
    to: 'running',
    role: 'release-lead',
    label: (r) => `Start ${r.id}`,
    positive: true,
    destructive: false,
    needsFailures: false,
    refusal: 'rollout_not_startable',
  },
  approve: {
    from: ['awaiting-approval'],
    to: 'running',
    role: 'release-lead',
    label: (r) => `Approve wave ${r.currentWave}`,
    positive: true,
    destructive: false,
    needsFailures: false,
    refusal: 'rollout_not_approvable',
  },
  // Pausing is safe (anyone on call may stop the line): an operator's verb, not destructive.
  pause: {
    from: ['running'],
    to: 'paused',
    role: 'operator',
    label: () => 'Pause',
    positive: false,
    destructive: false,
    needsFailures: false,
    refusal: 'rollout_not_pausable',
  },
  resume: {
    from: ['paused'],
    to: 'running',
    role: 'release-lead',
    label: () => 'Resume',
    positive: true,
    destructive: false,
    needsFailures: false,
    refusal: 'rollout_not_resumable',
  },
  retry: {
    from: ACTIVE,
    to: 'unchanged',
    role: 'release-lead',
    label: () => 'Retry failed',
    positive: false,
    destructive: false,
    needsFailures: true,
    refusal: 'rollout_not_retryable',
  },
  exclude: {
    from: NOT_FINISHED,
    to: 'unchanged',
    role: 'release-lead',
    label: () => 'Exclude a device…',
    positive: false,
    destructive: true,
    needsFailures: true,
    refusal: 'rollout_not_excludable',
  },
  // From a running rollout, Abort also sets devices written but not yet started back to their version.
  abort: {
    from: NOT_FINISHED,
    to: 'aborted',
    role: 'release-lead',
    label: () => 'Abort and revert…',
    positive: false,
    destructive: true,
    needsFailures: false,
    refusal: 'rollout_not_abortable',
  },
} as const satisfies Record<string, RolloutTransition>;

export type RolloutVerb = keyof typeof ROLLOUT_TRANSITIONS;

export const ROLLOUT_TRANSITION_VERBS = Object.keys(ROLLOUT_TRANSITIONS) as RolloutVerb[];

export const transitionOf = (verb: RolloutVerb): RolloutTransition => ROLLOUT_TRANSITIONS[verb];

export const allows = (verb: RolloutVerb, state: RolloutState): boolean => (transitionOf(verb).from as readonly RolloutState[]).includes(state);

/** The verbs a rollout in `state` allows, in button order; with `role`, only those that role may do. */
export function verbsFrom(state: RolloutState, role?: Role): RolloutVerb[] {
  return ROLLOUT_TRANSITION_VERBS.filter((verb) => allows(verb, state) && (role === undefined || hasRole(role, transitionOf(verb).role)));
}
