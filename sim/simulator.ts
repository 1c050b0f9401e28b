import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { silentLogger } from '../core/logger';
import type { ScheduledJob, Scheduler } from '../core/scheduling/scheduler';
import { UPDATE_PHASES, type UpdatePhase } from '../core/fleet/twin-view';
import type { ConnectionState, DeviceSideClient, MethodResult, TwinProperties } from '../core/ports/fleet';
import { generateFleet, type DeviceProfile } from './fleet-profile';
import { DEFAULT_UPDATE_RATES, planUpdate, type UpdatePlan, type UpdateRates } from './firmware-update';
import type { DeviceEventRow, DeviceLogRow, DeviceTelemetryRow, LogSink } from './log-sink';
import { between, deviceRandom, type Random } from './random';

export interface SimulatorOptions {
  readonly deviceSide: DeviceSideClient;
  readonly clock: Clock;
  readonly devices: number;
  readonly seed: number;
  readonly logs?: LogSink;
  readonly log?: Logger;
  /** The firmware catalog's verdict: true for a version known to be bad. */
  readonly isBadVersion?: (version: string) => boolean;
  readonly updateRates?: UpdateRates;
  /** >1 makes firmware updates faster (tests, demos). */
  readonly updateSpeed?: number;
  readonly heartbeatMs?: number;
  readonly telemetryMs?: number;
  readonly healthReportMs?: number;
}

/** The simulator's view of one device; plain fields, one object per device (100k fit in a few MB). */
interface SimDevice {
  readonly profile: DeviceProfile;
  readonly random: Random;
  firmware: string;
  online: boolean;
  nextHeartbeatAt: number;
  nextTelemetryAt: number;
  nextHealthAt: number;
  nextFlapAt: number;
  nextLogAt: number;
  rebootUntil: number;
  bootAt: number;
  reboots: number;
  errorCount: number;
  battery: number;
  temperature: number;
  rssi: number;
  /** The desired firmware version the device has not acted on yet (it was offline). */
  pendingTarget?: string;
  update?: ActiveUpdate;
}

interface ActiveUpdate {
  readonly target: string;
  readonly from: string;
  readonly plan: UpdatePlan;
  phase: UpdatePhase;
  phaseEndsAt: number;
}

/** What one tick collects, written in batches at its end. */
interface Batch {
  heartbeats: string[];
  reports: Array<{ deviceId: string; patch: Record<string, unknown> }>;
  connections: Array<{ deviceId: string; state: ConnectionState }>;
  telemetry: DeviceTelemetryRow[];
  logs: DeviceLogRow[];
  events: DeviceEventRow[];
}

const FLAP_ONLINE_MS: readonly [number, number] = [10 * 60_000, 60 * 60_000];
const FLAP_OFFLINE_MS: readonly [number, number] = [2 * 60_000, 20 * 60_000];
const DEAD_FOR_MS: readonly [number, number] = [2 * 86_400_000, 9 * 86_400_000];

/**
 * The simulated fleet. It reaches the registry only through DeviceSideClient, as real
 * devices reach IoT Hub: heartbeats, reported properties (firmware, health), connection
 * changes, desired-property polling and direct methods. Time comes from the injected
 * clock and work happens in `tick()`, so tests step it without waiting.
 */
export class FleetSimulator {
  private readonly devices: SimDevice[] = [];
  private readonly byId = new Map<string, SimDevice>();
  private sequence = 0;
  private started = false;
  private ticking: Promise<void> | undefined;
  private ticker: ScheduledJob | undefined;
  private readonly heartbeatMs: number;
  private readonly telemetryMs: number;
  private readonly healthMs: number;
  private readonly rates: UpdateRates;
  private readonly log: Logger;
  /** Counters for tests, the bench and /readyz. */
  readonly stats = { ticks: 0, heartbeats: 0, reports: 0, updatesStarted: 0, updatesSucceeded: 0, updatesFailed: 0, updatesRolledBack: 0 };

