import type { DeviceFilter, GroupCount } from '../core/ports/fleet';
import { FLEET_VERBS } from '../cards/device-status';
import { fleetSummaryCard } from '../cards/fleet-summary';
import { absoluteTime } from '../core/text/time';
import type { AdaptiveCard } from '../cards/card';
import { formatDeviceFilter, parseDeviceFilter } from '../core/fleet/device-filter';
import { formatRelativeTime } from '../core/text/relative-time';
import { isUpdating, tagOf } from '../core/fleet/twin-view';
import type { TurnContext as Turn } from './context';
import { parseError, parsed, parseRefused, type CardActionSpec as ActionSpec, type CommandSpec as Spec } from './spec';
import { firstPage } from './devices';
import type { DeviceServices } from './status';

type TurnContext = Turn<DeviceServices>;
type CommandSpec<Args = unknown> = Spec<Args, DeviceServices>;
type CardActionSpec<Data = unknown> = ActionSpec<Data, DeviceServices>;

/** The fleet in one card: five GROUP BY counts and one page of the longest-silent devices. */
export async function fleetSummary(ctx: TurnContext, filter: DeviceFilter): Promise<AdaptiveCard> {
  const fleet = ctx.services.fleet;
  const [connection, status, firmware, sites, updates, silent] = await Promise.all([
    fleet.countBy('connectionState', filter),
    fleet.countBy('status', filter),
    fleet.countBy('firmware', filter),
    fleet.countBy('tags.site', filter),
    fleet.countBy('fwUpdateStatus', filter),
    firstPage(fleet.listDevices({ ...filter, connection: 'Disconnected' }, { pageSize: 5, orderBy: 'lastActivityTime' })),
  ]);
  const count = (rows: GroupCount[], value: string) => rows.find((r) => r.value === value)?.count ?? 0;
  const sum = (rows: GroupCount[], pick: (v: string | null) => boolean) => rows.filter((r) => pick(r.value)).reduce((n, r) => n + r.count, 0);
  const total = sum(connection, () => true);
  const now = ctx.services.clock.now();
  const labelled = (rows: GroupCount[], missing: string) =>
    rows.map((r) => ({ label: r.value ?? missing, count: r.count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  return fleetSummaryCard({
    filter: formatDeviceFilter(filter),
    total,
    online: count(connection, 'Connected'),
    offline: count(connection, 'Disconnected'),
    disabled: count(status, 'disabled'),
    updating: sum(updates, isUpdating),
    failed: count(updates, 'error') + count(updates, 'rolledback'),
    byFirmware: labelled(firmware, 'unknown'),
    bySite: labelled(sites, 'no site'),
    silentLongest: silent.devices.map((d) => ({ deviceId: d.deviceId, lastSeen: formatRelativeTime(d.lastActivityTime, now), site: tagOf(d, 'site') ?? '' })),
    asOf: absoluteTime(now.toISOString()),
  });
}

export const fleetCommand: CommandSpec<{ filter: DeviceFilter }> = {
  name: 'fleet',
  summary: 'Fleet health: online/offline, firmware versions, sites, longest silent devices',
  usage: 'fleet [filter]',
  examples: ['fleet', 'fleet site:berlin', 'fleet ring:canary'],
  role: 'viewer',
  parse(input) {
    const result = parseDeviceFilter(input);
    return result.ok ? parsed({ filter: result.filter }) : parseRefused(result.refusal);
  },
  async run(ctx, { filter }) {
    await ctx.typing();
    await ctx.reply(await fleetSummary(ctx, filter));
  },
};

export const fleetRefreshAction: CardActionSpec<{ filter: DeviceFilter }> = {
  verb: FLEET_VERBS.fleet,
  role: 'viewer',
  // The filter as the card wrote it, read by the command's own parser: one it cannot read gets the command's refusal.
  parse: (data) => (typeof data.filter === 'string' ? fleetCommand.parse(data.filter) : parseError('filter must be text.')),
  async run(ctx, { filter }) {
    return { card: await fleetSummary(ctx, filter) };
  },
};
