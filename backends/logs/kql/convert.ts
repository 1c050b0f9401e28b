/**
 * Turns the analyzed Kusto.Language tree into our own AST (ast.ts). Types and output
 * column names are taken from the analyzer, so they match what Kusto itself returns.
 * This is the only module that reads the library's tree.
 */
import type { Aggregate, Assignment, Expr, JoinKey, JoinKind, Operator, ParsePart, Query, RenderRequest, SortKey, Tabular } from './ast';
import { notSupported, UnsupportedError } from './errors';
import { type KustoObject, kustoLanguage, syntaxKindName } from './kusto';
import { parseDateTimeText, parseRealText, parseTimespanText } from './literals';
import { kqlTypeFromName, type ColumnDef, type KqlType } from './types';

type Node = KustoObject;

const fail = (node: Node, message: string): never => {
  throw new UnsupportedError(message, node?.TextStart ?? 0, Math.max(1, node?.Width ?? 1));
};

const kindOf = (node: Node): string => syntaxKindName(node.Kind);

/** Elements of a SyntaxList, unwrapping SeparatedElement. */
function items(list: Node): Node[] {
  const out: Node[] = [];
  if (!list) return out;
  for (let i = 0; i < list.Count; i++) {
    const item = list.getItem(i);
    out.push(item && item.Element !== undefined ? item.Element : item);
  }
  return out;
}

function symbolKindName(kind: number): string {
  const kinds = kustoLanguage().Symbols.SymbolKind;
  for (const key of Object.keys(kinds)) if (kinds[key] === kind) return key;
  return '';
}

/** The KQL scalar type of a type symbol. */
function scalarType(symbol: Node, where: Node): KqlType {
  if (!symbol) return fail(where, 'The type of this expression is unknown');
  const cls: string = symbol.constructor?.$$name ?? '';
  if (cls.includes('Dynamic')) return 'dynamic';
  const name = String(symbol.Name ?? '');
  const type = kqlTypeFromName(name);
  if (type) return type;
  if (name === 'unknown' || name === 'error') return fail(where, 'The type of this expression could not be determined');
  return fail(where, notSupported(`The type '${name}'`));
}

function columnsOf(tableSymbol: Node, where: Node): ColumnDef[] {
  const cols = tableSymbol?.Columns;
  if (!cols) return fail(where, 'Expected a tabular expression here');
  const out: ColumnDef[] = [];
  for (let i = 0; i < cols.Count; i++) {
    const c = cols.getItem(i);
    out.push({ name: c.Name, type: scalarType(c.Type, where) });
  }
  return out;
}

const nameOf = (decl: Node): string => String(decl.SimpleName ?? decl.toString().trim());

function namedParams(list: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const p of items(list)) out.set(String(p.Name.SimpleName).toLowerCase(), p.Expression);
  return out;
}

const JOIN_KINDS: readonly string[] = ['innerunique', 'inner', 'leftouter', 'rightouter', 'fullouter', 'leftanti', 'rightanti', 'leftsemi', 'rightsemi'];
const JOIN_ALIASES: Record<string, JoinKind> = {
  anti: 'leftanti',
  leftantisemi: 'leftanti',
  rightantisemi: 'rightanti',
  semi: 'leftsemi',
  outer: 'fullouter',
  left: 'leftouter',
  right: 'rightouter',
  full: 'fullouter',
};

const RENDER_WITH_LISTS = new Set(['ycolumns', 'series', 'anomalycolumns']);

/** Aggregates that produce one column per extra argument or one per input column. */
const WIDE_AGGREGATES = new Set(['percentiles', 'arg_max', 'arg_min', 'percentilesw', 'take_any', 'any']);

export class Converter {
  /** let-bound names (by the analyzer's symbol identity) → their expression node. */
  private readonly lets = new Map<Node, Node>();
  /** Inside an mv-apply subquery: the table its first operator reads. */
  private implicitInput?: Tabular;
  /** `set name=value;` options of the query (bin_auto reads query_bin_auto_size and query_bin_auto_at). */
  private readonly options = new Map<string, Node>();
  /** Names given to intermediate results with `as`. */
  private readonly asNames = new Map<string, Tabular>();
  /** Arguments of the user-defined function calls being expanded, innermost last. */
  private readonly scopes: Map<string, Expr | Tabular>[] = [];

  /** `schemas`: the store tables' columns, for a `search` without a source (it reads every table, or those of its `in (...)`). */
  constructor(
    private readonly storeTables: ReadonlySet<string>,
    private readonly schemas: readonly { readonly name: string; readonly columns: readonly ColumnDef[] }[] = [],
  ) {}

  query(code: Node): Query {
    let last: Node;
    for (const statement of items(code.Syntax.Statements)) {
      const kind = kindOf(statement);
      if (kind === 'LetStatement') {
        const value = statement.Expression;
        this.lets.set(statement.Name.ReferencedSymbol, value);
      } else if (kind === 'ExpressionStatement') {
        last = statement.Expression;
      } else if (kind === 'SetOptionStatement' && statement.ValueClause?.Expression) {
        this.options.set(String(statement.Name.SimpleName).toLowerCase(), statement.ValueClause.Expression);
      } else if (kind === 'QueryParametersStatement' || kind === 'SetOptionStatement') {
        if (kind === 'QueryParametersStatement') fail(statement, notSupported('declare query_parameters'));
      } else {
        fail(statement, notSupported(`The statement '${kind}'`));
      }
    }
    if (!last) throw new UnsupportedError('The query has no tabular expression to run', 0, 1);
    let render: RenderRequest | undefined;
    let body = last;
    if (kindOf(body) === 'PipeExpression' && kindOf(body.Operator) === 'RenderOperator') {
      render = this.render(body.Operator);
      body = body.Expression;
    }
    return { body: this.tabular(body), render };
  }

  private render(node: Node): RenderRequest {
    const properties: Record<string, string | string[]> = {};
    const withClause = node.WithClause;
    if (withClause) {
      for (const p of items(withClause.Properties)) {
        const key = String(p.Name.SimpleName);
        const value = p.Expression;
        const vk = kindOf(value);
        if (vk === 'NameReferenceList') properties[key] = items(value.Names).map((n: Node) => String(n.SimpleName));
        else if (value.IsLiteral && value.LiteralValue !== null)
          properties[key] = RENDER_WITH_LISTS.has(key.toLowerCase()) ? [String(value.LiteralValue)] : String(value.LiteralValue);
        else properties[key] = value.toString().trim();
      }
    }
    return { kind: String(node.ChartType.Text).toLowerCase(), properties };
  }

  // ---------------------------------------------------------------- tabular

