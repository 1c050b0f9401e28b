/**
 * Scalar expressions → DuckDB SQL. Every literal becomes a bound parameter; column
 * names are quoted identifiers from the analyzed schema.
 */
import type { Expr, Span, Tabular } from './ast';
import { notSupported, UnsupportedError } from './errors';
import { callFunction } from './functions';
import { bindLiteral, convert, ident, type Params, toText } from './sql';
import { isIntegral, isNumeric, type KqlType } from './types';

export interface ScalarContext {
  readonly params: Params;
  /** The bound `now()` of this query (captured once, so a query is deterministic). */
  readonly now: string;
  /** now() + a constant offset in ticks, as one bound value. */
  readonly nowPlus: (offset: bigint) => string;
  /** Inside a summarize: aggregate functions are allowed. */
  readonly aggregate?: (call: Extract<Expr, { kind: 'call' }>, ctx: ScalarContext) => string | undefined;
  /** Table alias per join side. */
  readonly sides?: { readonly left: string; readonly right: string };
  /** Translates a sub-query (toscalar, `in (T)`); returns SQL and its columns. */
  readonly subquery: (query: Tabular) => { sql: string; columns: readonly { name: string; type: KqlType }[] };
  /**
   * Window functions over a serialized input: the column holding each row's position, and
   * for each restart predicate the column numbering its segments (see Translator.windowed).
   */
  readonly window?: {
    readonly order: string;
    readonly segments: ReadonlyMap<Expr, string>;
    /** row_rank_dense calls → their change-flag column. */
    readonly changes?: ReadonlyMap<Expr, string>;
    /** Window calls whose first argument holds a window call → the column that argument was computed into. */
    readonly arguments?: ReadonlyMap<Expr, string>;
  };
  /** The input's columns, for `* has "x"` (any column). */
  readonly columns?: readonly { readonly name: string; readonly type: KqlType }[];
}

export interface Typed {
  readonly sql: string;
  readonly type: KqlType;
}

const NOWHERE: Span = { start: 0, length: 1 };

export function unsupportedAt(span: Span | undefined, message: string): never {
  const s = span ?? NOWHERE;
  throw new UnsupportedError(message, s.start, s.length);
}

export function scalar(e: Expr, ctx: ScalarContext): string {
  switch (e.kind) {
    case 'literal':
      return bindLiteral(ctx.params, e.type, e.value);
    case 'column': {
      const qualifier = e.side && ctx.sides ? `${ctx.sides[e.side]}.` : '';
      return `${qualifier}${ident(e.name)}`;
    }
    case 'unary':
      if (e.op !== 'minus') return scalar(e.operand, ctx);
      // -(-9223372036854775808) wraps to itself in Kusto.
      return e.type === 'long' ? `kql_wrap64(-CAST(${scalar(e.operand, ctx)} AS HUGEINT))` : `(-${scalar(e.operand, ctx)})`;
    case 'binary':
      return binary(e, ctx);
    case 'call': {
      const viaAggregate = ctx.aggregate?.(e, ctx);
      if (viaAggregate !== undefined) return viaAggregate;
      return callFunction(e, ctx);
    }
    case 'inList':
      return inList(e, ctx);
    case 'inQuery': {
      const sub = ctx.subquery(e.query);
      if (sub.columns.length === 0) return unsupportedAt(undefined, 'The sub-query of `in` has no columns');
      const col = sub.columns[0];
      const insensitive = e.op.includes('~');
      const left = insensitive ? `lower(${asType(e.left, 'string', ctx)})` : scalar(e.left, ctx);
      const value = insensitive ? `lower(${toText(ident(col.name), col.type)})` : convert(ident(col.name), col.type, e.left.type);
      const test = `${left} IN (SELECT ${value} FROM (${sub.sql}) AS _in)`;
      return e.op.startsWith('!') ? `(NOT coalesce(${test}, false))` : `coalesce(${test}, false)`;
    }
    case 'between': {
      const left = scalar(e.left, ctx);
      const low = asType(e.low, e.left.type === 'dynamic' ? e.low.type : e.left.type, ctx);
      const high =
        e.high.type === 'timespan' && e.low.type === 'datetime'
          ? `(${scalar(e.low, ctx)} + ${scalar(e.high, ctx)})`
          : asType(e.high, e.left.type === 'dynamic' ? e.high.type : e.left.type, ctx);
      const l = e.left.type === 'dynamic' ? convert(left, 'dynamic', e.low.type) : left;
      const test = `(${l} BETWEEN ${low} AND ${high})`;
      return e.negated ? `(NOT ${test})` : test;
    }
    case 'member':
      return member(e, ctx);
    case 'scalarQuery': {
      const sub = ctx.subquery(e.query);
      const col = sub.columns[0];
      if (!col) return unsupportedAt(undefined, 'toscalar() needs a query with a column');
      return `(SELECT ${convert(ident(col.name), col.type, e.type)} FROM (${sub.sql}) AS _s LIMIT 1)`;
    }
    case 'star':
      return unsupportedAt(undefined, notSupported('`*` in this position'));
    case 'typeOf':
      return unsupportedAt(undefined, notSupported('typeof() in this position'));
  }
}

