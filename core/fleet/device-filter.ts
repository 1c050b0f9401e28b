import type { DeviceFilter, FwUpdateStatus } from '../ports/fleet';
import { Refusal, type RefusalCode, type RefusalFacts } from '../refusal';
import { rankNearest } from '../text/nearest';

/** Parsed, or refused with what is wrong (commands/refusal-text.ts words it, with how to write a filter). */
export type FilterParseResult = { ok: true; filter: DeviceFilter } | { ok: false; refusal: Refusal };

const refused = <C extends RefusalCode>(code: C, facts: RefusalFacts[C]): FilterParseResult => ({ ok: false, refusal: new Refusal(code, facts) });

const KEYS = ['site', 'ring', 'model', 'fw', 'update'] as const;
const KEY_ALIASES: Record<string, (typeof KEYS)[number]> = { firmware: 'fw', version: 'fw', status: 'update', fwupdatestatus: 'update' };
const FLAGS = ['online', 'offline', 'enabled', 'disabled'] as const;
const UPDATE_STATUSES: readonly FwUpdateStatus[] = ['current', 'downloading', 'verifying', 'applying', 'rebooting', 'error', 'rolledback'];

/** Values are matched exactly; this charset keeps them safe in any backend's query and readable in chat. */
const VALUE = /^[A-Za-z0-9][A-Za-z0-9._\-+]{0,63}$/;
/** Tag names a filter may name; the adapters check it again, as the name goes into a query path. */
export const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * The device filter language, shared by `devices`, `fleet`, rollout targets and
 * subscriptions. Terms are separated by spaces and all must hold (AND):
 *
 *   site:berlin  ring:canary  model:x200  fw:1.2.0  tag.<name>:<value>
 *   online  offline  enabled  disabled  update:<fwUpdateStatus>
 *
 * `key=value` is accepted as well as `key:value` (rollouts write `ring=canary`). A term that cannot
 * be matched is refused with a code and its facts (core/refusal.ts), never with words.
 */
export function parseDeviceFilter(text: string): FilterParseResult {
  const terms = text.trim().split(/\s+/).filter(Boolean);
  const out: {
    site?: string;
    ring?: string;
    model?: string;
    firmware?: string;
    connection?: 'Connected' | 'Disconnected';
    status?: 'enabled' | 'disabled';
    fwUpdateStatus?: FwUpdateStatus;
    tags?: Record<string, string>;
  } = {};
  // The term that set each field (and each tag), to name it when a later term contradicts it.
  const setBy: Partial<Record<keyof typeof out, string>> = {};
  const tagSetBy: Record<string, string> = {};
  const set = <K extends keyof typeof out>(key: K, value: (typeof out)[K], term: string): FilterParseResult | undefined => {
    const existing = out[key];
    if (existing !== undefined && existing !== value) return refused('device_filter_contradiction', { term, earlier: setBy[key] ?? String(existing) });
    out[key] = value;
    setBy[key] ??= term;
    return undefined;
  };

  for (const term of terms) {
    const lower = term.toLowerCase();
    if ((FLAGS as readonly string[]).includes(lower)) {
      const problem =
        lower === 'online' || lower === 'offline'
          ? set('connection', lower === 'online' ? 'Connected' : 'Disconnected', term)
          : set('status', lower as 'enabled' | 'disabled', term);
      if (problem) return problem;
      continue;
    }
    const sep = term.search(/[:=]/);
    if (sep <= 0) return unknownTerm(term);
    const rawKey = term.slice(0, sep).toLowerCase();
    const value = term.slice(sep + 1);
    if (value === '') return refused('device_filter_term_without_value', { term, key: rawKey });
    if (!VALUE.test(value)) return refused('device_filter_value_invalid', { term, value });

    if (rawKey.startsWith('tag.')) {
      const name = term.slice(4, sep);
      if (!TAG_NAME.test(name)) return refused('device_filter_tag_name_invalid', { term, name });
      const lowerName = name.toLowerCase();
      if (lowerName === 'site' || lowerName === 'ring' || lowerName === 'model') {
        const problem = set(lowerName, value, term);
        if (problem) return problem;
        continue;
      }
      out.tags ??= {};
      const tags = out.tags;
      if (tags[name] !== undefined && tags[name] !== value) return refused('device_filter_contradiction', { term, earlier: tagSetBy[name]! });
      tags[name] = value;
      tagSetBy[name] ??= term;
      continue;
    }

    const key = (KEYS as readonly string[]).includes(rawKey) ? (rawKey as (typeof KEYS)[number]) : KEY_ALIASES[rawKey];
    if (!key) return unknownTerm(term);
    let problem: FilterParseResult | undefined;
    if (key === 'fw') problem = set('firmware', value, term);
    else if (key === 'update') {
      const status = value.toLowerCase() as FwUpdateStatus;
      if (!UPDATE_STATUSES.includes(status)) return refused('device_filter_update_status_unknown', { term, value, known: UPDATE_STATUSES });
      problem = set('fwUpdateStatus', status, term);
    } else problem = set(key, value, term);
    if (problem) return problem;
  }
  return { ok: true, filter: out };
}

/** The filter written back in the language (canonical order), '' for all devices. */
export function formatDeviceFilter(filter: DeviceFilter): string {
  const terms: string[] = [];
  if (filter.site !== undefined) terms.push(`site:${filter.site}`);
  if (filter.ring !== undefined) terms.push(`ring:${filter.ring}`);
  if (filter.model !== undefined) terms.push(`model:${filter.model}`);
  if (filter.firmware !== undefined) terms.push(`fw:${filter.firmware}`);
  for (const [name, value] of Object.entries(filter.tags ?? {})) terms.push(`tag.${name}:${value}`);
  if (filter.connection) terms.push(filter.connection === 'Connected' ? 'online' : 'offline');
  if (filter.status) terms.push(filter.status);
  if (filter.fwUpdateStatus) terms.push(`update:${filter.fwUpdateStatus}`);
  if (filter.deviceIds) terms.push(`(${filter.deviceIds.length} listed devices)`);
  return terms.join(' ');
}

/** "site:berlin online" or "all devices": for card titles. */
export function describeDeviceFilter(filter: DeviceFilter): string {
  return formatDeviceFilter(filter) || 'all devices';
}

/** An unknown word, with the filter words close to it (`site:` for `sitee:berlin`). */
function unknownTerm(term: string): FilterParseResult {
  const word = term.split(/[:=]/)[0]!.toLowerCase();
  const known = [...KEYS, ...Object.keys(KEY_ALIASES), ...FLAGS, 'tag'];
  const suggestions = rankNearest(word, known, { maxDistance: 2, bestOnly: true }).map((k) => ((FLAGS as readonly string[]).includes(k) ? k : `${k}:`));
  return refused('device_filter_term_unknown', { term, suggestions });
}
