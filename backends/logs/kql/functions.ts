/**
 * KQL scalar functions → DuckDB SQL, following Microsoft's KQL reference. Arguments
 * arrive typed by the analyzer; datetimes and timespans are BIGINT ticks.
 */
import type { Expr } from './ast';
import { notSupported } from './errors';
import { countOfSql, extractAllSql } from './regex';
import { asText, asType, scalar, unsupportedAt, type ScalarContext } from './scalar';
import { convert, floorTo, toJson } from './sql';
import { isIntegral, type KqlType } from './types';

type Call = Extract<Expr, { kind: 'call' }>;
type Impl = (args: readonly Expr[], ctx: ScalarContext, call: Call) => string;

const DAY = '864000000000';
const TICKS_PER_US = 10;

const ts = (ticks: string): string => `kql_ts_of(${ticks})`;
const fromTs = (timestamp: string): string => `(CAST(epoch_us(${timestamp}) AS BIGINT) * ${TICKS_PER_US})`;

/** Units accepted by datetime_add/datetime_diff/datetime_part (fixed text, never user text). */
const DATE_PARTS: Record<string, string> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  week: 'week',
  day: 'day',
  dayofyear: 'doy',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
  millisecond: 'millisecond',
  microsecond: 'microsecond',
  nanosecond: 'nanosecond',
  weekofyear: 'isoweek',
  week_of_year: 'isoweek',
};

/** Fixed-length units in ticks (datetime_diff counts their boundaries; datetime_add adds them exactly). */
const UNIT_TICKS: Record<string, string> = {
  day: DAY,
  hour: '36000000000',
  minute: '600000000',
  second: '10000000',
  millisecond: '10000',
  microsecond: '10',
};

/** 1970-01-04, the first Sunday after the epoch, in ticks: Kusto's weeks start on Sunday. */
const FIRST_SUNDAY = '2592000000000';

function datePart(arg: Expr, call: Call): string {
  const raw = arg.kind === 'literal' && typeof arg.value === 'string' ? arg.value.toLowerCase() : undefined;
  const part = raw !== undefined ? DATE_PARTS[raw] : undefined;
  if (!part) return unsupportedAt(call.span, 'The date part must be a constant such as "day", "hour" or "month"');
  return part;
}

/** A timespan literal's ticks (ago(1h), now(-2d)). */
function constantTicks(e: Expr): bigint | undefined {
  return e.kind === 'literal' && e.type === 'timespan' && typeof e.value === 'bigint' ? e.value : undefined;
}

const sqlOf = (args: readonly Expr[], ctx: ScalarContext): string[] => args.map((a) => scalar(a, ctx));

function bin(args: readonly Expr[], ctx: ScalarContext, call: Call): string {
  const [value, size] = args;
  const v = scalar(value, ctx);
  if (value.type === 'datetime' || value.type === 'timespan' || (isIntegral(value.type) && isIntegral(size.type))) {
    return floorTo(v, asType(size, 'long', ctx));
  }
  if (value.type === 'real' || value.type === 'decimal' || isIntegral(value.type)) {
    const s = asType(size, 'real', ctx);
    const result = `(floor(CAST(${v} AS DOUBLE) / ${s}) * ${s})`;
    return isIntegral(call.type) ? `CAST(${result} AS BIGINT)` : result;
  }
  return unsupportedAt(call.span, notSupported(`bin() of a ${value.type}`));
}

const trimPattern = (args: readonly Expr[], ctx: ScalarContext, start: boolean, end: boolean): string => {
  const re = asText(args[0], ctx);
  const parts: string[] = [];
  if (start) parts.push(`'^(?:' || ${re} || ')+'`);
  if (end) parts.push(`'(?:' || ${re} || ')+$'`);
  return `regexp_replace(${asText(args[1], ctx)}, ${parts.join(` || '|' || `)}, '', 'g')`;
};

const round = (args: readonly Expr[], ctx: ScalarContext, call: Call): string => {
  const digits = args[1] ? asType(args[1], 'long', ctx) : '0';
  const value = `round(CAST(${scalar(args[0], ctx)} AS DOUBLE), CAST(${digits} AS INTEGER))`;
  return isIntegral(call.type) ? `CAST(${value} AS BIGINT)` : value;
};

const mathFn =
  (fn: string): Impl =>
  (args, ctx) =>
    `${fn}(${args.map((a) => `CAST(${scalar(a, ctx)} AS DOUBLE)`).join(', ')})`;

const guarded =
  (fn: string): Impl =>
  (args, ctx) => {
    const x = `CAST(${scalar(args[0], ctx)} AS DOUBLE)`;
    return `CASE WHEN ${x} > 0 THEN ${fn}(${x}) WHEN ${x} = 0 THEN CAST('-Infinity' AS DOUBLE) ELSE CAST('NaN' AS DOUBLE) END`;
  };

const toTyped =
  (type: KqlType): Impl =>
  (args, ctx) =>
    asType(args[0], type, ctx);

const startOf =
  (unit: 'week' | 'month' | 'year'): Impl =>
  (args, ctx) => {
    const t = scalar(args[0], ctx);
    const truncated = unit === 'week' ? `(date_trunc('day', ${ts(t)}) - to_days(CAST(dayofweek(${ts(t)}) AS INTEGER)))` : `date_trunc('${unit}', ${ts(t)})`;
    const shifted = args[1] ? `(${truncated} + to_${unit}s(CAST(${asType(args[1], 'long', ctx)} AS INTEGER)))` : truncated;
    return fromTs(shifted);
  };

