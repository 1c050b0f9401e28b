import { deviceListCard } from '../../cards/device-list';
import { deviceStatusCard, rebootConfirmCard } from '../../cards/device-status';
import { fleetSummaryCard } from '../../cards/fleet-summary';
import { cardBytes } from '../../cards/card';
import { expectValidCard } from '../support/cards';
import { deviceList, deviceStatus, fleetSummary } from './fleet-samples';

const [status, list, summary] = [deviceStatus, deviceList, fleetSummary];

describe('fleet cards', () => {
  test.each([
    ['device status', deviceStatusCard(status)],
    [
      'device status, minimal (local, nothing reported, no alerts feature)',
      deviceStatusCard({
        ...status,
        connected: false,
        lastSeen: 'never',
        lastActivity: undefined,
        firmware: { drift: false },
        rollout: undefined,
        health: { verdict: 'unknown', reasons: [] },
        facts: [],
        tags: [],
        alerts: undefined,
        showLogs: false,
        portalUrl: undefined,
        source: 'local',
        notice: { text: 'Reboot sent.', tone: 'good' },
      }),
    ],
    ['reboot confirmation', rebootConfirmCard({ deviceId: 'device-42', connected: false, updating: 'applying 2.5.0' })],
    ['device list', deviceListCard(list)],
    ['device list, empty', deviceListCard({ ...list, total: 0, rows: [], tokens: [''], nextToken: undefined })],
    ['fleet summary', fleetSummaryCard(summary)],
  ])('%s: snapshot, valid Adaptive Card 1.5, small', (_name, rendered) => {
    expect(rendered).toMatchSnapshot();
    expectValidCard(rendered);
  });

  test('paging data carries the way back and stays bounded', () => {
    const many = deviceListCard({ ...list, tokens: Array.from({ length: 20 }, (_, i) => (i === 0 ? '' : 'x'.repeat(300))), base: 7 });
    const next = (many.actions as Array<{ title: string; data: { tokens: string[]; base: number } }>).find((a) => a.title === 'Next')!;
    expect(next.data.tokens.length).toBeLessThanOrEqual(11);
    expect(next.data.base + next.data.tokens.length).toBe(7 + 21);
    expect(cardBytes(many)).toBeLessThan(28 * 1024);
  });

  test('more than 8 sites fold into "other"', () => {
    const text = JSON.stringify(fleetSummaryCard(summary));
    expect(text).toContain('other (3)');
  });
});
