import { resourceName, type AlertCondition, type AlertRecord, type Dimension } from '../core/alerts/alert';
import type { AlertCardInput } from '../core/alerts/card-renderer';
import { logsAroundFireTime } from '../core/alerts/logs-query';
import { SILENCE_DURATIONS_HOURS } from '../core/alerts/silence';
import { executeAction, fitCard, noticeBlock, openUrlAction, unfittedCard, type AdaptiveCard, type CardElement } from './card';
import { mentionEntities, notesSection, onCallLines, ONCALL_VERBS, pagingActions, readerCanAct, refreshOf } from './alert-oncall';
import { formatDuration, isoDurationText } from '../core/text/duration';
import { absoluteTime } from '../core/text/time';
import { clip, relativeTime, RESOLVED_STYLE, severityStyle, sevText, shortId } from './alert-format';
import { plain } from './plain';

/** Verbs of the alert card's buttons (handled in commands/alerts.ts; logs and device status by their features). */
export const ALERT_VERBS = {
  acknowledge: 'alert.acknowledge',
  close: 'alert.close',
  silence: 'alert.silence',
  list: 'alerts.list',
  logs: 'logs.query',
  deviceStatus: 'device.status',
  ...ONCALL_VERBS,
} as const;

const fact = (title: string, value: string) => ({ title, value });

export interface AlertCardOptions {
  /** A line above the card for the one who clicked: why their click (Escalate, Reassign…) changed nothing. */
  readonly notice?: string;
}

/**
 * One alert: what fired, where, the condition, when; buttons to act on it. Resolved = green,
 * with how long it lasted. When on call pages it: the @mention of the primary, notes with an
 * inline input, Escalate and Reassign…, the Runbook, and a copy per reader (refresh) that has
 * only the buttons their role allows. The personal page is this card too (`page`).
 */
export function alertCard(input: AlertCardInput, options: AlertCardOptions = {}): AdaptiveCard {
  const { record, silence, now } = input;
  const resolved = record.monitorCondition === 'Resolved';
  const style = resolved ? RESOLVED_STYLE : severityStyle(record.severity);
  const status = resolved
    ? `Resolved${record.resolvedAt ? ` after ${formatDuration(Date.parse(record.resolvedAt) - Date.parse(record.firedAt))}` : ''}`
    : 'Fired';

  const facts = [
    fact('Target', plain(targetText(record))),
    ...(record.deviceId ? [fact('Device', plain(record.deviceId))] : []),
    ...(record.site ? [fact('Site', plain(record.site))] : []),
    ...conditionFacts(record.condition).map((f) => fact(f.title, plain(f.value))),
    fact('Fired', `${absoluteTime(record.firedAt)} (${relativeTime(record.firedAt, now)})`),
    ...(resolved && record.resolvedAt ? [fact('Resolved', `${absoluteTime(record.resolvedAt)} (${relativeTime(record.resolvedAt, now)})`)] : []),
    ...(record.acknowledgedBy ? [fact('Acknowledged', `by ${plain(record.acknowledgedBy)}, ${absoluteTime(record.acknowledgedAt ?? record.receivedAt)}`)] : []),
    ...(record.closedBy ? [fact('Closed', `by ${plain(record.closedBy)}, ${absoluteTime(record.closedAt ?? record.receivedAt)}`)] : []),
    ...(silence ? [fact('Silenced', `until ${absoluteTime(silence.until)} by ${plain(silence.createdBy)} (rule on this target)`)] : []),
    fact('Source', plain(`${record.monitoringService || record.signalType} · id ${shortId(record.alertId)}`)),
  ];

  const body: CardElement[] = [
    ...(options.notice ? [noticeBlock(options.notice)] : []),
    {
      type: 'Container',
      style: style.container,
      bleed: true,
      items: [
        {
          type: 'TextBlock',
          text: `${style.icon} ${sevText(record.severity)} · ${status}${record.state !== 'New' ? ` · ${record.state}` : ''}`,
          weight: 'Bolder',
          color: style.color,
          wrap: true,
        },
        { type: 'TextBlock', text: plain(clip(record.rule, 200)), size: 'Large', weight: 'Bolder', wrap: true, spacing: 'Small' },
      ],
    },
    ...onCallLines(input),
    ...(record.description ? [{ type: 'TextBlock', text: plain(clip(record.description, 500)), wrap: true, isSubtle: true }] : []),
    { type: 'FactSet', facts },
    ...queryBlock(record.condition),
    ...notesSection(input),
    ...linkActions(record, input.runbookUrl),
    ...pagingActions(input),
  ];
  const entities = mentionEntities(input);
  const built = unfittedCard(body, buttons(record, now, readerCanAct(input)), refreshOf(input));
  if (entities.length === 0) return fitCard(built);
  const fitted = fitCard({ ...built, msteams: { width: 'Full', entities } });
  // Fitting may have clipped the mention's text on one side only: then no mention at all, rather than a broken one.
  const text = entities[0]!.text;
  const intact = fitted.msteams?.entities?.[0]?.text === text && JSON.stringify(fitted.body).includes(JSON.stringify(text).slice(1, -1));
  return intact ? fitted : { ...fitted, msteams: { width: 'Full' } };
}

function targetText(record: AlertRecord): string {
  const names = record.targetIds.map(resourceName);
  if (names.length === 0) return record.configurationItems.join(', ') || 'unknown';
  return clip(names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', '), 300);
}

