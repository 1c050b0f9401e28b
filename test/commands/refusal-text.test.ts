import { refusalText } from '../../commands/refusal-text';
import { Refusal, type RefusalCode, type RefusalFacts } from '../../core/refusal';

const rollout = {
  rolloutId: 'R7',
  state: 'awaiting-approval',
  currentWave: 3,
  lastBy: 'Lena Lead',
  lastWhat: 'approved wave 2',
  lastAt: '2026-03-01T09:30:00Z',
};
const alert = { alertId: 'a-1', by: 'Olga', at: '2026-03-01T09:30:00Z' };

/** One sample of every code's facts: the compiler keeps it complete. */
const SAMPLES: { [C in RefusalCode]: RefusalFacts[C] } = {
  rollout_not_found: { rolloutId: 'R9' },
  rollout_stale: rollout,
  rollout_not_startable: rollout,
  rollout_not_approvable: rollout,
  rollout_not_pausable: rollout,
  rollout_not_resumable: rollout,
  rollout_not_retryable: rollout,
  rollout_not_abortable: rollout,
  rollout_not_excludable: { ...rollout, deviceId: 'device-4' },
  rollout_nothing_to_retry: { rolloutId: 'R7' },
  rollout_device_not_excludable: { rolloutId: 'R7', deviceId: 'device-4' },
  rollout_targets_overlap: { conflicts: [{ rolloutId: 'R1', state: 'running', devices: 10, example: 'device-0001' }] },
  firmware_not_in_catalog: { version: '9.9.9', known: ['2.5.0', '2.4.1'] },
  firmware_without_checksum: { version: '2.4.1' },
  rollout_no_matching_devices: { filterText: 'site:rome' },
  rollout_nothing_to_roll_out: {
    filterText: '',
    version: '3.0.0',
    targets: 20,
    alreadyCurrent: 0,
    incompatible: 20,
    incompatibleModels: { 'sensor-s1': 20 },
    compatibleModels: ['gateway-g2'],
  },
  alert_not_found: { alertId: 'a-9' },
  alert_already_closed: alert,
  alert_already_acknowledged: alert,
  alert_changed_meanwhile: { alertId: 'a-1' },
  alert_source_refused: { alertId: 'a-1', reason: '403 Forbidden' },
  deployment_run_unknown: { runId: 'run-404' },
  deployment_approval_unknown: { runId: 'release-1', runNumber: 'Release-7', pipeline: 'fleet-api', approvalId: 'zzz' },
  deployment_approval_decided: { runId: 'release-1', status: 'approved', by: 'Rita Lead', at: '2026-03-01T10:06:00.000Z' },
  deployment_approval_busy: { runId: 'release-1', by: 'Rita Lead' },
  deployment_run_vanished: { runId: 'release-1', runNumber: 'Release-7' },
  deployment_decision_refused: { runId: 'release-1', reason: 'User Rita is not authorized to approve this request.' },
  alert_filter_unclosed_quote: { filter: 'rule:"Device offline' },
  alert_filter_severity_unknown: { term: 'sev<=7' },
  alert_filter_matches_nothing: { term: 'sev<0', bound: 0 },
  alert_filter_term_without_value: { term: 'site:' },
  alert_filter_rotation_invalid: { term: 'oncall:two words' },
  alert_filter_page_invalid: { term: 'page:soon' },
  alert_filter_key_unknown: { key: 'colour' },
  alert_filter_term_unknown: { term: 'berlin' },
  alert_filter_severity_range_empty: { minSeverity: 3, maxSeverity: 1 },
  alert_filter_page_without_rotation: { filter: 'page:sev<=2' },
  rollout_filter_too_long: { length: 101, max: 100 },
  rollout_filter_character_invalid: { filter: 'site:berlin!' },
  deployment_filter_too_long: { length: 201, max: 200 },
  deployment_filter_control_character: { filter: 'bad\u0007name' },
  deployment_filter_name_empty: { filter: 'a,,b' },
  deployment_filter_name_only_wildcards: { name: '*' },
  device_filter_term_unknown: { term: 'sitee:berlin', suggestions: ['site:'] },
  device_filter_term_without_value: { term: 'site:', key: 'site' },
  device_filter_value_invalid: { term: "site:o'brien", value: "o'brien" },
  device_filter_tag_name_invalid: { term: 'tag.9x:1', name: '9x' },
  device_filter_update_status_unknown: { term: 'update:exploded', value: 'exploded', known: ['current', 'error'] },
  device_filter_contradiction: { term: 'offline', earlier: 'online' },
  waves_missing: { text: '' },
  waves_too_many: { count: 11, max: 10 },
  wave_not_a_percentage: { part: 'abc' },
  waves_not_growing: { part: '5', previous: 10 },
  waves_not_ending_at_100: { text: '1,10,50' },
  rotation_not_found: { name: 'berlin-opps', known: ['berlin-ops', 'night-desk'] },
  rotation_name_invalid: { name: 'Berlin Ops!' },
  rotation_cadence_unknown: { cadence: 'monthly' },
  rotation_handoff_invalid: { cadence: 'weekly', handoff: 'Mon 25:00' },
  rotation_without_members: { rotation: 'berlin-ops' },
  rotation_member_twice: { rotation: 'berlin-ops', memberId: 'ana@contoso.com' },
  rotation_start_date_invalid: { startDate: '2026-02-30' },
  rotation_ack_minutes_invalid: { minutes: '0' },
  time_zone_unknown: { timeZone: 'Europe/Berlim', usedIn: 'rotation' },
  override_start_invalid: { from: 'tonight' },
  override_duration_missing: { rotation: 'berlin-ops' },
  override_too_long: { rotation: 'berlin-ops', durationMs: 15 * 86_400_000, maxMs: 14 * 86_400_000 },
  override_overlaps: {
    rotation: 'berlin-ops',
    overlapping: { id: 7, memberName: 'ben', start: '2026-01-06T10:00:00.000Z', end: '2026-01-06T14:00:00.000Z' },
  },
  maintenance_window_missing: { filter: 'site:berlin' },
  window_unreadable: { text: 'Sat 02:00-04:00', usedIn: 'maintenance' },
  window_range_invalid: { range: '2-4', usedIn: 'maintenance' },
  window_range_empty: { range: '02:00-02:00', usedIn: 'rollout' },
  window_day_invalid: { day: 'Someday', usedIn: 'maintenance' },
  window_once_without_date: { day: 'Sat', usedIn: 'maintenance' },
  rollout_window_shorter_than_soak: { window: 'Sat 02:00-02:03 Europe/Berlin weekly', lengthMs: 3 * 60_000, soakMs: 5 * 60_000 },
  escalation_not_active: { alertId: 'a-1' },
  escalation_nobody_left: { alertId: 'a-1' },
  escalation_member_not_in_rotation: { alertId: 'a-1', memberId: 'zoe@contoso.com', rotation: 'berlin-ops' },
  escalation_changed_meanwhile: { alertId: 'a-1' },
  alert_note_empty: { alertId: 'a-1' },
  alert_note_too_long: { alertId: 'a-1', length: 1204, max: 1000 },
};

