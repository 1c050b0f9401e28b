import { card, executeAction, type AdaptiveCard, type CardElement } from './card';
import { FLEET_VERBS, section } from './device-status';
import { plain } from './plain';

export interface FleetSummaryView {
  readonly filter: string;
  readonly total: number;
  readonly online: number;
  readonly offline: number;
  readonly disabled: number;
  readonly updating: number;
  readonly failed: number;
  readonly byFirmware: ReadonlyArray<{ readonly label: string; readonly count: number }>;
  readonly bySite: ReadonlyArray<{ readonly label: string; readonly count: number }>;
  readonly silentLongest: ReadonlyArray<{ readonly deviceId: string; readonly lastSeen: string; readonly site: string }>;
  readonly asOf: string;
}

/** Charts and tables show at most this many slices; the rest become "other". */
const MAX_SLICES = 8;

/** `fleet`: totals, firmware versions (donut) and sites (bars) with table fallbacks, and the longest-silent devices. */
export function fleetSummaryCard(vm: FleetSummaryView): AdaptiveCard {
  const pct = (n: number) => (vm.total === 0 ? '0 %' : `${Math.round((n / vm.total) * 1000) / 10} %`);
  const firmware = topSlices(vm.byFirmware);
  const sites = topSlices(vm.bySite);
  const body: CardElement[] = [
    { type: 'TextBlock', text: vm.filter ? `Fleet: \`${vm.filter}\`` : 'Fleet', size: 'Large', weight: 'Bolder', wrap: true },
    {
      type: 'ColumnSet',
      columns: [
        stat('Devices', vm.total.toLocaleString('en-US'), 'Default'),
        stat('Online', `${vm.online.toLocaleString('en-US')} (${pct(vm.online)})`, 'Good'),
        stat('Offline', `${vm.offline.toLocaleString('en-US')} (${pct(vm.offline)})`, vm.offline > 0 ? 'Attention' : 'Default'),
        stat('Disabled', vm.disabled.toLocaleString('en-US'), 'Default'),
      ],
    },
  ];
  if (vm.updating > 0 || vm.failed > 0) {
    body.push({
      type: 'TextBlock',
      text: `Firmware: ${vm.updating.toLocaleString('en-US')} updating · ${vm.failed.toLocaleString('en-US')} failed or rolled back`,
      wrap: true,
      color: vm.failed > 0 ? 'Attention' : 'Default',
      spacing: 'Small',
    });
  }
  body.push(
    section('By firmware version'),
    // The donut shows no numbers by itself (only on hover): the legend carries count and share.
    {
      type: 'Chart.Donut',
      title: 'Firmware versions',
      data: firmware.map((s) => ({ legend: `${s.label}: ${s.count.toLocaleString('en-US')} (${pct(s.count)})`, value: s.count })),
      fallback: table(['Version', 'Devices'], firmware, vm.total),
    },
    section('By site'),
    {
      type: 'Chart.HorizontalBar',
      title: 'Devices per site',
      displayMode: 'AbsoluteWithAxis',
      data: sites.map((s) => ({ x: s.label, y: s.count })),
      fallback: table(['Site', 'Devices'], sites, vm.total),
    },
    section('Not seen for longest'),
  );
  body.push(
    vm.silentLongest.length === 0
      ? { type: 'TextBlock', text: 'Every device is online.', isSubtle: true, spacing: 'Small' }
      : {
          type: 'FactSet',
          facts: vm.silentLongest.map((d) => ({ title: plain(d.deviceId), value: `${d.lastSeen}${d.site ? ` · ${plain(d.site)}` : ''}` })),
        },
    { type: 'TextBlock', text: `As of ${vm.asOf}`, isSubtle: true, size: 'Small', spacing: 'Medium' },
  );
  return card(body, [
    executeAction('Refresh', FLEET_VERBS.fleet, { filter: vm.filter }),
    executeAction('Offline devices', FLEET_VERBS.page, { filter: [vm.filter, 'offline'].filter(Boolean).join(' '), tokens: [''], base: 0 }),
  ]);
}

function topSlices(rows: ReadonlyArray<{ label: string; count: number }>): Array<{ label: string; count: number }> {
  if (rows.length <= MAX_SLICES) return [...rows];
  const head = rows.slice(0, MAX_SLICES - 1);
  const other = rows.slice(MAX_SLICES - 1).reduce((sum, r) => sum + r.count, 0);
  return [...head, { label: `other (${rows.length - MAX_SLICES + 1})`, count: other }];
}

function table(headers: [string, string], rows: ReadonlyArray<{ label: string; count: number }>, total: number): CardElement {
  const row = (cells: string[], bold = false): CardElement => ({
    type: 'TableRow',
    cells: cells.map((text) => ({ type: 'TableCell', items: [{ type: 'TextBlock', text, wrap: true, ...(bold ? { weight: 'Bolder' } : {}) }] })),
  });
  return {
    type: 'Table',
    firstRowAsHeader: true,
    showGridLines: false,
    columns: [{ width: 3 }, { width: 2 }, { width: 1 }],
    rows: [
      row([...headers, 'Share'], true),
      ...rows.map((r) => row([plain(r.label), r.count.toLocaleString('en-US'), total === 0 ? '–' : `${Math.round((r.count / total) * 100)} %`])),
    ],
  };
}

const stat = (label: string, value: string, color: string): CardElement => ({
  type: 'Column',
  width: 'stretch',
  items: [
    { type: 'TextBlock', text: label, isSubtle: true, size: 'Small' },
    { type: 'TextBlock', text: value, weight: 'Bolder', color, spacing: 'None', wrap: true },
  ],
});
