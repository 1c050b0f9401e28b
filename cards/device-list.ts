import { card, executeAction, type AdaptiveCard, type CardElement } from './card';
import { FLEET_VERBS } from './device-status';
import { plain } from './plain';

export interface DeviceListRow {
  readonly deviceId: string;
  readonly connected: boolean;
  readonly enabled: boolean;
  readonly lastSeen: string;
  readonly firmware: string;
  /** The firmware is not what it should be (update pending, failed, rolled back). */
  readonly drift: boolean;
  readonly site: string;
}

export interface DeviceListView {
  /** The filter as typed back in the language ('' = all devices). */
  readonly filter: string;
  readonly total: number;
  readonly pageSize: number;
  readonly rows: readonly DeviceListRow[];
  /**
   * Page tokens from `base` up to this page ('' = first page): the last one produced this
   * page. Buttons carry them, so Previous works without server-side paging state.
   */
  readonly tokens: readonly string[];
  /** Index of tokens[0] (older tokens are dropped to keep the card small). */
  readonly base: number;
  readonly nextToken?: string;
}

const header = (texts: string[]): CardElement => ({
  type: 'TableRow',
  style: 'accent',
  cells: texts.map((text) => ({ type: 'TableCell', items: [{ type: 'TextBlock', text, weight: 'Bolder', wrap: true }] })),
});

const cell = (text: string, extra: Record<string, unknown> = {}): CardElement => ({
  type: 'TableCell',
  items: [{ type: 'TextBlock', text, wrap: true, ...extra }],
});

/** `devices [filter]`: one page of matching devices as a table, total count, Previous/Next. */
export function deviceListCard(vm: DeviceListView): AdaptiveCard {
  const pageIndex = vm.base + vm.tokens.length - 1;
  const from = pageIndex * vm.pageSize + 1;
  const to = pageIndex * vm.pageSize + vm.rows.length;
  const title = vm.filter ? `Devices matching \`${vm.filter}\`` : 'All devices';
  const body: CardElement[] = [
    { type: 'TextBlock', text: title, size: 'Large', weight: 'Bolder', wrap: true },
    {
      type: 'TextBlock',
      text: vm.total === 0 ? 'No device matches.' : `${from}–${to} of ${vm.total.toLocaleString('en-US')}`,
      isSubtle: true,
      spacing: 'None',
    },
  ];
  if (vm.rows.length > 0) {
    body.push({
      type: 'Table',
      gridStyle: 'default',
      firstRowAsHeader: true,
      showGridLines: false,
      columns: [{ width: 3 }, { width: 2 }, { width: 2 }, { width: 2 }, { width: 2 }],
      rows: [
        header(['Device', 'State', 'Last seen', 'Firmware', 'Site']),
        ...vm.rows.map((r) => ({
          type: 'TableRow',
          cells: [
            cell(plain(r.deviceId), { fontType: 'Monospace' }),
            cell(`${r.connected ? '🟢 online' : '🔴 offline'}${r.enabled ? '' : ' · ⛔ disabled'}`),
            cell(r.lastSeen),
            cell(`${plain(r.firmware)}${r.drift ? ' ⚠️ not desired' : ''}`),
            cell(plain(r.site)),
          ],
        })),
      ],
    });
    body.push({
      type: 'TextBlock',
      text: 'Type `status <device>` for one device. “Not desired”: the firmware differs from the desired version.',
      isSubtle: true,
      size: 'Small',
      wrap: true,
    });
  }
  const actions: CardElement[] = [];
  if (vm.tokens.length > 1) actions.push(executeAction('Previous', FLEET_VERBS.page, { filter: vm.filter, tokens: vm.tokens.slice(0, -1), base: vm.base }));
  if (vm.nextToken) {
    const tokens = [...vm.tokens, vm.nextToken];
    const drop = oldestToDrop(tokens);
    actions.push(executeAction('Next', FLEET_VERBS.page, { filter: vm.filter, tokens: tokens.slice(drop), base: vm.base + drop }));
  }
  return card(body, actions);
}

/** Page tokens kept on the card: each button carries them twice (Execute + Submit fallback). */
export const MAX_TOKENS = 20;
const MAX_TOKEN_CHARS = 3000;

/** How many of the oldest tokens to forget so the rest fit (IoT Hub continuation tokens run to a few hundred bytes). */
function oldestToDrop(tokens: readonly string[]): number {
  let drop = Math.max(0, tokens.length - MAX_TOKENS);
  let chars = tokens.slice(drop).reduce((n, t) => n + t.length, 0);
  while (chars > MAX_TOKEN_CHARS && drop < tokens.length - 1) chars -= tokens[drop++]!.length;
  return drop;
}
