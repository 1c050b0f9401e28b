/**
 * A KQL string literal: single quotes, backslash and quote escaped. Every query the bot
 * writes itself quotes values with this, never by pasting them between quotes.
 */
export function kqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
