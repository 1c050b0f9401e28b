/**
 * The one way the domain says no. A refusal is expected (a stale click, a verb the state does
 * not allow, a version not in the catalog): it carries a stable code, which the logs, the
 * audit and the telemetry count, and the facts the user line is written from. The wording,
 * and any chat syntax, live outside the core (commands/refusal-text.ts).
 *
 * The codes are a closed set, snake_case like bolt-js error codes, each with its facts.
 */
export interface RefusalFacts {
  // ------------------------------------------------------------ rollouts
  readonly rollout_not_found: { readonly rolloutId: string };
  /** The click or command named an older version of the rollout: someone acted first. */
  readonly rollout_stale: RolloutFacts;
  readonly rollout_not_startable: RolloutFacts;
  readonly rollout_not_approvable: RolloutFacts;
  readonly rollout_not_pausable: RolloutFacts;
  readonly rollout_not_resumable: RolloutFacts;
  readonly rollout_not_retryable: RolloutFacts;
  readonly rollout_not_abortable: RolloutFacts;
  readonly rollout_not_excludable: RolloutFacts & { readonly deviceId: string };
  readonly rollout_nothing_to_retry: { readonly rolloutId: string };
  readonly rollout_device_not_excludable: { readonly rolloutId: string; readonly deviceId: string };
  readonly rollout_targets_overlap: { readonly conflicts: readonly RolloutConflict[] };
  readonly firmware_not_in_catalog: { readonly version: string; readonly known: readonly string[] };
  readonly firmware_without_checksum: { readonly version: string };
  readonly rollout_no_matching_devices: { readonly filterText: string };
  readonly rollout_nothing_to_roll_out: {
    readonly filterText: string;
    readonly version: string;
    readonly targets: number;
    readonly alreadyCurrent: number;
    readonly incompatible: number;
    readonly incompatibleModels: Readonly<Record<string, number>>;
    readonly compatibleModels: readonly string[];
  };
  // ------------------------------------------------------------ alerts
  readonly alert_not_found: { readonly alertId: string };
  readonly alert_already_closed: AlertChangeFacts;
  readonly alert_already_acknowledged: AlertChangeFacts;
  /** Two clicks raced in the store; the card shows the current state. */
  readonly alert_changed_meanwhile: { readonly alertId: string };
  /** Azure Monitor (the source system) refused the state change or could not be reached. */
  readonly alert_source_refused: { readonly alertId: string; readonly reason: string };
  // ------------------------------------------------------------ alert filters (subscriptions, `alerts`, maintenance windows)
  readonly alert_filter_unclosed_quote: { readonly filter: string };
  /** `term`: the filter word as written, e.g. sev<=7. */
  readonly alert_filter_severity_unknown: { readonly term: string };
  /** sev<0 or sev>4: no alert could match. */
  readonly alert_filter_matches_nothing: { readonly term: string; readonly bound: 0 | 4 };
  readonly alert_filter_term_without_value: { readonly term: string };
  readonly alert_filter_rotation_invalid: { readonly term: string };
  readonly alert_filter_page_invalid: { readonly term: string };
  readonly alert_filter_key_unknown: { readonly key: string };
  readonly alert_filter_term_unknown: { readonly term: string };
  readonly alert_filter_severity_range_empty: { readonly minSeverity: number; readonly maxSeverity: number };
  readonly alert_filter_page_without_rotation: { readonly filter: string };
  // ------------------------------------------------------------ rollout subscription filters (`subscribe rollouts …`)
  readonly rollout_filter_too_long: { readonly length: number; readonly max: number };
  /** Words of letters, digits and . : = + - only (they are matched against the rollout's id, version and targets). */
  readonly rollout_filter_character_invalid: { readonly filter: string };
  // ------------------------------------------------------------ deployment subscription filters (`subscribe deployments …`)
  readonly deployment_filter_too_long: { readonly length: number; readonly max: number };
  readonly deployment_filter_control_character: { readonly filter: string };
  /** Two commas with nothing between them (or a leading or trailing comma). */
  readonly deployment_filter_name_empty: { readonly filter: string };
  /** A name of only `*` matches every pipeline, which no filter at all says better. */
  readonly deployment_filter_name_only_wildcards: { readonly name: string };
  // ------------------------------------------------------------ device filters (`devices`, `fleet`, rollout targets)
  /** `suggestions`: filter words close to the unknown one, as written in a filter (`site:`, `online`). */
  readonly device_filter_term_unknown: { readonly term: string; readonly suggestions: readonly string[] };
  readonly device_filter_term_without_value: { readonly term: string; readonly key: string };
  /** Values are matched exactly, from a safe charset (core/fleet/device-filter.ts). */
  readonly device_filter_value_invalid: { readonly term: string; readonly value: string };
  readonly device_filter_tag_name_invalid: { readonly term: string; readonly name: string };
  readonly device_filter_update_status_unknown: { readonly term: string; readonly value: string; readonly known: readonly string[] };
  /** Two terms no device can both match (online offline, site:a site:b): `earlier` as written. */
  readonly device_filter_contradiction: { readonly term: string; readonly earlier: string };
  // ------------------------------------------------------------ rollout waves (`waves 1,10,50,100`)
  readonly waves_missing: { readonly text: string };
  readonly waves_too_many: { readonly count: number; readonly max: number };
  readonly wave_not_a_percentage: { readonly part: string };
  readonly waves_not_growing: { readonly part: string; readonly previous: number };
  readonly waves_not_ending_at_100: { readonly text: string };
  // ------------------------------------------------------------ deployments
  readonly deployment_run_unknown: { readonly runId: string };
  readonly deployment_approval_unknown: { readonly runId: string; readonly runNumber: string; readonly pipeline: string; readonly approvalId: string };
  /** The approval was decided before this click (in Teams or in Azure DevOps). */
  readonly deployment_approval_decided: { readonly runId: string; readonly status: string; readonly by?: string; readonly at?: string };
  /** Someone else's click on the same approval is with Azure DevOps right now. */
  readonly deployment_approval_busy: { readonly runId: string; readonly by: string };
  readonly deployment_run_vanished: { readonly runId: string; readonly runNumber: string };
  /** Azure DevOps refused the decision; the run's card shows its error. */
  readonly deployment_decision_refused: { readonly runId: string; readonly reason: string };
  // ------------------------------------------------------------ on call: rotations
  /** `known`: the names of the rotations there are, to pick from. */
  readonly rotation_not_found: { readonly name: string; readonly known: readonly string[] };
  readonly rotation_name_invalid: { readonly name: string };
  readonly rotation_cadence_unknown: { readonly cadence: string };
  readonly rotation_handoff_invalid: { readonly cadence: 'weekly' | 'daily'; readonly handoff: string };
  readonly rotation_without_members: { readonly rotation: string };
  readonly rotation_member_twice: { readonly rotation: string; readonly memberId: string };
  readonly rotation_start_date_invalid: { readonly startDate: string };
  /** `minutes` as written (it may not be a number at all). */
  readonly rotation_ack_minutes_invalid: { readonly minutes: string };
  /** A zone Intl does not know, in a rotation or in a window (`usedIn` picks the example that works). */
  readonly time_zone_unknown: { readonly timeZone: string; readonly usedIn: 'rotation' | WindowUse };
  // ------------------------------------------------------------ on call: overrides
  readonly override_start_invalid: { readonly from: string };
  readonly override_duration_missing: { readonly rotation: string };
  readonly override_too_long: { readonly rotation: string; readonly durationMs: number; readonly maxMs: number };
  /** At every instant exactly one person is primary: the override it would overlap. */
  readonly override_overlaps: {
    readonly rotation: string;
    readonly overlapping: { readonly id: number; readonly memberName: string; readonly start: string; readonly end: string };
  };
  // ------------------------------------------------------------ on call: windows (maintenance and rollout windows)
  readonly maintenance_window_missing: { readonly filter: string };
  readonly window_unreadable: { readonly text: string; readonly usedIn: WindowUse };
  readonly window_range_invalid: { readonly range: string; readonly usedIn: WindowUse };
  readonly window_range_empty: { readonly range: string; readonly usedIn: WindowUse };
  readonly window_day_invalid: { readonly day: string; readonly usedIn: WindowUse };
  readonly window_once_without_date: { readonly day: string; readonly usedIn: WindowUse };
  /** No wave could finish inside it. `window` is the window as `describeWindow` writes it. */
  readonly rollout_window_shorter_than_soak: { readonly window: string; readonly lengthMs: number; readonly soakMs: number };
  // ------------------------------------------------------------ on call: paging (Escalate, Reassign…)
  /** Acknowledged, or never bound to a rotation. */
  readonly escalation_not_active: { readonly alertId: string };
  readonly escalation_nobody_left: { readonly alertId: string };
  /** Reassign… named someone who is not (or no longer) among the rotation's people. */
  readonly escalation_member_not_in_rotation: { readonly alertId: string; readonly memberId: string; readonly rotation: string };
  /** Another click (or the escalation tick) moved the escalation first. */
  readonly escalation_changed_meanwhile: { readonly alertId: string };
  // ------------------------------------------------------------ on call: notes (`alert note`, the card's Note)
  readonly alert_note_empty: { readonly alertId: string };
  /** `length` as typed, `max` what the timeline keeps. */
  readonly alert_note_too_long: { readonly alertId: string; readonly length: number; readonly max: number };
}

