/** KQL's scalar types, and how the embedded store represents each one in DuckDB. */
import type { KqlType, LogsColumn } from '../../../core/ports/logs';

export type { KqlType };
/** A column as the compiler sees it: the port's result column. */
export type ColumnDef = LogsColumn;

const KNOWN: Record<string, KqlType> = {
  bool: 'bool',
  boolean: 'bool',
  int: 'int',
  long: 'long',
  real: 'real',
  double: 'real',
  decimal: 'decimal',
  datetime: 'datetime',
  date: 'datetime',
  timespan: 'timespan',
  time: 'timespan',
  string: 'string',
  dynamic: 'dynamic',
  guid: 'guid',
  uniqueid: 'guid',
};

export function kqlTypeFromName(name: string): KqlType | undefined {
  return KNOWN[name.toLowerCase()];
}

/**
 * datetime and timespan are stored as BIGINT ticks (100 ns, since 1970 for datetime):
 * Kusto's own precision, integer arithmetic for bin()/ago()/differences, and bins that
 * start at 1970 without any origin trick. dynamic is DuckDB JSON.
 */
export function duckType(type: KqlType): string {
  switch (type) {
    case 'bool':
      return 'BOOLEAN';
    case 'int':
    case 'long':
    case 'datetime':
    case 'timespan':
      return 'BIGINT';
    case 'real':
    case 'decimal':
      return 'DOUBLE';
    case 'dynamic':
      return 'JSON';
    case 'string':
    case 'guid':
      return 'VARCHAR';
  }
}

export const isNumeric = (t: KqlType): boolean => t === 'int' || t === 'long' || t === 'real' || t === 'decimal';
export const isIntegral = (t: KqlType): boolean => t === 'int' || t === 'long';

export const TICKS_PER_MS = 10_000n;
export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_DAY = 864_000_000_000n;
