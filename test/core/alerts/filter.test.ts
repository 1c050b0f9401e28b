import { refusalText } from '../../../commands/refusal-text';
import { alertFilterRefusal, matchesFilter, parseAlertFilter } from '../../../core/alerts/filter';

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
    if (!r.ok) throw r.refusal;
    expect(matchesFilter(alert, r.filter)).toBe(expected);
  });

  it('does not match a site filter when the alert has no site', () => {
    const r = parseAlertFilter('site:berlin');
    if (!r.ok) throw r.refusal;
    expect(matchesFilter({ ...alert, site: undefined }, r.filter)).toBe(false);
  });

  it.each([
    ['sev<=7', 'alert_filter_severity_unknown', 'severities go from 0'],
    ['colour:blue', 'alert_filter_key_unknown', 'Unknown filter key `colour`'],
    ['berlin', 'alert_filter_term_unknown', "I don't understand `berlin`"],
    ['site:', 'alert_filter_term_without_value', 'needs a value'],
    ['rule:"Device offline', 'alert_filter_unclosed_quote', 'unclosed quote'],
    ['sev>=3 sev<=1', 'alert_filter_severity_range_empty', 'severity range is empty'],
    ['sev<0', 'alert_filter_matches_nothing', 'Did you mean `sev<=0`'],
    ['sev>4', 'alert_filter_matches_nothing', 'Sev4 is the least severe'],
    ['oncall:"two words"', 'alert_filter_rotation_invalid', 'name a rotation'],
    ['oncall:ops page:soon', 'alert_filter_page_invalid', 'up to which severity to page'],
    ['page:sev<=2', 'alert_filter_page_without_rotation', '`page:` goes with a rotation'],
  ])('explains what is wrong with %s (%s)', (text, code, message) => {
    const refusal = alertFilterRefusal(text);
    expect(refusal?.code).toBe(code);
    expect(refusal && refusalText(refusal)).toContain(message);
  });

  it('a filter that parses is not refused', () => expect(alertFilterRefusal('sev<=2 site:berlin oncall:ops page:sev<=3')).toBeUndefined());

  it('takes bare words as devices for the alerts command', () => {
    const r = parseAlertFilter('sev<=2 device-42', { bareWordsAreDevices: true });
    expect(r.ok && r.filter.devices).toEqual(['device-42']);
  });
});
