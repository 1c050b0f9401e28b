/**
 * todatetime(string): the formats Kusto accepts — ISO 8601 (with or without T, zone and
 * up to 7 fraction digits), US `MM/dd/yyyy [HH:mm[:ss[.f]]]`, `yyyy/MM/dd`, RFC 822/850/1123
 * (`Sat, 8 Nov 14 15:05:02 GMT`). Times without a zone are UTC. Null when it is not a date.
 */
import { parseDateTimeText } from '../literals';

const TICKS_PER_MS = 10_000n;

function ticksOf(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, fraction = '', ampm?: string): bigint | null {
  let hour = h;
  if (ampm) {
    const pm = ampm.toUpperCase() === 'PM';
    if (hour === 12) hour = pm ? 12 : 0;
    else if (pm) hour += 12;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || hour > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, hour, mi, s);
  const check = new Date(ms);
  if (check.getUTCDate() !== d) return null;
  return BigInt(ms) * TICKS_PER_MS + BigInt((fraction.slice(0, 7) || '').padEnd(7, '0') || '0');
}

const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(AM|PM)?)?$/i;
const YEAR_FIRST = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;

export function parseKqlDateTime(text: string): bigint | null {
  const s = text.trim();
  if (s === '') return null;
  let m = SLASHED.exec(s);
  if (m) return ticksOf(Number(m[3]), Number(m[1]), Number(m[2]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), m[7] ?? '', m[8]);
  m = YEAR_FIRST.exec(s);
  if (m) return ticksOf(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), m[7] ?? '');
  if (/^\d{4}-\d{1,2}-\d{1,2}/.test(s)) {
    const iso = parseDateTimeText(s.replace(/\s+(Z|[+-]\d{2}:?\d{2})$/i, '$1'));
    return iso === undefined ? null : iso;
  }
  // RFC 822/850/1123 and other textual forms: only with letters in them, read as UTC unless a zone is given.
  if (!/[a-z]/i.test(s)) return null;
  const zoned = /(GMT|UTC|UT|Z|[+-]\d{4}|[ECMP][SD]T)$/i.test(s) ? s : `${s} GMT`;
  const ms = Date.parse(zoned.replace(/-(\w{3})-(\d{2})\b/, ' $1 $2'));
  return Number.isNaN(ms) ? null : BigInt(ms) * TICKS_PER_MS;
}
