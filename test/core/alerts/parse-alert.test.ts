import { parseAlertPayload } from '../../../core/alerts/parse-alert';
import { dedupeKey } from '../../../core/alerts/dedupe';
import { commonFixtures, devicePayload, fixture, legacyFixtures } from './fixtures';

describe('parseAlertPayload', () => {
  it.each(commonFixtures())('reads %s', (name) => {
    const result = parseAlertPayload(fixture(name));
    if (!result.ok) throw new Error(result.error);
    expect(result.alert.rule).toBeTruthy();
    expect(result.alert.firedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it.each(legacyFixtures())('refuses the legacy payload %s and says how to fix it', (name) => {
    const result = parseAlertPayload(fixture(name));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('enable the common alert schema on the action group');
  });

  it('reads a static metric alert: criteria, severity, target', () => {
    const result = parseAlertPayload(fixture('common-schema_metric-static_fired_test-action.json'));
    if (!result.ok) throw new Error(result.error);
    const { alert } = result;
    expect(alert.kind).toBe('metric');
    expect(alert.severity).toBe(4);
    expect(alert.condition).toEqual({
      kind: 'metric',
      dynamic: false,
      windowSize: 'PT5M',
      criteria: [
        {
          metric: 'Transactions',
          namespace: 'Microsoft.Storage/storageAccounts',
          operator: 'GreaterThan',
          threshold: '0',
          aggregation: 'Total',
          value: 100,
          dimensions: [{ name: 'ApiName', value: 'GetBlob' }],
          sensitivity: undefined,
        },
      ],
    });
    expect(alert.links.portal).toContain('AlertDetailsTemplateBlade');
    expect(alert.customProperties).toEqual({ customKey1: 'value1', customKey2: 'value2' });
  });

  it('marks dynamic thresholds with their sensitivity', () => {
    const result = parseAlertPayload(fixture('common-schema_metric-dynamic_fired_test-action.json'));
    if (!result.ok) throw new Error(result.error);
    expect(result.alert.condition).toMatchObject({ kind: 'metric', dynamic: true, criteria: [{ sensitivity: 'Low', value: 78.09, threshold: '0.3' }] });
  });

  it('reads log search v2 with the query, the measured count and the filtered results link', () => {
    const result = parseAlertPayload(fixture('common-schema_log-alert-v2_fired_test-action.json'));
    if (!result.ok) throw new Error(result.error);
    expect(result.alert.condition).toMatchObject({
      kind: 'log',
      query: 'Heartbeat',
      operator: 'GreaterThan',
      threshold: '0',
      resultCount: 3,
      dimensions: [{ name: 'Computer', value: 'test-computer' }],
    });
    expect(result.alert.links.searchResults).toContain('LogsBlade');
  });

  it('reads log search v1 (number of results)', () => {
    const result = parseAlertPayload(fixture('common-schema_log-alert-v1-numresults_test-action.json'));
    if (!result.ok) throw new Error(result.error);
    expect(result.alert.condition).toMatchObject({
      kind: 'log',
      query: 'Heartbeat',
      resultCount: 1,
      threshold: '0',
      operator: 'Greater Than',
      windowSize: 'PT1440M',
    });
  });

  it.each([
    ['common-schema_activity-log-administrative_fired_test-action.json', 'activity-log'],
    ['common-schema_resource-health_fired_test-action.json', 'resource-health'],
    ['common-schema_service-health_test-action.json', 'service-health'],
    ['common-schema_smart-detection_fired_test-action.json', 'smart-detection'],
  ])('classifies %s as %s', (name, kind) => {
    const result = parseAlertPayload(fixture(name));
    if (!result.ok) throw new Error(result.error);
    expect(result.alert.kind).toBe(kind);
    expect(result.alert.condition.kind).toBe(kind);
  });

  it('reads a resolved metric alert with its resolution time', () => {
    const result = parseAlertPayload(fixture('common-schema_metric-static_resolved.json'));
    if (!result.ok) throw new Error(result.error);
    expect(result.alert.monitorCondition).toBe('Resolved');
    expect(result.alert.resolvedAt).toBe('2019-03-22T14:03:16.224Z');
    expect(result.alert.rawResolvedDateTime).toBe('2019-03-22T14:03:16.2246313Z');
  });

  it('finds the device in a DeviceId dimension and the site in a Site dimension', () => {
    const result = parseAlertPayload(devicePayload({ alertId: 'a1', deviceId: 'device-42', site: 'berlin' }));
    if (!result.ok) throw new Error(result.error);
    expect(result.alert.deviceId).toBe('device-42');
    expect(result.alert.site).toBe('berlin');
  });

  it('finds the device in a target of the form …/devices/<id>', () => {
    const payload = devicePayload({ alertId: 'a1' });
    payload.data.essentials.alertTargetIDs = ['/subscriptions/s/resourceGroups/r/providers/Microsoft.Devices/IotHubs/h/devices/device-7'];
    const result = parseAlertPayload(payload);
    expect(result.ok && result.alert.deviceId).toBe('device-7');
  });

  it.each([
    [(p: any) => (p.data.essentials.severity = 'Sev9'), 'data.essentials.severity must be one of Sev0'],
    [(p: any) => delete p.data.essentials.alertId, 'data.essentials.alertId'],
    [(p: any) => (p.data.essentials.monitorCondition = 'Active'), 'data.essentials.monitorCondition must be "Fired" or "Resolved"'],
    [(p: any) => (p.data.essentials.firedDateTime = 'yesterday'), 'data.essentials.firedDateTime must be an ISO 8601 time'],
    [(p: any) => delete p.data, 'data'],
  ])('names what is wrong in a broken payload (%#)', (breakIt, message) => {
    const payload = devicePayload({ alertId: 'a1' });
    breakIt(payload);
    const result = parseAlertPayload(payload);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it('refuses a body that is not an object', () => {
    expect(parseAlertPayload([1, 2]).ok).toBe(false);
    expect(parseAlertPayload('text').ok).toBe(false);
  });

  it('keys duplicates by alertId, condition and time', () => {
    const fired = parseAlertPayload(devicePayload({ alertId: 'a1' }));
    const resolved = parseAlertPayload(devicePayload({ alertId: 'a1', condition: 'Resolved' }));
    if (!fired.ok || !resolved.ok) throw new Error('fixture');
    expect(dedupeKey(fired.alert)).toBe('a1|Fired|2026-01-01T00:00:00.000Z');
    expect(dedupeKey(resolved.alert)).toBe('a1|Resolved|2026-01-01T00:10:00.000Z');
  });
});
