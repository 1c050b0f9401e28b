/**
 * Whether an expression gives the same value every time it is evaluated on the same row,
 * so a relation built from it can be read twice (see Translator.summarize) and yield the same rows.
 */
import type { Expr } from './ast';
import { windowCalls } from './functions';

/** Calls whose value changes from one evaluation to the next. */
const VOLATILE = new Set(['rand', 'new_guid']);

export function deterministic(e: Expr): boolean {
  switch (e.kind) {
    case 'call': {
      const found = { any: false, restarts: [] as Expr[] };
      windowCalls(e, found);
      // Window functions number rows in scan order, which a second scan need not repeat.
      return !found.any && !VOLATILE.has(e.name) && e.args.every(deterministic);
    }
    case 'binary':
      return deterministic(e.left) && deterministic(e.right);
    case 'unary':
      return deterministic(e.operand);
    case 'between':
      return deterministic(e.left) && deterministic(e.low) && deterministic(e.high);
    case 'inList':
      return deterministic(e.left) && e.items.every(deterministic);
    case 'member':
      return deterministic(e.target) && (typeof e.key === 'string' || deterministic(e.key));
    // A subquery may hold a take or a sample: its rows may differ on a second run.
    case 'inQuery':
    case 'scalarQuery':
      return false;
    default:
      return true;
  }
}
