import type { DeviceTwin, FleetClient } from '../core/ports/fleet';
import { deviceStatusCard, FLEET_VERBS, rebootConfirmCard, type DeviceStatusView } from '../cards/device-status';
import { absoluteTime } from '../core/text/time';
import type { AdaptiveCard } from '../cards/card';
import { cleanDeviceIdInput, isValidDeviceId } from '../core/fleet/device-id';
import { assessHealth } from '../core/fleet/health';
import { formatRelativeTime } from '../core/text/relative-time';
import { formatDuration } from '../core/text/duration';
import { firmwareOf, healthOf, isUpdating } from '../core/fleet/twin-view';
import type { TurnContext as Turn } from './context';
import { parseError, parsed, type CardActionSpec as ActionSpec, type CommandSpec as Spec, type ParseResult } from './spec';
import { UserError } from './user-error';
import type { Clock } from '../core/clock';
import type { LogsClient } from '../core/ports/logs';
import type { AlertService } from '../core/alerts/service';
import type { RolloutService } from '../core/rollouts/service';

/** What the device commands use (the fleet feature's dependencies; alerts, rollouts and logs when the bot has them). */
export interface DeviceServices {
  readonly fleet: FleetClient;
  readonly clock: Clock;
  readonly logs?: LogsClient;
  readonly alerts?: Pick<AlertService, 'openForDevice'>;
  readonly rollouts?: Pick<RolloutService, 'membershipOf'>;
}

/** The device commands' turn. */
type TurnContext = Turn<DeviceServices>;
type CommandSpec<Args = unknown> = Spec<Args, DeviceServices>;
type CardActionSpec<Data = unknown> = ActionSpec<Data, DeviceServices>;

