/**
 * Our KQL AST → one DuckDB SELECT with bound parameters. Each pipeline operator wraps
 * the SQL of its input in a sub-select; output column names and types are the
 * analyzer's, so results carry the names Kusto would give them.
 */
import type { Aggregate, Assignment, Expr, Operator, Query, SortKey, Tabular } from './ast';
import { aggregateCall, nearestRank, percentArg, weightedPercentile, weightedPercentiles } from './aggregates';
import { notSupported } from './errors';
import { asText, asType, scalar, unsupportedAt, type ScalarContext } from './scalar';
import { windowCalls } from './functions';
import { deterministic } from './repeatable';
import { convert, floorTo, ident, Params, toJson, withCaseSensitiveNames, type BoundParam } from './sql';
import { duckType, type ColumnDef, type KqlType } from './types';

export interface TranslateOptions {
  /** `now()` of this query, in ticks since 1970 (captured once per query). */
  readonly nowTicks: bigint;
  /**
   * Keep summarize/distinct groups in first-seen order, as Kusto does on small inputs.
   * Costs a window over the input: used for self-contained queries, not the big store tables.
   */
  readonly stableOrder?: boolean;
  readonly timeRange?: { readonly fromTicks: bigint; readonly toTicks: bigint };
}

export interface Translation {
  readonly sql: string;
  readonly params: readonly BoundParam[];
  readonly columns: readonly ColumnDef[];
  /** Parameters holding now() plus a fixed offset (ago(1h) is one), re-bound when a cached translation runs again. */
  readonly nowParams: readonly { readonly index: number; readonly offset: bigint }[];
}

interface Rel {
  readonly sql: string;
  readonly columns: readonly ColumnDef[];
  /** A store table read as it is: the next operator reads it directly, without a sub-select. */
  readonly table?: string;
  /** A store table, filtered or computed on row by row without volatile functions: reading it twice costs a scan and yields the same rows. */
  readonly repeatable?: boolean;
}

const ROW = '__kql_row';
/** Distinct counts, which DuckDB computes apart from the other aggregates of a GROUP BY. */
const DISTINCT_COUNTS = new Set(['dcount', 'count_distinct', 'dcountif']);
/** Aggregates that keep every value of their group (percentiles, lists): the costly ones to merge at the end of a GROUP BY. */
const HOLISTIC = new Set([
  'percentile',
  'percentiles_array',
  'percentilew',
  'percentilesw_array',
  'make_list',
  'make_set',
  'make_list_if',
  'make_set_if',
  'make_list_with_nulls',
  'make_bag',
  'make_bag_if',
]);
/** The input row an mv-apply sub-table belongs to: carried through the subquery's operators. */
const PART = '"__mv_row"';

/** Expression references to a column name (to know when an extend must start a new layer). */
function references(e: Expr, names: ReadonlySet<string>): boolean {
  switch (e.kind) {
    case 'column':
      return names.has(e.name);
    case 'binary':
      return references(e.left, names) || references(e.right, names);
    case 'unary':
      return references(e.operand, names);
    case 'call':
      return e.args.some((a) => references(a, names));
    case 'inList':
      return references(e.left, names) || e.items.some((a) => references(a, names));
    case 'inQuery':
      return references(e.left, names);
    case 'between':
      return references(e.left, names) || references(e.low, names) || references(e.high, names);
    case 'member':
      return references(e.target, names) || (typeof e.key !== 'string' && references(e.key, names));
    default:
      return false;
  }
}

/**
 * An element mv-expand took out of an array, as `type`. A null element is a null value (so
 * count(x) and isnull(x) see it as Kusto does), not a JSON `null`.
 */
function expandedValue(element: string, type: KqlType): string {
  const value = type === 'dynamic' ? `CASE WHEN json_type(${element}) = 'NULL' THEN NULL ELSE ${element} END` : convert(element, 'dynamic', type);
  return nonNull(value, type);
}

/** The columns of the store tables `t` reads (their spelling in DuckDB is fixed). */
function storeColumns(t: Tabular, out: string[]): void {
  switch (t.kind) {
    case 'table':
      out.push(...t.columns.map((c) => c.name));
      return;
    case 'union':
      for (const i of t.inputs) storeColumns(i, out);
      return;
    case 'pipe':
      storeColumns(t.input, out);
      if (t.operator.op === 'join') storeColumns(t.operator.right, out);
      if (t.operator.op === 'mvapply' || t.operator.op === 'partition') storeColumns(t.operator.subquery, out);
      return;
    default:
      return;
  }
}

export class Translator {
  private readonly params = new Params();
  /** Bound now()-relative values by offset (one parameter each, bound on first use). */
  private readonly nowSql = new Map<bigint, string>();
  private aliases = 0;
  /** Inside an mv-apply subquery: the expanded sub-tables, and the column that tells them apart. */
  private implicit?: Rel;
  private partition = false;

  constructor(private readonly options: TranslateOptions) {}

  /** now() + offset as one bound value: `TimeGenerated > ago(1d)` compares with a constant, as hand-written SQL would. */
  private nowPlus(offset: bigint): string {
    let sql = this.nowSql.get(offset);
    if (sql === undefined) {
      sql = this.params.long(this.options.nowTicks + offset);
      this.nowSql.set(offset, sql);
    }
    return sql;
  }

  translate(query: Query, maxRows?: number): Translation {
    const stored: string[] = [];
    storeColumns(query.body, stored);
    return withCaseSensitiveNames(stored, () => this.translateBody(query, maxRows));
  }

  private translateBody(query: Query, maxRows?: number): Translation {
    const body = this.rel(query.body);
    const alias = this.alias();
    const select = body.columns.map((c) => `${finalValue(`${alias}.${ident(c.name)}`, c.type)} AS ${ident(c.name)}`).join(', ');
    const limit = maxRows !== undefined ? ` LIMIT ${Math.max(0, Math.floor(maxRows))}` : '';
    const sql = `SELECT ${select || '1 AS "_"'} FROM (${body.sql}) AS ${alias}${limit}`;
    const compacted = compactParams(sql, this.params.values);
    const nowParams: { index: number; offset: bigint }[] = [];
    for (const [offset, placeholder] of this.nowSql) {
      const renumbered = compacted.renumbered.get(Number(/\$(\d+)/.exec(placeholder)?.[1]));
      if (renumbered !== undefined) nowParams.push({ index: renumbered - 1, offset });
    }
    return { sql: compacted.sql, params: compacted.params, columns: body.columns, nowParams };
  }

  private alias(): string {
    this.aliases += 1;
    return `_t${this.aliases}`;
  }

