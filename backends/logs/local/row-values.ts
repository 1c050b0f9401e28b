/** Incoming row values (from the simulator, JSONL or CSV) → the store's representation of each KQL type. */
import { parseDateTimeText, parseTimespanText } from '../kql/literals';
import { TICKS_PER_MS, type KqlType } from '../kql/types';

export type StoreValue = null | boolean | bigint | number | string;
export type Converted = { ok: true; value: StoreValue } | { ok: false; error: string };

const ok = (value: StoreValue): Converted => ({ ok: true, value });
const bad = (error: string): Converted => ({ ok: false, error });

export function toStoreValue(value: unknown, type: KqlType): Converted {
  if (type === 'string' || type === 'guid') {
    if (value === null || value === undefined) return ok('');
    return ok(typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  if (value === null || value === undefined || value === '') return ok(null);
  switch (type) {
    case 'bool':
      if (typeof value === 'boolean') return ok(value);
      if (/^(true|false)$/i.test(String(value))) return ok(String(value).toLowerCase() === 'true');
      if (value === 0 || value === 1 || value === '0' || value === '1') return ok(Number(value) === 1);
      return bad(`${JSON.stringify(value)} is not a bool`);
    case 'int':
    case 'long': {
      if (typeof value === 'bigint') return ok(value);
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      return Number.isFinite(n) && Number.isInteger(n) ? ok(BigInt(n)) : bad(`${JSON.stringify(value)} is not a whole number`);
    }
    case 'real':
    case 'decimal': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      return Number.isNaN(n) && !/^nan$/i.test(String(value)) ? bad(`${JSON.stringify(value)} is not a number`) : ok(n);
    }
    case 'datetime': {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? bad('invalid date') : ok(BigInt(value.getTime()) * TICKS_PER_MS);
      if (typeof value === 'number') return ok(BigInt(Math.round(value)) * TICKS_PER_MS);
      const ticks = parseDateTimeText(String(value));
      return ticks === undefined ? bad(`${JSON.stringify(value)} is not a datetime`) : ok(ticks);
    }
    case 'timespan': {
      if (typeof value === 'number') return ok(BigInt(Math.round(value)) * TICKS_PER_MS);
      const ticks = parseTimespanText(String(value));
      return ticks === undefined ? bad(`${JSON.stringify(value)} is not a timespan`) : ok(ticks);
    }
    case 'dynamic': {
      if (typeof value === 'string') {
        try {
          JSON.parse(value);
          return ok(value);
        } catch {
          return ok(JSON.stringify(value));
        }
      }
      return ok(JSON.stringify(value));
    }
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** The KQL type a column of these sample values should get when a file creates a table. */
export function inferType(values: readonly unknown[]): KqlType {
  const present = values.filter((v) => v !== null && v !== undefined && v !== '');
  if (present.length === 0) return 'string';
  if (present.every((v) => typeof v === 'object')) return 'dynamic';
  if (present.every((v) => typeof v === 'boolean' || /^(true|false)$/i.test(String(v)))) return 'bool';
  if (present.every((v) => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d{1,18}$/.test(v.trim())))) return 'long';
  if (present.every((v) => typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))))) return 'real';
  if (present.every((v) => typeof v === 'string' && ISO_DATE.test(v.trim()))) return 'datetime';
  return 'string';
}
