import { rankNearest } from '../text/nearest';

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

/** The ids closest to a mistyped one, best first (the shared ranker: core/text/nearest.ts). */
export function rankClosestIds(input: string, candidates: Iterable<string>, max: number): string[] {
  return rankNearest(input, candidates, { max });
}