  private ctx(extra: Partial<ScalarContext> = {}): ScalarContext {
    const nowPlus = (offset: bigint) => this.nowPlus(offset);
    return {
      params: this.params,
      get now() {
        return nowPlus(0n);
      },
      nowPlus,
      subquery: (q) => this.rel(q),
      ...extra,
    };
  }

  rel(t: Tabular): Rel {
    switch (t.kind) {
      case 'table': {
        const range = this.options.timeRange;
        const timed = range && t.columns.some((c) => c.name === 'TimeGenerated' && c.type === 'datetime');
        const where = timed ? ` WHERE "TimeGenerated" >= ${this.params.long(range.fromTicks)} AND "TimeGenerated" < ${this.params.long(range.toTicks)}` : '';
        return {
          sql: `SELECT ${t.columns.map((c) => ident(c.name)).join(', ')} FROM ${ident(t.name)}${where}`,
          columns: t.columns,
          table: where ? undefined : ident(t.name),
          repeatable: true,
        };
      }
      case 'datatable':
        return this.datatable(t);
      case 'print': {
        const ctx = this.ctx();
        const items = t.exprs.map((e, i) => `${nonNull(asType(e, t.columns[i].type, ctx), t.columns[i].type)} AS ${ident(t.columns[i].name)}`);
        return { sql: `SELECT ${items.join(', ')}`, columns: t.columns };
      }
      case 'range':
        return this.range(t);
      case 'implicit':
        if (!this.implicit) return unsupportedAt(undefined, 'An operator without input is only allowed inside mv-apply');
        return this.implicit;
      case 'union':
        return this.union(t);
      case 'pipe':
        return this.operator(this.rel(t.input), t.operator, t.columns);
    }
  }

  private datatable(t: Extract<Tabular, { kind: 'datatable' }>): Rel {
    const ctx = this.ctx();
    const names = t.columns.map((c) => ident(c.name)).join(', ');
    if (t.rows.length === 0) {
      return { sql: `SELECT ${t.columns.map((c) => `CAST(NULL AS ${duckType(c.type)}) AS ${ident(c.name)}`).join(', ')} WHERE false`, columns: t.columns };
    }
    const rows = t.rows.map(
      (row) => `(${row.map((v, i) => `CAST(${nonNull(asType(v, t.columns[i].type, ctx), t.columns[i].type)} AS ${duckType(t.columns[i].type)})`).join(', ')})`,
    );
    return { sql: `SELECT * FROM (VALUES ${rows.join(', ')}) AS ${this.alias()}(${names})`, columns: t.columns };
  }

  private range(t: Extract<Tabular, { kind: 'range' }>): Rel {
    const ctx = this.ctx();
    const col = t.columns[0];
    const integral = col.type !== 'real' && col.type !== 'decimal';
    const type: KqlType = integral ? 'long' : 'real';
    const from = asType(t.from, type, ctx);
    const to = asType(t.to, type, ctx);
    const step = asType(t.step, type, ctx);
    const count = integral ? `((${to} - ${from}) // ${step}) + 1` : `CAST(floor((${to} - ${from}) / ${step}) AS BIGINT) + 1`;
    const alias = this.alias();
    return {
      sql: `SELECT CAST(${from} + ${alias}.i * ${step} AS ${duckType(col.type)}) AS ${ident(col.name)} FROM range(0, greatest(${count}, 0)) AS ${alias}(i)`,
      columns: t.columns,
    };
  }

  private union(t: Extract<Tabular, { kind: 'union' }>): Rel {
    const parts = t.inputs.map((input, index) => {
      const rel = this.rel(input);
      const items = t.columns.map((c) => {
        if (t.sourceColumn && c.name === t.sourceColumn) return `${this.params.text(t.sourceNames[index] ?? '')} AS ${ident(c.name)}`;
        const exact = rel.columns.find((x) => x.name === c.name);
        const suffixed = rel.columns.find((x) => `${x.name}_${x.type}` === c.name);
        const source = exact ?? suffixed;
        const value = source ? convert(ident(source.name), source.type, c.type) : nullOf(c.type);
        return `${value} AS ${ident(c.name)}`;
      });
      return `SELECT ${items.join(', ')} FROM (${rel.sql}) AS ${this.alias()}`;
    });
    return { sql: parts.map((p) => `(${p})`).join(' UNION ALL '), columns: t.columns };
  }