  tabular(node: Node): Tabular {
    const kind = kindOf(node);
    switch (kind) {
      case 'ParenthesizedExpression':
      case 'MaterializeExpression':
        return this.tabular(node.Expression);
      case 'NameReference':
        return this.tableReference(node);
      case 'PipeExpression':
        return this.pipe(node);
      case 'DataTableExpression':
        return this.datatable(node);
      case 'PrintOperator':
        return {
          kind: 'print',
          columns: columnsOf(node.ResultType, node),
          exprs: items(node.Expressions).flatMap((e: Node) => this.parts(e).map((p) => p.expr)),
        };
      case 'RangeOperator':
        return { kind: 'range', columns: columnsOf(node.ResultType, node), from: this.expr(node.From), to: this.expr(node.To), step: this.expr(node.Step) };
      case 'UnionOperator':
        return this.union(node, []);
      case 'FunctionCallExpression':
        if (this.userFunction(node)) return this.expand(node, (body) => this.tabular(body));
        if (String(node.Name.SimpleName) === 'materialize' || String(node.Name.SimpleName) === 'view')
          return this.tabular(items(node.ArgumentList.Expressions)[0]);
        return fail(node, notSupported(`The function '${node.Name.SimpleName}' as a table`));
      case 'SearchOperator':
        return this.searchStore(node);
      case 'RenderOperator':
        return fail(node, '`render` must be the last operator of the query');
      default:
        if (this.implicitInput && kind.endsWith('Operator')) {
          const input = this.implicitInput;
          return {
            kind: 'pipe',
            columns: columnsOf(node.ResultType, node),
            input,
            operator: this.operator(node, kind, input, columnsOf(node.ResultType, node)),
          };
        }
        return fail(node, notSupported(`The operator '${operatorWord(node)}'`));
    }
  }

  private tableReference(node: Node): Tabular {
    const symbol = node.ReferencedSymbol;
    const let_ = symbol ? this.lets.get(symbol) : undefined;
    if (let_) return this.tabular(let_);
    const name = String(node.SimpleName);
    const argument = this.argument(name);
    if (argument && 'columns' in argument) return argument;
    const named = this.asNames.get(name);
    if (named) return named;
    if (symbolKindName(symbol?.Kind) === 'Table' && this.storeTables.has(name)) return { kind: 'table', name, columns: columnsOf(symbol, node) };
    return fail(node, `The name '${name}' does not refer to a known table`);
  }

  private datatable(node: Node): Tabular {
    const columns = columnsOf(node.ResultType, node);
    const values = items(node.Values);
    if (columns.length === 0) return fail(node, 'A datatable needs at least one column');
    if (values.length % columns.length !== 0) return fail(node, 'The datatable has a number of values that is not a multiple of its columns');
    const rows: Expr[][] = [];
    for (let i = 0; i < values.length; i += columns.length) rows.push(values.slice(i, i + columns.length).map((v: Node) => this.expr(v)));
    return { kind: 'datatable', columns, rows };
  }

  private union(node: Node, leading: Tabular[]): Tabular {
    const params = namedParams(node.Parameters);
    const inputs = [...leading];
    const sourceNames: string[] = leading.map(() => '');
    for (const e of items(node.Expressions)) {
      inputs.push(this.tabular(e));
      sourceNames.push(inputName(e) || `union_arg${sourceNames.length}`);
    }
    const withSource = params.get('withsource');
    const sourceColumn = withSource ? nameOf(withSource) : undefined;
    return { kind: 'union', columns: unionColumns(columnsOf(node.ResultType, node), inputs, params, sourceColumn), inputs, sourceColumn, sourceNames };
  }

  private pipe(node: Node): Tabular {
    const opNode = node.Operator;
    const opKind = kindOf(opNode);
    if (opKind === 'RenderOperator') return fail(opNode, '`render` must be the last operator of the query');
    const input = this.tabular(node.Expression);
    const columns = withSearchTable(input.columns, columnsOf(node.ResultType, node));
    if (opKind === 'SearchOperator') return this.searchTable(node, input);
    if (opKind === 'UnionOperator') {
      const union = this.union(opNode, [input]) as Extract<Tabular, { kind: 'union' }>;
      return {
        ...union,
        columns: unionColumns(columns, union.inputs, namedParams(opNode.Parameters), union.sourceColumn),
        sourceNames: [inputName(node.Expression), ...union.sourceNames.slice(1)],
      };
    }
    if (opKind === 'AsOperator') {
      this.asNames.set(nameOf(opNode.Name), input);
      return input;
    }
    if (opKind === 'SerializeOperator' && items(opNode.Expressions).length === 0) return input;
    if (opKind === 'GetSchemaOperator') return getSchema(input.columns, columns);
    const operator = this.operator(opNode, opKind, input, columns);
    return { kind: 'pipe', columns, input, operator };
  }

  private operator(node: Node, kind: string, input: Tabular, columns: ColumnDef[]): Operator {
    switch (kind) {
      case 'FilterOperator':
        return { op: 'where', predicate: this.expr(node.Condition) };
      case 'ExtendOperator':
      case 'SerializeOperator':
        return { op: 'extend', assignments: this.extendAssignments(items(node.Expressions), input.columns, columns) };
      case 'ProjectOperator': {
        const parts = items(node.Expressions).flatMap((e: Node) => this.parts(e));
        if (parts.length !== columns.length) return fail(node, notSupported('This project'));
        return { op: 'project', assignments: parts.map((p, i) => ({ name: columns[i].name, expr: p.expr })) };
      }
      case 'ProjectAwayOperator':
      case 'ProjectKeepOperator':
      case 'ProjectReorderOperator':
        return { op: 'select', items: columns.map((c) => ({ name: c.name, from: c.name })) };
      case 'ProjectRenameOperator': {
        const renamed = new Map<string, string>();
        for (const e of items(node.Expressions)) renamed.set(nameOf(e.Name), String(e.Expression.SimpleName ?? e.Expression.toString().trim()));
        return { op: 'select', items: columns.map((c) => ({ name: c.name, from: renamed.get(c.name) ?? c.name })) };
      }
      case 'SummarizeOperator':
        return this.summarize(node, input.columns, columns);
      case 'SortOperator':
        return { op: 'sort', keys: items(node.Expressions).map((e: Node) => this.sortKey(e)) };
      case 'TopOperator':
        return { op: 'top', count: this.expr(node.Expression), keys: [this.sortKey(node.ByExpression)] };
      case 'TakeOperator':
        return { op: 'take', count: this.expr(node.Expression) };
      case 'CountOperator':
        return { op: 'count', name: columns[0].name };
      case 'DistinctOperator': {
        const exprs = items(node.Expressions);
        if (exprs.length === 1 && kindOf(exprs[0]) === 'StarExpression')
          return { op: 'distinct', assignments: columns.map((c) => ({ name: c.name, expr: { kind: 'column', name: c.name, type: c.type } })) };
        return { op: 'distinct', assignments: exprs.map((e: Node, i: number) => ({ name: columns[i].name, expr: this.expr(this.unnamed(e)) })) };
      }
      case 'JoinOperator':
        return this.join(node, false);
      case 'LookupOperator':
        return this.join(node, true);
      case 'MvExpandOperator':
        return this.mvExpand(node, columns);
      case 'ParseOperator':
        return this.parse(node, columns);
      case 'MakeSeriesOperator':
        return this.makeSeries(node, columns);
      case 'MvApplyOperator':
        return this.mvApply(node);
      case 'TopNestedOperator':
        return this.topNested(node, columns);
      case 'TopHittersOperator':
        return this.topHitters(node, columns);
      case 'PartitionOperator':
        return this.partition(node, input);
      case 'ParseKvOperator':
        return this.parseKv(node, columns);
      case 'SearchOperator':
        return this.search(node, input.columns);
      default:
        return fail(node, notSupported(`The operator '${operatorWord(node)}'`));
    }
  }

