/** Small formatting helpers shared by the alert cards. */

export const SEVERITY_NAMES = ['Critical', 'Error', 'Warning', 'Informational', 'Verbose'] as const;

/** Container style and text colour per severity (Sev0 is the worst). */
export function severityStyle(severity: number): { container: string; color: string; icon: string } {
  if (severity <= 1) return { container: 'attention', color: 'Attention', icon: severity === 0 ? '🔴' : '🟠' };
  if (severity === 2) return { container: 'warning', color: 'Warning', icon: '🟡' };
  if (severity === 3) return { container: 'accent', color: 'Accent', icon: '🔵' };
  return { container: 'emphasis', color: 'Default', icon: '⚪' };
}

export const RESOLVED_STYLE = { container: 'good', color: 'Good', icon: '✅' } as const;

export function sevText(severity: number): string {
  return `Sev${severity} ${SEVERITY_NAMES[severity] ?? ''}`.trim();
}

/** `2026-01-01 00:05 UTC` */
export function absoluteTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** `just now`, `5 min ago`, `3 h ago`, `2 d ago` (as of `now`). */
export function relativeTime(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (ms < 0) return 'in the future';
  if (ms < 60_000) return 'just now';
  return `${duration(ms)} ago`;
}

/** `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Cuts long text (queries, descriptions) so a card stays small; says that it did. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export { shortAlertId as shortId } from '../core/alerts/alert';
