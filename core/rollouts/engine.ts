import { rolloutWindowState, windowClosedReason } from '../oncall/rollout-window';
import type { FleetClient } from '../ports/fleet';
import type { Clock } from '../clock';
import { silentLogger, type Logger } from '../logger';
import { FleetReader } from './fleet-reader';
import { judgeWave, type GateResult } from './gates';
import { FAILURE_STATES, IN_FLIGHT_STATES, sumStates, type Rollout, type RolloutDevice } from './model';
import type { Observation } from './observation';
import { nextDeviceState, type DeviceChange } from './progress';
import type { InFlightDevice, RolloutRepository } from './repository';
import type { Serial } from './serial';

export type EngineEvent =
  | { readonly kind: 'progress'; readonly rolloutId: string }
  | { readonly kind: 'gate-breached'; readonly rolloutId: string; readonly wave: number; readonly gate: GateResult; readonly failing: readonly RolloutDevice[] }
  | { readonly kind: 'wave-passed'; readonly rolloutId: string; readonly wave: number }
  | { readonly kind: 'completed'; readonly rolloutId: string };

export interface EngineOptions {
  /** Devices per desired-write call; pause takes effect between batches. */
  readonly batchSize?: number;
  /** Skip (not write) devices that are offline when their turn comes. */
  readonly skipOffline?: boolean;
  /** Most seconds of write budget one tick may spend (the tick runs every 10 s). */
  readonly maxBudgetSeconds?: number;
}

const GATE_ACTOR = 'the health gate';
const WINDOW_ACTOR = 'the rollout window';

/**
 * One engine tick, per rollout: read the devices whose reported state changed since the
 * last tick and move them on, then let time move the others (soak done, phase timeout) in
 * one set-based statement; judge the current wave's gate (breach = pause itself, pass =
 * wait for approval of the next wave, or complete); then, while running, write desired
 * firmware to the next queued devices within the rate budget. Every step is a store
 * transaction; a desired write is recorded as intent first and confirmed after, and a
 * device whose twin already carries this rollout's attempt is never written again, so a
 * restart at any point neither loses nor repeats work (the first tick after it reads
 * every device of the rollout).
 */
export class RolloutEngine {
  private readonly reader: FleetReader;
  private readonly batchSize: number;
  private readonly skipOffline: boolean;
  private readonly maxBudgetSeconds: number;

  constructor(
    private readonly repo: RolloutRepository,
    private readonly fleet: FleetClient,
    private readonly clock: Clock,
    private readonly serial: Serial,
    private readonly log: Logger = silentLogger,
    options: EngineOptions = {},
  ) {
    this.reader = new FleetReader(fleet);
    this.batchSize = options.batchSize ?? 500;
    this.skipOffline = options.skipOffline ?? true;
    this.maxBudgetSeconds = options.maxBudgetSeconds ?? 10;
  }

  tick(): Promise<EngineEvent[]> {
    return this.serial.run(async () => {
      const events: EngineEvent[] = [];
      const tickable = await this.repo.tickable();
      this.reader.retain(new Set(tickable.map((r) => r.id)));
      for (const rollout of tickable) {
        try {
          events.push(...(await this.tickRollout(rollout)));
        } catch (error) {
          // One rollout's trouble (a fleet outage) must not stop the others. Observations read
          // but not applied would be lost to the change feed: read everything next time.
          this.reader.reset(rollout.id);
          this.log.error({ err: error, rolloutId: rollout.id }, 'rollout tick failed');
        }
      }
      return events;
    });
  }