const endOf =
  (unit: 'day' | 'week' | 'month' | 'year'): Impl =>
  (args, ctx, call) => {
    const start = unit === 'day' ? FUNCTIONS.startofday(args, ctx, call) : startOf(unit)(args, ctx, call);
    return unit === 'day' ? `(${start} + ${DAY} - 1)` : `(${fromTs(`(${ts(start)} + to_${unit}s(1))`)} - 1)`;
  };

const extractPart =
  (part: string): Impl =>
  (args, ctx) =>
    `CAST(extract('${part}' FROM ${ts(scalar(args[0], ctx))}) AS BIGINT)`;

/**
 * hash(source [, mod]) and hash_xxhash64: XXH64 of the value's bytes (kql/runtime/xxhash64.ts), for
 * the types whose bytes the reference shows (string: UTF-8; datetime: ticks from 0001-01-01) and the
 * other 64-bit integers (long, timespan ticks), taken to be hashed alike. With mod, KQL's own
 * modulo, which the reference says lands in 0..mod-1. Runs row by row in JavaScript.
 */
function xxhash(args: readonly Expr[], ctx: ScalarContext, call: Call): string {
  const source = args[0];
  let hashed: string;
  if (source.type === 'string') hashed = `kql_js_hash_text(${asText(source, ctx)})`;
  else if (source.type === 'datetime') hashed = `kql_js_hash_datetime(${scalar(source, ctx)})`;
  else if (source.type === 'long' || source.type === 'timespan') hashed = `kql_js_hash_long(${scalar(source, ctx)})`;
  else return unsupportedAt(call.span, notSupported(`${call.name}() of a ${source.type} (string, long, datetime and timespan are)`));
  if (!args[1]) return hashed;
  const mod = asType(args[1], 'long', ctx);
  return `((${hashed} % ${mod} + abs(${mod})) % abs(${mod}))`;
}