  constructor(private readonly o: SimulatorOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 30_000;
    this.telemetryMs = o.telemetryMs ?? 60_000;
    this.healthMs = o.healthReportMs ?? 300_000;
    this.rates = o.updateRates ?? DEFAULT_UPDATE_RATES;
    this.log = o.log ?? silentLogger;
  }

  get size(): number {
    return this.devices.length;
  }

  /**
   * Provisions the devices that do not exist yet, reads back the twins of those that
   * do (firmware survives restarts), connects the fleet and starts answering methods.
   */
  async start(): Promise<void> {
    if (this.started) return;
    const now = this.o.clock.now().getTime();
    const profiles = generateFleet(this.o.devices, this.o.seed);
    for (const profile of profiles) {
      const random = deviceRandom(this.o.seed ^ 0xa11ce, profile.index);
      // Phases follow the device number, so one tick's heartbeats hit neighbouring registry
      // rows (a few pages) instead of random ones across the whole table.
      const phase = (profile.index - 1) / Math.max(1, this.o.devices);
      const d: SimDevice = {
        profile,
        random,
        firmware: profile.firmware,
        online: !profile.dead,
        nextHeartbeatAt: now + Math.floor(phase * this.heartbeatMs),
        nextTelemetryAt: now + Math.floor(phase * this.telemetryMs),
        nextHealthAt: now + Math.floor(phase * this.healthMs),
        nextFlapAt: profile.flappy ? now + between(random, ...FLAP_ONLINE_MS) : Infinity,
        nextLogAt: now + Math.floor(random() * (profile.erroring ? 30_000 : 600_000)),
        rebootUntil: 0,
        bootAt: now - Math.floor(between(random, 3600_000, 30 * 86_400_000)),
        reboots: Math.floor(random() * 4),
        errorCount: profile.erroring ? 25 + Math.floor(random() * 40) : 0,
        battery: profile.battery,
        temperature: profile.temperature,
        rssi: profile.rssi,
      };
      this.devices.push(d);
      this.byId.set(profile.deviceId, d);
    }
    await this.provision(now);
    await this.restore(now);
    this.o.deviceSide.onMethod((deviceId, name, payload) => this.answerMethod(deviceId, name, payload));
    this.started = true;
    this.log.info({ devices: this.devices.length, seed: this.o.seed }, 'simulated fleet started');
  }

  /**
   * Runs `tick()` every `intervalMs` through the bot's scheduler (tests call `tick()` themselves).
   * On every replica: the local registry it drives is in each process's own SQLite file.
   */
  startTicker(scheduler: Scheduler, intervalMs = 1000): void {
    this.ticker ??= scheduler.add({
      name: 'simulator-tick',
      runs: 'on-every-replica',
      everyMs: intervalMs,
      run: () => this.tick().catch((error: unknown) => this.log.warn({ err: error }, 'simulator tick failed')),
    });
  }

  /** Stops ticking and answering, and disconnects the fleet (the hub would see them drop). */
  async stop(): Promise<void> {
    const ticker = this.ticker;
    this.ticker = undefined;
    await ticker?.stop();
    await this.ticking;
    if (!this.started) return;
    this.o.deviceSide.onMethod(undefined);
    const changes = this.devices.filter((d) => d.online).map((d) => ({ deviceId: d.profile.deviceId, state: 'Disconnected' as const }));
    await this.o.deviceSide.setConnectionMany(changes, this.o.clock.now());
    this.started = false;
  }

  /** One step of the world up to the clock's now. Overlapping calls share one run. */
  tick(): Promise<void> {
    if (!this.started) return Promise.resolve();
    if (!this.ticking) {
      this.ticking = this.runTick().finally(() => {
        this.ticking = undefined;
      });
    }
    return this.ticking;
  }

  /** The simulator's idea of a device (tests). */
  device(deviceId: string): Readonly<SimDevice> | undefined {
    return this.byId.get(deviceId);
  }

