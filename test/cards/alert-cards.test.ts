import { alertCard } from '../../cards/alert';
import { alertStormCard } from '../../cards/alert-storm';
import { alertListCard } from '../../cards/alert-list';
import { cardBytes } from '../../cards/card';
import type { AlertRecord } from '../../core/alerts/alert';
import { parseAlertPayload } from '../../core/alerts/parse-alert';
import type { StormView } from '../../core/alerts/storm';
import { expectValidCard } from '../support/cards';
import { commonFixtures, devicePayload, fixture } from '../core/alerts/fixtures';

const now = new Date('2026-01-01T00:12:00Z');

function record(payload: unknown, extra: Partial<AlertRecord> = {}): AlertRecord {
  const parsed = parseAlertPayload(payload);
  if (!parsed.ok) throw new Error(parsed.error);
  return { ...parsed.alert, state: 'New', receivedAt: parsed.alert.firedAt, version: 1, ...extra };
}

describe('alert card', () => {
  it.each(commonFixtures())('renders %s as a valid card', (name) => {
    const card = alertCard({ record: record(fixture(name)), now });
    expectValidCard(card);
    expect(card).toMatchSnapshot();
  });

  it('shows a device alert with its condition, time, buttons for logs and device status', () => {
    const card = alertCard({ record: record(devicePayload({ alertId: 'a1', deviceId: 'device-42', site: 'berlin' })), now });
    expectValidCard(card);
    const text = JSON.stringify(card);
    expect(text).toContain('Maximum temperature where DeviceId = device-42, Site = berlin > 85, actual 91.5 over 5 min');
    expect(text).toContain('2026-01-01 00:00 UTC (12 min ago)');
    expect(text).toContain('"verb":"logs.query"');
    expect(text).toContain("DeviceId == 'device-42'");
    expect(text).toContain('"verb":"device.status"');
    expect(text).toContain('"style":"attention"');
    expect(card).toMatchSnapshot();
  });

  it('shows who acknowledged, and a silence', () => {
    const card = alertCard({
      record: record(devicePayload({ alertId: 'a1', deviceId: 'device-42' }), {
        state: 'Acknowledged',
        acknowledgedBy: 'Otto Operator',
        acknowledgedAt: '2026-01-01T00:05:00.000Z',
      }),
      silence: {
        id: 1,
        rule: 'Temperature high',
        target: 'device-42',
        until: '2026-01-01T04:05:00.000Z',
        createdBy: 'Otto Operator',
        createdAt: '2026-01-01T00:05:00.000Z',
      },
      now,
    });
    expectValidCard(card);
    const text = JSON.stringify(card);
    expect(text).toContain('by Otto Operator, 2026-01-01 00:05 UTC');
    expect(text).toContain('until 2026-01-01 04:05 UTC by Otto Operator');
    expect(text).not.toContain('"title":"Acknowledge"');
  });

  it('turns green with the duration when resolved', () => {
    const card = alertCard({ record: record(fixture('common-schema_metric-static_resolved.json')), now });
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain('Resolved after 4 min');
    expect(JSON.stringify(card)).toContain('"style":"good"');
  });

  it('stays small with a huge description and query', () => {
    const payload = fixture('common-schema_log-alert-v2_fired_test-action.json');
    payload.data.essentials.description = 'd'.repeat(100_000);
    payload.data.alertContext.condition.allOf[0].searchQuery = 'q'.repeat(100_000);
    const card = alertCard({ record: record(payload), now });
    expectValidCard(card);
    expect(cardBytes(card)).toBeLessThan(8 * 1024);
  });
});

function stormView(total: number, firing: number, longNames = false): StormView {
  const pad = (s: string) => (longNames ? s + 'x'.repeat(500) : s);
  return {
    storm: { conversationId: 'ops', rule: pad('Device offline'), generation: 1, startedAt: 0, lastAt: 0 },
    total,
    firing,
    resolved: total - firing,
    severity: 2,
    firstFiredAt: '2026-01-01T00:00:00.000Z',
    lastFiredAt: '2026-01-01T00:01:00.000Z',
    topSites: [
      { site: pad('berlin'), count: Math.ceil(total / 2) },
      { site: 'paris', count: Math.floor(total / 2) },
    ],
    members: Array.from({ length: Math.min(total, 8) }, (_, i) => ({
      alertId: `a${i}`,
      target: pad(`device-${i}`),
      severity: 2,
      site: pad('berlin'),
      monitorCondition: i < firing ? ('Fired' as const) : ('Resolved' as const),
      state: 'New',
      firedAt: '2026-01-01T00:00:00.000Z',
      resolvedAt: i < firing ? undefined : '2026-01-01T00:05:00.000Z',
    })),
  };
}

describe('storm card', () => {
  it('summarises a storm with counts, sites, the latest members and "and N more"', () => {
    const card = alertStormCard(stormView(37, 30), now);
    expectValidCard(card);
    const text = JSON.stringify(card);
    expect(text).toContain('Device offline: 37 devices');
    expect(text).toContain('37 (30 firing, 7 resolved)');
    expect(text).toContain('berlin (19), paris (18)');
    expect(text).toContain('and 29 more');
    expect(text).toContain('"verb":"alerts.list"');
    expect(card).toMatchSnapshot();
  });

  it('says when the storm is over', () => {
    const card = alertStormCard(stormView(5000, 0), now);
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain('Storm over: all 5000 alerts resolved');
  });

  it('stays under 28 KB whatever the storm size and name lengths', () => {
    for (const total of [1, 100, 5_000, 1_000_000]) expectValidCard(alertStormCard(stormView(total, total, true), now));
  });
});

describe('alert list card', () => {
  it('lists alerts worst first, capped, with "and N more"', () => {
    const alerts = Array.from({ length: 60 }, (_, i) =>
      record(
        devicePayload({
          alertId: `/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/id-${i}`,
          deviceId: `device-${i}`,
          severity: i % 5,
          site: 'berlin',
        }),
      ),
    );
    const card = alertListCard({ title: 'Open alerts: 250', alerts, total: 250, narrowHint: 'narrow it', now });
    expectValidCard(card);
    const text = JSON.stringify(card);
    expect(text).toContain('and 210 more — narrow it');
    expect(text).toContain('`alert id-0`');
  });

  it('renders an empty list', () => {
    const card = alertListCard({ title: 'Open alerts', alerts: [], total: 0, now });
    expectValidCard(card);
    expect(card).toMatchSnapshot();
  });
});
