import type { Alert, Severity } from './alert';

/**
 * The alerts subscription filter: `sev<=2 site:berlin device:device-42 rule:"Device offline"`.
 * Terms are ANDed; a key given twice (site:berlin site:paris) matches either value.
 * An empty filter matches every alert.
 */
export interface AlertFilter {
  readonly maxSeverity?: Severity;
  readonly minSeverity?: Severity;
  readonly sites: readonly string[];
  readonly devices: readonly string[];
  readonly rules: readonly string[];
  /** `oncall:berlin-ops`: new cards mention that rotation's primary and page on (core/oncall). Not a match condition. */
  readonly oncall?: string;
  /** `page:sev<=2`: the worst severity that pages (default Sev1). */
  readonly pageMaxSeverity?: Severity;
}

export const DEFAULT_PAGE_MAX_SEVERITY: Severity = 1;

export type FilterParse = { ok: true; filter: AlertFilter } | { ok: false; error: string };

export const FILTER_HELP =
  'use sev<=N (N 0–4, Sev0 is the worst), site:NAME, device:ID, rule:NAME (quote names with spaces: rule:"Device offline"), oncall:ROTATION (mention and page its on-call person; page:sev<=N, default 1), e.g. `sev<=2 site:berlin oncall:berlin-ops`';

/** Splits on spaces, keeping "quoted phrases" (after a colon too) together. */
export function tokenize(input: string): string[] {
  const tokens: string[] = [];
  const pattern = /(?:[^\s"]+|"[^"]*")+/g;
  for (const match of input.matchAll(pattern)) tokens.push(match[0].replace(/"/g, ''));
  return tokens;
}

export interface ParseFilterOptions {
  /** Bare words (no key) are device ids, as in `alerts sev<=2 device-42`. */
  readonly bareWordsAreDevices?: boolean;
}

export function parseAlertFilter(input: string, options: ParseFilterOptions = {}): FilterParse {
  if ((input.match(/"/g) ?? []).length % 2 === 1) return { ok: false, error: `The filter has an unclosed quote; ${FILTER_HELP}.` };
  let maxSeverity: Severity | undefined;
  let minSeverity: Severity | undefined;
  const sites: string[] = [];
  const devices: string[] = [];
  const rules: string[] = [];
  let oncall: string | undefined;
  let pageMaxSeverity: Severity | undefined;
  for (const token of tokenize(input.trim())) {
    const sev = /^sev(?:erity)?\s*(<=|>=|<|>|=|:)\s*(?:sev)?(\d+)$/i.exec(token);
    if (sev) {
      const n = Number(sev[2]);
      if (n > 4) return { ok: false, error: `\`${token}\`: severities go from 0 (Sev0, critical) to 4 (Sev4, verbose).` };
      const op = sev[1]!;
      if (op === '<=' || op === '=' || op === ':') maxSeverity = n as Severity;
      if (op === '>=' || op === '=' || op === ':') minSeverity = n as Severity;
      if (op === '<') {
        if (n === 0) return { ok: false, error: '`sev<0` matches nothing: Sev0 is the most severe. Did you mean `sev<=0`?' };
        maxSeverity = (n - 1) as Severity;
      }
      if (op === '>') {
        if (n === 4) return { ok: false, error: '`sev>4` matches nothing: Sev4 is the least severe.' };
        minSeverity = (n + 1) as Severity;
      }
      continue;
    }
    const keyed = /^([a-z]+):(.*)$/i.exec(token);
    if (keyed) {
      const key = keyed[1]!.toLowerCase();
      const value = keyed[2]!.trim();
      if (!value) return { ok: false, error: `\`${token}\` needs a value; ${FILTER_HELP}.` };
      if (key === 'site') sites.push(value);
      else if (key === 'device') devices.push(value);
      else if (key === 'rule') rules.push(value);
      else if (key === 'oncall' && /^[a-z0-9][a-z0-9-]*$/i.test(value)) oncall = value.toLowerCase();
      else if (key === 'page' && /^(?:sev)?(?:<=)?[0-4]$/i.test(value)) pageMaxSeverity = Number(value.slice(-1)) as Severity;
      else if (key === 'oncall' || key === 'page')
        return {
          ok: false,
          error: `\`${token}\`: ${key === 'oncall' ? 'name a rotation, e.g. `oncall:berlin-ops`' : 'say up to which severity to page, e.g. `page:sev<=2`'}.`,
        };
      else return { ok: false, error: `Unknown filter key \`${key}\`; ${FILTER_HELP}.` };
      continue;
    }
    if (options.bareWordsAreDevices && /^[\w.:-]+$/.test(token)) {
      devices.push(token);
      continue;
    }
    return { ok: false, error: `I don't understand \`${token}\` in the filter; ${FILTER_HELP}.` };
  }
  if (maxSeverity !== undefined && minSeverity !== undefined && minSeverity > maxSeverity) {
    return { ok: false, error: `The severity range is empty (Sev${minSeverity} to Sev${maxSeverity}); ${FILTER_HELP}.` };
  }
  if (pageMaxSeverity !== undefined && oncall === undefined)
    return { ok: false, error: `\`page:\` goes with a rotation to page, e.g. \`oncall:berlin-ops page:sev<=2\`.` };
  return { ok: true, filter: { maxSeverity, minSeverity, sites, devices, rules, oncall, pageMaxSeverity } };
}

/** For the subscribe command: undefined = fine, else what to fix. */
export function validateAlertFilter(input: string): string | undefined {
  const result = parseAlertFilter(input);
  return result.ok ? undefined : result.error;
}

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

export function matchesFilter(alert: Pick<Alert, 'severity' | 'site' | 'deviceId' | 'rule'>, filter: AlertFilter): boolean {
  if (filter.maxSeverity !== undefined && alert.severity > filter.maxSeverity) return false;
  if (filter.minSeverity !== undefined && alert.severity < filter.minSeverity) return false;
  if (filter.sites.length > 0 && !filter.sites.some((s) => same(alert.site, s))) return false;
  if (filter.devices.length > 0 && !filter.devices.some((d) => same(alert.deviceId, d))) return false;
  if (filter.rules.length > 0 && !filter.rules.some((r) => same(alert.rule, r))) return false;
  return true;
}