  private async runTick(): Promise<void> {
    const at = this.o.clock.now();
    const now = at.getTime();
    this.stats.ticks++;
    const batch: Batch = { heartbeats: [], reports: [], connections: [], telemetry: [], logs: [], events: [] };
    await this.pollDesired(now, batch);
    for (const d of this.devices) this.step(d, now, batch);
    await this.flush(batch, at);
  }

  private step(d: SimDevice, now: number, batch: Batch): void {
    if (d.rebootUntil > 0 && now >= d.rebootUntil) this.finishReboot(d, now, batch);
    if (d.update && now >= d.update.phaseEndsAt) this.advanceUpdate(d, now, batch);
    if (now >= d.nextFlapAt) this.flap(d, now, batch);
    if (!d.online) return;
    if (d.pendingTarget && !d.update) this.considerTarget(d, d.pendingTarget, now, batch);
    if (now >= d.nextHeartbeatAt) {
      batch.heartbeats.push(d.profile.deviceId);
      d.nextHeartbeatAt = now + this.heartbeatMs;
      this.drift(d);
    }
    if (now >= d.nextTelemetryAt) {
      d.nextTelemetryAt = now + this.telemetryMs;
      if (this.o.logs)
        batch.telemetry.push({
          TimeGenerated: iso(now),
          DeviceId: d.profile.deviceId,
          Temperature: round1(d.temperature),
          Battery: Math.round(d.battery),
          Rssi: d.rssi,
          CpuPercent: round1(d.profile.erroring ? between(d.random, 70, 98) : between(d.random, 5, 35)),
        });
    }
    if (now >= d.nextHealthAt) {
      d.nextHealthAt = now + this.healthMs;
      batch.reports.push({ deviceId: d.profile.deviceId, patch: { health: this.health(d, now) } });
    }
    if (now >= d.nextLogAt) {
      if (d.profile.erroring) {
        d.nextLogAt = now + between(d.random, 15_000, 45_000);
        d.errorCount++;
        batch.logs.push(this.logRow(d, now, 'Error', 'sensor', 'sensor read failed: I2C timeout on bus 1'));
      } else if (d.profile.hot) {
        d.nextLogAt = now + between(d.random, 60_000, 180_000);
        batch.logs.push(this.logRow(d, now, 'Warning', 'thermal', `temperature ${round1(d.temperature)} °C above 75 °C; throttling CPU`));
      } else {
        d.nextLogAt = now + between(d.random, 300_000, 900_000);
        batch.logs.push(this.logRow(d, now, 'Info', 'agent', 'telemetry batch uploaded'));
      }
    }
  }

  // ---- firmware ------------------------------------------------------------------------

  private async pollDesired(now: number, batch: Batch): Promise<void> {
    const { sequence, changes } = await this.o.deviceSide.desiredChangedSince(this.sequence);
    this.sequence = sequence;
    for (const change of changes) {
      const d = this.byId.get(change.deviceId);
      const target = desiredFirmware(change.desired);
      if (!d || !target) continue;
      d.pendingTarget = target;
      if (d.online && d.rebootUntil === 0) this.considerTarget(d, target, now, batch);
    }
  }

