import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../backends/store/sqlite/database';
import { FLEET_MIGRATIONS } from '../../../backends/fleet/local/migrations';
import { LocalFleetRegistry } from '../../../backends/fleet/local/local-registry';
import { connectIotHub } from '../../../backends/fleet/iothub/connect';
import type { IotHubFleetClient } from '../../../backends/fleet/iothub/iothub-fleet';
import type { LimiterTime } from '../../../backends/fleet/iothub/rate-limiter';
import type { ConnectionState, FleetClient, MethodResult } from '../../../core/ports/fleet';
import { FakeIotHubRest, NEVER } from './fake-iothub-rest';

/** A device as the contract tests describe it, seeded into either backend. */
export interface SeedDevice {
  deviceId: string;
  tags?: Record<string, unknown>;
  reported?: Record<string, unknown>;
  connectionState?: ConnectionState;
  lastActivityTime?: Date;
  status?: 'enabled' | 'disabled';
}

export interface FleetHarness {
  readonly client: FleetClient;
  seed(devices: SeedDevice[]): Promise<void>;
  answerMethods(handler: ((deviceId: string, name: string, payload: unknown) => MethodResult) | undefined): void;
  close(): void;
}

export function localHarness(): FleetHarness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-'));
  const db = openDatabase(path.join(dir, 'state.sqlite'), FLEET_MIGRATIONS);
  const registry = new LocalFleetRegistry(db);
  return {
    client: registry,
    async seed(devices) {
      const at = new Date('2026-01-01T00:00:00Z');
      await registry.provision(
        devices.map((d) => ({ deviceId: d.deviceId, tags: d.tags ?? {}, reported: d.reported, status: d.status })),
        at,
      );
      for (const d of devices) {
        if (d.connectionState === 'Connected') await registry.setConnection(d.deviceId, 'Connected', d.lastActivityTime ?? at);
        if (d.lastActivityTime) await registry.heartbeat([d.deviceId], d.lastActivityTime);
        if (d.status === 'disabled') await registry.setStatus(d.deviceId, 'disabled');
      }
    },
    answerMethods(handler) {
      registry.onMethod(handler ? async (id, name, payload) => handler(id, name, payload) : undefined);
    },
    close() {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Time that never really sleeps: sleeping moves it forward. */
export function steppedTime(): LimiterTime & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

export function iothubHarness(): FleetHarness & { fake: FakeIotHubRest; iothub: IotHubFleetClient; time: ReturnType<typeof steppedTime> } {
  const fake = new FakeIotHubRest();
  const time = steppedTime();
  const client = connectIotHub(
    { connectionString: 'HostName=fleet-test.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=c2VjcmV0' },
    { restApiClient: fake, time, retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 } },
  );
  return {
    fake,
    iothub: client,
    time,
    client,
    async seed(devices) {
      for (const d of devices) {
        fake.addDevice({
          deviceId: d.deviceId,
          status: d.status ?? 'enabled',
          connectionState: d.connectionState ?? 'Disconnected',
          lastActivityTime: d.lastActivityTime?.toISOString() ?? NEVER,
          tags: d.tags ?? {},
          properties: { desired: {}, reported: d.reported ?? {} },
        });
      }
    },
    answerMethods(handler) {
      fake.methodHandler = handler;
    },
    close() {},
  };
}