export const FUNCTIONS: Record<string, Impl> = {
  // --- time
  now: (args, ctx) => {
    const offset = args[0] ? constantTicks(args[0]) : 0n;
    return offset !== undefined ? ctx.nowPlus(offset) : `(${ctx.now} + ${scalar(args[0], ctx)})`;
  },
  ago: (args, ctx) => {
    const offset = constantTicks(args[0]);
    return offset !== undefined ? ctx.nowPlus(-offset) : `(${ctx.now} - ${scalar(args[0], ctx)})`;
  },
  bin,
  floor: (args, ctx, call) => (args.length > 1 ? bin(args, ctx, call) : mathFn('floor')(args, ctx, call)),
  bin_at: (args, ctx) => {
    const [v, size, at] = sqlOf(args, ctx);
    return `(${at} + ${floorTo(`(${v} - ${at})`, size)})`;
  },
  datetime: toTyped('datetime'),
  todatetime: toTyped('datetime'),
  totimespan: toTyped('timespan'),
  time: toTyped('timespan'),
  timespan: toTyped('timespan'),
  startofday: (args, ctx) => {
    const t = floorTo(scalar(args[0], ctx), DAY);
    return args[1] ? `(${t} + ${asType(args[1], 'long', ctx)} * ${DAY})` : t;
  },
  startofweek: startOf('week'),
  startofmonth: startOf('month'),
  startofyear: startOf('year'),
  endofday: endOf('day'),
  endofweek: endOf('week'),
  endofmonth: endOf('month'),
  endofyear: endOf('year'),
  format_datetime: (args, ctx) => `kql_js_format_datetime(${scalar(args[0], ctx)}, ${asText(args[1], ctx)})`,
  format_timespan: (args, ctx) => `kql_js_format_timespan(${scalar(args[0], ctx)}, ${asText(args[1], ctx)})`,
  datetime_add: (args, ctx, call) => {
    const part = datePart(args[0], call);
    const amount = asType(args[1], 'long', ctx);
    const t = scalar(args[2], ctx);
    if (part === 'nanosecond') return `(${t} + ${amount} // 100)`;
    if (part === 'week') return `(${t} + ${amount} * ${DAY} * 7)`;
    const unit = UNIT_TICKS[part === 'doy' ? 'day' : part];
    if (unit) return `(${t} + ${amount} * ${unit})`;
    // Calendar units: DuckDB clamps to the month's last day, as Kusto does.
    return `(${fromTs(`(${ts(t)} + (CAST(${amount} AS INTEGER) * INTERVAL 1 ${part}))`)} + kql_frac(${t}) % 10)`;
  },
  datetime_diff: (args, ctx, call) => {
    const part = datePart(args[0], call);
    const a = scalar(args[1], ctx);
    const b = scalar(args[2], ctx);
    if (part === 'nanosecond') return `((${a} - ${b}) * 100)`;
    if (part === 'week')
      return `((${floorTo(`(${a} - ${FIRST_SUNDAY})`, `${DAY} * 7`)} - ${floorTo(`(${b} - ${FIRST_SUNDAY})`, `${DAY} * 7`)}) // (${DAY} * 7))`;
    const unit = UNIT_TICKS[part === 'doy' ? 'day' : part];
    if (unit) return `((${floorTo(a, unit)} - ${floorTo(b, unit)}) // ${unit})`;
    return `CAST(date_diff('${part === 'isoweek' ? 'week' : part}', ${ts(b)}, ${ts(a)}) AS BIGINT)`;
  },
  datetime_part: (args, ctx, call) => {
    const part = datePart(args[0], call);
    const t = scalar(args[1], ctx);
    if (part === 'nanosecond') return `(kql_frac(${t}) * 100)`;
    if (part === 'microsecond') return `(kql_frac(${t}) // 10)`;
    if (part === 'millisecond') return `(kql_frac(${t}) // 10000)`;
    if (part === 'week') return `CAST(extract('week' FROM ${ts(t)}) AS BIGINT)`;
    return `CAST(extract('${part === 'isoweek' ? 'week' : part}' FROM ${ts(t)}) AS BIGINT)`;
  },
  getyear: extractPart('year'),
  getmonth: extractPart('month'),
  monthofyear: extractPart('month'),
  dayofmonth: extractPart('day'),
  dayofyear: extractPart('doy'),
  hourofday: extractPart('hour'),
  week_of_year: extractPart('week'),
  weekofyear: extractPart('week'),
  dayofweek: (args, ctx) => `(CAST(dayofweek(${ts(scalar(args[0], ctx))}) AS BIGINT) * ${DAY})`,
  make_datetime: (args, ctx) => {
    const [y, mo, d, h, mi, sec] = args.map((a) => asType(a, 'real', ctx));
    const date = `TRY(make_date(CAST(${y} AS BIGINT), CAST(${mo} AS BIGINT), CAST(${d} AS BIGINT)))`;
    const days = `CAST(date_diff('day', DATE '1970-01-01', ${date}) AS BIGINT)`;
    const time = `${h ? `CAST(${h} AS BIGINT) * 36000000000 + CAST(${mi ?? '0'} AS BIGINT) * 600000000` : '0'}${sec ? ` + CAST(round(${sec} * 10000000) AS BIGINT)` : ''}`;
    const valid = `${h ? `${h} BETWEEN 0 AND 23 AND ${mi ?? '0'} BETWEEN 0 AND 59` : 'true'}${sec ? ` AND ${sec} >= 0 AND ${sec} < 60` : ''}`;
    return `CASE WHEN ${valid} THEN ${days} * ${DAY} + ${time} END`;
  },
  make_timespan: (args, ctx) => {
    const parts = args.map((a) => asType(a, 'real', ctx));
    const [a, b, c, d] = parts;
    if (parts.length === 2) return `CAST(round(${a} * 36000000000 + ${b} * 600000000) AS BIGINT)`;
    if (parts.length === 3) return `CAST(round(${a} * 36000000000 + ${b} * 600000000 + ${c} * 10000000) AS BIGINT)`;
    return `CAST(round(${a} * ${DAY} + ${b} * 36000000000 + ${c} * 600000000 + ${d} * 10000000) AS BIGINT)`;
  },
  unixtime_seconds_todatetime: (args, ctx) => `CAST(round(${asType(args[0], 'real', ctx)} * 10000000) AS BIGINT)`,
  unixtime_milliseconds_todatetime: (args, ctx) => `CAST(round(${asType(args[0], 'real', ctx)} * 10000) AS BIGINT)`,
  unixtime_microseconds_todatetime: (args, ctx) => `CAST(round(${asType(args[0], 'real', ctx)} * 10) AS BIGINT)`,
  unixtime_nanoseconds_todatetime: (args, ctx) => `CAST(round(${asType(args[0], 'real', ctx)} / 100) AS BIGINT)`,

  // --- conversion
  tostring: (args, ctx) => asText(args[0], ctx),
  toint: toTyped('long'),
  tolong: toTyped('long'),
  todouble: toTyped('real'),
  toreal: toTyped('real'),
  todecimal: toTyped('real'),
  tobool: toTyped('bool'),
  toboolean: toTyped('bool'),
  toguid: (args, ctx) => {
    const t = asType(args[0], 'string', ctx);
    return `CASE WHEN regexp_full_match(trim(${t}), '[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}') THEN lower(CAST(TRY_CAST(trim(${t}) AS UUID) AS VARCHAR)) END`;
  },
  todynamic: (args, ctx) => parseJson(args[0], ctx),
  toobject: (args, ctx) => parseJson(args[0], ctx),
  parse_json: (args, ctx) => parseJson(args[0], ctx),
  dynamic: (args, ctx) => parseJson(args[0], ctx),

  // --- strings
  tolower: (args, ctx) => `lower(${asText(args[0], ctx)})`,
  toupper: (args, ctx) => `upper(${asText(args[0], ctx)})`,
  strlen: (args, ctx) => `CAST(length(${asText(args[0], ctx)}) AS BIGINT)`,
  substring: (args, ctx) => {
    const s = asText(args[0], ctx);
    const start = `greatest(${asType(args[1], 'long', ctx)}, 0)`;
    return args[2] ? `substring(${s}, ${start} + 1, greatest(${asType(args[2], 'long', ctx)}, 0))` : `substring(${s}, ${start} + 1)`;
  },
  strcat: (args, ctx) => `concat(${args.map((a) => asText(a, ctx)).join(', ')})`,
  strcat_delim: (args, ctx) =>
    `concat_ws(${asText(args[0], ctx)}, ${args
      .slice(1)
      .map((a) => asText(a, ctx))
      .join(', ')})`,
  split: (args, ctx) => {
    const parts = `string_split(${asText(args[0], ctx)}, ${asText(args[1], ctx)})`;
    if (!args[2]) return `to_json(${parts})`;
    const i = asType(args[2], 'long', ctx);
    return `CASE WHEN ${i} >= 0 AND ${i} < len(${parts}) THEN to_json([${parts}[${i} + 1]]) ELSE to_json([]) END`;
  },
  extract: (args, ctx, call) => {
    const value = `regexp_extract(${asText(args[2], ctx)}, ${asText(args[0], ctx)}, CAST(${asType(args[1], 'long', ctx)} AS INTEGER))`;
    const text = `CASE WHEN regexp_matches(${asText(args[2], ctx)}, ${asText(args[0], ctx)}) THEN ${value} END`;
    return call.type === 'string' ? text : convert(text, 'string', call.type);
  },
  extract_all: (args, ctx, call) => json(extractAllSql(args, ctx, call)),
  replace_string: (args, ctx) => `replace(${asText(args[0], ctx)}, ${asText(args[1], ctx)}, ${asText(args[2], ctx)})`,
  replace_regex: (args, ctx) => `regexp_replace(${asText(args[0], ctx)}, ${asText(args[1], ctx)}, ${asText(args[2], ctx)}, 'g')`,
  replace: (args, ctx) => `regexp_replace(${asText(args[2], ctx)}, ${asText(args[0], ctx)}, ${asText(args[1], ctx)}, 'g')`,
  trim: (args, ctx) => trimPattern(args, ctx, true, true),
  trim_start: (args, ctx) => trimPattern(args, ctx, true, false),
  trim_end: (args, ctx) => trimPattern(args, ctx, false, true),
  reverse: (args, ctx) => `reverse(${asText(args[0], ctx)})`,
  indexof: (args, ctx) => {
    const s = asText(args[0], ctx);
    const find = asText(args[1], ctx);
    if (!args[2]) return `(CAST(instr(${s}, ${find}) AS BIGINT) - 1)`;
    const rest = [2, 3, 4].map((i) => (args[i] ? asType(args[i], 'long', ctx) : 'CAST(NULL AS BIGINT)'));
    return `kql_js_indexof(${s}, ${find}, ${rest.join(', ')})`;
  },
  countof: (args, ctx, call) => countOfSql(args, ctx, call),
  strrep: (args, ctx) => {
    const s = asText(args[0], ctx);
    const n = asType(args[1], 'long', ctx);
    if (!args[2]) return `repeat(${s}, CAST(${n} AS INTEGER))`;
    const d = asText(args[2], ctx);
    return `CASE WHEN ${n} <= 0 THEN '' ELSE repeat(${s} || ${d}, CAST(${n} - 1 AS INTEGER)) || ${s} END`;
  },
  isempty: (args, ctx) =>
    args[0].type === 'string' || args[0].type === 'dynamic'
      ? `(${asType(args[0], 'string', ctx)} IS NULL OR ${asType(args[0], 'string', ctx)} = '')`
      : `(${scalar(args[0], ctx)} IS NULL)`,
  isnotempty: (args, ctx) =>
    args[0].type === 'string' || args[0].type === 'dynamic'
      ? `(${asType(args[0], 'string', ctx)} IS NOT NULL AND ${asType(args[0], 'string', ctx)} <> '')`
      : `(${scalar(args[0], ctx)} IS NOT NULL)`,
  isnull: (args, ctx) =>
    args[0].type === 'string'
      ? 'false'
      : args[0].type === 'dynamic'
        ? `(${scalar(args[0], ctx)} IS NULL OR json_type(${scalar(args[0], ctx)}) = 'NULL')`
        : `(${scalar(args[0], ctx)} IS NULL)`,
  isnotnull: (args, ctx) =>
    args[0].type === 'string'
      ? 'true'
      : args[0].type === 'dynamic'
        ? `(${scalar(args[0], ctx)} IS NOT NULL AND json_type(${scalar(args[0], ctx)}) <> 'NULL')`
        : `(${scalar(args[0], ctx)} IS NOT NULL)`,
  isnan: (args, ctx) => `isnan(CAST(${scalar(args[0], ctx)} AS DOUBLE))`,
  isinf: (args, ctx) => `isinf(CAST(${scalar(args[0], ctx)} AS DOUBLE))`,
  isfinite: (args, ctx) => `isfinite(CAST(${scalar(args[0], ctx)} AS DOUBLE))`,
  isascii: (args, ctx) => `regexp_full_match(${asText(args[0], ctx)}, '[\\x00-\\x7F]*')`,
  strcmp: (args, ctx) => {
    const [a, b] = args.map((x) => asText(x, ctx));
    return `CASE WHEN ${a} < ${b} THEN -1 WHEN ${a} > ${b} THEN 1 ELSE 0 END`;
  },
  hash: xxhash,
  hash_xxhash64: xxhash,
  hash_sha256: (args, ctx) => `sha256(${asText(args[0], ctx)})`,
  hash_md5: (args, ctx) => `md5(${asText(args[0], ctx)})`,
  base64_encode_tostring: (args, ctx) => `to_base64(encode(${asText(args[0], ctx)}))`,
  base64_decode_tostring: (args, ctx) => `decode(from_base64(${asText(args[0], ctx)}))`,
  url_encode: (args, ctx) => `kql_js_url_encode(${asText(args[0], ctx)})`,
  url_encode_component: (args, ctx) => `kql_js_url_encode_component(${asText(args[0], ctx)})`,
  url_decode: (args, ctx) => `kql_js_url_decode(${asText(args[0], ctx)})`,
  parse_url: (args, ctx) => json(`kql_js_parse_url(${asText(args[0], ctx)})`),
  parse_path: (args, ctx) => json(`kql_js_parse_path(${asText(args[0], ctx)})`),
  geo_distance_2points: (args, ctx) => `kql_geo_distance(${args.map((a) => asType(a, 'real', ctx)).join(', ')})`,
  geo_point_in_circle: (args, ctx) => {
    // null for invalid coordinates or a radius that is not positive (the reference's examples).
    const radius = asType(args[4], 'real', ctx);
    return `CASE WHEN ${radius} > 0 THEN kql_geo_distance(${args
      .slice(0, 4)
      .map((a) => asType(a, 'real', ctx))
      .join(', ')}) <= ${radius} END`;
  },
  geo_geohash_to_central_point: (args, ctx) => json(`kql_js_geohash_center(${asText(args[0], ctx)})`),
  parse_urlquery: (args, ctx) => json(`kql_js_parse_urlquery(${asText(args[0], ctx)})`),

  // --- window (on serialized input: rows keep their order)
  row_number: (args, ctx) => `(row_number() OVER (${over(ctx, args[1])}) + ${args[0] ? asType(args[0], 'long', ctx) : '1'} - 1)`,
  row_cumsum: (args, ctx, call) => `sum(${windowArgument(call, ctx, call.type)}) OVER (${over(ctx, args[1])} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`,
  // The first row number of the row's term (within its restart segment); row numbers are consecutive.
  row_rank_min: (args, ctx, call) => {
    const order = ctx.window?.order ?? 'NULL';
    const segment = args[1] ? ctx.window?.segments.get(args[1]) : undefined;
    const within = segment ? `PARTITION BY ${segment}, ` : 'PARTITION BY ';
    return `(min(${order}) OVER (${within}${windowArgument(call, ctx)}) - ${segment ? `min(${order}) OVER (PARTITION BY ${segment})` : '1'} + 1)`;
  },
  // 1 + the number of term changes so far (within the restart segment); the flags come from Translator.windowed.
  row_rank_dense: (args, ctx, call) => {
    const flag = ctx.window?.changes?.get(call);
    if (!flag) return unsupportedAt(call.span, notSupported('row_rank_dense() here'));
    const segment = args[1] ? ctx.window?.segments.get(args[1]) : undefined;
    return `sum(${flag}) OVER (${segment ? `PARTITION BY ${segment} ` : ''}ORDER BY ${ctx.window?.order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  },
  prev: (_args, ctx, call) => shifted('lag', call, ctx),
  next: (_args, ctx, call) => shifted('lead', call, ctx),

  // --- logic
  iff: (args, ctx, call) => `CASE WHEN ${asType(args[0], 'bool', ctx)} THEN ${asType(args[1], call.type, ctx)} ELSE ${asType(args[2], call.type, ctx)} END`,
  iif: (args, ctx, call) => FUNCTIONS.iff(args, ctx, call),
  case: (args, ctx, call) => {
    const whens: string[] = [];
    for (let i = 0; i + 1 < args.length; i += 2) whens.push(`WHEN ${asType(args[i], 'bool', ctx)} THEN ${asType(args[i + 1], call.type, ctx)}`);
    return `CASE ${whens.join(' ')} ELSE ${asType(args[args.length - 1], call.type, ctx)} END`;
  },
  not: (args, ctx) => `(NOT ${asType(args[0], 'bool', ctx)})`,
  coalesce: (args, ctx, call) =>
    call.type === 'string'
      ? `coalesce(${args.map((a) => `NULLIF(${asType(a, 'string', ctx)}, '')`).join(', ')}, '')`
      : `coalesce(${args.map((a) => asType(a, call.type, ctx)).join(', ')})`,
  max_of: (args, ctx, call) => `greatest(${args.map((a) => asType(a, call.type, ctx)).join(', ')})`,
  min_of: (args, ctx, call) => `least(${args.map((a) => asType(a, call.type, ctx)).join(', ')})`,

  // --- math
  round,
  abs: (args, ctx) => `abs(${scalar(args[0], ctx)})`,
  pow: (args, ctx, call) =>
    isIntegral(call.type) ? `CAST(pow(${asType(args[0], 'real', ctx)}, ${asType(args[1], 'real', ctx)}) AS BIGINT)` : mathFn('pow')(args, ctx, call),
  sqrt: (args, ctx) =>
    `CASE WHEN CAST(${scalar(args[0], ctx)} AS DOUBLE) < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(CAST(${scalar(args[0], ctx)} AS DOUBLE)) END`,
  log: guarded('ln'),
  log10: guarded('log10'),
  log2: guarded('log2'),
  exp: mathFn('exp'),
  exp2: (args, ctx) => `pow(2.0, CAST(${scalar(args[0], ctx)} AS DOUBLE))`,
  exp10: (args, ctx) => `pow(10.0, CAST(${scalar(args[0], ctx)} AS DOUBLE))`,
  ceiling: (args, ctx, call) => (isIntegral(call.type) ? scalar(args[0], ctx) : `ceil(${scalar(args[0], ctx)})`),
  sign: (args, ctx, call) => (isIntegral(call.type) ? `CAST(sign(${scalar(args[0], ctx)}) AS BIGINT)` : `CAST(sign(${scalar(args[0], ctx)}) AS DOUBLE)`),
  sin: mathFn('sin'),
  cos: mathFn('cos'),
  tan: mathFn('tan'),
  asin: mathFn('asin'),
  acos: mathFn('acos'),
  atan: mathFn('atan'),
  atan2: mathFn('atan2'),
  pi: () => 'pi()',
  degrees: mathFn('degrees'),
  radians: mathFn('radians'),
  rand: (args, ctx) => (args[0] ? `CAST(floor(random() * ${asType(args[0], 'real', ctx)}) AS BIGINT)` : 'random()'),
  binary_and: (args, ctx) => `(${asType(args[0], 'long', ctx)} & ${asType(args[1], 'long', ctx)})`,
  binary_or: (args, ctx) => `(${asType(args[0], 'long', ctx)} | ${asType(args[1], 'long', ctx)})`,
  binary_xor: (args, ctx) => `xor(${asType(args[0], 'long', ctx)}, ${asType(args[1], 'long', ctx)})`,
  binary_not: (args, ctx) => `(~${asType(args[0], 'long', ctx)})`,
  binary_shift_left: (args, ctx) => `(${asType(args[0], 'long', ctx)} << CAST(${asType(args[1], 'long', ctx)} AS INTEGER))`,
  binary_shift_right: (args, ctx) => `(${asType(args[0], 'long', ctx)} >> CAST(${asType(args[1], 'long', ctx)} AS INTEGER))`,

  // --- dynamic
  array_length: (args, ctx) => {
    const d = asType(args[0], 'dynamic', ctx);
    return `CASE WHEN json_type(${d}) = 'ARRAY' THEN CAST(json_array_length(${d}) AS BIGINT) END`;
  },
  pack_array: (args, ctx) => `to_json([${args.map((a) => toJson(scalar(a, ctx), a.type)).join(', ')}])`,
  pack: (args, ctx) => bagPack(args, ctx),
  bag_pack: (args, ctx) => bagPack(args, ctx),
  bag_keys: (args, ctx) => {
    const d = asType(args[0], 'dynamic', ctx);
    return `CASE WHEN json_type(${d}) = 'OBJECT' THEN to_json(json_keys(${d})) END`;
  },
  bag_merge: (args, ctx) => json(`kql_js_bag_merge(${jsonArgs(args, ctx)})`),
  bag_remove_keys: (args, ctx) => json(`kql_js_bag_remove_keys(${jsonArgs(args, ctx)})`),
  bag_has_key: (args, ctx) => {
    const d = asType(args[0], 'dynamic', ctx);
    return `coalesce(json_type(${d}) = 'OBJECT' AND list_contains(json_keys(${d}), ${asText(args[1], ctx)}), false)`;
  },
  set_union: (args, ctx) => json(`kql_js_set('union', ${jsonArgs(args, ctx)})`),
  set_intersect: (args, ctx) => json(`kql_js_set('intersect', ${jsonArgs(args, ctx)})`),
  set_difference: (args, ctx) => json(`kql_js_set('difference', ${jsonArgs(args, ctx)})`),
  zip: (args, ctx) => json(`kql_js_zip(${jsonArgs(args, ctx)})`),
  array_sort_asc: (args, ctx, call) => arraySort(args, ctx, false, call.index ?? 0),
  array_sort_desc: (args, ctx, call) => arraySort(args, ctx, true, call.index ?? 0),
  array_reverse: (args, ctx) => json(`kql_js_array_reverse(${jsonArgs(args, ctx)})`),
  array_rotate_left: (args, ctx) => arrayMove(args, ctx, 'rotate', 1),
  array_rotate_right: (args, ctx) => arrayMove(args, ctx, 'rotate', -1),
  array_shift_left: (args, ctx) => arrayMove(args, ctx, 'shift', 1),
  array_shift_right: (args, ctx) => arrayMove(args, ctx, 'shift', -1),
  array_split: (args, ctx) => json(`kql_js_array_split(${jsonArgs(args, ctx)})`),
  array_iff: (args, ctx) => json(`kql_js_array_iff(${jsonArgs(args, ctx)})`),
  array_iif: (args, ctx) => json(`kql_js_array_iff(${jsonArgs(args, ctx)})`),
  jaccard_index: (args, ctx) => `kql_js_jaccard(${jsonArgs(args, ctx)})`,
  array_concat: (args, ctx) => {
    const arrays = args.map((a) => asType(a, 'dynamic', ctx));
    const allArrays = arrays.map((a) => `coalesce(json_type(${a}) = 'ARRAY', false)`).join(' AND ');
    return `CASE WHEN ${allArrays} THEN to_json(flatten([${arrays.map((a) => `CAST(json_extract(${a}, '$[*]') AS JSON[])`).join(', ')}])) END`;
  },
  range: (args, ctx) => {
    // range(start, stop[, step]) as an array; stop is inclusive.
    const type: KqlType = args[0].type === 'real' || args[0].type === 'decimal' || args[1].type === 'real' ? 'real' : 'long';
    const [start, stop] = [asType(args[0], type, ctx), asType(args[1], type, ctx)];
    const step = args[2] ? asType(args[2], type, ctx) : type === 'real' ? '1.0' : '1';
    const count = type === 'real' ? `CAST(floor((${stop} - ${start}) / ${step}) AS BIGINT) + 1` : `(${stop} - ${start}) // ${step} + 1`;
    const element =
      args[0].type === 'datetime' || args[0].type === 'timespan' ? toJson(`(${start} + i * ${step})`, args[0].type) : `to_json(${start} + i * ${step})`;
    return `CASE WHEN ${step} <> 0 THEN to_json(list_transform(range(0, greatest(${count}, 0)), i -> ${element})) END`;
  },
  tohex: (args, ctx) =>
    `kql_js_tohex(${asType(args[0], 'long', ctx)}, ${args[1] ? asType(args[1], 'long', ctx) : '0'}, ${args[0].type === 'int' ? '32' : '64'})`,
  cot: (args, ctx) => `(1.0 / tan(CAST(${scalar(args[0], ctx)} AS DOUBLE)))`,
  new_guid: () => 'CAST(uuid() AS VARCHAR)',
  newguid: () => 'CAST(uuid() AS VARCHAR)',
  base64_encode_fromguid: (args, ctx) => `kql_js_guid_to_base64(${asText(args[0], ctx)})`,
  base64_decode_toguid: (args, ctx) => `kql_js_base64_to_guid(${asText(args[0], ctx)})`,
  base64_decode_toarray: (args, ctx) => json(`kql_js_base64_to_array(${asText(args[0], ctx)})`),
  base64_encode_fromarray: (args, ctx) => `kql_js_array_to_base64(CAST(${asType(args[0], 'dynamic', ctx)} AS VARCHAR))`,
  treepath: (args, ctx) => json(`kql_js_treepath(CAST(${asType(args[0], 'dynamic', ctx)} AS VARCHAR))`),
  string_size: (args, ctx) => `CAST(strlen(${asText(args[0], ctx)}) AS BIGINT)`,
  series_fill_const: (args, ctx) =>
    json(
      `kql_js_series_fill(CAST(${asType(args[0], 'dynamic', ctx)} AS VARCHAR), 'const', ${args[1] ? `CAST(${asType(args[1], 'dynamic', ctx)} AS VARCHAR)` : "'0'"})`,
    ),
  series_fill_forward: (args, ctx) => json(`kql_js_series_fill(CAST(${asType(args[0], 'dynamic', ctx)} AS VARCHAR), 'forward', 'null')`),
  series_fill_backward: (args, ctx) => json(`kql_js_series_fill(CAST(${asType(args[0], 'dynamic', ctx)} AS VARCHAR), 'backward', 'null')`),
  series_fill_linear: (args, ctx) => json(`kql_js_series_fill(CAST(${asType(args[0], 'dynamic', ctx)} AS VARCHAR), 'linear', 'null')`),
  array_slice: (args, ctx) => {
    const d = asType(args[0], 'dynamic', ctx);
    const list = `CAST(json_extract(${d}, '$[*]') AS JSON[])`;
    const n = `len(${list})`;
    const norm = (i: string) => `(CASE WHEN ${i} < 0 THEN ${n} + ${i} ELSE ${i} END)`;
    return `to_json(${list}[${norm(asType(args[1], 'long', ctx))} + 1 : ${norm(asType(args[2], 'long', ctx))} + 1])`;
  },
  array_sum: (args, ctx) => `list_sum(CAST(json_extract_string(${asType(args[0], 'dynamic', ctx)}, '$[*]') AS DOUBLE[]))`,
  array_index_of: (args, ctx) =>
    `(coalesce(list_position(CAST(json_extract(${asType(args[0], 'dynamic', ctx)}, '$[*]') AS VARCHAR[]), CAST(${toJson(scalar(args[1], ctx), args[1].type)} AS VARCHAR)), 0) - 1)`,
  set_has_element: (args, ctx) =>
    `coalesce(list_contains(CAST(json_extract(${asType(args[0], 'dynamic', ctx)}, '$[*]') AS VARCHAR[]), CAST(${toJson(scalar(args[1], ctx), args[1].type)} AS VARCHAR)), false)`,
  strcat_array: (args, ctx) => `array_to_string(json_extract_string(${asType(args[0], 'dynamic', ctx)}, '$[*]'), ${asText(args[1], ctx)})`,
  // A null dynamic value (an expanded null element, dynamic(null)) is of type "null".
  gettype: (args, ctx) =>
    `CASE coalesce(json_type(${asType(args[0], 'dynamic', ctx)}), ${args[0].type === 'dynamic' ? "'NULL'" : 'NULL'}) WHEN 'VARCHAR' THEN 'string' WHEN 'BIGINT' THEN 'long' WHEN 'UBIGINT' THEN 'long' WHEN 'DOUBLE' THEN 'real' WHEN 'BOOLEAN' THEN 'bool' WHEN 'ARRAY' THEN 'array' WHEN 'OBJECT' THEN 'dictionary' WHEN 'NULL' THEN 'null' END`,
};