  private extendAssignments(exprs: Node[], inputColumns: readonly ColumnDef[], output: readonly ColumnDef[]): Assignment[] {
    const parts = exprs.flatMap((e: Node) => this.parts(e));
    const known = new Set<string>([...inputColumns.map((c) => c.name), ...parts.map((p) => p.name).filter((n): n is string => !!n)]);
    const fresh = output.filter((c) => !known.has(c.name)).map((c) => c.name);
    return parts.map((p, i) => ({ name: p.name ?? fresh.shift() ?? `Column${i + 1}`, expr: p.expr }));
  }

  /**
   * One expression per output column: `x = e` and `e` give one; a function returning
   * several columns (a tuple, e.g. array_sort_asc(a, b)), named or as `(a, b) = f(...)`, gives one per column.
   */
  private parts(e: Node): { name?: string; expr: Expr }[] {
    const K = kustoLanguage();
    const kind = kindOf(e);
    const inner = kind === 'CompoundNamedExpression' || kind === 'SimpleNamedExpression' ? e.Expression : e;
    const tuple = inner.ResultType && String(inner.ResultType.constructor?.$$name ?? '').includes('TupleSymbol') ? inner.ResultType : undefined;
    if (!tuple) {
      const name = kind === 'SimpleNamedExpression' ? nameOf(e.Name) : ((K.KustoFacts.GetExpressionResultName(e, null) as string | null) ?? undefined);
      return [{ name, expr: this.expr(inner) }];
    }
    if (kindOf(inner) !== 'FunctionCallExpression') return fail(e, notSupported('This expression returning several columns'));
    const names = kind === 'CompoundNamedExpression' ? items(e.Names.Names).map((n: Node) => nameOf(n)) : [];
    const args = items(inner.ArgumentList.Expressions).map((a: Node) => this.expr(this.unnamed(a)));
    const span = { start: inner.TextStart, length: inner.Width };
    const out: { name?: string; expr: Expr }[] = [];
    for (let i = 0; i < tuple.Columns.Count; i++) {
      const column = tuple.Columns.getItem(i);
      out.push({
        name: names[i],
        expr: { kind: 'call', type: scalarType(column.Type, inner), name: String(inner.Name.SimpleName).toLowerCase(), args, span, index: i },
      });
    }
    return out;
  }

  private unnamed(node: Node): Node {
    return kindOf(node) === 'SimpleNamedExpression' ? node.Expression : node;
  }

  private summarize(node: Node, inputColumns: readonly ColumnDef[], output: readonly ColumnDef[]): Operator {
    const byNodes = node.ByClause ? items(node.ByClause.Expressions) : [];
    const aggNodes = items(node.Aggregates);
    const by: Assignment[] = byNodes.map((e: Node, i: number) => ({ name: output[i].name, expr: this.expr(this.unnamed(e)) }));
    const widths = aggNodes.map((e: Node) => {
      const call = this.unnamed(e);
      if (kindOf(e) === 'CompoundNamedExpression') return -1;
      if (kindOf(call) !== 'FunctionCallExpression') return 1;
      const fn = String(call.Name.SimpleName).toLowerCase();
      const args = items(call.ArgumentList.Expressions);
      if (fn === 'percentiles') return args.length - 1;
      if (fn === 'percentilesw') return args.length - 2;
      if (fn === 'arg_max' || fn === 'arg_min' || fn === 'take_any' || fn === 'any')
        return args.some((a: Node) => kindOf(a) === 'StarExpression') ? -1 : args.length;
      return 1;
    });
    const unknown = widths.filter((w) => w < 0).length;
    if (unknown > 1) fail(node, notSupported('More than one arg_max(*)/arg_min(*) in one summarize'));
    const fixed = widths.filter((w) => w >= 0).reduce((a, b) => a + b, 0);
    const aggregates: Aggregate[] = [];
    let next = by.length;
    aggNodes.forEach((e: Node, i: number) => {
      const width = widths[i] < 0 ? output.length - by.length - fixed : widths[i];
      const names = output.slice(next, next + width).map((c) => c.name);
      next += width;
      const call = kindOf(e) === 'CompoundNamedExpression' ? e.Expression : this.unnamed(e);
      const fn = kindOf(call) === 'FunctionCallExpression' ? String(call.Name.SimpleName).toLowerCase() : '';
      const expr = this.expr(call);
      if ((fn === 'take_any' || fn === 'any') && (names.length > 1 || items(call.ArgumentList.Expressions).some((a: Node) => kindOf(a) === 'StarExpression'))) {
        // take_any(a, b) / take_any(*): all the values from one row.
        const args = items(call.ArgumentList.Expressions);
        const carried = args.some((a: Node) => kindOf(a) === 'StarExpression')
          ? names.map(
              (n): Expr => ({
                kind: 'column',
                name: originalColumn(n, inputColumns),
                type: inputColumns.find((c) => c.name === originalColumn(n, inputColumns))?.type ?? 'dynamic',
              }),
            )
          : args.map((a: Node) => this.expr(this.unnamed(a)));
        aggregates.push({ names, expr: { ...expr, name: 'take_any_row' } as Expr, carried });
      } else if ((fn === 'arg_max' || fn === 'arg_min') && names.length > 1) {
        const args = items(call.ArgumentList.Expressions);
        const explicit = args.slice(1).filter((a: Node) => kindOf(a) !== 'StarExpression');
        const carried = args.some((a: Node) => kindOf(a) === 'StarExpression')
          ? names.slice(1).map((n): Expr => {
              const from = originalColumn(n, inputColumns);
              return { kind: 'column', name: from, type: inputColumns.find((c) => c.name === from)?.type ?? 'dynamic' };
            })
          : explicit.map((a: Node) => this.expr(this.unnamed(a)));
        aggregates.push({ names, expr, carried });
      } else {
        if (!WIDE_AGGREGATES.has(fn) && names.length !== 1) fail(e, notSupported('This aggregate form'));
        aggregates.push({ names, expr });
      }
    });
    return { op: 'summarize', by, aggregates };
  }

