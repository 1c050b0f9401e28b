/** Small formatting helpers shared by the alert cards. */
import { formatDuration } from '../core/text/duration';

export const SEVERITY_NAMES = ['Critical', 'Error', 'Warning', 'Informational', 'Verbose'] as const;

/** Container style and text colour per severity (Sev0 is the worst). */
export function severityStyle(severity: number): { container: string; color: string; icon: string } {
  if (severity <= 1) return { container: 'attention', color: 'Attention', icon: severity === 0 ? '🔴' : '🟠' };
  // Not the Warning text colour: pale yellow on white in Teams' light theme. The container carries the colour.
  if (severity === 2) return { container: 'warning', color: 'Default', icon: '🟡' };
  if (severity === 3) return { container: 'accent', color: 'Accent', icon: '🔵' };
  return { container: 'emphasis', color: 'Default', icon: '⚪' };
}

export const RESOLVED_STYLE = { container: 'good', color: 'Good', icon: '✅' } as const;

export function sevText(severity: number): string {
  return `Sev${severity} ${SEVERITY_NAMES[severity] ?? ''}`.trim();
}

/** `just now`, `5 min ago`, `3 h ago`, `2 d ago` (as of `now`). */
export function relativeTime(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (ms < 0) return 'in the future';
  if (ms < 60_000) return 'just now';
  return `${formatDuration(ms)} ago`;
}


/** Cuts long text (queries, descriptions) so a card stays small; says that it did. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export { shortAlertId as shortId } from '../core/alerts/alert';
