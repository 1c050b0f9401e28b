/**
 * A KQL string literal: single quotes; backslash, quote, newline, return and tab escaped (a
 * quoted KQL literal may not hold a raw line break, and a device's log line or a filter value
 * can). Every query the bot writes itself quotes values with this, never by pasting them
 * between quotes.
 */
export function kqlString(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return `'${escaped}'`;
}
