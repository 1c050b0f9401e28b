import { judgeWave } from '../../../core/rollouts/gates';
import { nextDeviceState } from '../../../core/rollouts/progress';
import type { Observation } from '../../../core/rollouts/observation';

const limits = { soakMs: 5 * 60_000, phaseTimeoutMs: 30 * 60_000 };
const T0 = 1_000_000;
const dev = (state: string, since = T0, extra = {}) => ({ deviceId: 'd1', state: state as never, since, previousVersion: '2.4.0', ...extra });
const seen = (o: Partial<Observation>): Observation => ({ connection: 'Connected', currentVersion: '2.4.0', status: 'current', ...o });

describe('nextDeviceState', () => {
  it('follows the reported phases, starting the clock of each', () => {
    expect(nextDeviceState(dev('targeted'), seen({ status: 'downloading' }), '2.4.1', T0 + 5, limits)).toEqual({
      deviceId: 'd1',
      state: 'downloading',
      since: T0 + 5,
    });
    expect(nextDeviceState(dev('downloading'), seen({ status: 'downloading' }), '2.4.1', T0 + 5, limits)).toBeUndefined();
  });

  it('succeeds only after the new version stayed current and connected for the soak time', () => {
    const onNew = seen({ currentVersion: '2.4.1' });
    expect(nextDeviceState(dev('rebooting'), onNew, '2.4.1', T0 + 10, limits)?.state).toBe('soaking');
    expect(nextDeviceState(dev('soaking'), onNew, '2.4.1', T0 + limits.soakMs - 1, limits)).toBeUndefined();
    expect(nextDeviceState(dev('soaking'), { ...onNew, connection: 'Disconnected' }, '2.4.1', T0 + limits.soakMs, limits)).toBeUndefined();
    expect(nextDeviceState(dev('soaking'), onNew, '2.4.1', T0 + limits.soakMs, limits)?.state).toBe('succeeded');
  });

  it('turns a fall-back to the old version during the soak into rolled-back', () => {
    expect(nextDeviceState(dev('soaking'), seen({ currentVersion: '2.4.0' }), '2.4.1', T0 + 1, limits)).toMatchObject({ state: 'rolled-back' });
    expect(nextDeviceState(dev('applying'), seen({ status: 'rolledback' }), '2.4.1', T0 + 1, limits)?.state).toBe('rolled-back');
  });

  it('reports errors with the substatus', () => {
    expect(nextDeviceState(dev('verifying'), seen({ status: 'error', substatus: 'checksum mismatch' }), '2.4.1', T0 + 1, limits)).toMatchObject({
      state: 'failed',
      reason: 'device reported error: checksum mismatch',
    });
  });

  it('ignores a status it does not know, even one named like an object member', () => {
    expect(nextDeviceState(dev('downloading'), seen({ status: 'constructor' }), '2.4.1', T0 + 1, limits)).toBeUndefined();
    expect(nextDeviceState(dev('downloading'), seen({ status: 'toString' }), '2.4.1', T0 + limits.phaseTimeoutMs + 1, limits)?.state).toBe('timed-out');
  });

  it('ignores a status left over from an earlier update until the device moves', () => {
    expect(nextDeviceState(dev('targeted', T0, { baselineStatus: 'error' }), seen({ status: 'error' }), '2.4.1', T0 + 1, limits)).toBeUndefined();
  });

  it('times out silence in any phase, and a device that vanished', () => {
    expect(nextDeviceState(dev('targeted'), seen({}), '2.4.1', T0 + limits.phaseTimeoutMs + 1, limits)).toMatchObject({
      state: 'timed-out',
      reason: 'no progress while targeted for 30 min',
    });
    expect(nextDeviceState(dev('applying'), seen({ status: 'applying' }), '2.4.1', T0 + limits.phaseTimeoutMs + 1, limits)?.state).toBe('timed-out');
    expect(nextDeviceState(dev('downloading'), undefined, '2.4.1', T0 + limits.phaseTimeoutMs + 1, limits)?.reason).toMatch(/not found/);
    expect(nextDeviceState(dev('downloading'), undefined, '2.4.1', T0 + 1, limits)).toBeUndefined();
  });
});

describe('judgeWave', () => {
  const gates = { successPct: 95, failurePct: 2 };
  it('waits until the wave is done when nothing failed', () => {
    expect(judgeWave({ succeeded: 50, queued: 10, downloading: 40 }, gates).verdict).toBe('pending');
    expect(judgeWave({ succeeded: 100 }, gates).verdict).toBe('passed');
  });
  it('breaches on failures once M devices finished, not before', () => {
    expect(judgeWave({ failed: 1, succeeded: 8, queued: 91 }, gates).verdict).toBe('pending');
    const breach = judgeWave({ failed: 1, succeeded: 9, queued: 90 }, gates);
    expect(breach.verdict).toBe('breached');
    expect(breach.reason).toBe('failures reached 10 % (1 of 10 finished), the limit is under 2 %');
  });
  it('counts timed-out and rolled-back as failures and judges small waves on their size', () => {
    expect(judgeWave({ 'timed-out': 1 }, gates).verdict).toBe('breached');
    expect(judgeWave({ 'rolled-back': 1, succeeded: 2 }, gates).minFinished).toBe(3);
  });
  it('forgives acknowledged failures after a resume', () => {
    expect(judgeWave({ failed: 1, succeeded: 99 }, gates, 1).verdict).toBe('passed');
  });
  it('does not pass a wave where nobody finished', () => {
    expect(judgeWave({ 'skipped-offline': 3 }, gates)).toMatchObject({ verdict: 'breached', reason: 'no device of the wave finished (3 skipped offline)' });
    expect(judgeWave({ canceled: 3 }, gates).verdict).toBe('passed');
  });
});