  private async tickRollout(start: Rollout): Promise<EngineEvent[]> {
    const now = this.clock.now().getTime();
    const events: EngineEvent[] = [];
    let changed = await this.track(start, now);
    const judged = await this.judge(start, now);
    if (judged) {
      events.push(judged);
      changed = true;
    }
    let fresh = await this.repo.get(start.id);
    if (fresh?.state === 'running' && fresh.settings.window && !rolloutWindowState(fresh.settings.window, new Date(now)).open) {
      // Outside its window a rollout writes nothing: a running wave pauses, saying why.
      const reason = windowClosedReason(fresh.settings.window);
      const paused = await this.repo.transition(fresh.id, fresh.version, {
        state: 'paused',
        pauseReason: reason,
        lastChange: { by: GATE_ACTOR, at: new Date(now).toISOString(), what: `paused itself: ${reason}` },
      });
      if (paused) changed = true;
      fresh = await this.repo.get(start.id);
    } else if (
      fresh?.state === 'paused' &&
      fresh.settings.window &&
      fresh.pauseReason === windowClosedReason(fresh.settings.window) &&
      rolloutWindowState(fresh.settings.window, new Date(now)).open
    ) {
      // Paused only because its window closed: the next window resumes it (a pause for any other reason waits for a person).
      const resumed = await this.repo.transition(fresh.id, fresh.version, {
        state: 'running',
        pauseReason: undefined,
        lastChange: { by: WINDOW_ACTOR, at: new Date(now).toISOString(), what: `resumed wave ${fresh.currentWave}: its window opened` },
      });
      if (resumed) changed = true;
      fresh = await this.repo.get(start.id);
    }
    if (fresh?.state === 'running') changed = (await this.dispatch(fresh, now)) > 0 || changed;
    else if (fresh) changed = (await this.settlePendingWrites(fresh, now)) || changed;
    if (changed) events.unshift({ kind: 'progress', rolloutId: start.id });
    return events;
  }

  /** Moves in-flight devices on: those that reported something new from what they report, the rest by time. */
  private async track(rollout: Rollout, now: number): Promise<boolean> {
    const seen = await this.reader.changes(rollout.id, () => this.repo.inFlightIds(rollout.id));
    let moved = seen.size > 0 && (await this.apply(rollout, await this.repo.inFlightOf(rollout.id, [...seen.keys()]), seen, now));
    moved = (await this.repo.settleByTime(rollout.id, now, { ...rollout.settings, waves: rollout.waves.length })) > 0 || moved;
    return moved;
  }

  /** Applies fresh observations to in-flight rows: state changes, and the connection seen (for the soak). */
  private async apply(rollout: Rollout, rows: readonly InFlightDevice[], seen: ReadonlyMap<string, Observation>, now: number): Promise<boolean> {
    const changes: DeviceChange[] = [];
    const online: string[] = [];
    const offline: string[] = [];
    const version = rollout.firmware.version;
    const limits = rollout.settings;
    for (const device of rows) {
      const observation = seen.get(device.deviceId);
      const change = nextDeviceState(device, observation, version, now, limits);
      const connected = observation ? observation.connection === 'Connected' : device.connected;
      if (change) changes.push({ deviceId: change.deviceId, state: change.state, since: change.since, reason: change.reason, connected, key: device.key });
      else if (connected !== undefined && connected !== device.connected) (connected ? online : offline).push(device.deviceId);
    }
    await this.repo.applyChanges(rollout.id, changes);
    await this.repo.markConnection(rollout.id, online, true);
    await this.repo.markConnection(rollout.id, offline, false);
    return changes.length > 0;
  }

