import { alertTarget, resourceName, type AlertRecord } from '../core/alerts/alert';
import { card, type AdaptiveCard, type CardElement } from './card';
import { clip, relativeTime, RESOLVED_STYLE, severityStyle, shortId } from './alert-format';
import { plain } from './plain';

/** Lists are capped so the card stays well under Teams' size limit. */
export const ALERT_LIST_CAP = 40;

export interface AlertListViewModel {
  readonly title: string;
  readonly alerts: readonly AlertRecord[];
  /** How many match in all (the list shows at most ALERT_LIST_CAP). */
  readonly total: number;
  /** What to type to narrow the list, shown when it is cut. */
  readonly narrowHint?: string;
  readonly now: Date;
}

/** `alerts`, and a storm card's "List": one line per alert, worst first. */
export function alertListCard(vm: AlertListViewModel): AdaptiveCard {
  const shown = vm.alerts.slice(0, ALERT_LIST_CAP);
  const more = vm.total - shown.length;
  const body: CardElement[] = [
    { type: 'TextBlock', text: plain(clip(vm.title, 200)), size: 'Large', weight: 'Bolder', wrap: true },
    ...(shown.length === 0 ? [{ type: 'TextBlock', text: 'No alerts.', wrap: true, isSubtle: true }] : []),
    ...shown.map((a) => row(a, vm.now)),
    ...(more > 0 ? [{ type: 'TextBlock', text: `and ${more} more${vm.narrowHint ? ` — ${vm.narrowHint}` : ''}`, wrap: true, isSubtle: true }] : []),
  ];
  return card(body);
}

function row(a: AlertRecord, now: Date): CardElement {
  const resolved = a.monitorCondition === 'Resolved';
  const icon = resolved ? RESOLVED_STYLE.icon : severityStyle(a.severity).icon;
  const target = resourceName(alertTarget(a));
  const when = resolved && a.resolvedAt ? `resolved ${relativeTime(a.resolvedAt, now)}` : `fired ${relativeTime(a.firedAt, now)}`;
  return {
    type: 'ColumnSet',
    spacing: 'Small',
    columns: [
      { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: `${icon} Sev${a.severity}`, size: 'Small', weight: 'Bolder' }] },
      {
        type: 'Column',
        width: 'stretch',
        items: [
          {
            type: 'TextBlock',
            text: `**${plain(clip(a.rule, 80))}** · ${plain(clip(target, 60))}${a.site ? ` · ${plain(a.site)}` : ''}`,
            size: 'Small',
            wrap: true,
          },
          {
            type: 'TextBlock',
            text: `${when}${a.state !== 'New' ? ` · ${a.state}${a.acknowledgedBy ? ` by ${plain(a.acknowledgedBy)}` : ''}` : ''} · \`alert ${clip(shortId(a.alertId), 60).replace(/`/g, "'")}\``,
            size: 'Small',
            isSubtle: true,
            wrap: true,
            spacing: 'None',
          },
        ],
      },
    ],
  };
}