  /** A device acts on desired firmware when it is online: update, or confirm it already runs it. */
  private considerTarget(d: SimDevice, target: string, now: number, batch: Batch): void {
    if (d.update?.target === target) {
      d.pendingTarget = undefined;
      return;
    }
    d.pendingTarget = undefined;
    if (target === d.firmware) {
      // Already there (or a rollout was aborted and wrote our version back): say so.
      if (d.update) this.events(batch, d, now, 'FirmwareUpdateCancelled', `update to ${d.update.target} cancelled; staying on ${d.firmware}`);
      d.update = undefined;
      batch.reports.push({
        deviceId: d.profile.deviceId,
        patch: { firmware: { currentFwVersion: d.firmware, fwUpdateStatus: 'current', pendingFwVersion: null, fwUpdateSubstatus: null } },
      });
      return;
    }
    const bad = this.o.isBadVersion?.(target) ?? false;
    const plan = planUpdate(d.random, bad, this.rates, this.o.updateSpeed ?? 1);
    d.update = { target, from: d.firmware, plan, phase: 'downloading', phaseEndsAt: now + plan.durationsMs.downloading };
    this.stats.updatesStarted++;
    batch.reports.push({
      deviceId: d.profile.deviceId,
      patch: {
        firmware: {
          fwUpdateStatus: 'downloading',
          pendingFwVersion: target,
          fwUpdateSubstatus: null,
          lastFwUpdateStartTime: iso(now),
          lastFwUpdateEndTime: null,
        },
      },
    });
    batch.logs.push(this.logRow(d, now, 'Info', 'updater', `downloading firmware ${target}`));
    this.events(batch, d, now, 'FirmwareUpdateStarted', `${d.firmware} → ${target}`);
  }

  private advanceUpdate(d: SimDevice, now: number, batch: Batch): void {
    const u = d.update!;
    const id = d.profile.deviceId;
    if (u.plan.outcome === 'error' && u.plan.failIn === u.phase) {
      d.update = undefined;
      this.stats.updatesFailed++;
      batch.reports.push({ deviceId: id, patch: { firmware: { fwUpdateStatus: 'error', fwUpdateSubstatus: u.plan.reason, lastFwUpdateEndTime: iso(now) } } });
      batch.logs.push(this.logRow(d, now, 'Error', 'updater', `firmware ${u.target}: ${u.plan.reason}`));
      this.events(batch, d, now, 'FirmwareUpdateFailed', `${u.target}: ${u.plan.reason}`);
      return;
    }
    const next = UPDATE_PHASES[UPDATE_PHASES.indexOf(u.phase) + 1];
    if (next) {
      u.phase = next;
      u.phaseEndsAt = now + u.plan.durationsMs[next];
      batch.reports.push({ deviceId: id, patch: { firmware: { fwUpdateStatus: next } } });
      if (next === 'rebooting') {
        // The reboot drops the connection; the status was reported just before.
        d.online = false;
        batch.connections.push({ deviceId: id, state: 'Disconnected' });
        this.events(batch, d, now, 'Disconnected', 'rebooting to apply firmware');
      }
      return;
    }
    // Rebooting is over: the device is back, on the new slot or rolled back.
    d.update = undefined;
    d.online = true;
    d.bootAt = now;
    d.reboots++;
    batch.connections.push({ deviceId: id, state: 'Connected' });
    if (u.plan.outcome === 'rollback') {
      this.stats.updatesRolledBack++;
      batch.reports.push({
        deviceId: id,
        patch: {
          firmware: { currentFwVersion: u.from, fwUpdateStatus: 'rolledback', fwUpdateSubstatus: u.plan.reason, lastFwUpdateEndTime: iso(now) },
          health: this.health(d, now),
        },
      });
      batch.logs.push(this.logRow(d, now, 'Error', 'bootloader', `firmware ${u.target} failed its boot health check; rolled back to ${u.from}`));
      this.events(batch, d, now, 'FirmwareRolledBack', `${u.target} → ${u.from}`);
      return;
    }
    d.firmware = u.target;
    this.stats.updatesSucceeded++;
    batch.reports.push({
      deviceId: id,
      patch: {
        firmware: { currentFwVersion: u.target, fwUpdateStatus: 'current', pendingFwVersion: null, fwUpdateSubstatus: null, lastFwUpdateEndTime: iso(now) },
        health: this.health(d, now),
      },
    });
    batch.logs.push(this.logRow(d, now, 'Info', 'updater', `now running firmware ${u.target}`));
    this.events(batch, d, now, 'FirmwareUpdated', `${u.from} → ${u.target}`);
  }

  // ---- connection, reboot, health --------------------------------------------------------

