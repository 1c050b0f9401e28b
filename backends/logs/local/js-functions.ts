/**
 * KQL functions DuckDB has no equivalent for, written in JavaScript (kql/runtime/) and
 * registered as DuckDB scalar functions named `kql_js_*`. They run row by row in this
 * process: fine for the small self-contained inputs they are used on, never on the hot
 * paths of the big store queries (the translator uses plain SQL there).
 * Dynamic values cross the boundary as JSON text. No regular expression from a query is
 * ever run here: V8's engine backtracks, and a row function holds the event loop (see
 * kql/regex.ts, which gives them to DuckDB's RE2).
 */
import { BIGINT, DOUBLE, DuckDBScalarFunction, VARCHAR, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import {
  arrayIff,
  arrayMove,
  arrayReverse,
  arraySort,
  arraySplit,
  bagMerge,
  bagRemoveKeys,
  jaccardIndex,
  mergeBagList,
  parse,
  seriesFill,
  setOperation,
  treePaths,
  zip,
} from '../kql/runtime/dynamic';
import {
  base64ToGuid,
  countOf,
  guidToBase64,
  indexOf,
  parseUrl,
  parseUrlQuery,
  realToString,
  toHex,
  urlDecode,
  urlEncode,
  urlEncodeComponent,
} from '../kql/runtime/strings';
import { parseKqlDateTime } from '../kql/runtime/datetime-parse';
import { formatDateTime, formatTimespan } from '../kql/runtime/time-format';
import { hashDateTime, hashLong, hashText } from '../kql/runtime/xxhash64';
import { geohashCentralPoint } from '../kql/runtime/geo';
import { parsePath } from '../kql/runtime/paths';
import { weightedPercentiles } from '../kql/runtime/weighted-percentiles';

type Row = (args: readonly unknown[]) => DuckDBValue | undefined;

interface JsFunction {
  readonly name: string;
  readonly params?: readonly DuckDBType[];
  readonly varargs?: DuckDBType;
  readonly returns: DuckDBType;
  readonly row: Row;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const big = (v: number | null): bigint | null => (v === null ? null : BigInt(v));

/** A row function that returns null as soon as one of its first `required` arguments is null. */
const strict =
  (required: number, fn: Row): Row =>
  (args) => {
    for (let i = 0; i < required; i++) if (args[i] === null || args[i] === undefined) return null;
    return fn(args);
  };

const FUNCTIONS: readonly JsFunction[] = [
  {
    name: 'kql_js_indexof',
    params: [VARCHAR, VARCHAR, BIGINT, BIGINT, BIGINT],
    returns: BIGINT,
    row: strict(2, (a) => big(indexOf(String(a[0]), String(a[1]), num(a[2]) ?? 0, num(a[3]) ?? -1, num(a[4]) ?? 1))),
  },
  { name: 'kql_js_countof', params: [VARCHAR, VARCHAR], returns: BIGINT, row: strict(2, (a) => BigInt(countOf(String(a[0]), String(a[1])))) },
  { name: 'kql_js_parse_url', params: [VARCHAR], returns: VARCHAR, row: strict(1, (a) => json(parseUrl(String(a[0])))) },
  { name: 'kql_js_parse_urlquery', params: [VARCHAR], returns: VARCHAR, row: strict(1, (a) => json(parseUrlQuery(String(a[0])))) },
  { name: 'kql_js_url_encode_component', params: [VARCHAR], returns: VARCHAR, row: strict(1, (a) => urlEncodeComponent(String(a[0]))) },
  { name: 'kql_js_url_encode', params: [VARCHAR], returns: VARCHAR, row: strict(1, (a) => urlEncode(String(a[0]))) },
  { name: 'kql_js_url_decode', params: [VARCHAR], returns: VARCHAR, row: strict(1, (a) => urlDecode(String(a[0]))) },
  { name: 'kql_js_format_datetime', params: [BIGINT, VARCHAR], returns: VARCHAR, row: strict(2, (a) => formatDateTime(BigInt(a[0] as bigint), String(a[1]))) },
  { name: 'kql_js_real_str', params: [DOUBLE], returns: VARCHAR, row: strict(1, (a) => realToString(Number(a[0]))) },
  { name: 'kql_js_todatetime', params: [VARCHAR], returns: BIGINT, row: strict(1, (a) => parseKqlDateTime(String(a[0]))) },
  { name: 'kql_js_format_timespan', params: [BIGINT, VARCHAR], returns: VARCHAR, row: strict(2, (a) => formatTimespan(BigInt(a[0] as bigint), String(a[1]))) },
  {
    name: 'kql_js_set',
    varargs: VARCHAR,
    returns: VARCHAR,
    row: strict(1, (a) =>
      json(
        setOperation(
          String(a[0]) as 'union',
          a.slice(1).map((x) => parse(str(x))),
        ),
      ),
    ),
  },
  { name: 'kql_js_zip', varargs: VARCHAR, returns: VARCHAR, row: (a) => json(zip(a.map((x) => parse(str(x))))) },
  { name: 'kql_js_bag_merge', varargs: VARCHAR, returns: VARCHAR, row: (a) => json(bagMerge(a.map((x) => parse(str(x))))) },
  {
    // First argument: "<index>|asc|desc|<nullsLast>"; then the arrays.
    name: 'kql_js_array_sort',
    varargs: VARCHAR,
    returns: VARCHAR,
    row: strict(1, (a) => {
      const [index, direction, nullsLast] = String(a[0]).split('|');
      return json(
        arraySort(
          a.slice(1).map((x) => parse(str(x))),
          direction === 'desc',
          nullsLast !== 'false',
        )[Number(index)] ?? null,
      );
    }),
  },
  { name: 'kql_js_array_reverse', params: [VARCHAR], returns: VARCHAR, row: (a) => json(arrayReverse(parse(str(a[0])))) },
  {
    name: 'kql_js_array_move',
    params: [VARCHAR, BIGINT, VARCHAR, VARCHAR],
    returns: VARCHAR,
    row: (a) => json(arrayMove(parse(str(a[0])), num(a[1]) ?? 0, String(a[2]) as 'rotate', parse(str(a[3])) ?? null)),
  },
  { name: 'kql_js_array_split', params: [VARCHAR, VARCHAR], returns: VARCHAR, row: (a) => json(arraySplit(parse(str(a[0])), parse(str(a[1])))) },
  { name: 'kql_js_bag_remove_keys', params: [VARCHAR, VARCHAR], returns: VARCHAR, row: (a) => json(bagRemoveKeys(parse(str(a[0])), parse(str(a[1])))) },
  { name: 'kql_js_merge_bags', params: [VARCHAR, BIGINT], returns: VARCHAR, row: (a) => json(mergeBagList(parse(str(a[0])), num(a[1]))) },
  { name: 'kql_js_jaccard', params: [VARCHAR, VARCHAR], returns: DOUBLE, row: (a) => jaccardIndex(parse(str(a[0])), parse(str(a[1]))) },
  {
    name: 'kql_js_series_fill',
    params: [VARCHAR, VARCHAR, VARCHAR],
    returns: VARCHAR,
    row: (a) => json(seriesFill(parse(str(a[0])), String(a[1]) as 'const', parse(str(a[2])) ?? null)),
  },
  {
    name: 'kql_js_tohex',
    params: [BIGINT, BIGINT, BIGINT],
    returns: VARCHAR,
    row: strict(1, (a) => toHex(BigInt(a[0] as bigint), num(a[1]) ?? 0, num(a[2]) === 32 ? 32 : 64)),
  },
  { name: 'kql_js_guid_to_base64', params: [VARCHAR], returns: VARCHAR, row: strict(1, (a) => guidToBase64(String(a[0]))) },
  { name: 'kql_js_base64_to_guid', params: [VARCHAR], returns: VARCHAR, row: strict(1, (a) => base64ToGuid(String(a[0]))) },
  { name: 'kql_js_base64_to_array', params: [VARCHAR], returns: VARCHAR, row: strict(1, (a) => json([...Buffer.from(String(a[0]), 'base64')])) },
  {
    name: 'kql_js_array_to_base64',
    params: [VARCHAR],
    returns: VARCHAR,
    row: (a) => {
      const v = parse(str(a[0]));
      return Array.isArray(v) ? Buffer.from(v.map((x) => Number(x) & 255)).toString('base64') : null;
    },
  },
  { name: 'kql_js_treepath', params: [VARCHAR], returns: VARCHAR, row: (a) => json(treePaths(parse(str(a[0])))) },
  { name: 'kql_js_hash_text', params: [VARCHAR], returns: BIGINT, row: strict(1, (a) => hashText(String(a[0]))) },
  { name: 'kql_js_hash_long', params: [BIGINT], returns: BIGINT, row: strict(1, (a) => hashLong(BigInt(a[0] as bigint))) },
  { name: 'kql_js_hash_datetime', params: [BIGINT], returns: BIGINT, row: strict(1, (a) => hashDateTime(BigInt(a[0] as bigint))) },
  { name: 'kql_js_parse_path', params: [VARCHAR], returns: VARCHAR, row: strict(1, (a) => json(parsePath(String(a[0])))) },
  { name: 'kql_js_geohash_center', params: [VARCHAR], returns: VARCHAR, row: strict(1, (a) => json(geohashCentralPoint(String(a[0])))) },
  {
    // [[value, weight], ...] and [p1, p2, ...] as JSON; the percentiles as a JSON array.
    name: 'kql_js_weighted_percentiles',
    params: [VARCHAR, VARCHAR],
    returns: VARCHAR,
    row: (a) => {
      const pairs = parse(str(a[0]));
      const percents = parse(str(a[1]));
      const list = Array.isArray(pairs)
        ? pairs.filter((p): p is [number, number] => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number')
        : [];
      return json(weightedPercentiles(list, Array.isArray(percents) ? percents.map(Number) : []));
    },
  },
  {
    name: 'kql_js_array_iff',
    params: [VARCHAR, VARCHAR, VARCHAR],
    returns: VARCHAR,
    row: (a) => json(arrayIff(parse(str(a[0])), parse(str(a[1])), parse(str(a[2])))),
  },
];

function create(fn: JsFunction): DuckDBScalarFunction {
  return DuckDBScalarFunction.create({
    name: fn.name,
    returnType: fn.returns,
    parameterTypes: fn.params,
    varArgsType: fn.varargs,
    specialHandling: true,
    mainFunction: (info, input, output) => {
      try {
        const columns = Array.from({ length: input.columnCount }, (_, i) => input.getColumnValues(i));
        for (let r = 0; r < input.rowCount; r++) {
          const value = fn.row(columns.map((c) => c[r]));
          output.setItem(r, value === undefined ? null : value);
        }
        output.flush();
      } catch (error) {
        info.setError(`${fn.name}: ${(error as Error).message}`);
      }
    },
  });
}

/** Registers every kql_js_* function in the database of `connection` (once per database). */
export function registerJsFunctions(connection: DuckDBConnection): void {
  for (const fn of FUNCTIONS) connection.registerScalarFunction(create(fn));
}