  private operator(input: Rel, op: Operator, columns: readonly ColumnDef[]): Rel {
    const from = input.table ? `FROM ${input.table} AS ${this.alias()}` : `FROM (${input.sql}) AS ${this.alias()}`;
    const ctx = this.ctx();
    const carry = this.partition ? `, ${PART}` : '';
    if (this.partition && (op.op === 'join' || op.op === 'makeseries' || op.op === 'mvapply' || op.op === 'topnested' || op.op === 'partition'))
      unsupportedAt(undefined, notSupported(`${op.op} inside an mv-apply subquery`));
    switch (op.op) {
      case 'where': {
        const w = this.windowed(input, [{ name: '', expr: op.predicate }]);
        if (w.window) {
          // prev()/next()/row_number() in a filter (`serialize | where x != prev(x)`): DuckDB allows no
          // window call in WHERE, so the predicate is computed as a column first, in row order.
          const keep = '"__kql_keep"';
          const test = asType(op.predicate, 'bool', this.ctx({ columns: input.columns, window: w.window }));
          const kept = `SELECT *, ${test} AS ${keep} FROM (${w.input.sql}) AS ${this.alias()}`;
          const names = [...input.columns.map((c) => ident(c.name)), ...(this.partition ? [PART] : [])].join(', ');
          return { sql: `SELECT ${names} FROM (${kept}) AS ${this.alias()} WHERE coalesce(${keep}, false) ORDER BY ${w.window.order}`, columns: input.columns };
        }
        return {
          sql: `SELECT * ${from} WHERE ${asType(op.predicate, 'bool', this.ctx({ columns: input.columns }))}`,
          columns: input.columns,
          repeatable: input.repeatable && deterministic(op.predicate),
        };
      }
      case 'extend': {
        const w = this.windowed(input, op.assignments);
        return {
          ...this.extend(w.input, op.assignments, columns, w.window),
          repeatable: input.repeatable && op.assignments.every((a) => deterministic(a.expr)),
        };
      }
      case 'project': {
        const w = this.windowed(input, op.assignments);
        const pctx = this.ctx({ window: w.window });
        const ordered = w.window ? ` ORDER BY ${w.window.order}` : '';
        const repeatable = input.repeatable && op.assignments.every((a) => deterministic(a.expr));
        return {
          sql: `SELECT ${op.assignments.map((a, i) => `${nonNull(asType(a.expr, columns[i].type, pctx), columns[i].type)} AS ${ident(a.name)}`).join(', ')}${carry} FROM (${w.input.sql}) AS ${this.alias()}${ordered}`,
          columns,
          repeatable,
        };
      }
      case 'select':
        // project-away of every column still leaves the rows (a later count sees them).
        return {
          sql: `SELECT ${op.items.map((i) => `${ident(i.from)} AS ${ident(i.name)}`).join(', ') || 'NULL AS "__kql_none"'}${carry} ${from}`,
          columns,
          repeatable: input.repeatable,
        };
      case 'summarize':
        return this.summarize(input, op.by, op.aggregates, columns);
      case 'sort':
        return { sql: `SELECT * ${from} ORDER BY ${this.partition ? `${PART}, ` : ''}${this.orderBy(op.keys)}`, columns: input.columns };
      case 'take':
        if (this.partition)
          return { sql: `SELECT * ${from} QUALIFY row_number() OVER (PARTITION BY ${PART}) <= ${asType(op.count, 'long', ctx)}`, columns: input.columns };
        return { sql: `SELECT * ${from} LIMIT ${literalCount(op.count) ?? asType(op.count, 'long', ctx)}`, columns: input.columns };
      case 'top':
        if (this.partition) {
          return {
            sql: `SELECT * ${from} QUALIFY row_number() OVER (PARTITION BY ${PART} ORDER BY ${this.orderBy(op.keys)}) <= ${asType(op.count, 'long', ctx)} ORDER BY ${PART}, ${this.orderBy(op.keys)}`,
            columns: input.columns,
          };
        }
        return {
          sql: `SELECT * ${from} ORDER BY ${this.orderBy(op.keys)} LIMIT ${literalCount(op.count) ?? asType(op.count, 'long', ctx)}`,
          columns: input.columns,
        };
      case 'count':
        if (this.partition) return { sql: `SELECT count(*) AS ${ident(op.name)}${carry} ${from} GROUP BY ${PART}`, columns };
        return { sql: `SELECT count(*) AS ${ident(op.name)} ${from}`, columns };
      case 'distinct':
        return this.distinct(input, op.assignments, columns);
      case 'join':
        return this.join(input, op, columns);
      case 'mvexpand':
        return this.mvExpand(input, op, columns);
      case 'parse':
        return this.parse(input, op, columns);
      case 'makeseries':
        return this.makeSeries(input, op, columns);
      case 'mvapply':
        return this.mvApply(input, op, columns);
      case 'partition':
        return this.partitionBy(input, op, columns);
      case 'parsekv': {
        // One regex per key: `key<kv>value` after the start or a pair delimiter; the value runs to the next delimiter.
        const text = asText(op.source, ctx);
        const esc = (t: string) => t.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
        const pair = esc(op.pairDelimiter);
        const plain = op.pairDelimiter.length === 1 ? `([^${pair}]*)` : `(.*?)(?:${pair}|$)`;
        const quoted = op.quote ? `${esc(op.quote)}([^${esc(op.quote)}]*)${esc(op.quote)}|` : '';
        const items = columns.map((c) => {
          const key = op.keys.find((k) => k.name === c.name);
          if (!key) return ident(c.name);
          const re = ctx.params.text(`(?:^|${pair})\\s*${esc(key.name)}\\s*${esc(op.kvDelimiter)}\\s*(?:${quoted}${plain})`);
          const groups = op.quote
            ? `coalesce(NULLIF(regexp_extract(${text}, ${re}, 1), ''), regexp_extract(${text}, ${re}, 2))`
            : `regexp_extract(${text}, ${re}, 1)`;
          const value = `CASE WHEN regexp_matches(${text}, ${re}) THEN trim(${groups}) END`;
          return `${c.type === 'string' ? `coalesce(${value}, '')` : convert(value, 'string', c.type)} AS ${ident(c.name)}`;
        });
        return { sql: `SELECT ${items.join(', ')}${carry} ${from}`, columns };
      }
      case 'topnested':
        return this.topNested(input, op, columns);
    }
  }

