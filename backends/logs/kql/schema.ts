/** The store's tables as the Kusto analyzer sees them (so unknown columns/tables are caught before any SQL). */
import { defaultGlobalState, type KustoObject, kustoLanguage } from './kusto';
import type { ColumnDef, KqlType } from './types';

export interface TableSchema {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
}

const SCALAR: Record<KqlType, string> = {
  bool: 'Bool',
  int: 'Int',
  long: 'Long',
  real: 'Real',
  decimal: 'Decimal',
  datetime: 'DateTime',
  timespan: 'TimeSpan',
  string: 'String',
  dynamic: 'Dynamic',
  guid: 'Guid',
};

/** A GlobalState whose default database holds `tables`. */
export function globalStateFor(tables: readonly TableSchema[]): KustoObject {
  if (tables.length === 0) return defaultGlobalState();
  const S = kustoLanguage().Symbols;
  const symbols = tables.map(
    (t) =>
      new S.TableSymbol.$ctor4(
        t.name,
        t.columns.map((c) => new S.ColumnSymbol(c.name, S.ScalarTypes[SCALAR[c.type]])),
      ),
  );
  const db = new S.DatabaseSymbol.$ctor1('fleetops', symbols, false);
  return defaultGlobalState().WithDatabase(db);
}
