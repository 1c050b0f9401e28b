/**
 * KQL string functions whose rules DuckDB has no built-in for (occurrence-aware indexof,
 * overlapping countof, parse_url). Nothing here takes a regular expression from a query.
 * Plain JavaScript, registered in DuckDB as scalar functions (see local/js-functions.ts).
 */

/** indexof(source, lookup[, start[, length[, occurrence]]]): each further occurrence is searched from one past the previous match. */
export function indexOf(source: string, lookup: string, start = 0, length = -1, occurrence = 1): number | null {
  if (start < 0 || occurrence <= 0 || length < -1) return null;
  let position = start;
  let found = -1;
  for (let k = 0; k < occurrence; k++) {
    if (position > source.length) return -1;
    const window = length === -1 ? source.slice(position) : source.slice(position, position + length);
    const at = window.indexOf(lookup);
    if (at < 0) return -1;
    found = position + at;
    position = found + 1;
  }
  return found;
}

/** countof(text, search) of kind "normal": matches may overlap. (Kind "regex" is DuckDB's RE2, see kql/regex.ts.) */
export function countOf(text: string, search: string): number {
  if (search === '') return 0;
  let count = 0;
  for (let at = text.indexOf(search); at >= 0; at = text.indexOf(search, at + 1)) count += 1;
  return count;
}

const URL_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^:@/?#]*)(?::([^@/?#]*))?@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

/** parse_url(url): the parts Kusto reports, with the query string as a property bag. */
export function parseUrl(url: string): Record<string, unknown> {
  const m = URL_PATTERN.exec(url.trim());
  if (!m) return { Scheme: '', Host: '', Port: '', Path: '', Username: '', Password: '', 'Query Parameters': {}, Fragment: '' };
  const query: Record<string, string> = {};
  if (m[7]) {
    for (const pair of m[7].split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      query[safeDecode(key)] = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
    }
  }
  return {
    Scheme: m[1],
    Host: m[4] ?? '',
    Port: m[5] ?? '',
    Path: m[6] ?? '',
    Username: m[2] ?? '',
    Password: m[3] ?? '',
    'Query Parameters': query,
    Fragment: m[8] ?? '',
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** parse_urlquery(query): {"Query Parameters": {...}}. */
export function parseUrlQuery(query: string): Record<string, unknown> {
  const q = query.startsWith('?') ? query.slice(1) : query;
  const out: Record<string, string> = {};
  for (const pair of q.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    out[safeDecode(eq < 0 ? pair : pair.slice(0, eq))] = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
  }
  return { 'Query Parameters': out };
}

/** url_encode_component: RFC 3986 percent-encoding of everything but unreserved characters. */
export function urlEncodeComponent(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** url_encode: .NET's HttpUtility.UrlEncode — lowercase hex, spaces as '+', `-_.!*()` kept. */
export function urlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/'/g, '%27')
    .replace(/~/g, '%7E')
    .replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())
    .replace(/%20/g, '+');
}

/** tohex(value[, minLength]): two's complement for negatives (32-bit for an int, 64-bit for a long). */
export function toHex(value: bigint, minLength: number, bits: 32 | 64): string {
  const width = BigInt(bits);
  const unsigned = value < 0n ? BigInt.asUintN(bits, value) : value;
  const hex = unsigned.toString(16);
  void width;
  return hex.padStart(Math.min(16, Math.max(0, minLength)), '0');
}

/** base64 of a guid's bytes in .NET's order (the first three groups little-endian). */
export function guidToBase64(guid: string): string | null {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
  const bytes = Buffer.from(hex, 'hex');
  const ordered = Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8),
  ]);
  return ordered.toString('base64');
}

export function base64ToGuid(text: string): string | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 16) return null;
  const ordered = Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8),
  ]);
  const hex = ordered.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function urlDecode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * A real as Kusto writes it (tostring, strcat): .NET's shortest round-trip form, with
 * scientific notation from 1E+15 up and below 1E-05 (`1E+20`, `1.5E-07`), NaN and ±Infinity.
 */
export function realToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return '0';
  const [mantissa, exp] = x.toExponential().split('e');
  const exponent = Number(exp);
  if (exponent >= 15 || exponent < -4) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}E${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const digits = mantissa.replace('-', '').replace('.', '');
  const negative = x < 0 ? '-' : '';
  if (exponent >= 0) {
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1);
    return `${negative}${whole}${fraction ? `.${fraction}` : ''}`;
  }
  return `${negative}0.${'0'.repeat(-exponent - 1)}${digits}`;
}
