/**
 * Keeps what FleetOps sends under Teams' size limit whatever the input. Alert rules, sites,
 * device ids, log cells and pipeline names come from outside; 100 KB in one of them made
 * a 600 KB card, Teams answered 413, and the alert never reached the channel. Every card
 * (see card() in card.ts) and every activity passes through here: when it is too big, its
 * longest texts are clipped, by UTF-8 bytes and with an ellipsis, just enough to fit.
 */

/** Teams rejects posts over ~40 KB; FleetOps keeps each activity (card, text and summary) under this. */
export const MAX_ACTIVITY_BYTES = 28 * 1024;
/** Room for what is added around the card: the activity's envelope, a text line, a summary. */
export const MAX_CARD_BYTES = MAX_ACTIVITY_BYTES - 1024;
/** A notification's preview line (the activity summary). */
export const MAX_SUMMARY_BYTES = 256;

const ELLIPSIS = '…';
const ELLIPSIS_BYTES = Buffer.byteLength(ELLIPSIS, 'utf8');
/** No text is clipped below this: short values (types, verbs, styles) are never touched. */
const MIN_CLIP_BYTES = 48;

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
/** What one character costs in the JSON that is sent: control characters, quotes and backslashes are escaped (a NUL is six bytes). */
const sentBytes = (ch: string): number => (ch < ' ' || ch === '"' || ch === '\\' ? Buffer.byteLength(JSON.stringify(ch), 'utf8') - 2 : utf8Bytes(ch));
const sentTextBytes = (text: string): number => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** `text` cut to at most `maxBytes` as sent (UTF-8, JSON escapes counted), at a code point boundary, ending in "…" when it was cut. */
export function clipBytes(text: string, maxBytes: number): string {
  if (sentTextBytes(text) <= maxBytes) return text;
  const budget = Math.max(0, maxBytes - ELLIPSIS_BYTES);
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = sentBytes(ch);
    if (bytes + size > budget) break;
    bytes += size;
    end += ch.length;
  }
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

/** A copy of `value` with every string longer than `maxBytes` clipped. */
function clipStrings<T>(value: T, maxBytes: number): T {
  if (typeof value === 'string') return clipBytes(value, maxBytes) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => clipStrings(v, maxBytes)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipStrings(v, maxBytes)])) as T;
  }
  return value;
}

/** `value` as small as fitStrings can ever make it: every string clipped as far as it clips any. */
export const mostClipped = <T>(value: T): T => clipStrings(value, MIN_CLIP_BYTES);

function longestString(value: unknown): number {
  if (typeof value === 'string') return sentTextBytes(value);
  if (Array.isArray(value)) return value.reduce((max: number, v) => Math.max(max, longestString(v)), 0);
  if (value !== null && typeof value === 'object') return Object.values(value).reduce((max: number, v) => Math.max(max, longestString(v)), 0);
  return 0;
}

/**
 * `value` (a card, or an activity) as it is when it fits in `maxBytes`; otherwise with its
 * longest strings clipped to the largest length that makes it fit. A card that is too big
 * even then (too many elements, which the builders' caps prevent) gets the shortest clip.
 */
export function fitStrings<T>(value: T, maxBytes: number): T {
  if (jsonBytes(value) <= maxBytes) return value;
  // No one string can be longer than the whole: cutting those first keeps the search below cheap.
  const capped = clipStrings(value, maxBytes);
  if (jsonBytes(capped) <= maxBytes) return capped;
  let low = MIN_CLIP_BYTES;
  let high = longestString(capped);
  let best = mostClipped(capped);
  if (jsonBytes(best) > maxBytes) return best;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const clipped = clipStrings(capped, mid);
    if (jsonBytes(clipped) <= maxBytes) {
      low = mid;
      best = clipped;
    } else high = mid - 1;
  }
  return best;
}
