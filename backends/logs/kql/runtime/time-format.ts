/**
 * format_datetime / format_timespan: Kusto's .NET-style custom format specifiers
 * (d, dd, f…fffffff, F…FFFFFFF, h, hh, H, HH, m, mm, M, MM, s, ss, y, yy, yyyy, tt),
 * other characters copied as they are.
 */
const TICKS_PER_SECOND = 10_000_000n;
const TICKS_PER_DAY = 864_000_000_000n;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number | bigint, width: number): string => String(n).padStart(width, '0');

/** Splits a format into runs of the same letter; quoted text and other characters are literal. */
function tokens(format: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < format.length; ) {
    const c = format[i];
    if (c === "'" || c === '"') {
      const end = format.indexOf(c, i + 1);
      const stop = end < 0 ? format.length : end;
      out.push(`'${format.slice(i + 1, stop)}`);
      i = stop + 1;
    } else if (c === '\\' && i + 1 < format.length) {
      out.push(`'${format[i + 1]}`);
      i += 2;
    } else if (/[a-zA-Z]/.test(c)) {
      let j = i;
      while (j < format.length && format[j] === c) j++;
      out.push(format.slice(i, j));
      i = j;
    } else {
      out.push(`'${c}`);
      i += 1;
    }
  }
  return out;
}

/** 7-digit fraction → `f` (fixed width) or `F` (trailing zeros dropped) of the given width. */
function fraction(fraction7: string, token: string): string {
  const digits = fraction7.slice(0, Math.min(7, token.length));
  return token[0] === 'f' ? digits : digits.replace(/0+$/, '');
}

function render(format: string, part: (token: string) => string | undefined): string {
  let out = '';
  for (const t of tokens(format)) {
    if (t.startsWith("'")) {
      out += t.slice(1);
      continue;
    }
    const value = part(t);
    if (value === undefined) {
      out += t;
    } else if (value === '' && t[0] === 'F' && out.endsWith('.')) {
      out = out.slice(0, -1);
    } else {
      out += value;
    }
  }
  return out;
}

export function formatDateTime(ticks: bigint, format: string): string {
  const frac = ((ticks % TICKS_PER_SECOND) + TICKS_PER_SECOND) % TICKS_PER_SECOND;
  const date = new Date(Number((ticks - frac) / 10_000n));
  const f7 = pad(frac, 7);
  const year = date.getUTCFullYear();
  const hour = date.getUTCHours();
  return render(format, (t) => {
    const n = t.length;
    switch (t[0]) {
      case 'd':
        return n === 1
          ? String(date.getUTCDate())
          : n === 2
            ? pad(date.getUTCDate(), 2)
            : n === 3
              ? DAYS[date.getUTCDay()].slice(0, 3)
              : DAYS[date.getUTCDay()];
      case 'f':
      case 'F':
        return n <= 7 ? fraction(f7, t) : undefined;
      case 'h':
        return n === 1 ? String(hour % 12 || 12) : pad(hour % 12 || 12, 2);
      case 'H':
        return n === 1 ? String(hour) : pad(hour, 2);
      case 'm':
        return n === 1 ? String(date.getUTCMinutes()) : pad(date.getUTCMinutes(), 2);
      case 'M': {
        const month = date.getUTCMonth();
        return n === 1 ? String(month + 1) : n === 2 ? pad(month + 1, 2) : n === 3 ? MONTHS[month].slice(0, 3) : MONTHS[month];
      }
      case 's':
        return n === 1 ? String(date.getUTCSeconds()) : pad(date.getUTCSeconds(), 2);
      case 'y':
        return n === 1 ? String(year % 100) : n === 2 ? pad(year % 100, 2) : pad(year, n);
      case 't':
        return n === 1 ? (hour < 12 ? 'A' : 'P') : hour < 12 ? 'AM' : 'PM';
      default:
        return undefined;
    }
  });
}

export function formatTimespan(ticks: bigint, format: string): string {
  const negative = ticks < 0n;
  const t = negative ? -ticks : ticks;
  const frac = t % TICKS_PER_SECOND;
  const totalSeconds = t / TICKS_PER_SECOND;
  const days = t / TICKS_PER_DAY;
  const hours = Number((totalSeconds / 3600n) % 24n);
  const minutes = Number((totalSeconds / 60n) % 60n);
  const seconds = Number(totalSeconds % 60n);
  const f7 = pad(frac, 7);
  const text = render(format, (tok) => {
    const n = tok.length;
    switch (tok[0]) {
      case 'd':
        return pad(days, n);
      case 'f':
      case 'F':
        return n <= 7 ? fraction(f7, tok) : undefined;
      case 'h':
      case 'H':
        return n === 1 ? String(hours) : pad(hours, 2);
      case 'm':
        return n === 1 ? String(minutes) : pad(minutes, 2);
      case 's':
        return n === 1 ? String(seconds) : pad(seconds, 2);
      default:
        return undefined;
    }
  });
  return negative ? `-${text}` : text;
}
