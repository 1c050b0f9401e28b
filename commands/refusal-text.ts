import { describeState } from '../core/rollouts/actions';
import type { RolloutState } from '../core/rollouts/model';
import { SILENCE_SCHEDULE_EXAMPLE } from '../core/oncall/maintenance';
import { ROLLOUT_WINDOW_EXAMPLE } from '../core/oncall/rollout-window';
import { ROTATION_EXAMPLE, TIME_ZONE_EXAMPLE } from '../core/oncall/rotation';
import { WINDOW_EXAMPLE } from '../core/oncall/window';
import type { Refusal, RefusalCode, RefusalFacts, RolloutFacts, WindowUse } from '../core/refusal';
import { formatDuration } from '../core/text/duration';
import { absoluteTime } from '../core/text/time';

/**
 * The user's line for each refusal the domain can throw: what happened and what to try.
 * The one place a refusal gets words (and chat syntax); dispatch calls it for commands
 * and buttons alike, so both say the same.
 */
export function refusalText(refusal: Refusal): string {
  return render(refusal.code, refusal.facts);
}

function render<C extends RefusalCode>(code: C, facts: RefusalFacts[C]): string {
  return TEXT[code](facts);
}

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;
const stateOf = (f: RolloutFacts) => describeState({ state: f.state as RolloutState, currentWave: f.currentWave });
const s = (n: number) => (n === 1 ? '' : 's');

/** "Nothing changed: R7 is paused (last: …), so there is nothing to resume." */
const nothingTo =
  (what: string) =>
  (f: RolloutFacts): string =>
    `Nothing changed: ${f.rolloutId} is ${stateOf(f)} (last: ${f.lastBy} ${f.lastWhat} at ${hhmm(f.lastAt)}), so there is nothing to ${what}.`;

const alreadyDone = (done: string) => (f: RefusalFacts['alert_already_closed']) =>
  `This alert was already ${done} by ${f.by ?? 'someone'} at ${f.at ? absoluteTime(f.at) : 'an unknown time'}.`;

