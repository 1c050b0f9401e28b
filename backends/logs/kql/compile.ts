/**
 * KQL text → one DuckDB statement: parse and analyze with Microsoft's parser against the
 * store's schema, report its diagnostics with line/column/caret, convert the tree into
 * our AST and translate it.
 */
import type { Query, RenderRequest, Tabular } from './ast';
import { Converter } from './convert';
import { errorAt, UnsupportedError } from './errors';
import { type KustoObject, kustoLanguage } from './kusto';
import { globalStateFor, type TableSchema } from './schema';
import { isTolerated, toleratedRanges, type TextRange } from './tolerated';
import { Translator, type Translation } from './translate';
import type { BoundParam } from './sql';
import type { ColumnDef } from './types';

export interface CompiledQuery {
  readonly sql: string;
  readonly params: readonly BoundParam[];
  readonly columns: readonly ColumnDef[];
  readonly render?: RenderRequest;
  /** Store tables the query reads (none = self-contained: datatable/print/range). */
  readonly tables: readonly string[];
}

export interface CompileOptions {
  readonly nowTicks: bigint;
  /** Appended as LIMIT to the final select. */
  readonly maxRows?: number;
  /** Restricts store tables with a TimeGenerated column to [from, to) (the query's `timespan`). */
  readonly timeRange?: { readonly fromTicks: bigint; readonly toTicks: bigint };
}

function tablesOf(t: Tabular, out: Set<string>): void {
  switch (t.kind) {
    case 'table':
      out.add(t.name);
      return;
    case 'union':
      for (const i of t.inputs) tablesOf(i, out);
      return;
    case 'pipe':
      tablesOf(t.input, out);
      if (t.operator.op === 'join') tablesOf(t.operator.right, out);
      return;
    default:
      return;
  }
}

/** The analyzer's "A value of type bool expected": the only diagnostic ignored, and only where toleratedRanges says. */
const TYPE_MISMATCH = 'KS107';

/** Compiled queries by text: dashboards and chat re-run the same queries; only now() changes. */
const CACHE_SIZE = 200;

export class KqlCompiler {
  private readonly cache = new Map<string, CompiledQuery & { nowParams: Translation['nowParams'] }>();
  /** The analyzer's view of `tables`, built at the first analyze after they change. */
  private globals: KustoObject;
  private tableNames: Set<string>;

  constructor(private tables: readonly TableSchema[] = []) {
    this.tableNames = new Set(tables.map((t) => t.name));
  }

  /** Call when a table is created or its columns change. */
  setTables(tables: readonly TableSchema[]): void {
    this.tables = tables;
    this.tableNames = new Set(tables.map((t) => t.name));
    this.globals = undefined;
    this.cache.clear();
  }

  /** Parses and analyzes; throws KqlError with the position of the first error. */
  analyze(text: string): Query {
    const K = kustoLanguage();
    if (!this.globals) this.globals = globalStateFor(this.tables);
    const code = K.KustoCode.ParseAndAnalyze(text, this.globals);
    const diagnostics = code.GetDiagnostics();
    let tolerated: TextRange[] | undefined;
    for (let i = 0; i < diagnostics.Count; i++) {
      const d = diagnostics.getItem(i);
      if (String(d.Severity) !== 'Error') continue;
      tolerated ??= toleratedRanges(code.Syntax);
      if (String(d.Code) !== TYPE_MISMATCH || !isTolerated(tolerated, d.Start, d.Length))
        throw errorAt(text, d.Start, d.Length, String(d.Message), String(d.Code));
    }
    try {
      return new Converter(this.tableNames, this.tables).query(code);
    } catch (error) {
      if (error instanceof UnsupportedError) throw errorAt(text, error.start, error.length, error.message);
      throw error;
    }
  }

  compile(text: string, options: CompileOptions): CompiledQuery {
    const key = `${options.maxRows ?? ''}\u0000${options.timeRange ? `${options.timeRange.fromTicks}-${options.timeRange.toTicks}` : ''}\u0000${text}`;
    const cached = this.cache.get(key);
    if (cached) {
      const params = [...cached.params];
      for (const p of cached.nowParams) params[p.index] = { value: options.nowTicks + p.offset, type: 'BIGINT' };
      return { ...cached, params };
    }
    const compiled = this.compileFresh(text, options);
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, compiled);
    return compiled;
  }

  private compileFresh(text: string, options: CompileOptions): CompiledQuery & { nowParams: Translation['nowParams'] } {
    const query = this.analyze(text);
    const tables = new Set<string>();
    tablesOf(query.body, tables);
    try {
      const translation = new Translator({ nowTicks: options.nowTicks, stableOrder: tables.size === 0, timeRange: options.timeRange }).translate(
        query,
        options.maxRows,
      );
      return { ...translation, render: query.render, tables: [...tables] };
    } catch (error) {
      if (error instanceof UnsupportedError) throw errorAt(text, error.start, error.length, error.message);
      throw error;
    }
  }
}
