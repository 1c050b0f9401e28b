import { Refusal, type RefusalCode, type RefusalFacts } from '../refusal';
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

/** Parsed, or refused with what is wrong (commands/refusal-text.ts words it, with how to write a filter). */
export type FilterParse = { ok: true; filter: AlertFilter } | { ok: false; refusal: Refusal };

const refused = <C extends RefusalCode>(code: C, facts: RefusalFacts[C]): FilterParse => ({ ok: false, refusal: new Refusal(code, facts) });

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
  if ((input.match(/"/g) ?? []).length % 2 === 1) return refused('alert_filter_unclosed_quote', { filter: input });
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
      if (n > 4) return refused('alert_filter_severity_unknown', { term: token });
      const op = sev[1]!;
      if (op === '<=' || op === '=' || op === ':') maxSeverity = n as Severity;
      if (op === '>=' || op === '=' || op === ':') minSeverity = n as Severity;
      if (op === '<') {
        if (n === 0) return refused('alert_filter_matches_nothing', { term: token, bound: 0 });
        maxSeverity = (n - 1) as Severity;
      }
      if (op === '>') {
        if (n === 4) return refused('alert_filter_matches_nothing', { term: token, bound: 4 });
        minSeverity = (n + 1) as Severity;
      }
      continue;
    }
    const keyed = /^([a-z]+):(.*)$/i.exec(token);
    if (keyed) {
      const key = keyed[1]!.toLowerCase();
      const value = keyed[2]!.trim();
      if (!value) return refused('alert_filter_term_without_value', { term: token });
      if (key === 'site') sites.push(value);
      else if (key === 'device') devices.push(value);
      else if (key === 'rule') rules.push(value);
      else if (key === 'oncall' && /^[a-z0-9][a-z0-9-]*$/i.test(value)) oncall = value.toLowerCase();
      else if (key === 'page' && /^(?:sev)?(?:<=)?[0-4]$/i.test(value)) pageMaxSeverity = Number(value.slice(-1)) as Severity;
      else if (key === 'oncall') return refused('alert_filter_rotation_invalid', { term: token });
      else if (key === 'page') return refused('alert_filter_page_invalid', { term: token });
      else return refused('alert_filter_key_unknown', { key });
      continue;
    }
    if (options.bareWordsAreDevices && /^[\w.:-]+$/.test(token)) {
      devices.push(token);
      continue;
    }
    return refused('alert_filter_term_unknown', { term: token });
  }
  if (maxSeverity !== undefined && minSeverity !== undefined && minSeverity > maxSeverity) {
    return refused('alert_filter_severity_range_empty', { minSeverity, maxSeverity });
  }
  if (pageMaxSeverity !== undefined && oncall === undefined) return refused('alert_filter_page_without_rotation', { filter: input });
  return { ok: true, filter: { maxSeverity, minSeverity, sites, devices, rules, oncall, pageMaxSeverity } };
}

/** For the subscribe command: undefined = fine, else the refusal saying what to fix. */
export function alertFilterRefusal(input: string): Refusal | undefined {
  const result = parseAlertFilter(input);
  return result.ok ? undefined : result.refusal;
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