  /** The gate of the running wave: pause on breach, stop for approval (or complete) on pass. */
  private async judge(rollout: Rollout, now: number): Promise<EngineEvent | undefined> {
    const current = await this.repo.get(rollout.id);
    if (current?.state !== 'running') return undefined;
    const k = current.currentWave;
    // Open devices come lumped as `queued`: the gate reads queued and in flight only as their sum.
    const counts = await this.repo.gateCounts(current.id);
    const waveCounts = counts.find((c) => c.wave === k)?.counts ?? {};
    const wave = current.waves[k - 1];
    const gate = judgeWave(waveCounts, current.settings.gates, wave?.acknowledgedFailures ?? 0);
    const at = new Date(now).toISOString();
    if (gate.verdict === 'breached') {
      const next = await this.repo.transition(current.id, current.version, {
        state: 'paused',
        pauseReason: `Wave ${k} gate: ${gate.reason}`,
        lastChange: { by: GATE_ACTOR, at, what: `paused itself at wave ${k}: ${gate.reason}` },
      });
      if (!next) return undefined;
      this.log.warn({ rolloutId: current.id, wave: k, reason: gate.reason }, 'rollout paused by its gate');
      return {
        kind: 'gate-breached',
        rolloutId: current.id,
        wave: k,
        gate,
        failing: await this.repo.devices(current.id, FAILURE_STATES, { wave: k, limit: 5 }),
      };
    }
    if (gate.verdict !== 'passed') return undefined;
    const waves = current.waves.map((w) => (w.index === k ? { ...w, passedAt: at } : w));
    if (k >= current.waves.length) {
      const open = counts.reduce((n, c) => n + sumStates(c.counts, ['queued', ...IN_FLIGHT_STATES]), 0);
      if (open > 0) return undefined;
      const done = await this.repo.transition(current.id, current.version, {
        state: 'completed',
        waves,
        lastChange: { by: GATE_ACTOR, at, what: 'completed: every wave passed its gate' },
      });
      return done ? { kind: 'completed', rolloutId: current.id } : undefined;
    }
    const next = await this.repo.transition(current.id, current.version, {
      state: 'awaiting-approval',
      currentWave: k + 1,
      waves,
      lastChange: { by: GATE_ACTOR, at, what: `wave ${k} passed its gate; wave ${k + 1} awaits approval` },
    });
    return next ? { kind: 'wave-passed', rolloutId: current.id, wave: k } : undefined;
  }

  /** Writes desired firmware to queued devices within the rate budget; returns how many were handled. */
  private async dispatch(rollout: Rollout, now: number): Promise<number> {
    const rate = rollout.settings.dispatchPerSecond;
    const elapsedSeconds =
      rollout.lastDispatchAt === undefined ? this.maxBudgetSeconds : Math.min(this.maxBudgetSeconds, Math.max(0, now - rollout.lastDispatchAt) / 1000);
    let budget = Math.floor(rate * elapsedSeconds);
    let handled = 0;
    // Intent left by a crash between recording and confirming: finish it first.
    const pending = await this.repo.pendingWrites(rollout.id);
    if (pending.length > 0) {
      handled += await this.write(rollout, pending, now);
      budget -= pending.length;
    }
    while (budget > 0) {
      // Re-read before every batch: a pause lands between two batches at the latest.
      const fresh = await this.repo.get(rollout.id);
      if (fresh?.state !== 'running') break;
      const batch = await this.repo.claimForDispatch(fresh.id, fresh.currentWave, Math.min(this.batchSize, budget), now);
      if (batch.length === 0) break;
      handled += await this.write(fresh, batch, now);
      budget -= batch.length;
    }
    if (handled > 0 || rollout.lastDispatchAt === undefined || budget <= 0) await this.repo.markDispatched(rollout.id, now);
    return handled;
  }

  /** Not running any more: confirm intents that did reach the device, put the others back in the queue. */
  private async settlePendingWrites(rollout: Rollout, now: number): Promise<boolean> {
    const pending = await this.repo.pendingWrites(rollout.id);
    if (pending.length === 0) return false;
    const seen = await this.reader.observe(pending.map((d) => d.deviceId));
    const written = pending.filter((d) => carriesAttempt(seen.get(d.deviceId), rollout.id, d.attempt));
    const unwritten = new Set(pending.map((d) => d.deviceId));
    for (const d of written) unwritten.delete(d.deviceId);
    await this.repo.confirmWritten(
      rollout.id,
      written.map((d) => ({ deviceId: d.deviceId })),
      now,
    );
    await this.repo.applyChanges(
      rollout.id,
      [...unwritten].map((deviceId) => ({ deviceId, state: rollout.state === 'aborted' ? 'canceled' : 'queued', since: now })),
    );
    await this.catchUp(
      rollout,
      written.map((d) => d.deviceId),
      seen,
      now,
    );
    return true;
  }

