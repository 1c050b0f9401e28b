/**
 * Building blocks of the generated SQL: quoted identifiers, bound parameters (user
 * literals never appear in the SQL text), and conversions between KQL types as the
 * store represents them (see types.ts).
 */
import type { LiteralValue } from './ast';
import { duckType, type KqlType } from './types';

export type ParamType = 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';

export interface BoundParam {
  readonly value: LiteralValue;
  readonly type: ParamType;
}

/**
 * KQL names are case-sensitive (`ID` and `Id` are two columns); DuckDB's are not, even quoted.
 * While a query is translated, the first spelling seen of a name is used as it is and every
 * other spelling gets a suffix from its letter case, so no two KQL names meet in DuckDB.
 * Results are read by position and carry the KQL names, so the suffix is never shown.
 */
let spellings: Map<string, string> | undefined;

function sqlName(name: string): string {
  if (!spellings) return name;
  const key = name.toLowerCase();
  const first = spellings.get(key);
  if (first === undefined) spellings.set(key, name);
  if (first === undefined || first === name) return name;
  const upper = [...name].map((ch) => (ch !== ch.toLowerCase() ? '1' : '0')).join('');
  return `${name}\u0001${upper}`;
}

/** Runs `translate` with case-sensitive names; `fixed` (store tables' columns) keep their spelling. */
export function withCaseSensitiveNames<T>(fixed: readonly string[], translate: () => T): T {
  const outer = spellings;
  spellings = new Map();
  for (const name of fixed) sqlName(name);
  try {
    return translate();
  } finally {
    spellings = outer;
  }
}

/** Identifiers come from the analyzed schema; quoting makes any name safe. */
export const ident = (name: string): string => `"${sqlName(name).replace(/"/g, '""')}"`;

export class Params {
  readonly values: BoundParam[] = [];

  /** A placeholder for `value`, typed so DuckDB never has to guess. */
  bind(value: LiteralValue, type: ParamType): string {
    if (value === null) return `CAST(NULL AS ${type})`;
    this.values.push({ value, type });
    return `CAST($${this.values.length} AS ${type})`;
  }

  text(value: string): string {
    return this.bind(value, 'VARCHAR');
  }

  long(value: bigint | number): string {
    return this.bind(typeof value === 'number' ? BigInt(Math.trunc(value)) : value, 'BIGINT');
  }
}

/** A literal of KQL type `type` as a bound parameter in the store's representation. */
export function bindLiteral(params: Params, type: KqlType, value: LiteralValue): string {
  if (value === null) return `CAST(NULL AS ${duckType(type)})`;
  switch (type) {
    case 'bool':
      return params.bind(Boolean(value), 'BOOLEAN');
    case 'int':
    case 'long':
    case 'datetime':
    case 'timespan':
      return params.bind(typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value))), 'BIGINT');
    case 'real':
    case 'decimal':
      return params.bind(Number(value), 'DOUBLE');
    case 'dynamic':
      return `CAST(${params.bind(String(value), 'VARCHAR')} AS JSON)`;
    case 'string':
    case 'guid':
      return params.bind(String(value), 'VARCHAR');
  }
}

/** Converts `sql` of KQL type `from` to KQL type `to` (tolong, todouble, tostring... rules). */
export function convert(sql: string, from: KqlType, to: KqlType): string {
  if (from === to) return sql;
  if ((from === 'int' || from === 'long') && (to === 'int' || to === 'long')) return sql;
  if ((from === 'real' || from === 'decimal') && (to === 'real' || to === 'decimal')) return sql;
  if (to === 'string' || to === 'guid') return toText(sql, from);
  if (to === 'dynamic') return toJson(sql, from);
  if (from === 'dynamic') return fromJson(sql, to);
  if (from === 'string' || from === 'guid') return fromText(sql, to);
  switch (to) {
    case 'int':
    case 'long':
    case 'datetime':
    case 'timespan':
      // A real past the long range (or inf, nan) has no long value: null, not an error.
      if (from === 'real' || from === 'decimal') return `TRY_CAST(trunc(${sql}) AS BIGINT)`;
      if (from === 'bool') return `CAST(${sql} AS BIGINT)`;
      return sql;
    case 'real':
    case 'decimal':
      return `CAST(${sql} AS DOUBLE)`;
    case 'bool':
      return `(${sql} <> 0)`;
  }
}

export function toText(sql: string, from: KqlType): string {
  switch (from) {
    case 'string':
    case 'guid':
      return sql;
    case 'bool':
      return `CASE WHEN ${sql} THEN 'true' WHEN NOT ${sql} THEN 'false' END`;
    case 'int':
    case 'long':
      return `CAST(${sql} AS VARCHAR)`;
    case 'real':
    case 'decimal':
      return `kql_real_str(${sql})`;
    case 'datetime':
      return `kql_dt_str(${sql})`;
    case 'timespan':
      return `kql_ts_str(${sql})`;
    case 'dynamic':
      return `kql_json_str(${sql})`;
  }
}

export function toJson(sql: string, from: KqlType): string {
  switch (from) {
    case 'dynamic':
      return sql;
    case 'datetime':
    case 'timespan':
      return `to_json(${toText(sql, from)})`;
    case 'real':
    case 'decimal':
      return `CASE WHEN isnan(${sql}) OR isinf(${sql}) THEN to_json(kql_real_str(${sql})) ELSE to_json(${sql}) END`;
    default:
      return `to_json(${sql})`;
  }
}

function fromJson(sql: string, to: KqlType): string {
  const text = `json_extract_string(${sql}, '$')`;
  switch (to) {
    case 'bool':
      return `TRY_CAST(${text} AS BOOLEAN)`;
    case 'int':
    case 'long':
      return `TRY_CAST(trunc(TRY_CAST(${text} AS DOUBLE)) AS BIGINT)`;
    case 'real':
    case 'decimal':
      return `TRY_CAST(${text} AS DOUBLE)`;
    case 'datetime':
      return `kql_parse_dt(${text})`;
    case 'timespan':
      return `kql_parse_ts(${text})`;
    default:
      return text;
  }
}

function fromText(sql: string, to: KqlType): string {
  switch (to) {
    case 'bool':
      return `CASE lower(trim(${sql})) WHEN 'true' THEN true WHEN 'false' THEN false ELSE CAST(TRY_CAST(${sql} AS BIGINT) <> 0 AS BOOLEAN) END`;
    case 'int':
    case 'long':
      return `TRY_CAST(trim(${sql}) AS BIGINT)`;
    case 'real':
    case 'decimal':
      return `TRY_CAST(trim(${sql}) AS DOUBLE)`;
    case 'datetime':
      return `kql_parse_dt(${sql})`;
    case 'timespan':
      return `kql_parse_ts(${sql})`;
    case 'dynamic':
      return `kql_parse_json(${sql})`;
    default:
      return sql;
  }
}

/** Floor division that works for negatives (DuckDB's integer `%` truncates). */
export const floorTo = (value: string, size: string): string => `kql_floor(${value}, ${size})`;
