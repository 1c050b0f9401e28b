/** Parsing of KQL datetime and timespan literal text into ticks (100 ns units). */

const UNIT_TICKS: Record<string, number> = {
  d: 864e9,
  day: 864e9,
  days: 864e9,
  h: 36e9,
  hr: 36e9,
  hrs: 36e9,
  hour: 36e9,
  hours: 36e9,
  m: 6e8,
  min: 6e8,
  minute: 6e8,
  minutes: 6e8,
  s: 1e7,
  sec: 1e7,
  second: 1e7,
  seconds: 1e7,
  ms: 1e4,
  milli: 1e4,
  millis: 1e4,
  millisecond: 1e4,
  milliseconds: 1e4,
  microsecond: 10,
  microseconds: 10,
  tick: 1,
  ticks: 1,
};

/** Inside of `datetime(...)`/`time(...)`, without the quotes some people add. */
function innerText(text: string): string {
  const open = text.indexOf('(');
  const inner = open >= 0 && text.endsWith(')') ? text.slice(open + 1, -1) : text;
  return inner
    .trim()
    .replace(/^['"]|['"]$/g, '')
    .trim();
}

/** Ticks since 1970-01-01, or null for `datetime(null)`; undefined when the text is not a date. */
export function parseDateTimeText(text: string): bigint | null | undefined {
  const s = text.includes('(') ? innerText(text) : text.trim();
  if (s === '' || s.toLowerCase() === 'null') return null;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7})\d*)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
    let ticks = BigInt(ms) * 10_000n + BigInt((m[7] ?? '').padEnd(7, '0') || '0');
    if (m[8] && m[8].toUpperCase() !== 'Z') {
      const sign = m[8].startsWith('-') ? -1n : 1n;
      const digits = m[8].slice(1).replace(':', '');
      const offsetMinutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
      ticks -= sign * offsetMinutes * 600_000_000n;
    }
    return ticks;
  }
  const parsed = Date.parse(s);
  if (Number.isNaN(parsed)) return undefined;
  return BigInt(parsed) * 10_000n;
}

/** Ticks of a timespan literal (`1h`, `1.5d`, `time(1.02:03:04)`, `timespan(00:05:00)`); null for `time(null)`. */
export function parseTimespanText(text: string): bigint | null | undefined {
  const raw = text.trim();
  const s = /^(time|timespan)\s*\(/i.test(raw) ? innerText(raw) : raw;
  if (s.toLowerCase() === 'null') return null;
  const unit = /^([+-]?\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(s);
  if (unit) {
    const value = Number(unit[1]);
    const factor = unit[2] ? UNIT_TICKS[unit[2].toLowerCase()] : 864e9; // a bare number means days
    if (factor === undefined) return undefined;
    return BigInt(Math.round(value * factor));
  }
  const clock = /^([+-])?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7})\d*)?)?$/.exec(s);
  if (clock) {
    const sign = clock[1] === '-' ? -1n : 1n;
    const days = BigInt(clock[2] ?? 0);
    const total =
      days * 864_000_000_000n +
      BigInt(clock[3]) * 36_000_000_000n +
      BigInt(clock[4]) * 600_000_000n +
      BigInt(clock[5] ?? 0) * 10_000_000n +
      BigInt((clock[6] ?? '').padEnd(7, '0') || '0');
    return sign * total;
  }
  return undefined;
}

/** `real(nan)`, `real(+inf)`, `1e3`, `real(null)`. */
export function parseRealText(text: string): number | null | undefined {
  const s = text.includes('(') ? innerText(text) : text.trim();
  const lower = s.toLowerCase();
  if (lower === 'null') return null;
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}