const json = (textSql: string): string => `CAST(${textSql} AS JSON)`;

/**
 * prev()/next(): the value `offset` rows away, or the default past the ends. The default default
 * is null, and a null string is '' in KQL (so `g != prev(g)` holds on the first row of "a").
 */
function shifted(fn: 'lag' | 'lead', call: Call, ctx: ScalarContext): string {
  const { args, type } = call;
  const offset = args[1] ? `CAST(${asType(args[1], 'long', ctx)} AS BIGINT)` : '1';
  const fallback = args[2] ? asType(args[2], type, ctx) : type === 'string' ? "''" : undefined;
  return `${fn}(${windowArgument(call, ctx, type)}, ${offset}${fallback ? `, ${fallback}` : ''}) OVER (${over(ctx)})`;
}

function hasWindowCall(e: Expr): boolean {
  const found = { any: false, restarts: [] as Expr[] };
  windowCalls(e, found);
  return found.any;
}

/** A window call's first argument as SQL of `type`: the column it was computed into beforehand when it holds a window call itself. */
function windowArgument(call: Expr, ctx: ScalarContext, type?: KqlType): string {
  if (call.kind !== 'call') return unsupportedAt(undefined, 'A window function call was expected');
  const arg = call.args[0];
  const hoisted = ctx.window?.arguments?.get(call);
  if (hoisted) return type ? convert(hoisted, arg.type, type) : hoisted;
  return type ? asType(arg, type, ctx) : scalar(arg, ctx);
}