/** Finds the device the user meant, forgiving case and punctuation; else names the closest ids. */
export async function findDevice(fleet: FleetClient, typed: string): Promise<DeviceTwin> {
  const id = cleanDeviceIdInput(typed);
  if (!id) throw new UserError('Which device? For example `status device-42`.');
  if (!isValidDeviceId(id)) throw new UserError(`'${id.slice(0, 80)}' is not a device id: ids use letters, digits and - . _ : (up to 128 characters).`);
  const twin = (await fleet.getDevice(id)) ?? (id.toLowerCase() !== id ? await fleet.getDevice(id.toLowerCase()) : undefined);
  if (twin) return twin;
  const suggestions = (await fleet.suggestIds?.(id, 3).catch(() => [])) ?? [];
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(', ')}?` : ' Type `devices` to list them.';
  throw new UserError(`No device '${id}'.${hint}`);
}

/** Everything the status card shows, from the twin plus the optional alerts service. */
export async function deviceStatusView(ctx: TurnContext, twin: DeviceTwin, notice?: DeviceStatusView['notice']): Promise<DeviceStatusView> {
  const now = ctx.services.clock.now();
  const fw = firmwareOf(twin);
  const h = healthOf(twin);
  const facts: Array<{ title: string; value: string }> = [];
  if (h.battery !== undefined) facts.push({ title: 'Battery', value: `${Math.round(h.battery)} %` });
  if (h.rssi !== undefined) facts.push({ title: 'Signal', value: `${h.rssi} dBm` });
  if (h.temperature !== undefined) facts.push({ title: 'Temperature', value: `${h.temperature.toFixed(1)} °C` });
  if (h.cpuPercent !== undefined) facts.push({ title: 'CPU', value: `${Math.round(h.cpuPercent)} %` });
  if (h.uptime !== undefined) facts.push({ title: 'Uptime', value: formatDuration(h.uptime * 1000) });
  if (h.reboots !== undefined) facts.push({ title: 'Reboots', value: String(h.reboots) });
  if (h.errorCount !== undefined) facts.push({ title: 'Errors (last hour)', value: String(h.errorCount) });
  const about = ctx.services.fleet.describe();
  return {
    deviceId: twin.deviceId,
    connected: twin.connectionState === 'Connected',
    lastSeen: formatRelativeTime(twin.lastActivityTime, now),
    lastActivity: twin.lastActivityTime ? absoluteTime(twin.lastActivityTime) : undefined,
    connectionSince: twin.connectionStateUpdatedTime ? absoluteTime(twin.connectionStateUpdatedTime) : undefined,
    enabled: twin.status === 'enabled',
    statusReason: twin.statusReason,
    firmware: {
      current: fw.current,
      desired: fw.desired,
      status: fw.status,
      substatus: fw.substatus,
      drift: fw.drift,
      lastStart: fw.lastStart && absoluteTime(fw.lastStart),
      lastEnd: fw.lastEnd && absoluteTime(fw.lastEnd),
    },
    rollout: await rolloutOf(ctx, twin.deviceId, fw.rolloutId, fw.waveId),
    health: assessHealth(twin, now),
    facts,
    tags: Object.entries(twin.tags)
      .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      .map(([k, v]) => [k, String(v)] as const),
    alerts: await openAlerts(ctx, twin.deviceId),
    notice,
    showLogs: ctx.services.logs !== undefined,
    portalUrl: about.portalUrl,
    source: about.backend,
    asOf: absoluteTime(now.toISOString()),
  };
}

/** The twin says which rollout wrote the desired firmware; the engine adds where the device stands in it. */
async function rolloutOf(ctx: TurnContext, deviceId: string, rolloutId?: string, waveId?: string): Promise<DeviceStatusView['rollout']> {
  const membership = await ctx.services.rollouts?.membershipOf(deviceId);
  if (membership) {
    return {
      rolloutId: membership.rolloutId,
      waveId: membership.wave !== null ? String(membership.wave) : waveId,
      deviceState: membership.state,
      rolloutState: membership.rolloutState,
    };
  }
  return rolloutId ? { rolloutId, waveId } : undefined;
}

async function openAlerts(ctx: TurnContext, deviceId: string): Promise<DeviceStatusView['alerts']> {
  const alerts = ctx.services.alerts;
  if (!alerts) return undefined;
  try {
    const now = ctx.services.clock.now();
    return (await alerts.openForDevice(deviceId)).map((a) => ({
      title: a.rule,
      severity: `Sev${a.severity}`,
      since: formatRelativeTime(a.firedAt, now),
      state: a.state,
    }));
  } catch (error) {
    ctx.log.warn({ err: error, deviceId }, 'open alerts lookup failed; status card shows none');
    return undefined;
  }
}

export async function statusCard(ctx: TurnContext, deviceId: string, notice?: DeviceStatusView['notice']): Promise<AdaptiveCard> {
  const twin = await findDevice(ctx.services.fleet, deviceId);
  return deviceStatusCard(await deviceStatusView(ctx, twin, notice));
}

/** The id in "status device-42", "status of `device-42`?" or "status Device-42.". */
function pickDeviceWord(input: string): string {
  const words = input.split(/\s+/).map(cleanDeviceIdInput).filter(Boolean);
  return words.find((w) => /\d|-/.test(w)) ?? words[0] ?? '';
}

export const statusCommand: CommandSpec<{ deviceId: string }> = {
  name: 'status',
  aliases: ['device'],
  summary: 'One device: connection, firmware, health, tags, open alerts and rollout',
  usage: 'status <device>',
  examples: ['status device-42', 'device device-7'],
  role: 'viewer',
  parse(input) {
    const deviceId = pickDeviceWord(input);
    return deviceId ? parsed({ deviceId }) : parseError('Give a device id, for example `status device-42`.');
  },
  async run(ctx, { deviceId }) {
    await ctx.reply(await statusCard(ctx, deviceId));
  },
};

function parseDeviceData(data: Record<string, unknown>): ParseResult<{ deviceId: string }> {
  const id = data.deviceId;
  if (typeof id !== 'string' || !isValidDeviceId(id)) return parseError('deviceId must be a device id.');
  return parsed({ deviceId: id });
}

/** Refresh, and the alert card's "Device status" button. */
export const deviceStatusAction: CardActionSpec<{ deviceId: string }> = {
  verb: FLEET_VERBS.status,
  role: 'viewer',
  parse: parseDeviceData,
  async run(ctx, { deviceId }) {
    return { card: await statusCard(ctx, deviceId) };
  },
};

/** Step 1 of a reboot: show what will happen; nothing is sent yet. */
export const rebootAskAction: CardActionSpec<{ deviceId: string }> = {
  verb: FLEET_VERBS.reboot,
  role: 'operator',
  parse: parseDeviceData,
  async run(ctx, { deviceId }) {
    const twin = await findDevice(ctx.services.fleet, deviceId);
    const fw = firmwareOf(twin);
    const updating = isUpdating(fw.status) ? `${fw.status} ${fw.pending ?? fw.desired ?? ''}`.trim() : undefined;
    return { card: rebootConfirmCard({ deviceId: twin.deviceId, connected: twin.connectionState === 'Connected', updating }) };
  },
};

/** Step 2: the explicit click sends the `reboot` direct method; audited by the dispatcher. */
export const rebootConfirmAction: CardActionSpec<{ deviceId: string }> = {
  verb: FLEET_VERBS.rebootConfirm,
  role: 'operator',
  sideEffects: true,
  parse: parseDeviceData,
  async run(ctx, { deviceId }) {
    const fleet = ctx.services.fleet;
    const twin = await findDevice(fleet, deviceId);
    const result = await fleet.invokeMethod(twin.deviceId, 'reboot', { requestedBy: ctx.actor.name }, { responseTimeoutInSeconds: 30 });
    if (result.status < 200 || result.status >= 300) {
      throw new UserError(
        `Reboot of ${twin.deviceId} failed (${result.status}): ${methodMessage(result.payload) ?? 'no answer from the device'}. Nothing was changed.`,
      );
    }
    const back = (result.payload as { expectedBackInSeconds?: unknown } | undefined)?.expectedBackInSeconds;
    const text = `Reboot sent by ${ctx.actor.name}; ${twin.deviceId} answered ${result.status}${typeof back === 'number' ? `, back in about ${back} s` : ''}. Press Refresh to follow it.`;
    const fresh = (await fleet.getDevice(twin.deviceId)) ?? twin;
    return { card: deviceStatusCard(await deviceStatusView(ctx, fresh, { text, tone: 'good' })) };
  },
};

function methodMessage(payload: unknown): string | undefined {
  if (payload && typeof payload === 'object') {
    const p = payload as Record<string, unknown>;
    const text = p.message ?? p.Message ?? p.errorCode;
    if (typeof text === 'string') return text.split(';').pop()!.trim();
  }
  return typeof payload === 'string' ? payload : undefined;
}
