import type { DeviceFilter, DevicePage } from '../core/ports/fleet';
import { deviceListCard, MAX_TOKENS, type DeviceListRow } from '../cards/device-list';
import { FLEET_VERBS } from '../cards/device-status';
import type { AdaptiveCard } from '../cards/card';
import { formatDeviceFilter, parseDeviceFilter } from '../core/fleet/device-filter';
import { formatRelativeTime } from '../core/text/relative-time';
import { firmwareOf, tagOf } from '../core/fleet/twin-view';
import type { TurnContext as Turn } from './context';
import { parseError, parsed, parseRefused, type CardActionSpec as ActionSpec, type CommandSpec as Spec } from './spec';
import type { DeviceServices } from './status';
import { UserError } from './user-error';

type TurnContext = Turn<DeviceServices>;
type CommandSpec<Args = unknown> = Spec<Args, DeviceServices>;
type CardActionSpec<Data = unknown> = ActionSpec<Data, DeviceServices>;

export const DEVICES_PAGE_SIZE = 20;

/** One page of the device table. `tokens`: page tokens up to this page ('' = the first). */
export async function deviceListPage(ctx: TurnContext, filter: DeviceFilter, tokens: readonly string[], base: number): Promise<AdaptiveCard> {
  const fleet = ctx.services.fleet;
  const token = tokens[tokens.length - 1] || undefined;
  let page: DevicePage;
  let total: number;
  try {
    [page, total] = await Promise.all([
      firstPage(fleet.listDevices(filter, { pageSize: DEVICES_PAGE_SIZE, continuationToken: token })),
      fleet.countDevices(filter),
    ]);
  } catch (error) {
    if (token && /page token/i.test((error as Error).message))
      throw new UserError('This list is out of date. Type `devices` again to start from the first page.');
    throw error;
  }
  const now = ctx.services.clock.now();
  const rows: DeviceListRow[] = page.devices.map((d) => {
    const fw = firmwareOf(d);
    return {
      deviceId: d.deviceId,
      connected: d.connectionState === 'Connected',
      enabled: d.status === 'enabled',
      lastSeen: formatRelativeTime(d.lastActivityTime, now),
      firmware: fw.current ?? '?',
      drift: fw.drift,
      site: tagOf(d, 'site') ?? '–',
    };
  });
  return deviceListCard({
    filter: formatDeviceFilter(filter),
    total,
    pageSize: DEVICES_PAGE_SIZE,
    rows,
    tokens: tokens.length > 0 ? tokens : [''],
    base,
    nextToken: page.continuationToken,
  });
}

/** The first page of a listing; the iterator is closed so no further page is fetched. */
export async function firstPage(pages: AsyncIterableIterator<DevicePage>): Promise<DevicePage> {
  const first = await pages.next();
  await pages.return?.();
  return first.done ? { devices: [] } : first.value;
}

export const devicesCommand: CommandSpec<{ filter: DeviceFilter }> = {
  name: 'devices',
  summary: 'List devices matching a filter, 20 per page',
  usage: 'devices [filter]',
  examples: ['devices', 'devices offline', 'devices site:berlin ring:canary', 'devices fw:2.3.0 online', 'devices tag.floor:3 update:error'],
  role: 'viewer',
  parse(input) {
    const result = parseDeviceFilter(input);
    return result.ok ? parsed({ filter: result.filter }) : parseRefused(result.refusal);
  },
  async run(ctx, { filter }) {
    await ctx.reply(await deviceListPage(ctx, filter, [''], 0));
  },
};

interface PageData {
  filter: DeviceFilter;
  tokens: string[];
  base: number;
}

/** Next/Previous (and the fleet card's "Offline devices"): the card carries filter and tokens. */
export const devicesPageAction: CardActionSpec<PageData> = {
  verb: FLEET_VERBS.page,
  role: 'viewer',
  parse(data) {
    // The filter as the card wrote it, read by the command's own parser: one it cannot read gets the command's refusal.
    const filter = typeof data.filter === 'string' ? devicesCommand.parse(data.filter) : parseError('filter must be text.');
    if (!filter.ok) return filter;
    const tokens = data.tokens;
    if (!Array.isArray(tokens) || tokens.length === 0 || tokens.length > MAX_TOKENS + 1 || !tokens.every((t) => typeof t === 'string' && t.length <= 4096)) {
      return parseError('tokens must be a short list of page tokens.');
    }
    const base = data.base ?? 0;
    if (typeof base !== 'number' || !Number.isInteger(base) || base < 0 || base > 100_000) return parseError('base must be a page number.');
    return parsed({ filter: filter.value.filter, tokens: tokens as string[], base });
  },
  async run(ctx, { filter, tokens, base }) {
    return { card: await deviceListPage(ctx, filter, tokens, base) };
  },
};
