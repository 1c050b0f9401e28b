import { resourceName } from '../core/alerts/alert';
import type { StormMember, StormView } from '../core/alerts/storm';
import { card, executeAction, type AdaptiveCard, type CardElement } from './card';
import { ALERT_VERBS } from './alert';
import { absoluteTime } from '../core/text/time';
import { clip, RESOLVED_STYLE, severityStyle, sevText } from './alert-format';
import { plain } from './plain';

/**
 * One card per rule while a conversation is in an alert storm, updated in place as
 * alerts join and resolve. It lists only the latest few members (the counts cover
 * all), so it stays small whatever the storm's size; "List" shows more.
 */
export function alertStormCard(view: StormView, now: Date): AdaptiveCard {
  const over = view.firing === 0 && view.total > 0;
  const style = over ? RESOLVED_STYLE : severityStyle(view.severity);
  const noun = view.total === 1 ? 'alert' : 'alerts';
  const headline = over ? `Storm over: all ${view.total} ${noun} resolved` : `Alert storm · ${sevText(view.severity)}`;
  const facts = [
    { title: 'Alerts', value: `${view.total} (${view.firing} firing, ${view.resolved} resolved)` },
    { title: 'First', value: absoluteTime(view.firstFiredAt) },
    { title: 'Last', value: absoluteTime(view.lastFiredAt) },
    ...(view.topSites.length > 0 ? [{ title: 'Top sites', value: view.topSites.map((s) => `${plain(s.site)} (${s.count})`).join(', ') }] : []),
  ];
  const more = view.total - view.members.length;
  const body: CardElement[] = [
    {
      type: 'Container',
      style: style.container,
      bleed: true,
      items: [
        { type: 'TextBlock', text: `${style.icon} ${headline}`, weight: 'Bolder', color: style.color, wrap: true },
        {
          type: 'TextBlock',
          text: `${plain(clip(view.storm.rule, 150))}: ${view.total} ${targetsNoun(view)}`,
          size: 'Large',
          weight: 'Bolder',
          wrap: true,
          spacing: 'Small',
        },
      ],
    },
    {
      type: 'TextBlock',
      text: 'Too many alerts reached this conversation at once, so they are grouped here per rule.',
      wrap: true,
      isSubtle: true,
      size: 'Small',
    },
    { type: 'FactSet', facts },
    ...view.members.map((m) => memberRow(m)),
    ...(more > 0 ? [{ type: 'TextBlock', text: `and ${more} more`, isSubtle: true, spacing: 'Small', wrap: true }] : []),
    { type: 'TextBlock', text: `Updated ${absoluteTime(now.toISOString())}`, isSubtle: true, size: 'Small', spacing: 'Small' },
  ];
  return card(body, [executeAction(`List all ${view.total}`, ALERT_VERBS.list, { rule: view.storm.rule, generation: view.storm.generation })]);
}

const targetsNoun = (view: StormView) =>
  view.members.some((m) => !m.target.startsWith('/')) ? (view.total === 1 ? 'device' : 'devices') : view.total === 1 ? 'target' : 'targets';

function memberRow(m: StormMember): CardElement {
  const resolved = m.monitorCondition === 'Resolved';
  return {
    type: 'ColumnSet',
    spacing: 'None',
    columns: [
      {
        type: 'Column',
        width: 'auto',
        items: [{ type: 'TextBlock', text: resolved ? '✅ resolved' : `${severityStyle(m.severity).icon} Sev${m.severity}`, size: 'Small' }],
      },
      { type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text: plain(clip(resourceName(m.target), 80)), size: 'Small', wrap: false }] },
      { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: plain(m.site ?? ''), size: 'Small', isSubtle: true }] },
      {
        type: 'Column',
        width: 'auto',
        items: [
          {
            type: 'TextBlock',
            text: `${absoluteTime(resolved && m.resolvedAt ? m.resolvedAt : m.firedAt).slice(11)}${m.state !== 'New' ? ` · ${m.state}` : ''}`,
            size: 'Small',
            isSubtle: true,
          },
        ],
      },
    ],
  };
}
