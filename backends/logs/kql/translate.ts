/**
 * Our KQL AST → one DuckDB SELECT with bound parameters. Each pipeline operator wraps
 * the SQL of its input in a sub-select; output column names and types are the
 * analyzer's, so results carry the names Kusto would give them.
 */
import type { Aggregate, Assignment, Expr, Operator, Query, SortKey, Tabular } from './ast';
import { aggregateCall, nearestRank } from './aggregates';
import { notSupported } from './errors';
import { asText, asType, scalar, unsupportedAt, type ScalarContext } from './scalar';
import { bindLiteral, convert, ident, Params, toJson, type BoundParam } from './sql';
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
  /** Index in `params` of the bound now() (a cached translation re-binds it), if used. */
  readonly nowParam?: number;
}

interface Rel {
  readonly sql: string;
  readonly columns: readonly ColumnDef[];
}

const ROW = '__kql_row';

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

export class Translator {
  private readonly params = new Params();
  private nowSql?: string;
  private aliases = 0;

  constructor(private readonly options: TranslateOptions) {}

  /** Bound on first use only: a parameter DuckDB does not see in the text is an error. */
  private now(): string {
    if (this.nowSql === undefined) this.nowSql = this.params.long(this.options.nowTicks);
    return this.nowSql;
  }

  translate(query: Query, maxRows?: number): Translation {
    const body = this.rel(query.body);
    const alias = this.alias();
    const select = body.columns.map((c) => `${finalValue(`${alias}.${ident(c.name)}`, c.type)} AS ${ident(c.name)}`).join(', ');
    const limit = maxRows !== undefined ? ` LIMIT ${Math.max(0, Math.floor(maxRows))}` : '';
    const sql = `SELECT ${select || '1 AS "_"'} FROM (${body.sql}) AS ${alias}${limit}`;
    const nowOld = this.nowSql ? Number(/\$(\d+)/.exec(this.nowSql)?.[1]) : undefined;
    const compacted = compactParams(sql, this.params.values);
    const nowParam = nowOld !== undefined ? compacted.renumbered.get(nowOld) : undefined;
    return { sql: compacted.sql, params: compacted.params, columns: body.columns, nowParam: nowParam === undefined ? undefined : nowParam - 1 };
  }

  private alias(): string {
    this.aliases += 1;
    return `_t${this.aliases}`;
  }