/** The OVER clause of a window function: in row order, restarting at each row where `restart` holds. */
function over(ctx: ScalarContext, restart?: Expr): string {
  const w = ctx.window;
  if (!w) return '';
  const segment = restart ? w.segments.get(restart) : undefined;
  return `${segment ? `PARTITION BY ${segment} ` : ''}ORDER BY ${w.order}`;
}

/** Window functions: they need the serialized row order (and restart segments) computed beforehand. */
const WINDOW_FUNCTIONS = new Set(['row_number', 'row_cumsum', 'row_rank_min', 'row_rank_dense', 'prev', 'next']);

/**
 * The window calls in `e`: their restart predicates (the second argument), the row_rank_dense
 * calls (they need a change flag), and, innermost first, the calls whose first argument holds
 * a window call itself (`row_cumsum(iff(g != prev(g), 1, 0))`): that argument is computed in a
 * select of its own, since DuckDB cannot nest window calls.
 */
export function windowCalls(e: Expr, found: { any: boolean; restarts: Expr[]; dense?: Expr[]; nested?: Expr[] }): void {
  const visit = (x: Expr): void => windowCalls(x, found);
  switch (e.kind) {
    case 'call':
      e.args.forEach(visit);
      if (WINDOW_FUNCTIONS.has(e.name)) {
        found.any = true;
        if (e.name !== 'prev' && e.name !== 'next' && e.args[1]) found.restarts.push(e.args[1]);
        if (e.name === 'row_rank_dense') found.dense?.push(e);
        if (e.args[0] && e.name !== 'row_number' && hasWindowCall(e.args[0])) found.nested?.push(e);
      }
      return;
    case 'binary':
      visit(e.left);
      visit(e.right);
      return;
    case 'unary':
      visit(e.operand);
      return;
    case 'between':
      [e.left, e.low, e.high].forEach(visit);
      return;
    case 'inList':
      [e.left, ...e.items].forEach(visit);
      return;
    case 'member':
      visit(e.target);
      return;
    default:
      return;
  }
}

