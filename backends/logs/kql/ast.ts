/**
 * The project's own typed representation of the supported KQL subset. convert.ts builds
 * it from the analyzed Kusto tree (types and output column names come from the
 * analyzer); the translator only ever sees these types.
 */
import type { ColumnDef, KqlType } from './types';

/** Offset and length in the query text, for error messages with a caret. */
export interface Span {
  readonly start: number;
  readonly length: number;
}

/** null, or: bool → boolean, int/long/datetime/timespan → bigint, real → number, string/guid → string, dynamic → JSON text. */
export type LiteralValue = null | boolean | bigint | number | string;

export type Expr =
  | { readonly kind: 'literal'; readonly type: KqlType; readonly value: LiteralValue }
  | { readonly kind: 'column'; readonly type: KqlType; readonly name: string; readonly side?: 'left' | 'right' }
  | { readonly kind: 'binary'; readonly type: KqlType; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'unary'; readonly type: KqlType; readonly op: 'minus' | 'plus'; readonly operand: Expr }
  /** `index`: which column of a function that returns several (array_sort_asc(a, b) → a sorted, b reordered). */
  | { readonly kind: 'call'; readonly type: KqlType; readonly name: string; readonly args: readonly Expr[]; readonly span: Span; readonly index?: number }
  | { readonly kind: 'inList'; readonly type: KqlType; readonly op: string; readonly left: Expr; readonly items: readonly Expr[] }
  | { readonly kind: 'inQuery'; readonly type: KqlType; readonly op: string; readonly left: Expr; readonly query: Tabular }
  | { readonly kind: 'between'; readonly type: KqlType; readonly negated: boolean; readonly left: Expr; readonly low: Expr; readonly high: Expr }
  | { readonly kind: 'member'; readonly type: KqlType; readonly target: Expr; readonly key: string | Expr }
  | { readonly kind: 'star'; readonly type: KqlType }
  | { readonly kind: 'scalarQuery'; readonly type: KqlType; readonly query: Tabular }
  | { readonly kind: 'typeOf'; readonly type: KqlType; readonly of: KqlType };

export interface SortKey {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export interface Assignment {
  readonly name: string;
  readonly expr: Expr;
}

/** One aggregate call of a summarize, and the output columns it produces. */
export interface Aggregate {
  /** Output column names (several for percentiles() and arg_max(x, *)). */
  readonly names: readonly string[];
  /** The aggregate expression (may wrap aggregate calls, e.g. `sum(x) / count()`). */
  readonly expr: Expr;
  /** For arg_max/arg_min: the value each extra output column takes from the row (an input column or an expression). */
  readonly carried?: readonly Expr[];
}

export type JoinKind = 'innerunique' | 'inner' | 'leftouter' | 'rightouter' | 'fullouter' | 'leftanti' | 'rightanti' | 'leftsemi' | 'rightsemi';

export interface JoinKey {
  readonly left: Expr;
  readonly right: Expr;
}

export type ParsePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'column'; readonly name: string; readonly type: KqlType }
  | { readonly kind: 'any' };

