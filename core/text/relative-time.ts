/**
 * The product's one way to say when something happened, relative to `now`: "just now",
 * "3 min ago", "2 h ago", "5 days ago", "never" (a device's last activity, an alert's fire
 * time). IoT Hub reports 0001-01-01 for never; adapters turn that into undefined, and this
 * also guards it.
 */
export function formatRelativeTime(at: string | Date | undefined, now: Date): string {
  if (at === undefined) return 'never';
  const time = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(time) || time <= Date.UTC(1970, 0, 2)) return 'never';
  const seconds = Math.round((now.getTime() - time) / 1000);
  if (seconds < -60) return 'in the future (clock skew)';
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}
