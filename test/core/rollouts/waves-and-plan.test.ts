import { refusalText } from '../../../commands/refusal-text';
import { planWaves } from '../../../core/rollouts/plan';
import { parseWaves, waveSizes } from '../../../core/rollouts/waves';

const fw = { version: '2.4.1', packageUri: 'u', sha256: 'a'.repeat(64), compatibleModels: [] as string[] };

describe('parseWaves', () => {
  it('reads cumulative percentages', () => {
    expect(parseWaves('1,10,50,100')).toEqual({ ok: true, waves: [1, 10, 50, 100] });
    expect(parseWaves('5% 25% 100%')).toEqual({ ok: true, waves: [5, 25, 100] });
  });
  it.each([
    ['1,10,50', 'waves_not_ending_at_100', /last wave must be 100/],
    ['10,5,100', 'waves_not_growing', /must grow/],
    ['0,100', 'wave_not_a_percentage', /between 0 and 100/],
    ['abc', 'wave_not_a_percentage', /not a percentage/],
    ['', 'waves_missing', /cumulative percentages/],
    ['1,2,3,4,5,6,7,8,9,10,100', 'waves_too_many', /11 waves is too many; use at most 10/],
  ])('refuses %p with a code and a reason', (text, code, reason) => {
    const result = parseWaves(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.code).toBe(code);
      expect(refusalText(result.refusal)).toMatch(reason);
    }
  });
});

describe('waveSizes', () => {
  it('splits 1,000 devices 1/10/50/100 %', () => expect(waveSizes(1000, [1, 10, 50, 100])).toEqual([10, 90, 400, 500]));
  it('gives every wave at least one device while devices remain', () => expect(waveSizes(3, [1, 10, 50, 100])).toEqual([1, 1, 1]));
  it('covers every device exactly once', () => {
    for (const n of [1, 7, 99, 100, 101, 12345]) expect(waveSizes(n, [1, 5, 25, 100]).reduce((a, b) => a + b, 0)).toBe(n);
  });
});

describe('planWaves', () => {
  it('puts the canary ring first and sets aside already-current and incompatible devices', () => {
    const targets = [
      ...Array.from({ length: 97 }, (_, i) => ({ deviceId: `d${i}`, model: 'sensor-s1', ring: 'prod', currentVersion: '2.4.0' })),
      { deviceId: 'canary-1', model: 'sensor-s1', ring: 'canary', currentVersion: '2.4.0' },
      { deviceId: 'current-1', model: 'sensor-s1', ring: 'prod', currentVersion: '2.4.1' },
      { deviceId: 'gw-1', model: 'gateway-g2', ring: 'prod', currentVersion: '2.4.0' },
    ];
    const plan = planWaves({ ...fw, compatibleModels: ['sensor-s1'] }, targets, [1, 10, 100]);
    expect(plan.waveSizes).toEqual([1, 9, 88]);
    expect(plan.devices.find((d) => d.wave === 1)?.deviceId).toBe('canary-1');
    expect(plan.alreadyCurrent).toBe(1);
    expect(plan.incompatible).toBe(1);
    expect(plan.incompatibleModels).toEqual({ 'gateway-g2': 1 });
    expect(plan.devices).toHaveLength(100);
  });
});