  private sortKey(node: Node): SortKey {
    if (kindOf(node) !== 'OrderedExpression') return { expr: this.expr(node), descending: true, nullsFirst: false };
    const ordering = node.Ordering;
    const dir = ordering?.AscOrDescKeyword ? String(ordering.AscOrDescKeyword.Text).toLowerCase() : 'desc';
    const descending = dir !== 'asc';
    const nulls = ordering?.NullsClause ? String(ordering.NullsClause.FirstOrLastKeyword.Text).toLowerCase() : descending ? 'last' : 'first';
    return { expr: this.expr(node.Expression), descending, nullsFirst: nulls === 'first' };
  }

  private join(node: Node, lookup: boolean): Operator {
    const params = namedParams(node.Parameters);
    const kindNode = params.get('kind');
    let kind: JoinKind = lookup ? 'leftouter' : 'innerunique';
    if (kindNode) {
      const text = String(kindNode.toString().trim()).toLowerCase();
      const resolved = JOIN_KINDS.includes(text) ? (text as JoinKind) : JOIN_ALIASES[text];
      if (!resolved) fail(kindNode, notSupported(`join kind=${text}`));
      kind = resolved as JoinKind;
    }
    const right = this.tabular(node.Expression);
    const clause = lookup ? node.LookupClause : node.ConditionClause;
    if (!clause || kindOf(clause) !== 'JoinOnClause') fail(node, notSupported('A join without an `on` clause (join ... where)'));
    const keys: JoinKey[] = [];
    for (const e of items(clause.Expressions)) {
      const k = kindOf(e);
      if (k === 'NameReference') {
        const type = scalarType(e.ResultType, e);
        keys.push({
          left: { kind: 'column', name: String(e.SimpleName), type, side: 'left' },
          right: { kind: 'column', name: String(e.SimpleName), type, side: 'right' },
        });
      } else if (k === 'EqualExpression') {
        const a = this.joinSide(e.Left);
        const b = this.joinSide(e.Right);
        if (a.side === b.side) fail(e, 'A join condition must compare a $left column with a $right column');
        keys.push(a.side === 'left' ? { left: a, right: b } : { left: b, right: a });
      } else {
        fail(e, notSupported('This join condition (only equality of columns)'));
      }
    }
    return { op: 'join', kind, right, keys, lookup };
  }

  private joinSide(node: Node): Extract<Expr, { kind: 'column' }> {
    if (kindOf(node) === 'PathExpression') {
      const side = String(node.Expression.toString().trim()).toLowerCase();
      if (side === '$left' || side === '$right') {
        return { kind: 'column', name: String(node.Selector.SimpleName), type: scalarType(node.ResultType, node), side: side === '$left' ? 'left' : 'right' };
      }
    }
    return fail(node, 'A join condition must use $left.column == $right.column');
  }

  private mvExpand(node: Node, output: readonly ColumnDef[]): Operator {
    const params = namedParams(node.Parameters);
    const indexDecl = params.get('with_itemindex');
    const bag = params.get('bagexpansion') ?? params.get('kind');
    const bagAsArray = !!bag && String(bag.toString().trim()).toLowerCase() === 'array';
    const byName = new Map(output.map((c) => [c.name, c.type]));
    const list = items(node.Expressions).map((e: Node) => {
      const inner = e.Expression;
      const named = kindOf(inner) === 'SimpleNamedExpression';
      const name = named ? nameOf(inner.Name) : String(kustoLanguage().KustoFacts.GetExpressionResultName(inner, null) ?? '');
      if (!name || !byName.has(name)) fail(e, notSupported('This mv-expand expression'));
      return { name, expr: this.expr(named ? inner.Expression : inner), type: byName.get(name) as KqlType };
    });
    const limit = node.RowLimitClause ? this.expr(node.RowLimitClause.RowLimit) : undefined;
    return { op: 'mvexpand', items: list, indexColumn: indexDecl ? nameOf(indexDecl) : undefined, limit, bagAsArray };
  }

  private mvApply(node: Node): Operator {
    const params = namedParams(node.Parameters);
    const indexDecl = params.get('with_itemindex');
    const list = items(node.Expressions).map((e: Node) => {
      const inner = e.Expression;
      const named = kindOf(inner) === 'SimpleNamedExpression';
      const name = named ? nameOf(inner.Name) : String(kustoLanguage().KustoFacts.GetExpressionResultName(inner, null) ?? '');
      if (!name) fail(e, notSupported('This mv-apply expression (give it a name: Name = expression)'));
      const typed = e.ToTypeOf ? /typeof\s*\(\s*(\w+)\s*\)/i.exec(String(e.ToTypeOf.toString()))?.[1] : undefined;
      return { name, expr: this.expr(named ? inner.Expression : inner), type: (typed ? kqlTypeFromName(typed) : undefined) ?? ('dynamic' as KqlType) };
    });
    const limit = node.RowLimitClause ? this.expr(node.RowLimitClause.RowLimit) : undefined;
    const indexColumn = indexDecl ? nameOf(indexDecl) : undefined;
    const columns: ColumnDef[] = [
      ...(indexColumn ? [{ name: indexColumn, type: 'long' as KqlType }] : []),
      ...list.map((i) => ({ name: i.name, type: i.type })),
    ];
    const outer = this.implicitInput;
    this.implicitInput = { kind: 'implicit', columns };
    try {
      const subquery = this.tabular(node.Subquery.Expression);
      return { op: 'mvapply', items: list, indexColumn, limit, subquery };
    } finally {
      this.implicitInput = outer;
    }
  }

  private parseKv(node: Node, output: readonly ColumnDef[]): Operator {
    const props = new Map<string, string>();
    for (const p of items(node.WithClause?.Properties)) {
      const value = p.Expression;
      props.set(String(p.Name.SimpleName).toLowerCase(), value.IsLiteral ? String(value.LiteralValue) : String(value.toString().trim()));
    }
    if (props.has('regex') || props.get('greedy') === 'true') fail(node, notSupported('parse-kv with regex= or greedy='));
    const declared = items(node.Keys.Columns).map((c: Node) => nameOf(c.Name));
    const keys = output.filter((c) => declared.includes(c.name));
    return {
      op: 'parsekv',
      source: this.expr(node.Expression),
      keys,
      pairDelimiter: props.get('pair_delimiter') ?? ' ',
      kvDelimiter: props.get('kv_delimiter') ?? '=',
      quote: props.get('quote'),
    };
  }

  private partition(node: Node, input: Tabular): Operator {
    const operand = node.Operand;
    if (!operand || kindOf(operand) !== 'PartitionSubquery') return fail(node, notSupported('This partition form (use partition by Column (subquery))'));
    const outer = this.implicitInput;
    this.implicitInput = { kind: 'implicit', columns: input.columns };
    try {
      return { op: 'partition', key: this.expr(node.ByExpression), subquery: this.tabular(operand.Subquery) };
    } finally {
      this.implicitInput = outer;
    }
  }

