import type { AlertRecord } from '../core/alerts/alert';
import type { TimelineEntry } from '../core/oncall/timeline';
import { absoluteTime } from '../core/text/time';

/** The alert record's own steps (acknowledged, closed, resolved: kept by the alerts store) merged in time order. */
export function withRecordSteps(entries: readonly TimelineEntry[], record: AlertRecord): TimelineEntry[] {
  const step = (kind: TimelineEntry['kind'], at: string | undefined, actor: string | undefined): TimelineEntry[] =>
    at ? [{ id: 0, alertId: record.alertId, at, kind, actor: actor ?? 'someone' }] : [];
  return [
    ...entries,
    ...step('acknowledged', record.acknowledgedAt, record.acknowledgedBy),
    ...step('resolved', record.closedAt, record.closedBy),
    ...step('resolved', record.resolvedAt, 'Azure Monitor'),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** `alert <id>`'s timeline: each step with its time and actor, oldest first. */
export function timelineText(entries: readonly TimelineEntry[]): string {
  const lines = entries.map((e) => `- ${absoluteTime(e.at)} **${e.kind}** by ${e.actor}${e.detail ? `: ${e.detail}` : ''}`);
  return `Timeline:\n\n${lines.join('\n')}`;
}