  private orderBy(keys: readonly SortKey[]): string {
    const ctx = this.ctx();
    return keys.map((k) => `${scalar(k.expr, ctx)} ${k.descending ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
  }

  /**
   * Window functions (row_number, row_cumsum, prev, next) see the serialized row order:
   * number the rows, and give each restart predicate a running segment number.
   */
  private windowed(input: Rel, assignments: readonly Assignment[]): { input: Rel; window?: ScalarContext['window'] } {
    const found = { any: false, restarts: [] as Expr[], dense: [] as Expr[], nested: [] as Expr[] };
    for (const a of assignments) windowCalls(a.expr, found);
    if (!found.any) return { input };
    const order = '"__kql_ord"';
    let sql = `SELECT *, row_number() OVER () AS ${order} FROM (${input.sql}) AS ${this.alias()}`;
    // Window calls inside a window call's first argument, innermost first: each argument in its own select.
    const hoisted = new Map<Expr, string>();
    found.nested.forEach((call, i) => {
      if (call.kind !== 'call') return;
      const name = `"__kql_arg${i}"`;
      const argCtx = this.ctx({ window: { order, segments: new Map(), arguments: hoisted } });
      sql = `SELECT *, ${scalar(call.args[0], argCtx)} AS ${name} FROM (${sql}) AS ${this.alias()}`;
      hoisted.set(call, name);
    });
    const segments = new Map<Expr, string>();
    found.restarts.forEach((restart, i) => {
      // The restart flag is computed in its own select: it may itself use prev()/next() (windows
      // over the row order), and DuckDB cannot nest one window call inside another's argument.
      const flag = `"__kql_restart${i}"`;
      const name = `"__kql_seg${i}"`;
      const flagCtx = this.ctx({ window: { order, segments: new Map(), arguments: hoisted } });
      const starts = `CASE WHEN coalesce(${asType(restart, 'bool', flagCtx)}, false) THEN 1 ELSE 0 END`;
      sql = `SELECT *, ${starts} AS ${flag} FROM (${sql}) AS ${this.alias()}`;
      sql = `SELECT *, sum(${flag}) OVER (ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${name} FROM (${sql}) AS ${this.alias()}`;
      segments.set(restart, name);
    });
    // row_rank_dense: 1 where the term differs from the previous row's (or a segment starts), in its own select.
    const changes = new Map<Expr, string>();
    found.dense.forEach((call, i) => {
      if (call.kind !== 'call') return;
      const flag = `"__kql_change${i}"`;
      const segment = call.args[1] ? segments.get(call.args[1]) : undefined;
      const term = hoisted.get(call) ?? scalar(call.args[0], this.ctx({ window: { order, segments } }));
      const previous = `lag(${term}) OVER (${segment ? `PARTITION BY ${segment} ` : ''}ORDER BY ${order})`;
      const first = `row_number() OVER (${segment ? `PARTITION BY ${segment} ` : ''}ORDER BY ${order}) = 1`;
      sql = `SELECT *, CASE WHEN ${first} OR ${term} IS DISTINCT FROM ${previous} THEN 1 ELSE 0 END AS ${flag} FROM (${sql}) AS ${this.alias()}`;
      changes.set(call, flag);
    });
    return { input: { sql, columns: input.columns }, window: { order, segments, changes, arguments: hoisted } };
  }

  private extend(input: Rel, assignments: readonly Assignment[], output: readonly ColumnDef[], window?: ScalarContext['window']): Rel {
    let current = input;
    let layer: Assignment[] = [];
    const typeOf = (name: string): KqlType => output.find((c) => c.name === name)?.type ?? 'dynamic';
    const flush = () => {
      if (layer.length === 0) return;
      // Only the first layer reads the numbered input; later ones see plain columns.
      const ctx = this.ctx({ window: current === input ? window : undefined });
      const assigned = new Map(layer.map((a) => [a.name, a]));
      const cols: ColumnDef[] = current.columns.map((c) => (assigned.has(c.name) ? { name: c.name, type: typeOf(c.name) } : c));
      for (const a of layer) if (!current.columns.some((c) => c.name === a.name)) cols.push({ name: a.name, type: typeOf(a.name) });
      const items = cols.map((c) => {
        const a = assigned.get(c.name);
        return a ? `${nonNull(asType(a.expr, c.type, ctx), c.type)} AS ${ident(c.name)}` : ident(c.name);
      });
      if (this.partition) items.push(PART);
      // Window functions keep the rows in their serialized order.
      const ordered = current === input && window ? ` ORDER BY ${window.order}` : '';
      current = { sql: `SELECT ${items.join(', ')} FROM (${current.sql}) AS ${this.alias()}${ordered}`, columns: cols };
      layer = [];
    };
    for (const a of assignments) {
      const pending = new Set(layer.map((l) => l.name));
      if (pending.has(a.name) || references(a.expr, pending)) flush();
      layer.push(a);
    }
    flush();
    // The analyzer's order wins (it is what Kusto returns).
    if (current.columns.map((c) => c.name).join('\u0000') !== output.map((c) => c.name).join('\u0000')) {
      return {
        sql: `SELECT ${output.map((c) => ident(c.name)).join(', ')}${this.partition ? `, ${PART}` : ''} FROM (${current.sql}) AS ${this.alias()}`,
        columns: output,
      };
    }
    return { sql: current.sql, columns: output };
  }

  /** Input with an ordinal, so groups can come out in first-seen order. */
  private numbered(input: Rel): string {
    return `SELECT *, row_number() OVER () AS ${ROW} FROM (${input.sql}) AS ${this.alias()}`;
  }

  private summarize(input: Rel, by: readonly Assignment[], aggregates: readonly Aggregate[], output: readonly ColumnDef[]): Rel {
    const aggCtx = this.ctx({ aggregate: (call, c) => aggregateCall(call, c) });
    const inner: string[] = by.map((b, i) => `${nonNull(asType(b.expr, output[i].type, this.ctx()), output[i].type)} AS ${ident(b.name)}`);
    const outer: string[] = by.map((b) => ident(b.name));
    // In an mv-apply subquery each sub-table is summarized on its own.
    if (this.partition) {
      inner.unshift(PART);
      outer.unshift(PART);
    }
    const keys = inner.length;
    /** Aggregates of exactly one distinct-count call (dcount(x) and the like): candidates for their own grouping, see below. */
    const distinctItems = new Set<string>();
    let holistic = false;
    let n = 0;
    const typeOf = (name: string): KqlType => output.find((c) => c.name === name)?.type ?? 'dynamic';
    for (const agg of aggregates) {
      const call = agg.expr.kind === 'call' ? agg.expr : undefined;
      if (call && (call.name === 'arg_max' || call.name === 'arg_min')) {
        const key = scalar(call.args[0], aggCtx);
        const fields = [key, ...(agg.carried ?? []).map((c) => scalar(c, this.ctx()))].map((v, i) => `f${i} := ${v}`);
        const name = `__agg${n++}`;
        inner.push(`${call.name}(struct_pack(${fields.join(', ')}), ${key}) AS ${name}`);
        for (const [i, out] of agg.names.entries()) outer.push(`struct_extract(${name}, 'f${i}') AS ${ident(out)}`);
      } else if (call && call.name === 'take_any_row') {
        const fields = (agg.carried ?? []).map((c, i) => `f${i} := ${scalar(c, this.ctx())}`);
        const name = `__agg${n++}`;
        inner.push(`any_value(struct_pack(${fields.join(', ')})) AS ${name}`);
        for (const [i, out] of agg.names.entries()) outer.push(`struct_extract(${name}, 'f${i}') AS ${ident(out)}`);
      } else if (call && call.name === 'percentilesw') {
        holistic = true;
        const array = `__agg${n++}`;
        inner.push(`${weightedPercentiles(call.args[0], call.args[1], call.args.slice(2), aggCtx)} AS ${array}`);
        for (const [i, out] of agg.names.entries()) outer.push(`${weightedPercentile(array, i, typeOf(out))} AS ${ident(out)}`);
      } else if (call && call.name === 'percentiles') {
        holistic = true;
        const value = asType(call.args[0], call.args[0].type === 'dynamic' ? 'real' : call.args[0].type, aggCtx);
        agg.names.forEach((out, i) => {
          const name = `__agg${n++}`;
          inner.push(
            `${convert(nearestRank(value, percentArg(call.args[i + 1], aggCtx)), call.args[0].type === 'dynamic' ? 'real' : call.args[0].type, typeOf(out))} AS ${name}`,
          );
          outer.push(`${name} AS ${ident(out)}`);
        });
      } else {
        if (agg.names.length !== 1) unsupportedAt(call?.span, notSupported('This aggregate'));
        const name = `__agg${n++}`;
        if (call && DISTINCT_COUNTS.has(call.name)) distinctItems.add(name);
        if (call && HOLISTIC.has(call.name)) holistic = true;
        inner.push(`${nonNull(convert(scalar(agg.expr, aggCtx), agg.expr.type, typeOf(agg.names[0])), typeOf(agg.names[0]))} AS ${name}`);
        outer.push(`${name} AS ${ident(agg.names[0])}`);
      }
    }
    const source = this.options.stableOrder ? this.numbered(input) : input.sql;
    const groupBy = keys > 0 ? ` GROUP BY ${Array.from({ length: keys }, (_, i) => i + 1).join(', ')}` : '';
    const order = this.options.stableOrder && keys > 0 ? ` ORDER BY min(${ROW})` : '';
    const mixed = distinctItems.size > 0 && distinctItems.size < n && holistic && input.repeatable && !this.options.stableOrder && !this.partition;
    const innerSql = mixed
      ? this.splitDistinct(
          input.sql,
          inner.slice(0, keys),
          inner.slice(keys),
          distinctItems,
          by.map((b) => ident(b.name)),
          groupBy,
        )
      : `SELECT ${inner.join(', ') || '1 AS __none'} FROM (${source}) AS ${this.alias()}${groupBy}${order}`;
    return { sql: `SELECT ${outer.join(', ')} FROM (${innerSql}) AS ${this.alias()}`, columns: output };
  }

  /**
   * A distinct count beside a percentile or a list, in one DuckDB GROUP BY, costs more than the two
   * apart: DuckDB merges the distinct values into the groups after the scan, with the percentile's
   * values in tow, often on one core (10 M rows: ~15 % more CPU, and 430–500 ms against 350–420 ms at best
   * on 2 idle cores). So the distinct counts get their own grouping of the same input, joined back
   * on the keys: each grouping has every key of the input once, so the join pairs them one to one.
   * Only for a repeatable input (a store table, filtered or computed on row by row), which a second
   * reading costs one scan and returns alike.
   */
  private splitDistinct(
    input: string,
    keyItems: readonly string[],
    aggItems: readonly string[],
    distinct: ReadonlySet<string>,
    keyNames: readonly string[],
    groupBy: string,
  ): string {
    // aggItems[i] is `... AS __agg<i>`.
    const isCount = (i: number) => distinct.has(`__agg${i}`);
    const side = (items: readonly string[]) => `SELECT ${[...keyItems, ...items].join(', ')} FROM (${input}) AS ${this.alias()}${groupBy}`;
    const main = this.alias();
    const counts = this.alias();
    const on = keyNames.map((k) => `${main}.${k} IS NOT DISTINCT FROM ${counts}.${k}`).join(' AND ');
    const columns = [...keyNames.map((k) => `${main}.${k}`), ...aggItems.map((_, i) => `${isCount(i) ? counts : main}.__agg${i}`)];
    const mainSql = side(aggItems.filter((_, i) => !isCount(i)));
    const countsSql = side(aggItems.filter((_, i) => isCount(i)));
    const join = on ? `JOIN (${countsSql}) AS ${counts} ON ${on}` : `CROSS JOIN (${countsSql}) AS ${counts}`;
    return `SELECT ${columns.join(', ')} FROM (${mainSql}) AS ${main} ${join}`;
  }

  private distinct(input: Rel, assignments: readonly Assignment[], output: readonly ColumnDef[]): Rel {
    const ctx = this.ctx();
    const items = assignments.map((a, i) => `${nonNull(asType(a.expr, output[i].type, ctx), output[i].type)} AS ${ident(a.name)}`);
    if (this.partition) items.push(PART);
    if (!this.options.stableOrder) return { sql: `SELECT DISTINCT ${items.join(', ')} FROM (${input.sql}) AS ${this.alias()}`, columns: output };
    const grouped = `SELECT ${items.join(', ')} FROM (${this.numbered(input)}) AS ${this.alias()} GROUP BY ${items.map((_, i) => i + 1).join(', ')} ORDER BY min(${ROW})`;
    return { sql: grouped, columns: output };
  }

  private join(input: Rel, op: Extract<Operator, { op: 'join' }>, output: readonly ColumnDef[]): Rel {
    const right = this.rel(op.right);
    const l = this.alias();
    const r = this.alias();
    const ctx = this.ctx({ sides: { left: l, right: r } });
    const on = op.keys.map((k) => `${scalar(k.left, ctx)} = ${convert(scalar(k.right, ctx), k.right.type, k.left.type)}`).join(' AND ') || 'true';
    let leftSql = input.sql;
    if (op.kind === 'innerunique') {
      const keys = op.keys.map((k) => ident((k.left as Extract<Expr, { kind: 'column' }>).name)).join(', ');
      leftSql = `SELECT * FROM (${input.sql}) AS ${this.alias()} QUALIFY row_number() OVER (PARTITION BY ${keys}) = 1`;
    }
    if (op.kind === 'leftsemi' || op.kind === 'leftanti' || op.kind === 'rightsemi' || op.kind === 'rightanti') {
      const keepLeft = op.kind.startsWith('left');
      const exists = `EXISTS (SELECT 1 FROM (${keepLeft ? right.sql : input.sql}) AS ${keepLeft ? r : l} WHERE ${on})`;
      const test = op.kind.endsWith('anti') ? `NOT ${exists}` : exists;
      const kept = keepLeft ? input : right;
      const alias = keepLeft ? l : r;
      const items = output.map((c, i) => `${alias}.${ident(kept.columns[i]?.name ?? c.name)} AS ${ident(c.name)}`);
      return { sql: `SELECT ${items.join(', ')} FROM (${kept.sql}) AS ${alias} WHERE ${test}`, columns: output };
    }
    const rightKeys = new Set(op.keys.map((k) => (k.right as Extract<Expr, { kind: 'column' }>).name));
    const leftKeys = new Map(op.keys.map((k) => [(k.left as Extract<Expr, { kind: 'column' }>).name, (k.right as Extract<Expr, { kind: 'column' }>).name]));
    const outer = op.kind === 'leftouter' || op.kind === 'rightouter' || op.kind === 'fullouter';
    const rightCols = op.lookup ? right.columns.filter((c) => !rightKeys.has(c.name)) : right.columns;
    if (input.columns.length + rightCols.length !== output.length)
      unsupportedAt(undefined, notSupported('This join (its output columns could not be matched)'));
    const items = output.map((c, i) => {
      if (i < input.columns.length) {
        const name = input.columns[i].name;
        // lookup keeps one key column: take the right one when the left row has no match (rightouter/fullouter).
        const value =
          op.lookup && leftKeys.has(name) && (op.kind === 'rightouter' || op.kind === 'fullouter')
            ? `coalesce(${l}.${ident(name)}, ${r}.${ident(leftKeys.get(name) as string)})`
            : `${l}.${ident(name)}`;
        return `${c.type === 'string' && outer ? `coalesce(${value}, '')` : value} AS ${ident(c.name)}`;
      }
      const value = `${r}.${ident(rightCols[i - input.columns.length].name)}`;
      return `${c.type === 'string' && outer ? `coalesce(${value}, '')` : value} AS ${ident(c.name)}`;
    });
    const joinKind = { innerunique: 'INNER', inner: 'INNER', leftouter: 'LEFT', rightouter: 'RIGHT', fullouter: 'FULL' }[op.kind as 'inner'];
    return { sql: `SELECT ${items.join(', ')} FROM (${leftSql}) AS ${l} ${joinKind} JOIN (${right.sql}) AS ${r} ON ${on}`, columns: output };
  }

  /** Each mv-expand/mv-apply expression as a DuckDB list: array elements, one-entry bags, or the value itself. */
  private expansionLists(op: {
    readonly items: readonly { readonly name: string; readonly expr: Expr }[];
    readonly limit?: Expr;
    readonly bagAsArray?: boolean;
  }): Map<string, string> {
    const ctx = this.ctx();
    const lists = new Map<string, string>();
    for (const item of op.items) {
      const json = item.expr.type === 'dynamic' ? scalar(item.expr, ctx) : asType(item.expr, 'dynamic', ctx);
      let list =
        `CASE WHEN json_type(${json}) = 'ARRAY' THEN CAST(json_extract(${json}, '$[*]') AS JSON[]) ` +
        `WHEN json_type(${json}) = 'OBJECT' THEN list_transform(json_keys(${json}), k -> ${op.bagAsArray ? 'json_array' : 'json_object'}(k, json_extract(${json}, '$."' || replace(k, '"', '\\"') || '"'))) ` +
        `ELSE [${json}] END`;
      if (op.limit) list = `(${list})[1:${asType(op.limit, 'long', ctx)}]`;
      lists.set(item.name, list);
    }
    return lists;
  }

  private mvExpand(input: Rel, op: Extract<Operator, { op: 'mvexpand' }>, output: readonly ColumnDef[]): Rel {
    const lists = this.expansionLists(op);
    const inner: string[] = [];
    for (const c of output) {
      const list = lists.get(c.name);
      if (list) inner.push(`unnest(${list}) AS ${ident(c.name)}`);
      else if (c.name === op.indexColumn)
        inner.push(`unnest(range(0, greatest(${[...lists.values()].map((l) => `len(${l})`).join(', ')}))) AS ${ident(c.name)}`);
      else inner.push(ident(c.name));
    }
    if (this.partition) inner.push(PART);
    const innerSql = `SELECT ${inner.join(', ')} FROM (${input.sql}) AS ${this.alias()}`;
    const outer = output.map((c) => {
      if (lists.has(c.name)) return `${expandedValue(ident(c.name), c.type)} AS ${ident(c.name)}`;
      return ident(c.name);
    });
    if (this.partition) outer.push(PART);
    return { sql: `SELECT ${outer.join(', ')} FROM (${innerSql}) AS ${this.alias()}`, columns: output };
  }

  /**
   * mv-apply: number the input rows, expand each row's arrays into a sub-table (tagged
   * with its row), run the subquery with that tag carried through every operator, and
   * join the results back to the rows' other columns.
   */
  private mvApply(input: Rel, op: Extract<Operator, { op: 'mvapply' }>, output: readonly ColumnDef[]): Rel {
    const base = this.alias();
    const numbered = `SELECT *, row_number() OVER () AS ${PART} FROM (${input.sql}) AS ${this.alias()}`;
    const lists = this.expansionLists(op);
    const expandedColumns: ColumnDef[] = [
      ...(op.indexColumn ? [{ name: op.indexColumn, type: 'long' as KqlType }] : []),
      ...op.items.map((i) => ({ name: i.name, type: i.type })),
    ];
    const unnested = [PART, ...[...lists.entries()].map(([name, list]) => `unnest(${list}) AS ${ident(name)}`)];
    if (op.indexColumn) unnested.push(`unnest(range(0, greatest(${[...lists.values()].map((l) => `len(${l})`).join(', ')}))) AS ${ident(op.indexColumn)}`);
    const typed = expandedColumns.map((c) => (lists.has(c.name) ? `${expandedValue(ident(c.name), c.type)} AS ${ident(c.name)}` : ident(c.name)));
    const expandedSql = `SELECT ${typed.join(', ')}, ${PART} FROM (SELECT ${unnested.join(', ')} FROM (${numbered}) AS ${this.alias()}) AS ${this.alias()}`;
    const sub = this.perSubTable({ sql: expandedSql, columns: expandedColumns }, op.subquery);
    const s = this.alias();
    const items = output.map((c) => `${sub.columns.some((x) => x.name === c.name) ? `${s}.${ident(c.name)}` : `${base}.${ident(c.name)}`} AS ${ident(c.name)}`);
    return {
      sql: `SELECT ${items.join(', ')} FROM (${numbered}) AS ${base} JOIN (${sub.sql}) AS ${s} ON ${base}.${PART} = ${s}.${PART} ORDER BY ${base}.${PART}`,
      columns: output,
    };
  }

  /**
   * Translates a subquery (mv-apply's, partition's) that runs once per sub-table: its
   * implicit input is `rows`, tagged with the sub-table number in PART.
   */
  private perSubTable(rows: Rel, subquery: Tabular): Rel {
    const saved = { implicit: this.implicit, partition: this.partition };
    this.implicit = rows;
    this.partition = true;
    try {
      return this.rel(subquery);
    } finally {
      this.implicit = saved.implicit;
      this.partition = saved.partition;
    }
  }

  /** partition by Key (subquery): the rows of each key value form one sub-table, tagged like mv-apply's. */
  private partitionBy(input: Rel, op: Extract<Operator, { op: 'partition' }>, output: readonly ColumnDef[]): Rel {
    const tagged = `SELECT *, dense_rank() OVER (ORDER BY ${scalar(op.key, this.ctx())}) AS ${PART} FROM (${input.sql}) AS ${this.alias()}`;
    const sub = this.perSubTable({ sql: tagged, columns: input.columns }, op.subquery);
    return { sql: `SELECT ${output.map((c) => ident(c.name)).join(', ')} FROM (${sub.sql}) AS ${this.alias()} ORDER BY ${PART}`, columns: output };
  }

  /**
   * top-nested: level i groups the rows under each kept value of levels 1..i-1 by its key,
   * keeps the top N by its aggregate, and (with others=) adds one row for the rest.
   */
  private topNested(input: Rel, op: Extract<Operator, { op: 'topnested' }>, output: readonly ColumnDef[]): Rel {
    const ctx = this.ctx();
    const aggCtx = this.ctx({ aggregate: (call, c) => aggregateCall(call, c) });
    const keyType = (i: number) => output[2 * i].type;
    const keys = op.levels.map((l, i) => `${nonNull(asType(l.key, keyType(i), ctx), keyType(i))} AS __k${i}`);
    const src = `SELECT *, ${keys.join(', ')} FROM (${input.sql}) AS ${this.alias()}`;
    const same = (a: string, b: string, upto: number) => Array.from({ length: upto }, (_, j) => `${a}.__k${j} IS NOT DISTINCT FROM ${b}.__k${j}`);
    let kept = ''; // rows of the previous levels' kept paths: __k0.., __a0..
    let keptColumns: string[] = [];
    const results: string[] = [];
    op.levels.forEach((level, i) => {
      const parents = Array.from({ length: i }, (_, j) => `__k${j}`);
      const aggregate = convert(scalar(level.aggregate, aggCtx), level.aggregate.type, output[2 * i + 1].type);
      const scope = i === 0 ? `(${src}) AS _s` : `(${src}) AS _s JOIN (${kept}) AS _p ON ${same('_s', '_p', i).join(' AND ')}`;
      const parentCols = parents.map((p) => `_s.${p}`);
      const grouped = `SELECT ${[...parentCols, `_s.__k${i}`].join(', ')}, ${aggregate} AS __a${i} FROM ${scope} GROUP BY ${[...parentCols, `_s.__k${i}`].join(', ')}`;
      const order = `__a${i} ${level.descending ? 'DESC' : 'ASC'} NULLS LAST`;
      const ranked = `SELECT *, row_number() OVER (${parents.length > 0 ? `PARTITION BY ${parents.join(', ')} ` : ''}ORDER BY ${order}) AS __r FROM (${grouped}) AS _g`;
      const limit = level.count ? ` WHERE __r <= ${asType(level.count, 'long', ctx)}` : '';
      const top = `SELECT ${[...parents, `__k${i}`, `__a${i}`].join(', ')} FROM (${ranked}) AS _r${limit}`;
      const withParents =
        i === 0
          ? top
          : `SELECT ${[...keptColumns.map((c) => `_p.${c}`), `_t.__k${i}`, `_t.__a${i}`].join(', ')} FROM (${kept}) AS _p JOIN (${top}) AS _t ON ${same('_p', '_t', i).join(' AND ')}`;
      if (level.others) {
        const others = asType(level.others, keyType(i), ctx);
        const rest = `SELECT ${[...parentCols, `${others} AS __k${i}`].join(', ')}, ${aggregate} AS __a${i} FROM ${scope} WHERE NOT EXISTS (SELECT 1 FROM (${top}) AS _t WHERE ${[...same('_s', '_t', i), `_s.__k${i} IS NOT DISTINCT FROM _t.__k${i}`].join(' AND ')}) GROUP BY ${[...parentCols].join(', ') || 'ALL'}`;
        const restWithParents =
          i === 0
            ? rest
            : `SELECT ${[...keptColumns.map((c) => `_p.${c}`), `_o.__k${i}`, `_o.__a${i}`].join(', ')} FROM (${kept}) AS _p JOIN (${rest}) AS _o ON ${same('_p', '_o', i).join(' AND ')}`;
        const width = op.levels.length;
        const pad = (cols: number) => Array.from({ length: width - cols }, (_, j) => `NULL AS __k${cols + j}, NULL AS __a${cols + j}`).join(', ');
        results.push(`SELECT *${i + 1 < width ? `, ${pad(i + 1)}` : ''} FROM (${restWithParents}) AS _x`);
      }
      keptColumns = [...keptColumns, `__k${i}`, `__a${i}`];
      kept = withParents;
    });
    const columns = op.levels.flatMap((_, i) => [`__k${i}`, `__a${i}`]);
    const union = [`SELECT ${columns.join(', ')} FROM (${kept}) AS _k`, ...results.map((r) => `SELECT ${columns.join(', ')} FROM (${r}) AS _o`)].join(
      ' UNION ALL ',
    );
    const items = output.map((c, i) => `${i % 2 === 0 ? nonNull(`__k${i / 2}`, c.type) : `__a${(i - 1) / 2}`} AS ${ident(c.name)}`);
    return { sql: `SELECT ${items.join(', ')} FROM (${union}) AS ${this.alias()}`, columns: output };
  }

  /**
   * make-series: aggregate per group and bin index, then one array per aggregate with
   * the default value in empty bins, and the axis as an array.
   */
  private makeSeries(input: Rel, op: Extract<Operator, { op: 'makeseries' }>, output: readonly ColumnDef[]): Rel {
    const ctx = this.ctx();
    const aggCtx = this.ctx({ aggregate: (call, c) => aggregateCall(call, c) });
    const axisType = op.axis.type;
    const integral = axisType !== 'real' && axisType !== 'decimal';
    const type: KqlType = integral ? 'long' : 'real';
    const axis = asType(op.axis, type, ctx);
    const from = asType(op.from, type, ctx);
    const to = asType(op.to, type, ctx);
    const step = asType(op.step, type, ctx);
    const start = op.inclusive ? (integral ? floorTo(from, step) : `(floor(${from} / ${step}) * ${step})`) : from;
    const index = integral ? `((${axis} - ${start}) // ${step})` : `CAST(floor((${axis} - ${start}) / ${step}) AS BIGINT)`;
    const count = op.inclusive
      ? integral
        ? `((${to} - ${start}) // ${step} + 1)`
        : `CAST(floor((${to} - ${start}) / ${step}) AS BIGINT) + 1`
      : integral
        ? `((${to} - ${start} + ${step} - 1) // ${step})`
        : `CAST(ceil((${to} - ${start}) / ${step}) AS BIGINT)`;
    const within = op.inclusive ? `${axis} >= ${start} AND ${axis} <= ${to}` : `${axis} >= ${start} AND ${axis} < ${to}`;
    const inner = [
      ...op.by.map((b, i) => `${nonNull(asType(b.expr, output[i].type, ctx), output[i].type)} AS ${ident(b.name)}`),
      `${index} AS __idx`,
      ...op.aggregates.map((a, i) => `${toJson(scalar(a.expr, aggCtx), a.expr.type)} AS __a${i}`),
    ];
    const byPositions = op.by.map((_, i) => i + 1);
    const groupBy = `GROUP BY ${[...byPositions, op.by.length + 1].join(', ')}`;
    const source = this.options.stableOrder ? this.numbered(input) : input.sql;
    const order = this.options.stableOrder ? `, min(${ROW}) AS ${ROW}` : '';
    const innerSql = `SELECT ${inner.join(', ')}${order} FROM (${source}) AS ${this.alias()} WHERE ${within} ${groupBy}`;
    const middle = [
      ...op.by.map((b) => ident(b.name)),
      'list(__idx ORDER BY __idx) AS __idxs',
      ...op.aggregates.map((_, i) => `list(__a${i} ORDER BY __idx) AS __l${i}`),
    ];
    const middleOrder = this.options.stableOrder ? `, min(${ROW}) AS ${ROW}` : '';
    let middleSql = `SELECT ${middle.join(', ')}${middleOrder} FROM (${innerSql}) AS ${this.alias()}${op.by.length > 0 ? ` GROUP BY ${byPositions.join(', ')}` : ' HAVING count(*) > 0'}`;
    if (op.nonEmpty && op.by.length === 0) {
      // kind=nonempty: one row of defaults even when nothing falls in the range.
      const all = this.alias();
      middleSql = `SELECT ${all}.* FROM (SELECT 1) AS _one LEFT JOIN (${middleSql.replace(' HAVING count(*) > 0', '')}) AS ${all} ON true`;
    }
    const series = op.aggregates.map((a, i) => {
      const fallback = a.fallback ? toJson(scalar(a.fallback, ctx), a.fallback.type) : `CAST('0' AS JSON)`;
      return `to_json(list_transform(range(0, greatest(${count}, 0)), i -> coalesce(__l${i}[list_position(__idxs, i)], ${fallback}))) AS ${ident(a.name)}`;
    });
    const axisValue = toJson(integral ? `(${start} + i * ${step})` : `(${start} + i * ${step})`, axisType === 'int' ? 'long' : axisType);
    const outer = [
      ...op.by.map((b) => ident(b.name)),
      ...series,
      `to_json(list_transform(range(0, greatest(${count}, 0)), i -> ${axisValue})) AS ${ident(op.axisName)}`,
    ];
    const final = this.options.stableOrder && op.by.length > 0 ? ` ORDER BY ${ROW}` : '';
    return { sql: `SELECT ${outer.join(', ')} FROM (${middleSql}) AS ${this.alias()}${final}`, columns: output };
  }

  /**
   * parse: one regex over the source text. simple = constants literal, typed columns must
   * convert or the whole row gets nulls; relaxed = a column that does not convert is null
   * alone; regex = constants are regular expressions (with optional flags).
   */
  private parse(input: Rel, op: Extract<Operator, { op: 'parse' }>, output: readonly ColumnDef[]): Rel {
    const ctx = this.ctx();
    const regexMode = op.mode === 'regex';
    let pattern = `(?s${op.flags})${regexMode ? '' : '^'}`;
    const groups = new Map<string, { index: number; type: KqlType }>();
    op.parts.forEach((part, i) => {
      const last = i === op.parts.length - 1;
      if (part.kind === 'text') pattern += regexMode ? `(?:${part.text})` : part.text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
      else if (part.kind === 'any') pattern += last ? '.*' : '.*?';
      else {
        const integral = part.type === 'int' || part.type === 'long';
        // relaxed: a value of the wrong type still lets the rest of the pattern match (the column is then null).
        const alternative = op.mode === 'relaxed' ? '|.*?' : '';
        const numeric = integral
          ? `(-?\\d+${alternative})`
          : part.type === 'real' || part.type === 'decimal'
            ? `(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?${alternative})`
            : undefined;
        pattern += numeric ?? (last || regexMode ? '(.*)' : '(.*?)');
        groups.set(part.name, { index: groups.size + 1, type: part.type });
      }
    });
    const source = asText(op.source, ctx);
    const re = ctx.params.text(pattern);
    const matched = `regexp_matches(${source}, ${re})`;
    const text = (g: number) => `CASE WHEN ${matched} THEN regexp_extract(${source}, ${re}, ${g}) END`;
    const typed = (g: { index: number; type: KqlType }) => (g.type === 'string' ? text(g.index) : convert(text(g.index), 'string', g.type));
    // simple: every typed column must convert, or the row gets no values at all.
    const strictChecks = op.mode === 'simple' ? [...groups.values()].filter((g) => g.type !== 'string').map((g) => `${typed(g)} IS NOT NULL`) : [];
    const ok = strictChecks.length > 0 ? `(${strictChecks.join(' AND ')})` : undefined;
    const items = output.map((c) => {
      const g = groups.get(c.name);
      if (!g) return ident(c.name);
      const value = ok ? `CASE WHEN ${ok} THEN ${typed(g)} END` : typed(g);
      return `${c.type === 'string' ? `coalesce(${value}, '')` : value} AS ${ident(c.name)}`;
    });
    if (this.partition) items.push(PART);
    return { sql: `SELECT ${items.join(', ')} FROM (${input.sql}) AS ${this.alias()}`, columns: output };
  }
}

/**
 * Some branches bind a value and then do not use it (e.g. `has ""` is always true);
 * DuckDB rejects parameters the statement does not mention, so renumber the used ones.
 * `$n` only ever appears in the SQL as our own placeholder: user text is never in it.
 */
function compactParams(sql: string, values: readonly BoundParam[]): { sql: string; params: BoundParam[]; renumbered: Map<number, number> } {
  const renumbered = new Map<number, number>();
  const params: BoundParam[] = [];
  const text = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const old = Number(n);
    let next = renumbered.get(old);
    if (next === undefined) {
      params.push(values[old - 1]);
      next = params.length;
      renumbered.set(old, next);
    }
    return `$${next}`;
  });
  return { sql: text, params, renumbered };
}

/** KQL strings are never null: computed string columns get '' instead, so later operators can rely on it. */
function nonNull(sql: string, type: KqlType): string {
  // A plain column of a relation we built is never null (store, datatable, union, joins and parse all fill '').
  if (type !== 'string' || PLAIN_COLUMN.test(sql)) return sql;
  return `coalesce(${sql}, '')`;
}

const PLAIN_COLUMN = /^"(?:[^"]|"")*"$/;

/** A literal count (take, top) as SQL: a number the engine formats itself, so the optimizer sees a constant LIMIT. */
function literalCount(e: Expr): string | undefined {
  return e.kind === 'literal' && typeof e.value === 'bigint' && e.value >= 0n ? e.value.toString() : undefined;
}

/** The value of a missing column in a union: KQL strings are never null. */
function nullOf(type: KqlType): string {
  return type === 'string' ? "''" : `CAST(NULL AS ${duckType(type)})`;
}

/** The final projection: one canonical DuckDB type per KQL type, strings never null. */
function finalValue(sql: string, type: KqlType): string {
  if (type === 'string') return `coalesce(CAST(${sql} AS VARCHAR), '')`;
  if (type === 'guid') return `CAST(${sql} AS VARCHAR)`;
  if (type === 'dynamic') return `CAST(${sql} AS VARCHAR)`;
  return `CAST(${sql} AS ${duckType(type)})`;
}
