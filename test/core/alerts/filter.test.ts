import { matchesFilter, parseAlertFilter, validateAlertFilter } from '../../../core/alerts/filter';

const alert = { severity: 2 as const, site: 'Berlin', deviceId: 'device-42', rule: 'Device offline' };

describe('alert filter', () => {
  it('parses the full language', () => {
    const r = parseAlertFilter('sev<=2 site:berlin device:device-42 rule:"Device offline"');
    expect(r).toEqual({ ok: true, filter: { maxSeverity: 2, minSeverity: undefined, sites: ['berlin'], devices: ['device-42'], rules: ['Device offline'] } });
    if (r.ok) expect(matchesFilter(alert, r.filter)).toBe(true);
  });

  it.each([
    ['', true],
    ['sev<=1', false],
    ['sev<3', true],
    ['sev=2', true],
    ['sev>=3', false],
    ['site:paris', false],
    ['site:paris site:berlin', true],
    ['device:DEVICE-42', true],
    ['rule:other', false],
  ])('%s matches: %s', (text, expected) => {
    const r = parseAlertFilter(text);
    if (!r.ok) throw new Error(r.error);
    expect(matchesFilter(alert, r.filter)).toBe(expected);
  });

  it('does not match a site filter when the alert has no site', () => {
    const r = parseAlertFilter('site:berlin');
    if (!r.ok) throw new Error(r.error);
    expect(matchesFilter({ ...alert, site: undefined }, r.filter)).toBe(false);
  });

  it.each([
    ['sev<=7', 'severities go from 0'],
    ['colour:blue', 'Unknown filter key `colour`'],
    ['berlin', "I don't understand `berlin`"],
    ['site:', 'needs a value'],
    ['rule:"Device offline', 'unclosed quote'],
    ['sev>=3 sev<=1', 'severity range is empty'],
    ['sev<0', 'Did you mean `sev<=0`'],
  ])('explains what is wrong with %s', (text, message) => {
    expect(validateAlertFilter(text)).toContain(message);
  });

  it('takes bare words as devices for the alerts command', () => {
    const r = parseAlertFilter('sev<=2 device-42', { bareWordsAreDevices: true });
    expect(r.ok && r.filter.devices).toEqual(['device-42']);
  });
});