const TEXT: { readonly [C in RefusalCode]: (facts: RefusalFacts[C]) => string } = {
  rollout_not_found: (f) => `There is no rollout ${f.rolloutId}; \`rollouts\` lists them.`,
  rollout_stale: (f) =>
    `Nothing changed: someone acted first. ${f.lastBy} ${f.lastWhat} at ${hhmm(f.lastAt)}; ${f.rolloutId} is now ${stateOf(f)}. The card shows the current state.`,
  rollout_not_startable: nothingTo('start'),
  rollout_not_approvable: nothingTo('approve the next wave'),
  rollout_not_pausable: nothingTo('pause'),
  rollout_not_resumable: nothingTo('resume'),
  rollout_not_retryable: nothingTo('retry failed devices'),
  rollout_not_abortable: nothingTo('abort'),
  rollout_not_excludable: (f) => nothingTo(`exclude ${f.deviceId} from`)(f),
  rollout_nothing_to_retry: (f) => `Nothing to retry: no device of ${f.rolloutId} failed, timed out, rolled back or was skipped offline.`,
  rollout_device_not_excludable: (f) =>
    `${f.deviceId} is not a pending or failed target of ${f.rolloutId}, so nothing changed; \`rollout status ${f.rolloutId}\` shows its devices.`,
  rollout_targets_overlap: (f) => {
    const list = f.conflicts.map((c) => `${c.rolloutId} (${c.state}, ${c.devices} device${s(c.devices)}, e.g. ${c.example})`).join('; ');
    return `These targets overlap an active rollout: ${list}. A device takes one rollout at a time; narrow the filter, or finish or abort that rollout first.`;
  },
  firmware_not_in_catalog: (f) =>
    `Firmware ${f.version} is not in the catalog${f.known.length ? `; available: ${f.known.join(', ')}` : ''}. \`firmware\` lists every version.`,
  firmware_without_checksum: (f) =>
    `Firmware ${f.version} has no SHA-256 in the catalog, so devices could not verify it; publish it with a \`sha256:\` line in the description.`,
  rollout_no_matching_devices: (f) => `No device matches ${where(f.filterText)}; check the filter with \`devices ${f.filterText}\`.`,
  rollout_nothing_to_roll_out: (f) => {
    const models = Object.entries(f.incompatibleModels)
      .map(([m, n]) => `${m} (${n})`)
      .join(', ');
    const parts = [
      f.alreadyCurrent > 0 ? `${f.alreadyCurrent} already run ${f.version}` : '',
      f.incompatible > 0 ? `${f.incompatible} cannot run it (models ${models}; it supports ${f.compatibleModels.join(', ')})` : '',
    ].filter(Boolean);
    return `Nothing to roll out: of ${f.targets} devices matching ${where(f.filterText)}, ${parts.join(' and ')}.`;
  },
  alert_not_found: (f) => `There is no alert \`${f.alertId}\`. \`alerts\` lists the open ones with their ids.`,
  alert_already_closed: alreadyDone('closed'),
  alert_already_acknowledged: alreadyDone('acknowledged'),
  alert_changed_meanwhile: () => 'Someone changed this alert at the same moment; the card shows its current state.',
  alert_source_refused: (f) => `Azure Monitor did not accept the change (${f.reason}); the alert is unchanged. Try again, or change it in the Azure portal.`,
  deployment_run_unknown: (f) => `I no longer know run ${f.runId}; open it in Azure DevOps to decide there.`,
  deployment_approval_unknown: (f) => `Run ${f.runNumber} of ${f.pipeline} has no approval ${f.approvalId}; the card may be out of date.`,
  deployment_approval_decided: (f) => `This approval was already ${f.status}${f.by ? ` by ${f.by}` : ''}${f.at ? ` at ${absoluteTime(f.at)}` : ''}.`,
  deployment_approval_busy: (f) => `${f.by} is deciding this approval right now; the card will show the result.`,
  deployment_run_vanished: (f) => `Run ${f.runNumber} disappeared while deciding; check Azure DevOps.`,
  deployment_decision_refused: (f) => `Azure DevOps did not accept the decision: ${f.reason}`,
  alert_filter_unclosed_quote: () => `The filter has an unclosed quote; ${ALERT_FILTER_HELP}.`,
  alert_filter_severity_unknown: (f) => `\`${f.term}\`: severities go from 0 (Sev0, critical) to 4 (Sev4, verbose).`,
  alert_filter_matches_nothing: (f) =>
    f.bound === 0
      ? `\`${f.term}\` matches nothing: Sev0 is the most severe. Did you mean \`sev<=0\`?`
      : `\`${f.term}\` matches nothing: Sev4 is the least severe.`,
  alert_filter_term_without_value: (f) => `\`${f.term}\` needs a value; ${ALERT_FILTER_HELP}.`,
  alert_filter_rotation_invalid: (f) => `\`${f.term}\`: name a rotation, e.g. \`oncall:berlin-ops\`.`,
  alert_filter_page_invalid: (f) => `\`${f.term}\`: say up to which severity to page, e.g. \`page:sev<=2\`.`,
  alert_filter_key_unknown: (f) => `Unknown filter key \`${f.key}\`; ${ALERT_FILTER_HELP}.`,
  alert_filter_term_unknown: (f) => `I don't understand \`${f.term}\` in the filter; ${ALERT_FILTER_HELP}.`,
  alert_filter_severity_range_empty: (f) => `The severity range is empty (Sev${f.minSeverity} to Sev${f.maxSeverity}); ${ALERT_FILTER_HELP}.`,
  alert_filter_page_without_rotation: () => '`page:` goes with a rotation to page, e.g. `oncall:berlin-ops page:sev<=2`.',
  rollout_filter_too_long: (f) => `A rollouts filter is at most ${f.max} characters, e.g. \`subscribe rollouts 2.4.1\` or \`subscribe rollouts site:berlin\`.`,
  rollout_filter_character_invalid: () =>
    'A rollouts filter holds words of letters, digits, `.`, `:`, `=`, `-`; all must appear in the rollout’s id, version or targets.',
  deployment_filter_too_long: (f) =>
    `A deployments filter is at most ${f.max} characters; give the pipeline name, e.g. \`subscribe deployments firmware-release\`.`,
  deployment_filter_control_character: () => 'A deployments filter cannot contain control characters; give the pipeline name as shown in Azure DevOps.',
  deployment_filter_name_empty: () => 'The filter has an empty name between commas; write e.g. `subscribe deployments firmware-release, FleetOps CD`.',
  deployment_filter_name_only_wildcards: () =>
    'A name of only `*` matches everything; leave the filter out to receive every pipeline: `subscribe deployments`.',
  device_filter_term_unknown: (f) =>
    `I don't know the filter term \`${f.term}\`.${f.suggestions.length > 0 ? ` Did you mean ${f.suggestions.map((t) => `\`${t}\``).join(' or ')}?` : ''} ${DEVICE_FILTER_HELP}`,
  device_filter_term_without_value: (f) => `\`${f.term}\` has no value; write it like \`${f.key}:value\`.`,
  device_filter_value_invalid: (f) =>
    `\`${f.value}\` (in \`${f.term}\`) is not a value I can match: use letters, digits, \`.\`, \`-\`, \`_\` or \`+\`, at most 64 characters.`,
  device_filter_tag_name_invalid: (f) => `\`${f.name}\` is not a tag name I can match: start with a letter, then letters, digits or \`_\`.`,
  device_filter_update_status_unknown: (f) => `\`${f.value}\` is not an update status; use one of ${f.known.join(', ')}.`,
  device_filter_contradiction: (f) => `\`${f.term}\` contradicts the earlier \`${f.earlier}\`: no device can match both, so the filter matches nothing.`,
  waves_missing: () => 'Give the waves as cumulative percentages, e.g. `waves 1,10,50,100`.',
  waves_too_many: (f) => `${f.count} waves is too many; use at most ${f.max}, e.g. \`waves 1,10,50,100\`.`,
  wave_not_a_percentage: (f) => `\`${f.part}\` is not a percentage between 0 and 100 (waves are cumulative, e.g. \`1,10,50,100\`).`,
  waves_not_growing: (f) => `Waves are cumulative and must grow: \`${f.part}\` comes after ${f.previous}.`,
  waves_not_ending_at_100: (f) => `The last wave must be 100 so every target is covered; add \`,100\` (you wrote \`${f.text}\`).`,
  rotation_not_found: (f) =>
    `There is no rotation \`${f.name}\`. ${
      f.known.length > 0
        ? `Rotations: ${f.known.map((n) => `\`${n}\``).join(', ')}.`
        : `No rotations yet: an admin adds one, e.g. \`${ROTATION_EXAMPLE}\`, or lists them in ONCALL_FILE.`
    }`,
  rotation_name_invalid: (f) =>
    `\`${f.name}\` cannot name a rotation: use up to 40 lowercase letters, digits and dashes, e.g. \`berlin-ops\`.${rotationExample}`,
  rotation_cadence_unknown: (f) => `A rotation is \`weekly\` or \`daily\`, not \`${f.cadence}\`.${rotationExample}`,
  rotation_handoff_invalid: (f) =>
    f.cadence === 'weekly'
      ? `A weekly rotation hands off on a weekday at a time, e.g. \`Mon 09:00\`, not \`${f.handoff}\`.${rotationExample}`
      : `A daily rotation hands off at a time, e.g. \`09:00\`, not \`${f.handoff}\`. Example: \`oncall rotation add night-desk daily 18:00 UTC members:alice@contoso.com,bob@contoso.com\`.`,
  rotation_without_members: (f) =>
    `Rotation \`${f.rotation}\` has no members; name at least one, e.g. \`members:alice@contoso.com,bob@contoso.com\`.${rotationExample}`,
  rotation_member_twice: (f) => `\`${f.memberId}\` is listed twice in rotation \`${f.rotation}\`; list each member once (the order is the order of shifts).`,
  rotation_start_date_invalid: (f) => `The start date \`${f.startDate}\` is not a date; write it as YYYY-MM-DD, e.g. \`start:2026-01-05\`.`,
  rotation_ack_minutes_invalid: (f) => `Unacknowledged minutes must be a whole number from 1 to 1440, not \`${f.minutes}\`, e.g. \`ack:5\`.`,
  time_zone_unknown: (f) =>
    `\`${f.timeZone}\` is not a time zone I know; use an IANA name such as ${TIME_ZONE_EXAMPLE}.${f.usedIn === 'rotation' ? rotationExample : windowHint(f.usedIn)}`,
  override_start_invalid: (f) => `\`${f.from}\` is not a time; write it as ISO, e.g. \`from 2026-12-05T18:00Z\`.`,
  override_duration_missing: (f) => `Say how long the cover lasts, e.g. \`4h\`, \`90m\` or \`1d\`. Example: \`${overrideExample(f.rotation)}\`.`,
  override_too_long: (f) =>
    `An override lasts at most ${formatDuration(f.maxMs).replace(' d', ' days')} (this one: ${formatDuration(f.durationMs)}); change the rotation for longer. Example: \`${overrideExample(f.rotation)}\`.`,
  override_overlaps: ({ rotation, overlapping: o }) =>
    `That overlaps override #${o.id} (${o.memberName} covers ${rotation} from ${o.start} to ${o.end}). ` +
    `Remove it first (\`oncall override remove ${o.id}\`) or start after it ends, e.g. \`oncall override ${rotation} me 4h from ${o.end}\`.`,
  maintenance_window_missing: (f) =>
    `Say when: add a window such as \`${WINDOW_EXAMPLE}\`. Example: \`${f.filter ? `silence schedule ${f.filter} ${WINDOW_EXAMPLE}` : SILENCE_SCHEDULE_EXAMPLE}\`.`,
  window_unreadable: (f) => `I can't read the window \`${f.text}\`.${windowHint(f.usedIn)}`,
  window_range_invalid: (f) => `\`${f.range}\` is not a time range like \`02:00-04:00\`.${windowHint(f.usedIn)}`,
  window_range_empty: (f) => `The window \`${f.range}\` starts and ends at the same time.${windowHint(f.usedIn)}`,
  window_day_invalid: (f) => `\`${f.day}\` is neither a weekday (Mon … Sun) nor a date (YYYY-MM-DD).${windowHint(f.usedIn)}`,
  window_once_without_date: (f) => `A one-off window needs a date, not a weekday (\`${f.day}\`).${windowHint(f.usedIn)}`,
  rollout_window_shorter_than_soak: (f) =>
    `The window \`${f.window}\` lasts ${formatDuration(f.lengthMs)}, shorter than the soak of ${formatDuration(f.soakMs)} each wave needs, so no wave could finish in it. ` +
    `Make it longer. Example: \`${ROLLOUT_WINDOW_EXAMPLE}\`.`,
  escalation_not_active: () => 'This alert is not being paged (it was acknowledged, closed or resolved, or never bound to a rotation), so nothing changed.',
  escalation_nobody_left: () => 'Nobody is left to escalate to: every level of the chain has been paged. Reassign… pages someone else of the rotation.',
  escalation_member_not_in_rotation: (f) =>
    `${f.memberId} is not one of the people of rotation ${f.rotation}, so nobody was paged; Reassign… offers the rotation's people.`,
  escalation_changed_meanwhile: () => 'Someone else changed this escalation at the same moment; nothing changed. Try again if it is still needed.',
  alert_note_empty: () => 'The note is empty; type what you found or did, e.g. "rebooted the gateway, devices back".',
  alert_note_too_long: (f) => `A note holds up to ${f.max} characters (this one has ${f.length}); shorten it or add two.`,
};

