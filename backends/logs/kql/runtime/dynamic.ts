/**
 * KQL functions over dynamic arrays and property bags (set_*, zip, array_sort_*,
 * bag_merge, ...). Values arrive and leave as JSON text.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function parse(text: string | null): Json | undefined {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

const isArray = (v: Json | undefined): v is Json[] => Array.isArray(v);
const isBag = (v: Json | undefined): v is Record<string, Json> => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
const key = (v: Json): string => JSON.stringify(v);

function distinct(values: readonly Json[]): Json[] {
  const seen = new Set<string>();
  const out: Json[] = [];
  for (const v of values) {
    const k = key(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

/** set_union/set_intersect/set_difference: distinct values in first-seen order; null when an argument is not an array. */
export function setOperation(kind: 'union' | 'intersect' | 'difference', arrays: readonly (Json | undefined)[]): Json[] | null {
  if (!arrays.every(isArray)) return null;
  const lists = arrays as Json[][];
  if (kind === 'union') return distinct(lists.flat());
  const others = lists.slice(1).map((l) => new Set(l.map(key)));
  const first = distinct(lists[0]);
  return kind === 'intersect' ? first.filter((v) => others.every((o) => o.has(key(v)))) : first.filter((v) => others.every((o) => !o.has(key(v))));
}

export function zip(arrays: readonly (Json | undefined)[]): Json[] | null {
  if (!arrays.every(isArray)) return null;
  const lists = arrays as Json[][];
  const length = Math.max(0, ...lists.map((l) => l.length));
  return Array.from({ length }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
}

export function bagMerge(bags: readonly (Json | undefined)[]): Json {
  const out: Record<string, Json> = {};
  for (const bag of bags) {
    if (!isBag(bag)) continue;
    for (const [k, v] of Object.entries(bag)) if (!(k in out)) out[k] = v;
  }
  return out;
}

/** Sort rank of an element: numbers, then strings, then everything else (nulls apart). */
function rank(v: Json): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  return 2;
}

function compare(a: Json, b: Json): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

/**
 * array_sort_asc/desc(arrays..., nulls_last): sorts the first array, reorders the others
 * to match; arrays of another length become null.
 */
export function arraySort(arrays: readonly (Json | undefined)[], descending: boolean, nullsLast: boolean): (Json[] | null)[] {
  const first = arrays[0];
  if (!isArray(first)) return arrays.map(() => null);
  const order = first.map((_, i) => i);
  order.sort((i, j) => {
    const a = first[i];
    const b = first[j];
    if (a === null || b === null) {
      if (a === b) return i - j;
      return (a === null ? 1 : -1) * (nullsLast ? 1 : -1);
    }
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    const c = compare(a, b);
    return (descending ? -c : c) || i - j;
  });
  return arrays.map((arr) => (isArray(arr) && arr.length === first.length ? order.map((i) => arr[i]) : null));
}

export function arrayReverse(arr: Json | undefined): Json[] | null {
  return isArray(arr) ? [...arr].reverse() : null;
}

/** array_rotate_left/right and array_shift_left/right. */
export function arrayMove(arr: Json | undefined, amount: number, kind: 'rotate' | 'shift', fill: Json = null): Json[] | null {
  if (!isArray(arr)) return null;
  const n = arr.length;
  if (n === 0) return [];
  if (kind === 'rotate') {
    const k = ((amount % n) + n) % n;
    return [...arr.slice(k), ...arr.slice(0, k)];
  }
  if (amount >= 0) return [...arr.slice(Math.min(amount, n)), ...Array<Json>(Math.min(amount, n)).fill(fill)];
  const k = Math.min(-amount, n);
  return [...Array<Json>(k).fill(fill), ...arr.slice(0, n - k)];
}