  /** top-hitters N of Key [by Weight]: Kusto estimates; the store counts (or sums) exactly. */
  private topHitters(node: Node, output: readonly ColumnDef[]): Operator {
    const key = this.expr(this.unnamed(node.OfExpression));
    const weight = node.ByClause ? this.expr(node.ByClause.Expression) : undefined;
    const span = { start: node.TextStart, length: node.Width };
    const aggregate: Expr = weight
      ? { kind: 'call', name: 'sum', type: output[1].type, args: [weight], span }
      : { kind: 'call', name: 'count', type: 'long', args: [], span };
    return {
      op: 'topnested',
      levels: [{ count: this.expr(node.Expression), key, keyName: output[0].name, aggregate, aggregateName: output[1].name, descending: true }],
    };
  }

  private topNested(node: Node, output: readonly ColumnDef[]): Operator {
    const levels = items(node.Clauses).map((clause: Node, i: number) => {
      let by = clause.ByExpression;
      let descending = true;
      if (kindOf(by) === 'OrderedExpression') {
        descending = !by.Ordering?.AscOrDescKeyword || String(by.Ordering.AscOrDescKeyword.Text).toLowerCase() !== 'asc';
        by = by.Expression;
      }
      return {
        count: clause.Expression ? this.expr(clause.Expression) : undefined,
        key: this.expr(this.unnamed(clause.OfExpression)),
        keyName: output[2 * i].name,
        aggregate: this.expr(this.unnamed(by)),
        aggregateName: output[2 * i + 1].name,
        others: clause.WithOthersClause ? this.expr(clause.WithOthersClause.Expression) : undefined,
        descending,
      };
    });
    if (levels.length * 2 !== output.length) fail(node, notSupported('This top-nested form'));
    return { op: 'topnested', levels };
  }

  private makeSeries(node: Node, output: readonly ColumnDef[]): Operator {
    const params = namedParams(node.Parameters);
    const kind = params.get('kind');
    const byNodes = node.ByClause ? items(node.ByClause.Expressions) : [];
    const by: Assignment[] = byNodes.map((e: Node, i: number) => ({ name: output[i].name, expr: this.expr(this.unnamed(e)) }));
    const aggregates = items(node.Aggregates).map((e: Node, i: number) => {
      const fallback = e.DefaultExpression ? this.expr(e.DefaultExpression.Expression) : undefined;
      return { name: output[by.length + i].name, expr: this.expr(this.unnamed(e.Expression)), fallback };
    });
    const range = node.RangeClause;
    if (!range) return fail(node, notSupported('make-series without from/to/step'));
    let from: Expr;
    let to: Expr;
    let step: Expr;
    const inclusive = kindOf(range) === 'MakeSeriesInRangeClause';
    if (inclusive) {
      const args = items(range.Arguments.Expressions ?? range.Arguments);
      [from, to, step] = args.map((a: Node) => this.expr(a));
    } else {
      if (!range.MakeSeriesFromClause || !range.MakeSeriesToClause) return fail(node, notSupported('make-series without explicit from and to'));
      from = this.expr(range.MakeSeriesFromClause.Expression);
      to = this.expr(range.MakeSeriesToClause.Expression);
      step = this.expr(range.MakeSeriesStepClause.Expression);
    }
    const axis = this.expr(node.OnClause.Expression);
    return {
      op: 'makeseries',
      by,
      aggregates,
      axis,
      axisName: output[output.length - 1].name,
      from,
      to,
      step,
      inclusive,
      nonEmpty: !!kind && String(kind.toString().trim()).toLowerCase() === 'nonempty',
    };
  }

  private parse(node: Node, output: readonly ColumnDef[]): Operator {
    const params = namedParams(node.Parameters);
    const mode = params.has('kind') ? String(params.get('kind').toString().trim()).toLowerCase() : 'simple';
    if (mode !== 'simple' && mode !== 'regex' && mode !== 'relaxed') fail(node, notSupported(`parse kind=${mode}`));
    const flags = params.has('flags') ? String(params.get('flags').toString().trim()).replace(/[^imsU]/g, '') : '';
    const types = new Map(output.map((c) => [c.name, c.type]));
    const parts: ParsePart[] = items(node.Patterns).map((p: Node) => {
      const k = kindOf(p);
      if (k === 'StarExpression') return { kind: 'any' };
      if (k === 'NameAndTypeDeclaration' || k === 'NameDeclaration') {
        const name = nameOf(k === 'NameDeclaration' ? p : p.Name);
        return { kind: 'column', name, type: types.get(name) ?? 'string' };
      }
      if (p.IsLiteral && typeof p.LiteralValue === 'string') return { kind: 'text', text: p.LiteralValue };
      return fail(p, notSupported('This parse pattern element'));
    });
    return { op: 'parse', source: this.expr(node.Expression), parts, mode: mode as 'simple', flags };
  }

  /**
   * `search` keeps the rows that match, behind a first column `$table`: the name of the table each
   * row comes from (the reference's search operator, "Remarks"). For a source that is not a named
   * table Kusto makes up a name; here it is ''.
   */
  private searchTable(node: Node, input: Tabular): Tabular {
    const inputColumns = input.columns.filter((c) => c.name !== SEARCH_TABLE);
    const matching: Tabular = { kind: 'pipe', columns: input.columns, input, operator: this.search(node.Operator, inputColumns) };
    if (input.columns.some((c) => c.name === SEARCH_TABLE)) return matching;
    const source: Expr = { kind: 'literal', type: 'string', value: input.kind === 'table' ? input.name : inputName(node.Expression) };
    const assignments: Assignment[] = [
      { name: SEARCH_TABLE, expr: source },
      ...input.columns.map((c) => ({ name: c.name, expr: { kind: 'column', name: c.name, type: c.type } as Expr })),
    ];
    return { kind: 'pipe', columns: [{ name: SEARCH_TABLE, type: 'string' }, ...input.columns], input: matching, operator: { op: 'project', assignments } };
  }

