/**
 * Analyzer errors that Kusto itself does not raise. Microsoft's Kusto.Language types a few
 * forms more strictly than the service: `count(x)` of a non-bool x (the analyzer knows only
 * `count()` and `count(predicate)`; the service counts the rows where x is not null) and a
 * search term inside `not(...)` of a `search` predicate (`search not("x")`).
 * The spans returned here are where such a diagnostic (KS107, "A value of type bool expected")
 * is ignored; every other diagnostic still fails the query.
 */
import { type KustoObject, syntaxKindName } from './kusto';

export interface TextRange {
  readonly start: number;
  readonly end: number;
}

const callName = (node: KustoObject): string => String(node.Name?.SimpleName ?? '').toLowerCase();
const argumentCount = (node: KustoObject): number => node.ArgumentList?.Expressions?.Count ?? 0;
const range = (node: KustoObject): TextRange => ({ start: node.TextStart, end: node.TextStart + node.Width });

/** Spans of the syntax tree `root` where the analyzer's type errors are not Kusto's. */
export function toleratedRanges(root: KustoObject): TextRange[] {
  const counts: TextRange[] = [];
  const nots: TextRange[] = [];
  const searches: TextRange[] = [];
  root.WalkNodes((node: KustoObject) => {
    const kind = syntaxKindName(node.Kind);
    if (kind === 'SearchOperator' && node.Condition) searches.push(range(node.Condition));
    if (kind === 'FunctionCallExpression' && argumentCount(node) === 1) {
      const name = callName(node);
      if (name === 'count') counts.push(range(node.ArgumentList));
      if (name === 'not') nots.push(range(node.ArgumentList));
    }
  });
  return [...counts, ...nots.filter((r) => searches.some((s) => s.start <= r.start && r.end <= s.end))];
}

/** Whether a diagnostic at [start, start + length) lies inside one of `ranges`. */
export function isTolerated(ranges: readonly TextRange[], start: number, length: number): boolean {
  return ranges.some((r) => r.start <= start && start + length <= r.end);
}