export type Operator =
  | { readonly op: 'where'; readonly predicate: Expr }
  | { readonly op: 'extend'; readonly assignments: readonly Assignment[] }
  | { readonly op: 'project'; readonly assignments: readonly Assignment[] }
  /** project-away/-keep/-rename/-reorder: each output column taken from an input column. */
  | { readonly op: 'select'; readonly items: readonly { readonly name: string; readonly from: string }[] }
  | { readonly op: 'summarize'; readonly by: readonly Assignment[]; readonly aggregates: readonly Aggregate[] }
  | { readonly op: 'sort'; readonly keys: readonly SortKey[] }
  | { readonly op: 'take'; readonly count: Expr }
  | { readonly op: 'top'; readonly count: Expr; readonly keys: readonly SortKey[] }
  | { readonly op: 'count'; readonly name: string }
  | { readonly op: 'distinct'; readonly assignments: readonly Assignment[] }
  | { readonly op: 'join'; readonly kind: JoinKind; readonly right: Tabular; readonly keys: readonly JoinKey[]; readonly lookup: boolean }
  | {
      readonly op: 'mvexpand';
      readonly items: readonly { readonly name: string; readonly expr: Expr; readonly type: KqlType }[];
      readonly indexColumn?: string;
      readonly limit?: Expr;
      readonly bagAsArray?: boolean;
    }
  /** mv-apply: the subquery runs once per input row over that row's expanded arrays (an `implicit` table). */
  | {
      readonly op: 'mvapply';
      readonly items: readonly { readonly name: string; readonly expr: Expr; readonly type: KqlType }[];
      readonly indexColumn?: string;
      readonly limit?: Expr;
      readonly subquery: Tabular;
    }
  /** parse-kv: each declared key's value from `key<kv>value<pair>...` text. */
  | {
      readonly op: 'parsekv';
      readonly source: Expr;
      readonly keys: readonly ColumnDef[];
      readonly pairDelimiter: string;
      readonly kvDelimiter: string;
      readonly quote?: string;
    }
  /** partition by Key (subquery): the subquery runs once per key value over that key's rows (an `implicit` table). */
  | { readonly op: 'partition'; readonly key: Expr; readonly subquery: Tabular }
  /** top-nested: one level per clause, each a drill-down into the previous level's top values. */
  | {
      readonly op: 'topnested';
      readonly levels: readonly {
        readonly count?: Expr;
        readonly key: Expr;
        readonly keyName: string;
        readonly aggregate: Expr;
        readonly aggregateName: string;
        readonly others?: Expr;
        readonly descending: boolean;
      }[];
    }
  | {
      readonly op: 'makeseries';
      readonly by: readonly Assignment[];
      readonly aggregates: readonly { readonly name: string; readonly expr: Expr; readonly fallback?: Expr }[];
      readonly axis: Expr;
      readonly axisName: string;
      /** from/to (exclusive) with bin_at(axis, step, from), or `in range(start, stop, step)` (inclusive, bin()). */
      readonly from: Expr;
      readonly to: Expr;
      readonly step: Expr;
      readonly inclusive: boolean;
      readonly nonEmpty: boolean;
    }
  | {
      readonly op: 'parse';
      readonly source: Expr;
      readonly parts: readonly ParsePart[];
      readonly mode: 'simple' | 'regex' | 'relaxed';
      readonly flags: string;
    };

export type Tabular =
  | { readonly kind: 'table'; readonly columns: readonly ColumnDef[]; readonly name: string }
  | { readonly kind: 'datatable'; readonly columns: readonly ColumnDef[]; readonly rows: readonly (readonly Expr[])[] }
  | { readonly kind: 'print'; readonly columns: readonly ColumnDef[]; readonly exprs: readonly Expr[] }
  | { readonly kind: 'range'; readonly columns: readonly ColumnDef[]; readonly from: Expr; readonly to: Expr; readonly step: Expr }
  /** The sub-table an mv-apply subquery starts from. */
  | { readonly kind: 'implicit'; readonly columns: readonly ColumnDef[] }
  | {
      readonly kind: 'union';
      readonly columns: readonly ColumnDef[];
      readonly inputs: readonly Tabular[];
      readonly sourceColumn?: string;
      readonly sourceNames: readonly string[];
    }
  | { readonly kind: 'pipe'; readonly columns: readonly ColumnDef[]; readonly input: Tabular; readonly operator: Operator };

/** A chart request (`render`): stripped from the query and handed to the card renderer. */
export interface RenderRequest {
  readonly kind: string;
  readonly properties: Readonly<Record<string, string | readonly string[]>>;
}

export interface Query {
  readonly body: Tabular;
  readonly render?: RenderRequest;
}