  /** `search [in (T1, T*)] predicate` without a source: over the store tables named (wildcards allowed), or all of them. */
  private searchStore(node: Node): Tabular {
    if (node.DataScope) fail(node.DataScope, notSupported('search with a data scope'));
    const patterns = node.InClause ? items(node.InClause.Expressions).map((e: Node) => String(e.SimpleName ?? e.toString()).trim()) : ['*'];
    const matches = (name: string) =>
      patterns.some((p: string) =>
        new RegExp(
          `^${p
            .split('*')
            .map((part) => part.replace(/[\\^$.+?()[\]{}|]/g, '\\$&'))
            .join('.*')}$`,
        ).test(name),
      );
    const tables = this.schemas.filter((t) => matches(t.name));
    if (tables.length === 0) return fail(node, 'search: no table of the store matches');
    const columns: ColumnDef[] = [];
    for (const t of tables) {
      for (const c of t.columns) {
        const seen = columns.find((x) => x.name === c.name);
        if (seen && seen.type !== c.type) return fail(node, notSupported(`search over tables whose column '${c.name}' has different types`));
        if (!seen) columns.push(c);
      }
    }
    const inputs: Tabular[] = tables.map((t) => ({ kind: 'table', name: t.name, columns: t.columns }));
    const union: Tabular = {
      kind: 'union',
      columns: [{ name: SEARCH_TABLE, type: 'string' }, ...columns],
      inputs,
      sourceColumn: SEARCH_TABLE,
      sourceNames: tables.map((t) => t.name),
    };
    return { kind: 'pipe', columns: union.columns, input: union, operator: this.search(node, columns) };
  }

  private search(node: Node, inputColumns: readonly ColumnDef[]): Operator {
    const params = namedParams(node.Parameters);
    const caseSensitive = params.has('kind') && String(params.get('kind').toString().trim()).toLowerCase() === 'case_sensitive';
    return { op: 'where', predicate: this.searchPredicate(node.Condition, inputColumns, caseSensitive) };
  }