/** array_split(arr, indices): pieces cut at each index. */
export function arraySplit(arr: Json | undefined, indices: Json | undefined): Json[] | null {
  if (!isArray(arr)) return null;
  const cuts = (isArray(indices) ? indices : [indices ?? 0])
    .map((i) => Number(i))
    .map((i) => (i < 0 ? arr.length + i : i))
    .map((i) => Math.max(0, Math.min(arr.length, i)));
  const out: Json[] = [];
  let from = 0;
  for (const cut of cuts) {
    out.push(arr.slice(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  out.push(arr.slice(from));
  return out;
}

export function bagRemoveKeys(bag: Json | undefined, keys: Json | undefined): Json | null {
  if (!isBag(bag)) return null;
  const drop = new Set((isArray(keys) ? keys : []).map((k) => String(k)));
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(bag)) if (!drop.has(k)) out[k] = v;
  return out;
}

/** make_bag: merges the property bags of a group (the first value of a key wins). */
export function mergeBagList(list: Json | undefined, limit?: number): Json {
  const out: Record<string, Json> = {};
  let count = 0;
  for (const bag of isArray(list) ? list : []) {
    if (!isBag(bag)) continue;
    for (const [k, v] of Object.entries(bag)) {
      if (k in out) continue;
      if (limit !== undefined && count >= limit) return out;
      out[k] = v;
      count += 1;
    }
  }
  return out;
}

export function jaccardIndex(a: Json | undefined, b: Json | undefined): number | null {
  if (!isArray(a) || !isArray(b)) return null;
  const sa = new Set(a.map(key));
  const sb = new Set(b.map(key));
  const union = new Set([...sa, ...sb]);
  if (union.size === 0) return null;
  let both = 0;
  for (const k of sa) if (sb.has(k)) both += 1;
  return both / union.size;
}

export function arrayIff(conditions: Json | undefined, whenTrue: Json | undefined, whenFalse: Json | undefined): Json[] | null {
  if (!isArray(conditions)) return null;
  const pick = (v: Json | undefined, i: number): Json => (isArray(v) ? (i < v.length ? v[i] : null) : (v ?? null));
  return conditions.map((c, i) => {
    const truthy = typeof c === 'boolean' ? c : typeof c === 'number' ? c !== 0 : null;
    return truthy === null ? null : truthy ? pick(whenTrue, i) : pick(whenFalse, i);
  });
}

/** series_fill_const/forward/backward/linear: replaces the nulls of a numeric series. */
export function seriesFill(series: Json | undefined, kind: 'const' | 'forward' | 'backward' | 'linear', constant: Json): Json[] | null {
  if (!isArray(series)) return null;
  const out = [...series];
  const missing = (v: Json) => v === null;
  if (kind === 'const') return out.map((v) => (missing(v) ? constant : v));
  if (kind === 'forward') {
    for (let i = 1; i < out.length; i++) if (missing(out[i])) out[i] = out[i - 1];
    return out;
  }
  if (kind === 'backward') {
    for (let i = out.length - 2; i >= 0; i--) if (missing(out[i])) out[i] = out[i + 1];
    return out;
  }
  for (let i = 0; i < out.length; i++) {
    if (!missing(out[i])) continue;
    let j = i;
    while (j < out.length && missing(out[j])) j++;
    const before = i > 0 ? (out[i - 1] as number) : undefined;
    const after = j < out.length ? (out[j] as number) : undefined;
    for (let k = i; k < j; k++) {
      if (before !== undefined && after !== undefined) out[k] = before + ((after - before) * (k - i + 1)) / (j - i + 1);
      else out[k] = before ?? after ?? null;
    }
    i = j;
  }
  return out;
}

/** treepath: every path in a dynamic value, `$['a']['b']`, `$['c'][0]` style. */
export function treePaths(value: Json | undefined): string[] | null {
  if (!isBag(value) && !isArray(value)) return null;
  const out: string[] = [];
  const walk = (v: Json, path: string) => {
    if (isBag(v)) {
      for (const [k, child] of Object.entries(v)) {
        const p = `${path}['${k}']`;
        out.push(p);
        walk(child, p);
      }
    } else if (isArray(v)) {
      const p = `${path}[0]`;
      if (v.length > 0 && !out.includes(p)) out.push(p);
      for (const child of v) walk(child, p);
    }
  };
  walk(value, '$');
  return [...new Set(out)];
}
