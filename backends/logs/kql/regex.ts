/**
 * KQL's regex functions that once ran in JavaScript (extract_all, countof kind=regex),
 * translated to DuckDB's regexp_* functions instead. Kusto's regexes are RE2 and so are
 * DuckDB's: linear time, no backreferences. V8's backtracking engine ran `(a+)+$` on 40
 * characters for minutes, on the bot's event loop, where no timeout could stop it.
 */
import type { Expr } from './ast';
import { asText, unsupportedAt, type ScalarContext } from './scalar';

type Call = Extract<Expr, { kind: 'call' }>;

/** Kusto allows at most 16 capture groups in extract_all. */
const MAX_GROUPS = 16;

/** The capture groups of an RE2 pattern, in order: their names ('' for an unnamed group). */
export function captureGroups(pattern: string): string[] {
  const groups: string[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        i = end < 0 ? pattern.length : end + 1;
      } else i += 1;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        if (end >= 0) i = end + 1;
      } else if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i += 1;
      if (pattern[i + 1] === ']') i += 1; // a leading ] is a literal
      continue;
    }
    if (c !== '(') continue;
    if (pattern[i + 1] !== '?') groups.push('');
    else {
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(pattern.slice(i));
      if (named) groups.push(named[1]);
    }
  }
  return groups;
}

const literalText = (e: Expr): string | undefined => (e.kind === 'literal' && typeof e.value === 'string' ? e.value : undefined);

/** The group numbers extract_all returns: the ones asked for (numbers or names), or every group (the whole match when there is none). */
function selectedGroups(args: readonly Expr[], call: Call): number[] {
  const pattern = literalText(args[0]);
  const groups = pattern === undefined ? undefined : captureGroups(pattern);
  if (args.length === 3) {
    const raw = args[1].kind === 'literal' && typeof args[1].value === 'string' ? safeJson(args[1].value) : undefined;
    if (!Array.isArray(raw) || raw.length === 0)
      return unsupportedAt(call.span, 'extract_all needs its capture groups as a constant array, such as dynamic([1, 2])');
    return raw.map((g) => {
      if (typeof g === 'number' && Number.isInteger(g) && g >= 0 && (groups === undefined || g <= groups.length)) return g;
      const index = typeof g === 'string' && groups ? groups.indexOf(g) : -1;
      if (index >= 0) return index + 1;
      return unsupportedAt(call.span, `extract_all: the regular expression has no capture group ${JSON.stringify(g)}`);
    });
  }
  if (!groups) return unsupportedAt(call.span, 'extract_all needs its regular expression as a constant string');
  if (groups.length > MAX_GROUPS) return unsupportedAt(call.span, `extract_all allows at most ${MAX_GROUPS} capture groups`);
  return groups.length === 0 ? [0] : groups.map((_, i) => i + 1);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * extract_all(regex, [groups,] text): one value per match (one group) or one array per
 * match (several); null when nothing matches; a group that took no part in a match is "".
 * Returns JSON text.
 */
export function extractAllSql(args: readonly Expr[], ctx: ScalarContext, call: Call): string {
  const groups = selectedGroups(args, call);
  const pattern = asText(args[0], ctx);
  const text = asText(args[args.length - 1], ctx);
  const lists = groups.map((g) => `regexp_extract_all(${text}, ${pattern}, ${g})`);
  const value = (list: string, i: string) => `coalesce(${list}[${i}], '')`;
  const rows =
    lists.length === 1
      ? `list_transform(${lists[0]}, m -> coalesce(m, ''))`
      : `list_transform(range(1, len(${lists[0]}) + 1), i -> [${lists.map((l) => value(l, 'i')).join(', ')}])`;
  return `CASE WHEN len(${lists[0]}) > 0 THEN CAST(to_json(${rows}) AS VARCHAR) END`;
}

/** countof(text, search, kind): with kind "regex", the non-overlapping matches of the regex. */
export function countOfSql(args: readonly Expr[], ctx: ScalarContext, call: Call): string {
  const text = asText(args[0], ctx);
  const search = asText(args[1], ctx);
  const kind = args[2] ? literalText(args[2])?.toLowerCase() : 'normal';
  if (kind === 'normal') return `kql_js_countof(${text}, ${search})`;
  if (kind !== 'regex') return unsupportedAt(call.span, 'countof needs its kind as a constant, "normal" or "regex"');
  return `CASE WHEN ${search} = '' THEN CAST(0 AS BIGINT) ELSE CAST(len(regexp_extract_all(${text}, ${search}, 0)) AS BIGINT) END`;
}