  private flap(d: SimDevice, now: number, batch: Batch): void {
    if (d.update || d.rebootUntil > 0) {
      d.nextFlapAt = now + 60_000; // not in the middle of an update
      return;
    }
    d.online = !d.online;
    d.nextFlapAt = now + between(d.random, ...(d.online ? FLAP_ONLINE_MS : FLAP_OFFLINE_MS));
    batch.connections.push({ deviceId: d.profile.deviceId, state: d.online ? 'Connected' : 'Disconnected' });
    this.events(batch, d, now, d.online ? 'Connected' : 'Disconnected', d.online ? 'back online' : 'lost connection');
    if (d.online) d.nextHeartbeatAt = now;
  }

  private async answerMethod(deviceId: string, name: string, payload: unknown): Promise<MethodResult> {
    const d = this.byId.get(deviceId);
    if (!d?.online) return { status: 404, payload: { errorCode: 'DeviceNotOnline', message: `${deviceId} is not connected` } };
    if (name !== 'reboot') return { status: 501, payload: { message: `Method '${name}' is not implemented by this device` } };
    if (d.update) return { status: 409, payload: { message: `Busy: firmware update to ${d.update.target} is ${d.update.phase}` } };
    const now = this.o.clock.now();
    const delaySeconds = Math.round(between(d.random, 8, 20));
    d.online = false;
    d.rebootUntil = now.getTime() + delaySeconds * 1000;
    await this.o.deviceSide.setConnection(deviceId, 'Disconnected', now);
    void this.o.logs?.ingest('DeviceEvents', [
      {
        TimeGenerated: now.toISOString(),
        DeviceId: deviceId,
        EventType: 'Reboot',
        Details: `reboot requested${payload ? ` (${JSON.stringify(payload)})` : ''}`,
      },
    ]);
    return { status: 200, payload: { message: 'Rebooting', expectedBackInSeconds: delaySeconds } };
  }

  private finishReboot(d: SimDevice, now: number, batch: Batch): void {
    d.rebootUntil = 0;
    d.online = true;
    d.bootAt = now;
    d.reboots++;
    d.nextHeartbeatAt = now;
    batch.connections.push({ deviceId: d.profile.deviceId, state: 'Connected' });
    batch.reports.push({ deviceId: d.profile.deviceId, patch: { health: this.health(d, now) } });
    batch.logs.push(this.logRow(d, now, 'Info', 'boot', `booted firmware ${d.firmware}`));
  }

  /** Slow random walk of the health signals between heartbeats. */
  private drift(d: SimDevice): void {
    const r = d.random;
    d.battery = clamp(d.battery - r() * 0.05, 3, 100);
    if (d.battery < 10 && r() < 0.01) d.battery = 100; // someone swapped it
    const base = d.profile.temperature;
    d.temperature = clamp(d.temperature + (r() - 0.5) * 0.8 + (base - d.temperature) * 0.1, 15, 95);
    d.rssi = Math.round(clamp(d.rssi + (r() - 0.5) * 4 + (d.profile.rssi - d.rssi) * 0.2, -110, -30));
  }

  private health(d: SimDevice, now: number): Record<string, unknown> {
    return {
      battery: Math.round(d.battery),
      rssi: d.rssi,
      temperature: round1(d.temperature),
      uptime: Math.max(0, Math.round((now - d.bootAt) / 1000)),
      reboots: d.reboots,
      errorCount: d.errorCount,
    };
  }

  // ---- start-up and writes ------------------------------------------------------------

  private async provision(now: number): Promise<void> {
    const side = this.o.deviceSide;
    const at = new Date(now);
    const chunk = 5000;
    for (let i = 0; i < this.devices.length; i += chunk) {
      const slice = this.devices.slice(i, i + chunk);
      await side.provision(
        slice.map((d) => ({
          deviceId: d.profile.deviceId,
          tags: { site: d.profile.site, model: d.profile.model, ring: d.profile.ring },
          reported: { firmware: { currentFwVersion: d.firmware, fwUpdateStatus: 'current' }, health: this.health(d, now) },
          connectionState: 'Disconnected',
        })),
        at,
      );
    }
    // The long-dead were last heard of days ago.
    for (const d of this.devices.filter((x) => x.profile.dead)) {
      await side.heartbeat([d.profile.deviceId], new Date(now - Math.floor(between(d.random, ...DEAD_FOR_MS))));
    }
  }

