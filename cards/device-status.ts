import type { HealthVerdict } from '../core/fleet/health';
import { card, executeAction, openUrlAction, type AdaptiveCard, type CardElement } from './card';
import { plain } from './plain';

/** Verbs of the fleet cards' buttons (commands/status.ts, devices.ts, fleet.ts; `logs.device` belongs to the logs feature). */
export const FLEET_VERBS = {
  status: 'device.status',
  reboot: 'device.reboot',
  rebootConfirm: 'device.reboot.confirm',
  logs: 'logs.device',
  page: 'devices.page',
  fleet: 'fleet.refresh',
} as const;

export interface DeviceStatusView {
  readonly deviceId: string;
  readonly connected: boolean;
  /** "3 min ago", "never". */
  readonly lastSeen: string;
  /** Exact last activity (UTC), when known. */
  readonly lastActivity?: string;
  readonly connectionSince?: string;
  readonly enabled: boolean;
  readonly statusReason?: string;
  readonly firmware: {
    readonly current?: string;
    readonly desired?: string;
    readonly status?: string;
    readonly substatus?: string;
    readonly drift: boolean;
    readonly lastStart?: string;
    readonly lastEnd?: string;
  };
  /** From the twin (desired firmware's rolloutId/waveId), and the engine's view of this device when known. */
  readonly rollout?: { readonly rolloutId: string; readonly waveId?: string; readonly deviceState?: string; readonly rolloutState?: string };
  readonly health: { readonly verdict: HealthVerdict; readonly reasons: readonly string[] };
  readonly facts: ReadonlyArray<{ readonly title: string; readonly value: string }>;
  readonly tags: ReadonlyArray<readonly [string, string]>;
  /** undefined: the alerts feature is not there; []: none open. */
  readonly alerts?: ReadonlyArray<{ readonly title: string; readonly severity: string; readonly since: string; readonly state: string }>;
  /** A line at the top, e.g. after a reboot request. */
  readonly notice?: { readonly text: string; readonly tone: 'good' | 'warning' | 'attention' };
  readonly showLogs: boolean;
  readonly portalUrl?: string;
  /** "IoT Hub" or "local registry": IoT Hub's connection state can lag a few minutes. */
  readonly source: 'iothub' | 'local';
  /** When this card was made (UTC, shown so a stale card is obvious). */
  readonly asOf: string;
}

const HEALTH_STYLE: Record<HealthVerdict, { icon: string; color: string }> = {
  healthy: { icon: '✅', color: 'Good' },
  degraded: { icon: '⚠️', color: 'Attention' },
  unhealthy: { icon: '⛔', color: 'Attention' },
  unknown: { icon: '❔', color: 'Default' },
};

const TONE_STYLE = { good: 'good', warning: 'warning', attention: 'attention' } as const;

/** `status <device>`: connection, firmware (current vs desired), health, tags, alerts, rollout; Refresh/Reboot/Logs/Portal. */
export function deviceStatusCard(vm: DeviceStatusView): AdaptiveCard {
  const pill = vm.connected ? '🟢 Connected' : '🔴 Disconnected';
  const health = HEALTH_STYLE[vm.health.verdict];
  const body: CardElement[] = [];
  if (vm.notice) {
    body.push({ type: 'Container', style: TONE_STYLE[vm.notice.tone], items: [{ type: 'TextBlock', text: vm.notice.text, wrap: true, weight: 'Bolder' }] });
  }
  body.push(
    {
      type: 'ColumnSet',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          items: [
            { type: 'TextBlock', text: plain(vm.deviceId), size: 'Large', weight: 'Bolder', wrap: true },
            { type: 'TextBlock', text: `${pill} · last seen ${vm.lastSeen}${vm.enabled ? '' : ' · ⛔ disabled'}`, wrap: true, spacing: 'None', isSubtle: true },
          ],
        },
        {
          type: 'Column',
          width: 'auto',
          verticalContentAlignment: 'Center',
          items: [{ type: 'TextBlock', text: `${health.icon} ${capital(vm.health.verdict)}`, weight: 'Bolder', color: health.color }],
        },
      ],
    },
    ...(vm.health.reasons.length > 0
      ? [{ type: 'TextBlock', text: vm.health.reasons.map((r) => `• ${plain(r)}`).join('\n'), wrap: true, color: health.color, spacing: 'Small' }]
      : []),
    section('Connectivity'),
    {
      type: 'FactSet',
      facts: [
        { title: 'State', value: `${vm.connected ? 'Connected' : 'Disconnected'}${vm.connectionSince ? ` since ${vm.connectionSince}` : ''}` },
        { title: 'Last activity', value: vm.lastActivity ? `${vm.lastActivity} (${vm.lastSeen})` : 'never' },
        { title: 'Registry', value: vm.enabled ? 'Enabled' : `Disabled${vm.statusReason ? `: ${vm.statusReason}` : ''}` },
      ],
    },
    section('Firmware'),
    ...firmwareBlock(vm),
    section('Health'),
    {
      type: 'FactSet',
      facts: vm.facts.length > 0 ? vm.facts.map((f) => ({ title: plain(f.title), value: plain(f.value) })) : [{ title: 'Reported', value: 'nothing yet' }],
    },
  );
  if (vm.tags.length > 0) {
    body.push(section('Tags'), { type: 'TextBlock', text: vm.tags.map(([k, v]) => `${plain(k)}: **${plain(v)}**`).join(' · '), wrap: true, spacing: 'Small' });
  }
  if (vm.alerts !== undefined) {
    body.push(section(`Open alerts (${vm.alerts.length})`));
    body.push(
      vm.alerts.length === 0
        ? { type: 'TextBlock', text: 'None.', isSubtle: true, spacing: 'Small' }
        : {
            type: 'TextBlock',
            text: vm.alerts.map((a) => `• **${a.severity}** ${plain(a.title)} · ${a.state} · ${a.since}`).join('\n'),
            wrap: true,
            spacing: 'Small',
          },
    );
  }
  body.push({
    type: 'TextBlock',
    text: `As of ${vm.asOf} · ${vm.source === 'iothub' ? 'IoT Hub view; connection state may lag up to 5 min' : 'local registry (simulated fleet)'}`,
    isSubtle: true,
    size: 'Small',
    wrap: true,
    spacing: 'Medium',
  });

  const actions: CardElement[] = [
    executeAction('Refresh', FLEET_VERBS.status, { deviceId: vm.deviceId }),
    executeAction('Reboot…', FLEET_VERBS.reboot, { deviceId: vm.deviceId }),
  ];
  if (vm.showLogs) actions.push(executeAction('Show logs', FLEET_VERBS.logs, { deviceId: vm.deviceId }));
  if (vm.portalUrl) actions.push(openUrlAction('Open in Azure portal', vm.portalUrl));
  return card(body, actions);
}

