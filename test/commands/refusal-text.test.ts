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
};

const line = <C extends RefusalCode>(code: C) => refusalText(new Refusal(code, SAMPLES[code]));

describe('refusal text', () => {
  it.each(Object.keys(SAMPLES) as RefusalCode[])('%s reads as one sentence or two, with no placeholder left', (code) => {
    const text = line(code);
    expect(text).toMatch(/^\S.*[.)]$/);
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

  it('the message of the error itself is for logs: the code and the facts, no chat syntax', () => {
    expect(new Refusal('rollout_not_found', { rolloutId: 'R9' }).message).toBe('rollout_not_found {"rolloutId":"R9"}');
  });
});
