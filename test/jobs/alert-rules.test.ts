import { AlertRuleEvaluator } from '../../jobs/alert-rules';
import type { DeviceTwin, FleetClient } from '../../core/ports/fleet';
import type { LogsClient, LogsQueryResult } from '../../core/ports/logs';
import { loadAlertRules, parseAlertRules } from '../../sim/alert-rules';
import { parseAlertPayload } from '../../core/alerts/parse-alert';
import { silentLogger } from '../../core/logger';
import { alertsWorld } from '../core/alerts/world';

const rules = loadAlertRules().rules;

function twin(deviceId: string, over: Partial<DeviceTwin> & { temperature?: number } = {}): DeviceTwin {
  return {
    deviceId,
    status: 'enabled',
    connectionState: 'Connected',
    lastActivityTime: '2026-01-01T00:00:00.000Z',
    tags: { site: 'berlin' },
    properties: { desired: {}, reported: { health: { temperature: over.temperature ?? 40 } } },
    ...over,
  };
}

class FakeFleet {
  devices = new Map<string, DeviceTwin>();
  set(t: DeviceTwin) {
    this.devices.set(t.deviceId, t);
  }
  async *listDevices() {
    yield { devices: [...this.devices.values()] };
  }
}

class FakeLogs implements Pick<LogsClient, 'query'> {
  errors: Record<string, number> = {};
  queries: string[] = [];
  async query(kql: string): Promise<LogsQueryResult> {
    this.queries.push(kql);
    const rows = Object.entries(this.errors)
      .filter(([, n]) => n > 20)
      .map(([d, n]) => [d, n]);
    return {
      tables: [
        {
          name: 'PrimaryResult',
          columns: [
            { name: 'DeviceId', type: 'string' },
            { name: 'ErrorLines', type: 'long' },
          ],
          rows,
        },
      ],
      truncated: false,
      store: 'fake',
      statistics: { elapsedMs: 1 },
    };
  }
}

async function setup(withLogs = true) {
  const world = alertsWorld();
  await world.subscribe('ops');
  const fleet = new FakeFleet();
  const logs = new FakeLogs();
  const posted: any[] = [];
  const evaluator = new AlertRuleEvaluator({
    rules,
    fleet: fleet as unknown as FleetClient,
    logs: withLogs ? logs : undefined,
    firing: () => world.repo.listFiringWithPrefix('/fleetops/local/alerts/'),
    // The same path as over HTTP: parse the common schema, ingest.
    post: async (payload) => {
      posted.push(payload);
      const parsed = parseAlertPayload(payload);
      if (!parsed.ok) throw new Error(parsed.error);
      await world.ingestor.ingest(parsed.alert, JSON.stringify(payload));
    },
    clock: world.clock,
    log: silentLogger,
  });
  return { world, fleet, logs, posted, evaluator };
}

describe('local alert rules', () => {
  it('reads the rules file: offline > 5 min Sev2, error lines > 20 in 5 min Sev3, temperature > 85 °C Sev1', () => {
    expect(rules.map((r) => [r.kind, r.severity])).toEqual([
      ['offline', 2],
      ['error-lines', 3],
      ['temperature', 1],
    ]);
    expect(() => parseAlertRules('rules:\n  - id: x\n    name: X\n    kind: nope\n    severity: 9\n')).toThrow(/not valid/);
  });

  it('fires once for a device offline more than 5 minutes, then resolves when it is back', async () => {
    const { world, fleet, evaluator, posted } = await setup();
    fleet.set(twin('device-1', { connectionState: 'Disconnected', lastActivityTime: '2025-12-31T23:58:00.000Z' }));
    expect(await evaluator.evaluate()).toMatchObject({ fired: 0 });
    world.clock.advance(4 * 60_000);
    expect(await evaluator.evaluate()).toMatchObject({ fired: 1, resolved: 0 });
    expect(posted[0].data.essentials).toMatchObject({ alertRule: 'Device offline', severity: 'Sev2', monitorCondition: 'Fired' });
    world.clock.advance(30_000);
    expect(await evaluator.evaluate()).toMatchObject({ fired: 0, resolved: 0 });
    fleet.set(twin('device-1'));
    world.clock.advance(30_000);
    expect(await evaluator.evaluate()).toMatchObject({ fired: 0, resolved: 1 });
    const [open] = (await world.service.listOpen()).alerts;
    expect(open).toBeUndefined();
    const card = JSON.stringify(world.notifier.latest('ops', world.notifier.keys('ops')[0]!));
    expect(card).toContain('Resolved after 1 min');
    expect(card).toContain('device-1');
  });

  it('fires Sev1 for temperature above 85 °C with the site', async () => {
    const { world, fleet, evaluator } = await setup();
    fleet.set(twin('device-2', { temperature: 91.25 }));
    await evaluator.evaluate();
    expect((await world.service.listOpen()).alerts[0]).toMatchObject({ rule: 'Temperature high', severity: 1, deviceId: 'device-2', site: 'berlin' });
  });

  it('fires Sev3 for more than 20 error lines in 5 minutes from the logs, with the query bounded in time', async () => {
    const { world, logs, evaluator } = await setup();
    logs.errors = { 'device-3': 25, 'device-4': 20 };
    await evaluator.evaluate();
    expect((await world.service.listOpen()).alerts.map((a) => [a.deviceId, a.severity])).toEqual([['device-3', 3]]);
    expect(logs.queries[0]).toContain('datetime(2025-12-31T23:55:00.000Z)');
    logs.errors = {};
    expect(await evaluator.evaluate()).toMatchObject({ resolved: 1 });
  });

  it('skips rules without their data source and never resolves what it could not evaluate', async () => {
    const { logs, evaluator, world } = await setup();
    logs.errors = { 'device-3': 25 };
    await evaluator.evaluate();
    const blind = new AlertRuleEvaluator({
      rules,
      firing: () => world.repo.listFiringWithPrefix('/fleetops/local/alerts/'),
      post: async () => undefined,
      clock: world.clock,
      log: silentLogger,
    });
    const result = await blind.evaluate();
    expect(result).toMatchObject({ fired: 0, resolved: 0 });
    expect(result.skipped).toEqual(expect.arrayContaining(['error-lines (no logs)', 'device-offline (no fleet)', 'temperature-high (no fleet)']));
    expect((await world.service.listOpen()).total).toBe(1);
  });

  it('retries on the next tick when a post fails', async () => {
    const { fleet, evaluator, world } = await setup();
    fleet.set(twin('device-2', { temperature: 99 }));
    const failing = new AlertRuleEvaluator({
      rules,
      fleet: fleet as unknown as FleetClient,
      firing: () => world.repo.listFiringWithPrefix('/fleetops/local/alerts/'),
      post: async () => {
        throw new Error('503');
      },
      clock: world.clock,
      log: silentLogger,
    });
    expect(await failing.evaluate()).toMatchObject({ fired: 0, failed: 1 });
    expect(await evaluator.evaluate()).toMatchObject({ fired: 1 });
  });
});
