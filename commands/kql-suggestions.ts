/**
 * "Did you mean" for a KQL query that names something that does not exist: a column,
 * table, function or operator, from the store's schema and KQL's vocabulary. Added where
 * the error becomes a user message, so it works the same for every store.
 */
import type { LogsTableSchema } from '../core/ports/logs';
import { rankNearest } from '../core/text/nearest';

/** KQL's tabular operators (what follows a `|`). */
export const KQL_OPERATORS = [
  'as',
  'consume',
  'count',
  'datatable',
  'distinct',
  'evaluate',
  'extend',
  'externaldata',
  'facet',
  'find',
  'fork',
  'getschema',
  'invoke',
  'join',
  'limit',
  'lookup',
  'make-series',
  'mv-apply',
  'mv-expand',
  'order',
  'parse',
  'parse-where',
  'partition',
  'print',
  'project',
  'project-away',
  'project-keep',
  'project-rename',
  'project-reorder',
  'range',
  'reduce',
  'render',
  'sample',
  'sample-distinct',
  'scan',
  'search',
  'serialize',
  'sort',
  'summarize',
  'take',
  'top',
  'top-hitters',
  'top-nested',
  'union',
  'where',
] as const;

/** KQL's most used scalar and aggregation functions. */
export const KQL_FUNCTIONS = [
  'ago',
  'now',
  'bin',
  'floor',
  'ceiling',
  'round',
  'abs',
  'log',
  'log10',
  'exp',
  'pow',
  'sqrt',
  'iff',
  'iif',
  'case',
  'coalesce',
  'isempty',
  'isnotempty',
  'isnull',
  'isnotnull',
  'tostring',
  'toint',
  'tolong',
  'toreal',
  'todouble',
  'tobool',
  'todatetime',
  'totimespan',
  'todynamic',
  'parse_json',
  'tolower',
  'toupper',
  'strlen',
  'substring',
  'strcat',
  'strcat_delim',
  'split',
  'replace_string',
  'replace_regex',
  'trim',
  'trim_start',
  'trim_end',
  'extract',
  'extract_all',
  'indexof',
  'countof',
  'format_datetime',
  'format_timespan',
  'datetime_diff',
  'datetime_add',
  'startofday',
  'startofweek',
  'startofmonth',
  'endofday',
  'dayofweek',
  'hourofday',
  'getmonth',
  'getyear',
  'bag_keys',
  'array_length',
  'pack',
  'pack_array',
  'bag_pack',
  'count',
  'countif',
  'dcount',
  'dcountif',
  'sum',
  'sumif',
  'avg',
  'avgif',
  'min',
  'max',
  'minif',
  'maxif',
  'arg_max',
  'arg_min',
  'make_list',
  'make_set',
  'make_bag',
  'percentile',
  'percentiles',
  'stdev',
  'variance',
  'any',
  'take_any',
  'row_number',
  'prev',
  'next',
  'hash',
  'new_guid',
  'base64_encode_tostring',
  'base64_decode_tostring',
  'url_encode',
  'url_decode',
] as const;

/** What the store and the language call the thing an error names; `caretWord` is the text under the error's caret. */
export function kqlSuggestions(message: string, caretWord: string | undefined, schema: readonly LogsTableSchema[]): string[] {
  const unknown = /The name '([^']+)' does not refer to any known ([^.]+)\./.exec(message);
  const tables = schema.map((t) => t.name);
  const columns = [...new Set(schema.flatMap((t) => t.columns.map((c) => c.name)))];
  const functions = [...KQL_FUNCTIONS];
  if (unknown) {
    const [, name = '', kinds = ''] = unknown;
    const pool = [...(/column/.test(kinds) ? columns : []), ...(/table/.test(kinds) ? tables : []), ...(/function/.test(kinds) ? functions : [])];
    return closestIgnoringCase(name, pool);
  }
  if (/operator expected/i.test(message) && caretWord) return closestIgnoringCase(caretWord, [...KQL_OPERATORS]);
  return [];
}

/** Closest first; KQL names are case-sensitive, so `level` suggests `Level`. */
function closestIgnoringCase(word: string, pool: readonly string[]): string[] {
  // One spelling per name (of those that differ only in case, the last one listed).
  const byLower = new Map(pool.map((p) => [p.toLowerCase(), p]));
  return rankNearest(word, byLower.values(), { max: 3, prefixCounts: true }).filter((p) => p !== word);
}
