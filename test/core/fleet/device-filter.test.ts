import { describeDeviceFilter, formatDeviceFilter, parseDeviceFilter } from '../../../core/fleet/device-filter';

const ok = (text: string) => {
  const r = parseDeviceFilter(text);
  if (!r.ok) throw new Error(r.error);
  return r.filter;
};
const err = (text: string) => {
  const r = parseDeviceFilter(text);
  if (r.ok) throw new Error(`expected an error for ${text}`);
  return r.error;
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

  test('errors say what is wrong and what is allowed', () => {
    expect(err('sitee:berlin')).toMatch(/I don't know the filter term `sitee:berlin`\. Did you mean `site:`\?/);
    expect(err('ofline')).toMatch(/Did you mean `online` or `offline`\?/);
    expect(err('site:')).toMatch(/has no value; write it like `site:value`/);
    expect(err("site:o'brien")).toMatch(/not a value I can match/);
    expect(err('online offline')).toMatch(/contradicts/);
    expect(err('site:a site:b')).toMatch(/contradicts/);
    expect(err('update:exploded')).toMatch(/not an update status; use one of current, downloading/);
    expect(err('tag.9x:1')).toMatch(/not a tag name/);
    expect(err('berlin')).toMatch(/Filter terms/);
  });
});