  /** Writes one claimed batch. Devices whose twin already carries this attempt are only confirmed. */
  private async write(rollout: Rollout, batch: readonly RolloutDevice[], now: number): Promise<number> {
    const seen = await this.reader.observe(batch.map((d) => d.deviceId));
    const confirmed: Array<{ deviceId: string; baselineStatus?: string; key?: number }> = [];
    const keys = new Map(batch.map((d) => [d.deviceId, d.key]));
    const alreadyWritten: string[] = [];
    const changes: DeviceChange[] = [];
    const groups = new Map<string, { wave: number; attempt: number; ids: string[]; baseline: Map<string, string | undefined> }>();
    for (const d of batch) {
      const s = seen.get(d.deviceId);
      if (carriesAttempt(s, rollout.id, d.attempt)) {
        confirmed.push({ deviceId: d.deviceId, key: d.key });
        alreadyWritten.push(d.deviceId);
      } else if (!s) changes.push({ deviceId: d.deviceId, state: 'failed', since: now, reason: 'device no longer in the registry' });
      else if (this.skipOffline && s.connection === 'Disconnected')
        changes.push({ deviceId: d.deviceId, state: 'skipped-offline', since: now, reason: 'offline when its turn came' });
      else if (s.currentVersion === rollout.firmware.version && s.status === 'current')
        changes.push({ deviceId: d.deviceId, state: 'already-current', since: now });
      else {
        const key = `${d.wave}:${d.attempt}`;
        const group = groups.get(key) ?? { wave: d.wave ?? 0, attempt: d.attempt, ids: [] as string[], baseline: new Map<string, string | undefined>() };
        group.ids.push(d.deviceId);
        group.baseline.set(d.deviceId, s.status);
        groups.set(key, group);
      }
    }
    for (const group of groups.values()) {
      const patch = {
        firmware: {
          fwVersion: rollout.firmware.version,
          fwPackageURI: rollout.firmware.packageUri,
          fwPackageCheckValue: rollout.firmware.sha256,
          rolloutId: rollout.id,
          waveId: group.wave,
          attempt: group.attempt,
        },
      };
      const results = await this.fleet.updateDesired(group.ids, patch);
      const answered = new Set<string>();
      for (const r of results) {
        answered.add(r.deviceId);
        if (r.ok) confirmed.push({ deviceId: r.deviceId, baselineStatus: group.baseline.get(r.deviceId), key: keys.get(r.deviceId) });
        else if (/throttl|429|busy|timeout/i.test(r.error ?? '')) changes.push({ deviceId: r.deviceId, state: 'queued', since: now });
        else changes.push({ deviceId: r.deviceId, state: 'failed', since: now, reason: `desired write refused: ${r.error ?? 'unknown error'}` });
      }
      // A device the backend did not answer for stays pending; the next tick checks its twin.
      for (const id of group.ids) if (!answered.has(id)) this.log.warn({ rolloutId: rollout.id, deviceId: id }, 'no write result; will reconcile');
    }
    await this.repo.confirmWritten(rollout.id, confirmed, now);
    await this.repo.applyChanges(rollout.id, changes);
    await this.catchUp(rollout, alreadyWritten, seen, now);
    return batch.length;
  }

  /**
   * Devices found already written (a write whose answer was lost, or a crash between write
   * and confirm) may have moved on before their row was confirmed, and the change feed has
   * passed them: apply the observation just read to them now.
   */
  private async catchUp(rollout: Rollout, deviceIds: readonly string[], seen: ReadonlyMap<string, Observation>, now: number): Promise<void> {
    if (deviceIds.length === 0) return;
    await this.apply(rollout, await this.repo.inFlightOf(rollout.id, deviceIds), seen, now);
  }
}

const carriesAttempt = (seen: Observation | undefined, rolloutId: string, attempt: number): boolean =>
  seen !== undefined && seen.desiredRolloutId === rolloutId && (seen.desiredAttempt ?? 1) === attempt;