/** Arguments as JSON text for the kql_js_* functions. */
const jsonArgs = (args: readonly Expr[], ctx: ScalarContext): string => args.map((a) => `CAST(${asType(a, 'dynamic', ctx)} AS VARCHAR)`).join(', ');

/** array_sort_asc/desc(arrays..., [nulls_last]): `index` picks which reordered array to return. */
export function arraySort(args: readonly Expr[], ctx: ScalarContext, descending: boolean, index: number): string {
  const last = args[args.length - 1];
  const hasNullsFlag = args.length > 1 && last.type === 'bool';
  const arrays = hasNullsFlag ? args.slice(0, -1) : args;
  const nullsLast = hasNullsFlag ? `CASE WHEN ${asType(last, 'bool', ctx)} THEN 'true' ELSE 'false' END` : "'true'";
  const control = `'${index}|${descending ? 'desc' : 'asc'}|' || ${nullsLast}`;
  return json(`kql_js_array_sort(${control}, ${jsonArgs(arrays, ctx)})`);
}

function arrayMove(args: readonly Expr[], ctx: ScalarContext, kind: 'rotate' | 'shift', sign: 1 | -1): string {
  const fill = args[2] ? `CAST(${asType(args[2], 'dynamic', ctx)} AS VARCHAR)` : "'null'";
  return json(`kql_js_array_move(CAST(${asType(args[0], 'dynamic', ctx)} AS VARCHAR), ${sign} * ${asType(args[1], 'long', ctx)}, '${kind}', ${fill})`);
}