  private ctx(extra: Partial<ScalarContext> = {}): ScalarContext {
    const now = () => this.now();
    return {
      params: this.params,
      get now() {
        return now();
      },
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
        return { sql: `SELECT ${t.columns.map((c) => ident(c.name)).join(', ')} FROM ${ident(t.name)}${where}`, columns: t.columns };
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
    const rows = t.rows.map((row) => `(${row.map((v, i) => `CAST(${asType(v, t.columns[i].type, ctx)} AS ${duckType(t.columns[i].type)})`).join(', ')})`);
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
    const from = `FROM (${input.sql}) AS ${this.alias()}`;
    const ctx = this.ctx();
    switch (op.op) {
      case 'where':
        return { sql: `SELECT * ${from} WHERE ${asType(op.predicate, 'bool', ctx)}`, columns: input.columns };
      case 'extend':
        return this.extend(input, op.assignments, columns);
      case 'project':
        return { sql: `SELECT ${op.assignments.map((a, i) => `${nonNull(asType(a.expr, columns[i].type, ctx), columns[i].type)} AS ${ident(a.name)}`).join(', ')} ${from}`, columns };
      case 'select':
        return { sql: `SELECT ${op.items.map((i) => `${ident(i.from)} AS ${ident(i.name)}`).join(', ')} ${from}`, columns };
      case 'summarize':
        return this.summarize(input, op.by, op.aggregates, columns);
      case 'sort':
        return { sql: `SELECT * ${from} ORDER BY ${this.orderBy(op.keys)}`, columns: input.columns };
      case 'take':
        return { sql: `SELECT * ${from} LIMIT ${asType(op.count, 'long', ctx)}`, columns: input.columns };
      case 'top':
        return { sql: `SELECT * ${from} ORDER BY ${this.orderBy(op.keys)} LIMIT ${asType(op.count, 'long', ctx)}`, columns: input.columns };
      case 'count':
        return { sql: `SELECT count(*) AS ${ident(op.name)} ${from}`, columns };
      case 'distinct':
        return this.distinct(input, op.assignments, columns);
      case 'join':
        return this.join(input, op, columns);
      case 'mvexpand':
        return this.mvExpand(input, op, columns);
      case 'parse':
        return this.parse(input, op, columns);
    }
  }

  private orderBy(keys: readonly SortKey[]): string {
    const ctx = this.ctx();
    return keys.map((k) => `${scalar(k.expr, ctx)} ${k.descending ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
  }

  private extend(input: Rel, assignments: readonly Assignment[], output: readonly ColumnDef[]): Rel {
    let current = input;
    let layer: Assignment[] = [];
    const typeOf = (name: string): KqlType => output.find((c) => c.name === name)?.type ?? 'dynamic';
    const flush = () => {
      if (layer.length === 0) return;
      const ctx = this.ctx();
      const assigned = new Map(layer.map((a) => [a.name, a]));
      const cols: ColumnDef[] = current.columns.map((c) => (assigned.has(c.name) ? { name: c.name, type: typeOf(c.name) } : c));
      for (const a of layer) if (!current.columns.some((c) => c.name === a.name)) cols.push({ name: a.name, type: typeOf(a.name) });
      const items = cols.map((c) => {
        const a = assigned.get(c.name);
        return a ? `${nonNull(asType(a.expr, c.type, ctx), c.type)} AS ${ident(c.name)}` : ident(c.name);
      });
      current = { sql: `SELECT ${items.join(', ')} FROM (${current.sql}) AS ${this.alias()}`, columns: cols };
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
      return { sql: `SELECT ${output.map((c) => ident(c.name)).join(', ')} FROM (${current.sql}) AS ${this.alias()}`, columns: output };
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
    let n = 0;
    const typeOf = (name: string): KqlType => output.find((c) => c.name === name)?.type ?? 'dynamic';
    for (const agg of aggregates) {
      const call = agg.expr.kind === 'call' ? agg.expr : undefined;
      if (call && (call.name === 'arg_max' || call.name === 'arg_min')) {
        const key = scalar(call.args[0], aggCtx);
        const fields = [key, ...(agg.carried ?? []).map((c) => ident(c))].map((v, i) => `f${i} := ${v}`);
        const name = `__agg${n++}`;
        inner.push(`${call.name}(struct_pack(${fields.join(', ')}), ${key}) AS ${name}`);
        agg.names.forEach((out, i) => outer.push(`struct_extract(${name}, 'f${i}') AS ${ident(out)}`));
      } else if (call && call.name === 'percentiles') {
        const value = asType(call.args[0], call.args[0].type === 'dynamic' ? 'real' : call.args[0].type, aggCtx);
        agg.names.forEach((out, i) => {
          const name = `__agg${n++}`;
          inner.push(`${convert(nearestRank(value, asType(call.args[i + 1], 'real', aggCtx)), call.args[0].type === 'dynamic' ? 'real' : call.args[0].type, typeOf(out))} AS ${name}`);
          outer.push(`${name} AS ${ident(out)}`);
        });
      } else {
        if (agg.names.length !== 1) unsupportedAt(call?.span, notSupported('This aggregate'));
        const name = `__agg${n++}`;
        inner.push(`${nonNull(convert(scalar(agg.expr, aggCtx), agg.expr.type, typeOf(agg.names[0])), typeOf(agg.names[0]))} AS ${name}`);
        outer.push(`${name} AS ${ident(agg.names[0])}`);
      }
    }
    const source = this.options.stableOrder ? this.numbered(input) : input.sql;
    const groupBy = by.length > 0 ? ` GROUP BY ${by.map((_, i) => i + 1).join(', ')}` : '';
    const order = this.options.stableOrder && by.length > 0 ? ` ORDER BY min(${ROW})` : '';
    const innerSql = `SELECT ${inner.join(', ') || '1 AS __none'} FROM (${source}) AS ${this.alias()}${groupBy}${order}`;
    return { sql: `SELECT ${outer.join(', ')} FROM (${innerSql}) AS ${this.alias()}`, columns: output };
  }

  private distinct(input: Rel, assignments: readonly Assignment[], output: readonly ColumnDef[]): Rel {
    const ctx = this.ctx();
    const items = assignments.map((a, i) => `${nonNull(asType(a.expr, output[i].type, ctx), output[i].type)} AS ${ident(a.name)}`);
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
    if (input.columns.length + rightCols.length !== output.length) unsupportedAt(undefined, notSupported('This join (its output columns could not be matched)'));
    const items = output.map((c, i) => {
      if (i < input.columns.length) {
        const name = input.columns[i].name;
        // lookup keeps one key column: take the right one when the left row has no match (rightouter/fullouter).
        const value = op.lookup && leftKeys.has(name) && (op.kind === 'rightouter' || op.kind === 'fullouter') ? `coalesce(${l}.${ident(name)}, ${r}.${ident(leftKeys.get(name) as string)})` : `${l}.${ident(name)}`;
        return `${c.type === 'string' && outer ? `coalesce(${value}, '')` : value} AS ${ident(c.name)}`;
      }
      const value = `${r}.${ident(rightCols[i - input.columns.length].name)}`;
      return `${c.type === 'string' && outer ? `coalesce(${value}, '')` : value} AS ${ident(c.name)}`;
    });
    const joinKind = { innerunique: 'INNER', inner: 'INNER', leftouter: 'LEFT', rightouter: 'RIGHT', fullouter: 'FULL' }[op.kind as 'inner'];
    return { sql: `SELECT ${items.join(', ')} FROM (${leftSql}) AS ${l} ${joinKind} JOIN (${right.sql}) AS ${r} ON ${on}`, columns: output };
  }

  private mvExpand(input: Rel, op: Extract<Operator, { op: 'mvexpand' }>, output: readonly ColumnDef[]): Rel {
    const ctx = this.ctx();
    const lists = new Map<string, string>();
    for (const item of op.items) {
      const json = item.expr.type === 'dynamic' ? scalar(item.expr, ctx) : asType(item.expr, 'dynamic', ctx);
      let list =
        `CASE WHEN json_type(${json}) = 'ARRAY' THEN CAST(json_extract(${json}, '$[*]') AS JSON[]) ` +
        `WHEN json_type(${json}) = 'OBJECT' THEN list_transform(json_keys(${json}), k -> json_object(k, json_extract(${json}, '$."' || replace(k, '"', '\\"') || '"'))) ` +
        `ELSE [${json}] END`;
      if (op.limit) list = `(${list})[1:${asType(op.limit, 'long', ctx)}]`;
      lists.set(item.name, list);
    }
    const inner: string[] = [];
    for (const c of output) {
      const list = lists.get(c.name);
      if (list) inner.push(`unnest(${list}) AS ${ident(c.name)}`);
      else if (c.name === op.indexColumn) inner.push(`unnest(range(0, greatest(${[...lists.values()].map((l) => `len(${l})`).join(', ')}))) AS ${ident(c.name)}`);
      else inner.push(ident(c.name));
    }
    const innerSql = `SELECT ${inner.join(', ')} FROM (${input.sql}) AS ${this.alias()}`;
    const outer = output.map((c) => {
      if (lists.has(c.name)) return `${nonNull(convert(ident(c.name), 'dynamic', c.type), c.type)} AS ${ident(c.name)}`;
      return ident(c.name);
    });
    return { sql: `SELECT ${outer.join(', ')} FROM (${innerSql}) AS ${this.alias()}`, columns: output };
  }

  private parse(input: Rel, op: Extract<Operator, { op: 'parse' }>, output: readonly ColumnDef[]): Rel {
    const ctx = this.ctx();
    let pattern = '(?s)^';
    const groups = new Map<string, { index: number; type: KqlType }>();
    op.parts.forEach((part, i) => {
      const last = i === op.parts.length - 1;
      if (part.kind === 'text') pattern += part.text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
      else if (part.kind === 'any') pattern += last ? '.*' : '.*?';
      else {
        const numeric = part.type === 'int' || part.type === 'long' ? '(-?\\d+)' : part.type === 'real' || part.type === 'decimal' ? '(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)' : undefined;
        pattern += numeric ?? (last ? '(.*)' : '(.*?)');
        groups.set(part.name, { index: groups.size + 1, type: part.type });
      }
    });
    const source = asText(op.source, ctx);
    const re = ctx.params.text(pattern);
    const items = output.map((c) => {
      const g = groups.get(c.name);
      if (!g) return ident(c.name);
      const text = `CASE WHEN regexp_matches(${source}, ${re}) THEN regexp_extract(${source}, ${re}, ${g.index}) END`;
      return `${c.type === 'string' ? `coalesce(${text}, '')` : convert(text, 'string', c.type)} AS ${ident(c.name)}`;
    });
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
  return type === 'string' ? `coalesce(${sql}, '')` : sql;
}

/** The value of a missing column in a union: KQL strings are never null. */
function nullOf(type: KqlType): string {
  return type === 'string' ? "''" : `CAST(NULL AS ${duckType(type)})`;
}

/** The final projection: one canonical DuckDB type per KQL type, strings never null. */
function finalValue(sql: string, type: KqlType): string {
  if (type === 'string' || type === 'guid') return `coalesce(CAST(${sql} AS VARCHAR), '')`;
  if (type === 'dynamic') return `CAST(${sql} AS VARCHAR)`;
  return `CAST(${sql} AS ${duckType(type)})`;
}

export { bindLiteral, toJson, asText };
