import { cleanDeviceIdInput, rankClosestIds, suggestionPrefixes } from '../../../core/fleet/device-id';
import { naturalCompare } from '../../../core/text/natural-order';
import { formatRelativeTime } from '../../../core/text/relative-time';
import { formatDuration } from '../../../core/text/duration';
import { assessHealth } from '../../../core/fleet/health';
import { firmwareOf } from '../../../core/fleet/twin-view';
import type { DeviceTwin } from '../../../core/ports/fleet';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

const twin = (over: Partial<DeviceTwin> & { reported?: Record<string, unknown>; desired?: Record<string, unknown> } = {}): DeviceTwin => ({
  deviceId: 'device-42',
  status: 'enabled',
  connectionState: 'Connected',
  lastActivityTime: ago(30_000),
  tags: {},
  properties: { desired: over.desired ?? {}, reported: over.reported ?? {} },
  ...over,
});

describe('last seen', () => {
  test.each([
    [undefined, 'never'],
    ['0001-01-01T00:00:00Z', 'never'],
    [ago(10_000), 'just now'],
    [ago(3 * 60_000), '3 min ago'],
    [ago(5 * 3600_000), '5 h ago'],
    [ago(3 * 86400_000), '3 days ago'],
  ])('%s → %s', (at, text) => expect(formatRelativeTime(at, now)).toBe(text));
  test('durations', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe('3 h 5 min');
  });
});

describe('device ids', () => {
  test('surrounding punctuation and quotes are forgiven', () => {
    expect(cleanDeviceIdInput(' `device-42`, ')).toBe('device-42');
    expect(cleanDeviceIdInput('"Device-42"?')).toBe('Device-42');
    expect(cleanDeviceIdInput('(device-42).')).toBe('device-42');
  });
  test('closest ids', () => {
    const ids = ['device-42', 'device-420', 'device-421', 'device-4', 'device-7', 'sensor-42'];
    expect(rankClosestIds('device-4200', ids, 3)).toEqual(['device-420', 'device-42', 'device-421']);
    expect(rankClosestIds('DEVICE-42', ids, 1)).toEqual(['device-42']);
    expect(rankClosestIds('zzz', ids, 3)).toEqual([]);
    expect(suggestionPrefixes('device-4200')).toEqual(['device-4200', 'device-420', 'device-42']);
    expect(['device-10', 'device-2', 'device-1'].sort(naturalCompare)).toEqual(['device-1', 'device-2', 'device-10']);
  });
});

describe('health verdict', () => {
  test('healthy', () => {
    expect(assessHealth(twin({ reported: { health: { battery: 80, temperature: 40, rssi: -60 } } }), now)).toEqual({ verdict: 'healthy', reasons: [] });
  });
  test('unhealthy lists the worst first', () => {
    const t = twin({ connectionState: 'Disconnected', lastActivityTime: ago(2 * 3600_000), reported: { health: { temperature: 81.2, battery: 12 } } });
    expect(assessHealth(t, now)).toEqual({ verdict: 'unhealthy', reasons: ['offline for 2 h', 'hot: 81.2 °C', 'battery low: 12 %'] });
  });
  test('degraded: briefly offline, rolled back', () => {
    const t = twin({
      connectionState: 'Disconnected',
      lastActivityTime: ago(5 * 60_000),
      desired: { firmware: { fwVersion: '2.0.0' } },
      reported: { firmware: { currentFwVersion: '1.9.0', fwUpdateStatus: 'rolledback', pendingFwVersion: '2.0.0' } },
    });
    expect(assessHealth(t, now)).toEqual({ verdict: 'degraded', reasons: ['offline for 5 min', 'rolled back to 1.9.0 from 2.0.0'] });
    expect(firmwareOf(t)).toMatchObject({ current: '1.9.0', desired: '2.0.0', drift: true, status: 'rolledback' });
  });
  test('unknown when nothing was ever reported', () => {
    expect(assessHealth(twin({ lastActivityTime: undefined, connectionState: 'Connected' }), now).verdict).toBe('unknown');
  });
});