  /** `search "term"` = any column has the term; `*x*` patterns = contains; `Col:"x"` = that column. */
  private searchPredicate(node: Node, columns: readonly ColumnDef[], caseSensitive: boolean): Expr {
    const k = kindOf(node);
    if (k === 'AndExpression' || k === 'OrExpression') {
      return {
        kind: 'binary',
        type: 'bool',
        op: k === 'AndExpression' ? 'And' : 'Or',
        left: this.searchPredicate(node.Left, columns, caseSensitive),
        right: this.searchPredicate(node.Right, columns, caseSensitive),
      };
    }
    if (k === 'ParenthesizedExpression') return this.searchPredicate(node.Expression, columns, caseSensitive);
    if (k === 'FunctionCallExpression' && String(node.Name.SimpleName).toLowerCase() === 'not' && items(node.ArgumentList.Expressions).length === 1) {
      const operand = this.searchPredicate(items(node.ArgumentList.Expressions)[0], columns, caseSensitive);
      return { kind: 'call', type: 'bool', name: 'not', args: [operand], span: { start: node.TextStart, length: node.Width } };
    }
    if (k === 'StarExpression') return { kind: 'literal', type: 'bool', value: true };
    if (node.IsLiteral && typeof node.LiteralValue === 'string' && /^.+\*.+$/.test(String(node.LiteralValue).replace(/^\*+|\*+$/g, ''))) {
      // `"Lab*PC"`: `* matches regex @"\bLab\w*PC\b"` (the reference's search operator, row 8).
      const parts = String(node.LiteralValue)
        .split('*')
        .map((p) => p.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'));
      const pattern = `${caseSensitive ? '' : '(?i)'}\\b${parts.join('\\w*')}\\b`;
      return this.anyColumn(columns, 'MatchesRegex', pattern);
    }
    if (node.IsLiteral && typeof node.LiteralValue === 'string') {
      const raw: string = node.LiteralValue;
      const wildStart = raw.startsWith('*');
      const wildEnd = raw.endsWith('*') && raw.length > 1;
      const term = raw.replace(/^\*|\*$/g, '');
      // The reference's search operator: `*x*` contains, `*x` hassuffix, `x*` hasprefix, `x` has.
      const op = wildStart && wildEnd ? 'Contains' : wildStart ? 'HasSuffix' : wildEnd ? 'HasPrefix' : 'Has';
      return this.anyColumn(columns, caseSensitive ? `${op}Cs` : op, term);
    }
    if (k === 'SearchExpression' && kindOf(node.Left) === 'NameReference' && node.Right?.IsLiteral && typeof node.Right.LiteralValue === 'string') {
      // `Col:"term"`: the same term match, on that column only.
      const name = String(node.Left.SimpleName);
      const column = columns.filter((c) => c.name === name);
      if (column.length === 0) return fail(node.Left, `The name '${name}' does not refer to a column`);
      return this.searchPredicate(node.Right, column, caseSensitive);
    }
    if (k === 'SearchExpression') return fail(node, notSupported('This search form'));
    return this.expr(node);
  }

  /** `op` between any column (as text) and `text`. */
  private anyColumn(columns: readonly ColumnDef[], op: string, text: string): Expr {
    const lit: Expr = { kind: 'literal', type: 'string', value: text };
    let result: Expr | undefined;
    for (const c of columns) {
      const target: Expr =
        c.type === 'string'
          ? { kind: 'column', name: c.name, type: 'string' }
          : { kind: 'call', name: 'tostring', type: 'string', args: [{ kind: 'column', name: c.name, type: c.type }], span: { start: 0, length: 0 } };
      const test: Expr = { kind: 'binary', type: 'bool', op, left: target, right: lit };
      result = result ? { kind: 'binary', type: 'bool', op: 'Or', left: result, right: test } : test;
    }
    return result ?? { kind: 'literal', type: 'bool', value: false };
  }

  // ---------------------------------------------------------------- scalar

  expr(node: Node): Expr {
    const kind = kindOf(node);
    if (kind.endsWith('LiteralExpression') && kind !== 'TypeOfLiteralExpression') return this.literal(node);
    switch (kind) {
      case 'ParenthesizedExpression':
        return this.expr(node.Expression);
      case 'NameReference':
        return this.nameReference(node);
      case 'DynamicExpression':
        return { kind: 'literal', type: 'dynamic', value: dynamicJson(node.Expression) };
      case 'FunctionCallExpression':
        return this.call(node);
      case 'UnaryMinusExpression':
        // -9223372036854775808: the smallest long, written as minus a literal one past the largest.
        if (kindOf(node.Expression) === 'LongLiteralExpression' && String(node.Expression.toString()).trim() === '9223372036854775808') {
          return { kind: 'literal', type: 'long', value: -(2n ** 63n) };
        }
        return { kind: 'unary', type: scalarType(node.ResultType, node), op: 'minus', operand: this.expr(node.Expression) };
      case 'UnaryPlusExpression':
        return { kind: 'unary', type: scalarType(node.ResultType, node), op: 'plus', operand: this.expr(node.Expression) };
      case 'InExpression':
      case 'InCsExpression':
      case 'NotInExpression':
      case 'NotInCsExpression':
      case 'HasAnyExpression':
      case 'HasAllExpression':
        return this.inList(node, kind);
      case 'BetweenExpression':
      case 'NotBetweenExpression':
        return {
          kind: 'between',
          type: 'bool',
          negated: kind === 'NotBetweenExpression',
          left: this.expr(node.Left),
          low: this.expr(node.Right.First),
          high: this.expr(node.Right.Second),
        };
      case 'PathExpression':
        return {
          kind: 'member',
          type: scalarType(node.ResultType, node),
          target: this.expr(node.Expression),
          key: String(node.Selector.SimpleName ?? node.Selector.toString().trim()),
        };
      case 'ElementExpression': {
        const selector = node.Selector;
        const keyNode = kindOf(selector) === 'BracketedExpression' ? selector.Expression : selector;
        // f(a, b)[1] on a function returning several columns picks one of them.
        if (String(node.Expression.ResultType?.constructor?.$$name ?? '').includes('TupleSymbol') && keyNode.IsLiteral) {
          const part = this.parts(node.Expression)[Number(keyNode.LiteralValue)];
          if (part) return part.expr;
        }
        const key = keyNode.IsLiteral && typeof keyNode.LiteralValue === 'string' ? keyNode.LiteralValue : this.expr(keyNode);
        return { kind: 'member', type: scalarType(node.ResultType, node), target: this.expr(node.Expression), key };
      }
      case 'StarExpression':
        return { kind: 'star', type: 'dynamic' };
      case 'ToScalarExpression':
        if (!node.Expression.ResultType?.Columns) return this.expr(node.Expression);
        return { kind: 'scalarQuery', type: scalarType(node.ResultType, node), query: this.tabular(node.Expression) };
      case 'TypeOfLiteralExpression': {
        const t = items(node.Types)[0];
        const of = kqlTypeFromName(String(t?.toString().trim() ?? '')) ?? 'dynamic';
        return { kind: 'typeOf', type: of, of };
      }
      case 'MaterializeExpression':
        return this.expr(node.Expression);
      default:
        if (kind.endsWith('Expression') && node.Left && node.Right) {
          return {
            kind: 'binary',
            type: scalarType(node.ResultType, node),
            op: kind.slice(0, -'Expression'.length),
            left: this.expr(node.Left),
            right: this.expr(node.Right),
          };
        }
        return fail(node, notSupported(`The expression '${node.toString().trim().slice(0, 40)}'`));
    }
  }

  private literal(node: Node): Expr {
    const type = scalarType(node.ResultType, node);
    const text = String(node.toString()).trim();
    const value = node.LiteralValue;
    const bad = () => fail(node, `The literal ${text} could not be read`);
    switch (type) {
      case 'datetime': {
        const ticks = parseDateTimeText(text);
        return ticks === undefined ? bad() : { kind: 'literal', type, value: ticks };
      }
      case 'timespan': {
        const ticks = parseTimespanText(text);
        if (ticks !== undefined) return { kind: 'literal', type, value: ticks };
        if (value && value.ticks !== undefined) return { kind: 'literal', type, value: BigInt(String(value.ticks)) };
        return bad();
      }
      case 'real':
      case 'decimal': {
        const n = parseRealText(text.replace(/^(real|double|decimal)\s*/i, ''));
        return n === undefined ? bad() : { kind: 'literal', type, value: n };
      }
      case 'int':
      case 'long': {
        if (value === null || /\(\s*null\s*\)$/i.test(text)) return { kind: 'literal', type, value: null };
        const digits = String(value);
        return /^-?\d+$/.test(digits) ? { kind: 'literal', type, value: BigInt(digits) } : bad();
      }
      case 'bool':
        if (value === null || /\(\s*null\s*\)$/i.test(text)) return { kind: 'literal', type, value: null };
        return { kind: 'literal', type, value: String(value).toLowerCase() === 'true' };
      case 'string':
        return { kind: 'literal', type, value: typeof value === 'string' ? value : String(value ?? '') };
      case 'guid':
        return { kind: 'literal', type, value: value === null ? null : String(value) };
      case 'dynamic':
        return { kind: 'literal', type, value: null };
    }
  }

  private nameReference(node: Node): Expr {
    const symbol = node.ReferencedSymbol;
    const symKind = symbolKindName(symbol?.Kind);
    if (symKind === 'Column') return { kind: 'column', type: scalarType(node.ResultType, node), name: String(node.SimpleName) };
    if (symKind === 'Variable' || symKind === 'Parameter') {
      const value = this.lets.get(symbol);
      if (value) return this.expr(value);
      const argument = this.argument(String(node.SimpleName));
      if (argument && !('columns' in argument)) return argument;
    }
    return fail(node, `The name '${node.SimpleName}' cannot be used here`);
  }

  /** The value of a parameter of a user-defined function being expanded. */
  private argument(name: string): Expr | Tabular | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const value = this.scopes[i].get(name);
      if (value) return value;
    }
    return undefined;
  }

  /** The `let f = (...) { ... }` declaration a call refers to, if it is a user-defined function. */
  private userFunction(node: Node): Node | undefined {
    const symbol = node.ReferencedSymbol;
    const decl = symbol ? this.lets.get(symbol) : undefined;
    return decl && kindOf(decl) === 'FunctionDeclaration' ? decl : undefined;
  }

  /**
   * A call of a user-defined function, inlined: its arguments (positional, named or
   * defaulted) become the values of its parameters inside the analyzer's expansion of
   * the body.
   */
  private expand<T>(node: Node, convertBody: (body: Node) => T): T {
    const decl = this.userFunction(node) as Node;
    const expansion = node.GetExpansion ? node.GetExpansion() : undefined;
    if (!expansion) return fail(node, notSupported('This user-defined function call'));
    const params = items(decl.Parameters.Parameters).map((p: Node) => ({
      name: nameOf(p.NameAndType.Name),
      tabular: kindOf(p.NameAndType.Type) !== 'PrimitiveTypeExpression',
      fallback: p.DefaultValue ? p.DefaultValue.Value : undefined,
    }));
    const args = items(node.ArgumentList.Expressions);
    const given = new Map<string, Node>();
    let position = 0;
    for (const a of args) {
      if (kindOf(a) === 'SimpleNamedExpression') given.set(nameOf(a.Name), a.Expression);
      else if (position < params.length) given.set(params[position++].name, a);
    }
    const scope = new Map<string, Expr | Tabular>();
    for (const p of params) {
      const arg = given.get(p.name) ?? p.fallback;
      if (!arg) return fail(node, `The argument '${p.name}' of this function is missing`);
      scope.set(p.name, p.tabular ? this.tabular(arg) : this.expr(arg));
    }
    this.scopes.push(scope);
    try {
      for (const statement of items(expansion.Statements)) {
        if (kindOf(statement) === 'LetStatement') this.lets.set(statement.Name.ReferencedSymbol, statement.Expression);
      }
      return convertBody(expansion.Expression);
    } finally {
      this.scopes.pop();
    }
  }

  private call(node: Node): Expr {
    const name = String(node.Name.SimpleName).toLowerCase();
    if (this.userFunction(node)) return this.expand(node, (body) => this.expr(body));
    const args = items(node.ArgumentList.Expressions).map((a: Node) => this.expr(this.unnamed(a)));
    const span = { start: node.TextStart, length: node.Width };
    if (name === 'bin_auto') {
      // bin_auto(x) = bin_at(x, query_bin_auto_size, query_bin_auto_at) (the reference's bin_auto page).
      const size = this.options.get('query_bin_auto_size');
      if (!size) return fail(node, 'bin_auto() needs the bin size: put `set query_bin_auto_size=1h;` before the query');
      const at = this.options.get('query_bin_auto_at');
      return { kind: 'call', type: callType(node), name: at ? 'bin_at' : 'bin', args: [args[0], this.expr(size), ...(at ? [this.expr(at)] : [])], span };
    }
    return { kind: 'call', type: callType(node), name, args, span };
  }

  private inList(node: Node, kind: string): Expr {
    const opText = String(node.Operator.Text).toLowerCase();
    const list = items(node.Right.Expressions);
    const left = this.expr(node.Left);
    if (list.length === 1 && list[0].ResultType && list[0].ResultType.Columns) {
      return { kind: 'inQuery', type: 'bool', op: opText, left, query: this.tabular(list[0]) };
    }
    const expanded: Expr[] = [];
    for (const item of list) {
      const e = this.expr(item);
      expanded.push(e);
    }
    return {
      kind: 'inList',
      type: 'bool',
      op: kind.startsWith('Has') ? kind.replace('Expression', '').toLowerCase().replace('hasany', 'has_any').replace('hasall', 'has_all') : opText,
      left,
      items: expanded,
    };
  }
}

