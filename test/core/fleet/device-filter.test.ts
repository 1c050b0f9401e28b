import { describeDeviceFilter, formatDeviceFilter, parseDeviceFilter } from '../../../core/fleet/device-filter';

const ok = (text: string) => {
  const r = parseDeviceFilter(text);
  if (!r.ok) throw r.refusal;
  return r.filter;
};
/** The refusal's code and facts: the words are commands/refusal-text.ts's (test/commands/fleet-commands.test.ts reads them). */
const refusal = (text: string) => {
  const r = parseDeviceFilter(text);
  if (r.ok) throw new Error(`expected a refusal for ${text}`);
  return { code: r.refusal.code, facts: r.refusal.facts };
};

describe('device filter language', () => {
  test('terms combine with AND', () => {
    expect(ok('site:berlin ring:canary fw:1.2.0 model:x100 offline tag.floor:3')).toEqual({
      site: 'berlin',
      ring: 'canary',
      firmware: '1.2.0',
      model: 'x100',
      connection: 'Disconnected',
      tags: { floor: '3' },
    });
    expect(ok('')).toEqual({});
    expect(ok('ONLINE disabled update:error ring=broad firmware:2.0.0-rc.1')).toEqual({
      connection: 'Connected',
      status: 'disabled',
      fwUpdateStatus: 'error',
      ring: 'broad',
      firmware: '2.0.0-rc.1',
    });
    expect(ok('tag.site:oslo')).toEqual({ site: 'oslo' });
  });

  test('round trip through the canonical text', () => {
    const f = ok('offline tag.floor:3 site:berlin');
    expect(formatDeviceFilter(f)).toBe('site:berlin tag.floor:3 offline');
    expect(ok(formatDeviceFilter(f))).toEqual(f);
    expect(describeDeviceFilter({})).toBe('all devices');
  });

  test('a filter that cannot match is refused with a code and the facts to word it, no chat text', () => {
    expect(refusal('sitee:berlin')).toEqual({ code: 'device_filter_term_unknown', facts: { term: 'sitee:berlin', suggestions: ['site:'] } });
    expect(refusal('ofline')).toEqual({ code: 'device_filter_term_unknown', facts: { term: 'ofline', suggestions: ['online', 'offline'] } });
    expect(refusal('berlin')).toEqual({ code: 'device_filter_term_unknown', facts: { term: 'berlin', suggestions: [] } });
    expect(refusal('site:')).toEqual({ code: 'device_filter_term_without_value', facts: { term: 'site:', key: 'site' } });
    expect(refusal("site:o'brien")).toEqual({ code: 'device_filter_value_invalid', facts: { term: "site:o'brien", value: "o'brien" } });
    expect(refusal('update:exploded')).toEqual({
      code: 'device_filter_update_status_unknown',
      facts: { term: 'update:exploded', value: 'exploded', known: ['current', 'downloading', 'verifying', 'applying', 'rebooting', 'error', 'rolledback'] },
    });
    expect(refusal('tag.9x:1')).toEqual({ code: 'device_filter_tag_name_invalid', facts: { term: 'tag.9x:1', name: '9x' } });
  });

  test('a contradiction names the earlier term as it was written', () => {
    expect(refusal('online offline')).toEqual({ code: 'device_filter_contradiction', facts: { term: 'offline', earlier: 'online' } });
    expect(refusal('site:a ring:x site:b')).toEqual({ code: 'device_filter_contradiction', facts: { term: 'site:b', earlier: 'site:a' } });
    expect(refusal('tag.site:oslo site=berlin')).toEqual({ code: 'device_filter_contradiction', facts: { term: 'site=berlin', earlier: 'tag.site:oslo' } });
    expect(refusal('tag.floor:3 tag.floor:4')).toEqual({ code: 'device_filter_contradiction', facts: { term: 'tag.floor:4', earlier: 'tag.floor:3' } });
    expect(refusal('fw:1.0.0 firmware:1.0.0 version:2.0.0')).toEqual({
      code: 'device_filter_contradiction',
      facts: { term: 'version:2.0.0', earlier: 'fw:1.0.0' },
    });
    // The same value twice is no contradiction.
    expect(ok('online ONLINE site:a site:a')).toEqual({ connection: 'Connected', site: 'a' });
  });
});