  /** Firmware and pending desired state survive restarts: read them back like a device reading its twin. */
  private async restore(now: number): Promise<void> {
    const side = this.o.deviceSide;
    /** Devices that already failed or rolled back this target: they do not retry on their own. */
    const settled = new Map<string, string>();
    const twins = await side.getTwins(this.devices.map((d) => d.profile.deviceId));
    for (const [deviceId, twin] of twins) {
      const d = this.byId.get(deviceId)!;
      const reported = (twin.reported.firmware ?? {}) as Record<string, unknown>;
      if (typeof reported.currentFwVersion === 'string') d.firmware = reported.currentFwVersion;
      if ((reported.fwUpdateStatus === 'error' || reported.fwUpdateStatus === 'rolledback') && typeof reported.pendingFwVersion === 'string') {
        settled.set(deviceId, reported.pendingFwVersion);
      }
    }
    const desired = await side.desiredChangedSince(0);
    this.sequence = desired.sequence;
    for (const change of desired.changes) {
      const d = this.byId.get(change.deviceId);
      const target = desiredFirmware(change.desired);
      // An update cut short by a restart starts over; a finished one is confirmed as current.
      if (d && target && target !== d.firmware && settled.get(change.deviceId) !== target) d.pendingTarget = target;
    }
    const at = new Date(now);
    const online = this.devices.filter((d) => d.online).map((d) => d.profile.deviceId);
    await side.setConnectionMany(
      online.map((deviceId) => ({ deviceId, state: 'Connected' as const })),
      at,
    );
    await side.heartbeat(online, at);
  }

  private async flush(batch: Batch, at: Date): Promise<void> {
    const side = this.o.deviceSide;
    await side.setConnectionMany(batch.connections, at);
    if (batch.heartbeats.length > 0) await side.heartbeat(batch.heartbeats, at);
    if (batch.reports.length > 0) await side.reportMany(batch.reports, at);
    this.stats.heartbeats += batch.heartbeats.length;
    this.stats.reports += batch.reports.length;
    const sink = this.o.logs;
    if (!sink) return;
    // Logs are best effort: a slow or failing log store never stops the devices.
    const send = async (table: 'DeviceLogs' | 'DeviceTelemetry' | 'DeviceEvents', rows: readonly Record<string, unknown>[]) => {
      if (rows.length === 0) return;
      try {
        await sink.ingest(table, rows);
      } catch (error) {
        this.log.warn({ err: error, table, rows: rows.length }, 'simulator could not write logs');
      }
    };
    await Promise.all([send('DeviceTelemetry', batch.telemetry), send('DeviceLogs', batch.logs), send('DeviceEvents', batch.events)]);
  }

  private logRow(d: SimDevice, now: number, level: DeviceLogRow['Level'], component: string, message: string): DeviceLogRow {
    return { TimeGenerated: iso(now), DeviceId: d.profile.deviceId, Level: level, Message: message, Component: component, FirmwareVersion: d.firmware };
  }

  private events(batch: Batch, d: SimDevice, now: number, type: string, details: string): void {
    batch.events.push({ TimeGenerated: iso(now), DeviceId: d.profile.deviceId, EventType: type, Details: details });
  }
}

/** The desired firmware version, if the twin sets one. */
function desiredFirmware(desired: TwinProperties): string | undefined {
  const fw = desired.firmware as Record<string, unknown> | undefined;
  if (!fw || typeof fw.fwVersion !== 'string' || fw.fwVersion === '') return undefined;
  return fw.fwVersion;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const round1 = (n: number): number => Math.round(n * 10) / 10;
const clamp = (n: number, min: number, max: number): number => Math.min(max, Math.max(min, n));