/** Aggregate calls inside a summarize have table-ish result symbols in some versions; fall back to the call's return type. */
function callType(node: Node): KqlType {
  try {
    return scalarType(node.ResultType, node);
  } catch (error) {
    const name = String(node.Name.SimpleName).toLowerCase();
    if (WIDE_AGGREGATES.has(name)) return 'dynamic';
    throw error;
  }
}

function operatorWord(node: Node): string {
  const first = node.GetChild ? node.GetChild(0) : undefined;
  const text = first?.IsToken ? String(first.Text) : syntaxKindName(node.Kind);
  return text;
}

const CLR_TYPES: Record<KqlType, string> = {
  bool: 'System.SByte',
  int: 'System.Int32',
  long: 'System.Int64',
  real: 'System.Double',
  decimal: 'System.Data.SqlTypes.SqlDecimal',
  datetime: 'System.DateTime',
  timespan: 'System.TimeSpan',
  string: 'System.String',
  dynamic: 'System.Object',
  guid: 'System.Guid',
};

/** `getschema`: one row per input column, known before running anything. */
function getSchema(input: readonly ColumnDef[], output: ColumnDef[]): Tabular {
  const text = (value: string): Expr => ({ kind: 'literal', type: 'string', value });
  const rows = input.map((c, i): Expr[] => [text(c.name), { kind: 'literal', type: 'int', value: BigInt(i) }, text(CLR_TYPES[c.type]), text(c.type)]);
  return { kind: 'datatable', columns: output, rows };
}

/** `union kind=inner` keeps only the columns every input has (the analyzer reports the outer set). */
function unionColumns(columns: ColumnDef[], inputs: readonly Tabular[], params: Map<string, Node>, sourceColumn: string | undefined): ColumnDef[] {
  const kind = params.get('kind');
  if (!kind || String(kind.toString().trim()).toLowerCase() !== 'inner') return columns;
  return columns.filter((c) => c.name === sourceColumn || inputs.every((t) => t.columns.some((x) => x.name === c.name && x.type === c.type)));
}

/** The table a union input comes from (the root of its pipeline), for `withsource`. */
function inputName(node: Node): string {
  const kind = kindOf(node);
  if (kind === 'NameReference') return String(node.SimpleName);
  if (kind === 'ParenthesizedExpression') return inputName(node.Expression);
  if (kind === 'PipeExpression') return kindOf(node.Operator) === 'AsOperator' ? nameOf(node.Operator.Name) : inputName(node.Expression);
  return '';
}

const SEARCH_TABLE = '$table';

/**
 * The analyzer's output columns after an operator, with the `$table` column a `search` put first
 * kept in front while the operator passes its input's columns on (where, take, sort, extend...).
 */
function withSearchTable(input: readonly ColumnDef[], output: ColumnDef[]): ColumnDef[] {
  if (input[0]?.name !== SEARCH_TABLE || output.some((c) => c.name === SEARCH_TABLE)) return output;
  const rest = input.slice(1);
  const passesOn = rest.length <= output.length && rest.every((c, i) => output[i].name === c.name);
  return passesOn ? [input[0], ...output] : output;
}

/** `Name1` from arg_max(*) columns that collide with by-columns → `Name`. */
function originalColumn(name: string, input: readonly ColumnDef[]): string {
  if (input.some((c) => c.name === name)) return name;
  const stripped = name.replace(/\d+$/, '');
  return input.some((c) => c.name === stripped) ? stripped : name;
}

/** Builds the JSON text of a `dynamic(...)` literal from its syntax. */
function dynamicJson(node: Node): string | null {
  const value = jsonValue(node);
  return value === null ? null : JSON.stringify(value);
}

function jsonValue(node: Node): unknown {
  const kind = kindOf(node);
  switch (kind) {
    case 'JsonArrayExpression':
      return items(node.Values).map((v: Node) => jsonValue(v));
    case 'JsonObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const pair of items(node.Pairs)) {
        const key = String(kustoLanguage().KustoFacts.GetStringLiteralValue(String(pair.Name.Text)) ?? '');
        out[key] = jsonValue(pair.Value);
      }
      return out;
    }
    case 'NullLiteralExpression':
      return null;
    case 'ParenthesizedExpression':
      return jsonValue(node.Expression);
    case 'UnaryMinusExpression': {
      const v = jsonValue(node.Expression);
      return typeof v === 'number' ? -v : v;
    }
    default: {
      if (!node.IsLiteral) return fail(node, 'Only constants are allowed inside dynamic(...)');
      const type = scalarType(node.ResultType, node);
      const text = String(node.toString()).trim();
      if (type === 'string') return String(node.LiteralValue);
      if (type === 'bool') return String(node.LiteralValue).toLowerCase() === 'true';
      if (type === 'int' || type === 'long') return Number(String(node.LiteralValue));
      if (type === 'real' || type === 'decimal') return parseRealText(text) ?? null;
      if (type === 'datetime') {
        const t = parseDateTimeText(text);
        return t === undefined || t === null ? null : new Date(Number(t / 10_000n)).toISOString().replace('.000Z', 'Z');
      }
      return String(node.LiteralValue);
    }
  }
}