/** The confirmation step before a reboot: what will happen, and an explicit button. */
export function rebootConfirmCard(vm: { deviceId: string; connected: boolean; updating?: string }): AdaptiveCard {
  const warnings = [
    ...(vm.connected ? [] : ['The device is offline: the reboot will fail unless it reconnects within 30 s.']),
    ...(vm.updating ? [`A firmware update is in progress (${vm.updating}); rebooting now may interrupt it.`] : []),
  ];
  return card(
    [
      { type: 'TextBlock', text: `Reboot ${plain(vm.deviceId)}?`, size: 'Large', weight: 'Bolder', wrap: true },
      {
        type: 'TextBlock',
        text: 'Sends the `reboot` direct method. The device drops off for about half a minute and reconnects. This is recorded in the audit log.',
        wrap: true,
      },
      ...warnings.map((w) => ({ type: 'TextBlock', text: `⚠️ ${w}`, wrap: true, color: 'Attention' })),
    ],
    [
      executeAction('Reboot now', FLEET_VERBS.rebootConfirm, { deviceId: vm.deviceId }, 'destructive'),
      executeAction('Cancel', FLEET_VERBS.status, { deviceId: vm.deviceId }),
    ],
  );
}

function firmwareBlock(vm: DeviceStatusView): CardElement[] {
  const fw = vm.firmware;
  const facts = [
    { title: 'Current', value: plain(fw.current ?? 'unknown') },
    { title: 'Desired', value: plain(fw.desired ?? 'not set') },
    ...(fw.status ? [{ title: 'Update status', value: plain(`${fw.status}${fw.substatus ? ` (${fw.substatus})` : ''}`) }] : []),
    ...(vm.rollout
      ? [
          {
            title: 'Rollout',
            value: `${vm.rollout.rolloutId}${vm.rollout.waveId ? `, wave ${vm.rollout.waveId}` : ''}${vm.rollout.rolloutState ? ` (${vm.rollout.rolloutState})` : ''}${vm.rollout.deviceState ? ` · device ${vm.rollout.deviceState}` : ''}`,
          },
        ]
      : []),
    ...(fw.lastStart ? [{ title: 'Last update', value: plain(`${fw.lastStart}${fw.lastEnd ? ` → ${fw.lastEnd}` : ' → …'}`) }] : []),
  ];
  const out: CardElement[] = [{ type: 'FactSet', facts }];
  if (fw.drift) {
    out.unshift({
      type: 'TextBlock',
      text: `⚠️ Runs ${plain(fw.current ?? 'an unknown version')} but should run ${plain(fw.desired ?? '')}${fw.status && fw.status !== 'current' ? ` (${fw.status})` : ''}.`,
      wrap: true,
      color: fw.status === 'error' || fw.status === 'rolledback' ? 'Attention' : 'Accent',
      spacing: 'Small',
    });
  }
  return out;
}

/** A bold heading over a separator, between the sections of the fleet cards. */
export const section = (title: string): CardElement => ({ type: 'TextBlock', text: title, weight: 'Bolder', spacing: 'Medium', separator: true });
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
