import { editDistance } from '../text/edit-distance';

/**
 * What the user typed, as a device id: surrounding quotes, backticks, brackets and
 * punctuation are dropped ("`device-42`," → device-42). Case is kept: IoT Hub ids are
 * case-sensitive, so callers try the exact id first and then the lower-case one.
 */
export function cleanDeviceIdInput(input: string): string {
  return input
    .trim()
    .replace(/^[\s"'`“”‘’([{<*_]+/, '')
    .replace(/[\s"'`“”‘’)\]}>*_.,;:!?]+$/, '');
}

/** IoT Hub's rule: up to 128 characters from this set. */
const DEVICE_ID = /^[A-Za-z0-9\-.%_*?!(),:=@$']{1,128}$/;
export const isValidDeviceId = (id: string): boolean => DEVICE_ID.test(id);

/**
 * Prefixes worth searching for ids close to a mistyped one: the id itself and the id
 * with its last one or two characters dropped (device-4200 → device-420, device-42).
 */
export function suggestionPrefixes(input: string): string[] {
  const lower = input.toLowerCase();
  const out = new Set<string>([lower]);
  for (let cut = 1; cut <= 2 && lower.length - cut >= 3; cut++) out.add(lower.slice(0, lower.length - cut));
  return [...out];
}

/** The candidates closest to `input`, best first; ties go to the shorter, then natural order. */
export function rankClosestIds(input: string, candidates: Iterable<string>, max: number): string[] {
  const lower = input.toLowerCase();
  const limit = Math.max(2, Math.ceil(lower.length / 3));
  const scored: Array<{ id: string; d: number }> = [];
  for (const id of new Set(candidates)) {
    const d = editDistance(lower, id.toLowerCase());
    if (d <= limit) scored.push({ id, d });
  }
  return scored
    .sort((a, b) => a.d - b.d || a.id.length - b.id.length || naturalCompare(a.id, b.id))
    .slice(0, max)
    .map((s) => s.id);
}

/** device-2 before device-10. */
export function naturalCompare(a: string, b: string): number {
  return naturalSortKey(a) < naturalSortKey(b) ? -1 : naturalSortKey(a) > naturalSortKey(b) ? 1 : 0;
}

/** A string that sorts naturally as plain text: digit runs are zero-padded to 12; the id itself breaks ties. */
export function naturalSortKey(id: string): string {
  return `${id.toLowerCase().replace(/\d+/g, (run) => run.replace(/^0+(?=\d)/, '').padStart(12, '0'))}\u0000${id}`;
}