/** Where a time window was written: a maintenance window (`silence schedule`) or a rollout window. */
export type WindowUse = 'maintenance' | 'rollout';

export type RefusalCode = keyof RefusalFacts;

/** Where a rollout stood when a transition was refused, to tell the user what happened instead. */
export interface RolloutFacts {
  readonly rolloutId: string;
  readonly state: string;
  readonly currentWave: number;
  readonly lastBy: string;
  readonly lastWhat: string;
  /** ISO time of the last change. */
  readonly lastAt: string;
}

export interface RolloutConflict {
  readonly rolloutId: string;
  readonly state: string;
  readonly devices: number;
  readonly example: string;
}

export interface AlertChangeFacts {
  readonly alertId: string;
  readonly by?: string;
  /** ISO time. */
  readonly at?: string;
}

export class Refusal<C extends RefusalCode = RefusalCode> extends Error {
  override readonly name = 'Refusal';

  constructor(
    readonly code: C,
    readonly facts: RefusalFacts[C],
  ) {
    // The message is for logs and stack traces only; users get commands/refusal-text.ts.
    super(`${code} ${JSON.stringify(facts)}`);
  }

  /** Narrows to one code, for callers that react to a particular refusal. */
  is<K extends RefusalCode>(code: K): this is Refusal<K> {
    return (this.code as RefusalCode) === code;
  }
}

export const isRefusal = (error: unknown): error is Refusal => error instanceof Refusal;