function conditionFacts(condition: AlertCondition): Array<{ title: string; value: string }> {
  switch (condition.kind) {
    case 'metric':
      return condition.criteria.slice(0, 3).map((c, i) => {
        const agg = c.aggregation ? `${c.aggregation} ` : '';
        const dynamic = condition.dynamic ? ` (dynamic${c.sensitivity ? `, ${c.sensitivity} sensitivity` : ''})` : '';
        const actual = c.value !== undefined ? `, actual ${c.value}` : '';
        const window = condition.windowSize && i === 0 ? ` over ${isoDurationText(condition.windowSize)}` : '';
        const where = c.dimensions.length > 0 ? ` where ${dimensionsText(c.dimensions)}` : '';
        return fact(
          i === 0 ? 'Condition' : 'and',
          clip(`${agg}${c.metric}${where} ${operatorText(c.operator)} ${c.threshold}${dynamic}${actual}${window}`, 300),
        );
      });
    case 'log':
      return [
        fact(
          'Condition',
          `${condition.resultCount !== undefined ? `${condition.resultCount} result${condition.resultCount === 1 ? '' : 's'}` : 'results'}` +
            `${condition.threshold !== undefined ? ` (alert when ${operatorText(condition.operator ?? '')} ${condition.threshold})` : ''}` +
            `${condition.windowSize ? ` over ${isoDurationText(condition.windowSize)}` : ''}`,
        ),
        ...(condition.dimensions.length > 0 ? [fact('Dimensions', clip(dimensionsText(condition.dimensions), 300))] : []),
      ];
    case 'activity-log':
      return [
        fact('Operation', clip(condition.operationName, 200)),
        ...(condition.caller ? [fact('Caller', condition.caller)] : []),
        ...(condition.status ? [fact('Status', condition.status)] : []),
      ];
    case 'resource-health':
      return [
        fact(
          'Health',
          clip(
            `${condition.title}: ${condition.previousHealthStatus ?? '?'} → ${condition.currentHealthStatus ?? '?'}${condition.cause ? ` (${condition.cause})` : ''}`,
            300,
          ),
        ),
      ];
    case 'service-health':
      return [
        fact('Incident', clip(condition.title, 200)),
        ...(condition.service ? [fact('Service', `${condition.service}${condition.region ? ` in ${condition.region}` : ''}`)] : []),
        ...(condition.trackingId ? [fact('Tracking id', `${condition.trackingId}${condition.stage ? ` (${condition.stage})` : ''}`)] : []),
      ];
    case 'smart-detection':
      return [
        fact('Detection', clip(condition.summary, 300)),
        ...(condition.detectedValue
          ? [fact('Detected', `${condition.detectedValue}${condition.normalValue ? ` (normal ${condition.normalValue})` : ''}`)]
          : []),
      ];
    default:
      return condition.summary ? [fact('Condition', clip(condition.summary, 300))] : [];
  }
}

const OPERATORS: Record<string, string> = {
  GreaterThan: '>',
  GreaterThanOrEqual: '≥',
  LessThan: '<',
  LessThanOrEqual: '≤',
  Equals: '=',
  'Greater Than': '>',
  'Less Than': '<',
  'Equal To': '=',
  GreaterOrLessThan: '≷',
};
const operatorText = (op: string) => OPERATORS[op] ?? op;

function queryBlock(condition: AlertCondition): CardElement[] {
  if (condition.kind !== 'log' || !condition.query) return [];
  return [
    { type: 'TextBlock', text: 'Query', weight: 'Bolder', spacing: 'Small' },
    { type: 'TextBlock', text: plain(clip(condition.query, 1500)), fontType: 'Monospace', wrap: true, size: 'Small', spacing: 'None' },
  ];
}

function linkActions(record: AlertRecord, runbookUrl: string | undefined): CardElement[] {
  const links = [
    ...(runbookUrl ? [openUrlAction('Runbook', runbookUrl)] : []),
    ...(record.links.portal ? [openUrlAction('Open in Azure portal', record.links.portal)] : []),
    ...(record.links.searchResults ? [openUrlAction('Log search results', record.links.searchResults)] : []),
  ];
  return links.length > 0 ? [{ type: 'ActionSet', actions: links }] : [];
}

function buttons(record: AlertRecord, now: Date, canAct: boolean): CardElement[] {
  // `id` is the field the dispatcher's audit records as the target.
  const id = { id: record.alertId };
  const actions: CardElement[] = [];
  if (canAct) actions.push(...operatorButtons(record, id));
  if (record.deviceId) {
    actions.push(
      executeAction('Show logs', ALERT_VERBS.logs, { query: logsAroundFireTime(record.deviceId, record.firedAt, record.resolvedAt ?? now.toISOString()) }),
    );
    actions.push(executeAction('Device status', ALERT_VERBS.deviceStatus, { deviceId: record.deviceId }));
  }
  return actions;
}

/** Acknowledge, Close, Silence…: for operators (the server checks again; the buttons are a convenience). */
function operatorButtons(record: AlertRecord, id: { id: string }): CardElement[] {
  const actions: CardElement[] = [];
  if (record.state === 'New' && record.monitorCondition === 'Fired') actions.push(executeAction('Acknowledge', ALERT_VERBS.acknowledge, id, 'positive'));
  if (record.state !== 'Closed') actions.push(executeAction('Close', ALERT_VERBS.close, id));
  actions.push({
    type: 'Action.ShowCard',
    title: 'Silence…',
    card: {
      type: 'AdaptiveCard',
      body: [{ type: 'TextBlock', text: `No cards for **${plain(clip(record.rule, 100))}** on this target for:`, wrap: true }],
      actions: SILENCE_DURATIONS_HOURS.map((hours) => executeAction(`${hours} h`, ALERT_VERBS.silence, { ...id, hours })),
    },
  });
  return actions;
}

/** `DeviceId = device-42, Site = berlin`: which series of the metric (or rows of the log query) fired. */
function dimensionsText(dimensions: readonly Dimension[]): string {
  return dimensions.map((d) => `${d.name} = ${d.value}`).join(', ');
}