const ALERT_FILTER_HELP =
  'use sev<=N (N 0–4, Sev0 is the worst), site:NAME, device:ID, rule:NAME (quote names with spaces: rule:"Device offline"), oncall:ROTATION (mention and page its on-call person; page:sev<=N, default 1), e.g. `sev<=2 site:berlin oncall:berlin-ops`';

/** How to write a device filter: the end of the line refusing a word no filter knows. */
const DEVICE_FILTER_HELP =
  'Filter terms (combine with spaces): `site:<site>`, `ring:<ring>`, `model:<model>`, `fw:<version>`, `tag.<name>:<value>`, `online`, `offline`, `enabled`, `disabled`, `update:<status>`.';

const rotationExample = ` Example: \`${ROTATION_EXAMPLE}\`.`;
const overrideExample = (rotation: string) => `oncall override ${rotation} me 4h`;

/** How to write a window, and for a rollout window the command it goes in. */
const windowHint = (usedIn: WindowUse): string =>
  ` Write a window as \`<day> HH:MM-HH:MM <time zone> [weekly|daily|once]\`, e.g. \`${WINDOW_EXAMPLE}\` or \`2026-12-12 02:00-04:00 UTC\`.` +
  (usedIn === 'rollout' ? ` Example: \`${ROLLOUT_WINDOW_EXAMPLE}\`.` : '');

function where(filterText: string): string {
  return filterText ? `\`${filterText}\`` : 'the fleet';
}
