/** KQL values as Log Analytics returns them in JSON: datetimes ISO with Z, timespans `d.hh:mm:ss`, dynamic as JSON. */
import type { LogValue } from '../../../core/ports/logs';
import { TICKS_PER_SECOND, type KqlType } from './types';

const pad = (n: number | bigint, width: number): string => String(n).padStart(width, '0');

/** Ticks since 1970 → `2024-01-01T10:00:00Z` (fraction with 7 digits when not whole seconds). */
export function formatDateTime(ticks: bigint): string {
  const fraction = ((ticks % TICKS_PER_SECOND) + TICKS_PER_SECOND) % TICKS_PER_SECOND;
  const seconds = (ticks - fraction) / TICKS_PER_SECOND;
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return String(ticks);
  const base = date.toISOString().slice(0, 19);
  return fraction === 0n ? `${base}Z` : `${base}.${pad(fraction, 7)}Z`;
}

/** Ticks → `00:05:00`, `1.02:00:00`, `-00:00:01.5000000`. */
export function formatTimespan(ticks: bigint): string {
  const negative = ticks < 0n;
  let t = negative ? -ticks : ticks;
  const fraction = t % TICKS_PER_SECOND;
  t /= TICKS_PER_SECOND;
  const seconds = t % 60n;
  t /= 60n;
  const minutes = t % 60n;
  t /= 60n;
  const hours = t % 24n;
  const days = t / 24n;
  const clock = `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${fraction === 0n ? '' : `.${pad(fraction, 7)}`}`;
  return `${negative ? '-' : ''}${days > 0n ? `${days}.` : ''}${clock}`;
}

function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

function toNumber(value: unknown): number | string | null {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return n;
}

/** A DuckDB value of a column of KQL type `type` → its JSON form. */
export function toJsonValue(value: unknown, type: KqlType): LogValue {
  if (type === 'string') return value === null || value === undefined ? '' : String(value);
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'bool':
      return Boolean(value);
    case 'int':
    case 'long':
    case 'real':
    case 'decimal':
      return toNumber(value);
    case 'datetime': {
      const t = toBigInt(value);
      return t === undefined ? null : formatDateTime(t);
    }
    case 'timespan': {
      const t = toBigInt(value);
      return t === undefined ? null : formatTimespan(t);
    }
    case 'guid':
      return String(value);
    case 'dynamic':
      try {
        return JSON.parse(String(value)) as LogValue;
      } catch {
        return String(value);
      }
  }
}

/** A value for a table cell in chat or the CLI's table view. */
export function displayValue(value: LogValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