/** parse_json of a string parses it (invalid JSON stays a string); other values just become dynamic. */
function parseJson(arg: Expr, ctx: ScalarContext): string {
  return arg.type === 'string' ? `kql_parse_json(${scalar(arg, ctx)})` : asType(arg, 'dynamic', ctx);
}

function bagPack(args: readonly Expr[], ctx: ScalarContext): string {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < args.length; i += 2) pairs.push(`${asText(args[i], ctx)}, ${toJson(scalar(args[i + 1], ctx), args[i + 1].type)}`);
  return pairs.length === 0 ? `CAST('{}' AS JSON)` : `json_object(${pairs.join(', ')})`;
}

const AGGREGATE_NAMES = new Set([
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
  'percentile',
  'percentiles',
  'make_list',
  'make_set',
  'arg_max',
  'arg_min',
  'take_any',
  'any',
  'stdev',
  'variance',
  'make_bag',
  'count_distinct',
  'make_list_if',
  'make_set_if',
  'stdevp',
  'variancep',
  'make_bag_if',
  'make_list_with_nulls',
  'percentiles_array',
  'take_anyif',
  'anyif',
  'hll',
  'tdigest',
  'stdevif',
  'varianceif',
  'countif',
  'binary_all_and',
  'binary_all_or',
  'binary_all_xor',
]);

export function callFunction(call: Call, ctx: ScalarContext): string {
  const impl = FUNCTIONS[call.name];
  if (impl) return impl(call.args, ctx, call);
  if (AGGREGATE_NAMES.has(call.name)) return unsupportedAt(call.span, `The aggregate function '${call.name}' can only be used in summarize`);
  return unsupportedAt(call.span, notSupported(`The function '${call.name}'`));
}