/** `e` converted to `type` (dynamic values are unwrapped, numbers widened...). */
export function asType(e: Expr, type: KqlType, ctx: ScalarContext): string {
  return convert(scalar(e, ctx), e.type, type);
}

/** `e` as text, with null as '' (KQL strings are never null). */
export function asText(e: Expr, ctx: ScalarContext): string {
  // String columns are never null in any relation we build (ingest, datatable, union, outer joins and parse fill ''), so a plain column needs no coalesce.
  if (e.kind === 'column' && e.type === 'string') return scalar(e, ctx);
  return `coalesce(${asType(e, 'string', ctx)}, '')`;
}

function member(e: Extract<Expr, { kind: 'member' }>, ctx: ScalarContext): string {
  const target = e.target.type === 'dynamic' ? scalar(e.target, ctx) : asType(e.target, 'dynamic', ctx);
  let path: string;
  if (typeof e.key === 'string') {
    path = ctx.params.text(`$."${e.key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  } else if (e.key.kind === 'literal' && typeof e.key.value === 'bigint') {
    const i = e.key.value;
    path = ctx.params.text(i < 0n ? `$[#${i.toString()}]` : `$[${i.toString()}]`);
  } else if (isIntegral(e.key.type)) {
    const k = scalar(e.key, ctx);
    path = `CASE WHEN ${k} < 0 THEN '$[#' || CAST(${k} AS VARCHAR) || ']' ELSE '$[' || CAST(${k} AS VARCHAR) || ']' END`;
  } else {
    path = `'$."' || replace(${asText(e.key, ctx)}, '"', '\\"') || '"'`;
  }
  const extracted = `json_extract(${target}, ${path})`;
  return e.type === 'dynamic' ? extracted : convert(extracted, 'dynamic', e.type);
}

const ARITHMETIC: Record<string, string> = { Add: '+', Subtract: '-', Multiply: '*', Modulo: '%' };
const COMPARISON: Record<string, string> = { LessThan: '<', LessThanOrEqual: '<=', GreaterThan: '>', GreaterThanOrEqual: '>=', Equal: '=', NotEqual: '<>' };

/** The common type two operands are compared in (dynamic takes the other side's type). */
function comparisonType(a: KqlType, b: KqlType): KqlType {
  if (a === b) return a;
  if (a === 'dynamic') return b;
  if (b === 'dynamic') return a;
  if (isNumeric(a) && isNumeric(b)) return isIntegral(a) && isIntegral(b) ? 'long' : 'real';
  if ((a === 'string' && b === 'guid') || (a === 'guid' && b === 'string')) return 'string';
  return a;
}

function binary(e: Extract<Expr, { kind: 'binary' }>, ctx: ScalarContext): string {
  const { op, left, right } = e;
  if (left.kind === 'star') {
    // `* has "x"`: true when any column (as text) matches.
    const columns = ctx.columns ?? [];
    if (columns.length === 0) return unsupportedAt(undefined, notSupported('`*` in this position'));
    const tests = columns.map((c) => binary({ ...e, left: { kind: 'column', name: c.name, type: c.type } }, ctx));
    return op.startsWith('Not') ? `(${tests.join(' AND ')})` : `(${tests.join(' OR ')})`;
  }
  if (op === 'And' || op === 'Or') return `(${asType(left, 'bool', ctx)} ${op.toUpperCase()} ${asType(right, 'bool', ctx)})`;
  if (ARITHMETIC[op]) {
    const l = scalar(left, ctx);
    const r = scalar(right, ctx);
    // Kusto's modulo is never negative: 0 <= n % d < abs(d).
    const result =
      op === 'Modulo'
        ? `((${numeric(l, left.type)} % ${numeric(r, right.type)} + abs(${numeric(r, right.type)})) % abs(${numeric(r, right.type)}))`
        : wrapsAround(e)
          ? `kql_wrap64(CAST(${numeric(l, left.type)} AS HUGEINT) ${ARITHMETIC[op]} ${numeric(r, right.type)})`
          : `(${numeric(l, left.type)} ${ARITHMETIC[op]} ${numeric(r, right.type)})`;
    if ((e.type === 'timespan' || e.type === 'datetime') && (!isIntegral(left.type) || !isIntegral(right.type))) {
      if (left.type === 'real' || right.type === 'real' || left.type === 'decimal' || right.type === 'decimal') return `CAST(round(${result}) AS BIGINT)`;
    }
    return result;
  }
  if (op === 'Divide') {
    const l = numeric(scalar(left, ctx), left.type);
    const r = numeric(scalar(right, ctx), right.type);
    if (isIntegral(e.type)) return `(${l} // NULLIF(${r}, 0))`;
    if (e.type === 'timespan') return `CAST(round(CAST(${l} AS DOUBLE) / ${r}) AS BIGINT)`;
    return `(CAST(${l} AS DOUBLE) / ${r})`;
  }
  if (COMPARISON[op]) {
    const type = comparisonType(left.type, right.type);
    return `(${asType(left, type, ctx)} ${COMPARISON[op]} ${asType(right, type, ctx)})`;
  }
  if (op === 'EqualTilde' || op === 'BangTilde') {
    const test = `(lower(${asText(left, ctx)}) = lower(${asText(right, ctx)}))`;
    return op === 'BangTilde' ? `(NOT ${test})` : test;
  }
  return stringOperator(op, left, right, ctx);
}

/** Long + - * wrap around like Kusto's (two's complement) instead of failing on overflow; reals stay IEEE. */
function wrapsAround(e: Extract<Expr, { kind: 'binary' }>): boolean {
  const integral = (t: KqlType) => isIntegral(t) || t === 'bool';
  return e.type === 'long' && e.op !== 'Modulo' && integral(e.left.type) && integral(e.right.type);
}

/** datetime/timespan are BIGINT ticks already; bools take part as 0/1. */
function numeric(sql: string, type: KqlType): string {
  return type === 'bool' ? `CAST(${sql} AS BIGINT)` : type === 'dynamic' ? `TRY_CAST(json_extract_string(${sql}, '$') AS DOUBLE)` : sql;
}

const escapeRegex = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
const escapeLike = (s: string): string => s.replace(/[\\%_]/g, '\\$&');

/** The RE2 pattern of a term match (`has`): the term between non-alphanumerics or the ends. */
export function termPattern(term: string, caseSensitive: boolean, prefix = true, suffix = true): string {
  return `${caseSensitive ? '' : '(?i)'}${prefix ? '(^|[^[:alnum:]])' : ''}${escapeRegex(term)}${suffix ? '($|[^[:alnum:]])' : ''}`;
}

function literalText(e: Expr): string | undefined {
  return e.kind === 'literal' && typeof e.value === 'string' ? e.value : undefined;
}

function hasTerm(subject: string, term: Expr, caseSensitive: boolean, ctx: ScalarContext, prefix = true, suffix = true): string {
  const text = literalText(term);
  if (text !== undefined) {
    if (text === '') return 'true';
    const pattern = ctx.params.text(termPattern(text, caseSensitive, prefix, suffix));
    // A cheap substring test first lets DuckDB skip the regex on most rows.
    const like = ctx.params.text(`%${escapeLike(text)}%`);
    return `(${subject} ${caseSensitive ? 'LIKE' : 'ILIKE'} ${like} ESCAPE '\\' AND regexp_matches(${subject}, ${pattern}))`;
  }
  const t = asText(term, ctx);
  const pattern = `${caseSensitive ? "''" : "'(?i)'"} || ${prefix ? "'(^|[^[:alnum:]])'" : "''"} || regexp_escape(${t}) || ${suffix ? "'($|[^[:alnum:]])'" : "''"}`;
  return `regexp_matches(${subject}, ${pattern})`;
}

function stringOperator(op: string, left: Expr, right: Expr, ctx: ScalarContext): string {
  const negated = op.startsWith('Not');
  const base = negated ? op.slice(3) : op;
  const cs = base.endsWith('Cs');
  const name = cs ? base.slice(0, -2) : base;
  const subject = asText(left, ctx);
  let test: string;
  switch (name) {
    case 'Has':
      test = hasTerm(subject, right, cs, ctx);
      break;
    case 'HasPrefix':
      test = hasTerm(subject, right, cs, ctx, true, false);
      break;
    case 'HasSuffix':
      test = hasTerm(subject, right, cs, ctx, false, true);
      break;
    case 'Contains':
      test = cs ? `contains(${subject}, ${asText(right, ctx)})` : `contains(lower(${subject}), lower(${asText(right, ctx)}))`;
      break;
    case 'StartsWith':
      test = cs ? `starts_with(${subject}, ${asText(right, ctx)})` : `starts_with(lower(${subject}), lower(${asText(right, ctx)}))`;
      break;
    case 'EndsWith':
      test = cs ? `suffix(${subject}, ${asText(right, ctx)})` : `suffix(lower(${subject}), lower(${asText(right, ctx)}))`;
      break;
    case 'MatchesRegex':
      test = `regexp_matches(${subject}, ${asText(right, ctx)})`;
      break;
    case 'Like':
      test = `(${subject} ${cs ? 'LIKE' : 'ILIKE'} ${asText(right, ctx)})`;
      break;
    default:
      return unsupportedAt(undefined, notSupported(`The operator '${op}'`));
  }
  return negated ? `(NOT ${test})` : test;
}

/** Items of an `in` list, with dynamic array literals spread into their elements. */
function spreadItems(items: readonly Expr[]): Expr[] {
  const out: Expr[] = [];
  for (const item of items) {
    if (item.kind === 'literal' && item.type === 'dynamic' && typeof item.value === 'string') {
      const parsed: unknown = JSON.parse(item.value);
      // Nested arrays are flattened: x in (dynamic([1,[2,3]])) is x in (1,2,3).
      const values = Array.isArray(parsed) ? (parsed as unknown[]).flat(Infinity) : [parsed];
      for (const v of values) {
        if (typeof v === 'string') out.push({ kind: 'literal', type: 'string', value: v });
        else if (typeof v === 'number')
          out.push(Number.isInteger(v) ? { kind: 'literal', type: 'long', value: BigInt(v) } : { kind: 'literal', type: 'real', value: v });
        else if (typeof v === 'boolean') out.push({ kind: 'literal', type: 'bool', value: v });
        else out.push({ kind: 'literal', type: 'dynamic', value: JSON.stringify(v) });
      }
    } else {
      out.push(item);
    }
  }
  return out;
}

function inList(e: Extract<Expr, { kind: 'inList' }>, ctx: ScalarContext): string {
  const items = spreadItems(e.items);
  if (e.op === 'has_any' || e.op === 'has_all') {
    if (items.length === 0) return e.op === 'has_any' ? 'false' : 'true';
    const subject = asText(e.left, ctx);
    const tests = items.map((item) => hasTerm(subject, item, false, ctx));
    return `(${tests.join(e.op === 'has_any' ? ' OR ' : ' AND ')})`;
  }
  const negated = e.op.startsWith('!');
  const insensitive = e.op.includes('~');
  if (items.length === 0) return negated ? 'true' : 'false';
  let test: string;
  if (insensitive) {
    test = `(lower(${asText(e.left, ctx)}) IN (${items.map((i) => `lower(${asText(i, ctx)})`).join(', ')}))`;
  } else {
    const type = items.reduce<KqlType>((t, i) => comparisonType(t, i.type), e.left.type === 'dynamic' ? items[0].type : e.left.type);
    test = `(${asType(e.left, type, ctx)} IN (${items.map((i) => asType(i, type, ctx)).join(', ')}))`;
  }
  return negated ? `(NOT coalesce(${test}, false))` : `coalesce(${test}, false)`;
}