const line = <C extends RefusalCode>(code: C) => refusalText(new Refusal(code, SAMPLES[code]));

describe('refusal text', () => {
  it.each(Object.keys(SAMPLES) as RefusalCode[])('%s reads as one sentence or two, with no placeholder left', (code) => {
    const text = line(code);
    expect(text).toMatch(/^\S.*[.)?]$/);
    expect(text).not.toMatch(/undefined|\[object|NaN/);
  });

  it('keeps the wording users know', () => {
    expect(line('rollout_not_approvable')).toBe(
      'Nothing changed: R7 is waiting for approval of wave 3 (last: Lena Lead approved wave 2 at 09:30 UTC), so there is nothing to approve the next wave.',
    );
    expect(line('rollout_not_excludable')).toBe(
      'Nothing changed: R7 is waiting for approval of wave 3 (last: Lena Lead approved wave 2 at 09:30 UTC), so there is nothing to exclude device-4 from.',
    );
    expect(line('rollout_targets_overlap')).toBe(
      'These targets overlap an active rollout: R1 (running, 10 devices, e.g. device-0001). A device takes one rollout at a time; narrow the filter, or finish or abort that rollout first.',
    );
    expect(line('firmware_not_in_catalog')).toBe('Firmware 9.9.9 is not in the catalog; available: 2.5.0, 2.4.1. `firmware` lists every version.');
    expect(line('rollout_no_matching_devices')).toBe('No device matches `site:rome`; check the filter with `devices site:rome`.');
    expect(line('rollout_nothing_to_roll_out')).toBe(
      'Nothing to roll out: of 20 devices matching the fleet, 20 cannot run it (models sensor-s1 (20); it supports gateway-g2).',
    );
    expect(line('deployment_approval_decided')).toBe('This approval was already approved by Rita Lead at 2026-03-01 10:06 UTC.');
    expect(line('alert_source_refused')).toBe(
      'Azure Monitor did not accept the change (403 Forbidden); the alert is unchanged. Try again, or change it in the Azure portal.',
    );
  });

  it('says what is wrong with bad on-call input and gives an example that works (issue 14)', () => {
    expect(line('time_zone_unknown')).toBe(
      '`Europe/Berlim` is not a time zone I know; use an IANA name such as Europe/Berlin, America/New_York, Asia/Kolkata or UTC. ' +
        'Example: `oncall rotation add berlin-ops weekly Mon 09:00 Europe/Berlin members:alice@contoso.com,bob@contoso.com escalate:carol@contoso.com`.',
    );
    expect(line('override_overlaps')).toBe(
      'That overlaps override #7 (ben covers berlin-ops from 2026-01-06T10:00:00.000Z to 2026-01-06T14:00:00.000Z). ' +
        'Remove it first (`oncall override remove 7`) or start after it ends, e.g. `oncall override berlin-ops me 4h from 2026-01-06T14:00:00.000Z`.',
    );
    expect(line('rotation_without_members')).toBe(
      'Rotation `berlin-ops` has no members; name at least one, e.g. `members:alice@contoso.com,bob@contoso.com`. ' +
        'Example: `oncall rotation add berlin-ops weekly Mon 09:00 Europe/Berlin members:alice@contoso.com,bob@contoso.com escalate:carol@contoso.com`.',
    );
    expect(line('rollout_window_shorter_than_soak')).toBe(
      'The window `Sat 02:00-02:03 Europe/Berlin weekly` lasts 3 min, shorter than the soak of 5 min each wave needs, so no wave could finish in it. ' +
        'Make it longer. Example: `rollout plan 2.4.1 to site:berlin window "Sat 02:00-06:00 Europe/Berlin"`.',
    );
    expect(line('override_too_long')).toBe(
      'An override lasts at most 14 days (this one: 15 d); change the rotation for longer. Example: `oncall override berlin-ops me 4h`.',
    );
    expect(line('rotation_not_found')).toBe('There is no rotation `berlin-opps`. Rotations: `berlin-ops`, `night-desk`.');
    expect(refusalText(new Refusal('rotation_not_found', { name: 'x', known: [] }))).toContain(
      'No rotations yet: an admin adds one, e.g. `oncall rotation add',
    );
  });

  it('a window names how to write one, and for a rollout the command it goes in', () => {
    const zone = (usedIn: 'maintenance' | 'rollout') => refusalText(new Refusal('time_zone_unknown', { timeZone: 'Mars/Olympus', usedIn }));
    for (const usedIn of ['maintenance', 'rollout'] as const) {
      expect(zone(usedIn)).toContain('`Mars/Olympus` is not a time zone I know');
      expect(zone(usedIn)).toContain('Write a window as `<day> HH:MM-HH:MM <time zone> [weekly|daily|once]`, e.g. `Sat 02:00-04:00 Europe/Berlin weekly`');
    }
    expect(zone('rollout')).toContain('Example: `rollout plan 2.4.1 to site:berlin window');
    expect(zone('maintenance')).not.toContain('rollout plan');
    expect(line('maintenance_window_missing')).toBe(
      'Say when: add a window such as `Sat 02:00-04:00 Europe/Berlin weekly`. Example: `silence schedule site:berlin Sat 02:00-04:00 Europe/Berlin weekly`.',
    );
  });

  it('a device filter refusal says what is wrong, and how to write a filter when the word is unknown', () => {
    const help =
      'Filter terms (combine with spaces): `site:<site>`, `ring:<ring>`, `model:<model>`, `fw:<version>`, `tag.<name>:<value>`, `online`, `offline`, `enabled`, `disabled`, `update:<status>`.';
    expect(line('device_filter_term_unknown')).toBe(`I don't know the filter term \`sitee:berlin\`. Did you mean \`site:\`? ${help}`);
    expect(refusalText(new Refusal('device_filter_term_unknown', { term: 'ofline', suggestions: ['online', 'offline'] }))).toContain(
      'Did you mean `online` or `offline`?',
    );
    expect(refusalText(new Refusal('device_filter_term_unknown', { term: 'berlin', suggestions: [] }))).toBe(
      `I don't know the filter term \`berlin\`. ${help}`,
    );
    expect(line('device_filter_term_without_value')).toBe('`site:` has no value; write it like `site:value`.');
    expect(line('device_filter_value_invalid')).toBe(
      "`o'brien` (in `site:o'brien`) is not a value I can match: use letters, digits, `.`, `-`, `_` or `+`, at most 64 characters.",
    );
    expect(line('device_filter_tag_name_invalid')).toBe('`9x` is not a tag name I can match: start with a letter, then letters, digits or `_`.');
    expect(line('device_filter_update_status_unknown')).toBe('`exploded` is not an update status; use one of current, error.');
    expect(line('device_filter_contradiction')).toBe('`offline` contradicts the earlier `online`: no device can match both, so the filter matches nothing.');
  });

  it('a subscription filter refusal keeps the wording `subscribe` gave before it had a code', () => {
    expect(line('rollout_filter_too_long')).toBe(
      'A rollouts filter is at most 100 characters, e.g. `subscribe rollouts 2.4.1` or `subscribe rollouts site:berlin`.',
    );
    expect(line('rollout_filter_character_invalid')).toBe(
      'A rollouts filter holds words of letters, digits, `.`, `:`, `=`, `-`; all must appear in the rollout’s id, version or targets.',
    );
    expect(line('deployment_filter_too_long')).toBe(
      'A deployments filter is at most 200 characters; give the pipeline name, e.g. `subscribe deployments firmware-release`.',
    );
    expect(line('deployment_filter_control_character')).toBe(
      'A deployments filter cannot contain control characters; give the pipeline name as shown in Azure DevOps.',
    );
    expect(line('deployment_filter_name_empty')).toBe(
      'The filter has an empty name between commas; write e.g. `subscribe deployments firmware-release, FleetOps CD`.',
    );
    expect(line('deployment_filter_name_only_wildcards')).toBe(
      'A name of only `*` matches everything; leave the filter out to receive every pipeline: `subscribe deployments`.',
    );
  });

  it('Reassign… of someone outside the rotation names the rotation and nothing was paged', () => {
    expect(line('escalation_member_not_in_rotation')).toBe(
      "zoe@contoso.com is not one of the people of rotation berlin-ops, so nobody was paged; Reassign… offers the rotation's people.",
    );
  });

  it('an alert that is not there, and a note the timeline cannot take, say what to do', () => {
    expect(line('alert_not_found')).toBe('There is no alert `a-9`. `alerts` lists the open ones with their ids.');
    expect(line('alert_note_empty')).toBe('The note is empty; type what you found or did, e.g. "rebooted the gateway, devices back".');
    expect(line('alert_note_too_long')).toBe('A note holds up to 1000 characters (this one has 1204); shorten it or add two.');
  });

  it('the message of the error itself is for logs: the code and the facts, no chat syntax', () => {
    expect(new Refusal('rollout_not_found', { rolloutId: 'R9' }).message).toBe('rollout_not_found {"rolloutId":"R9"}');
  });
});
