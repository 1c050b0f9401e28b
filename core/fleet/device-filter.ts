import type { DeviceFilter, FwUpdateStatus } from '../ports/fleet';
import { editDistance } from '../text/edit-distance';

/**
 * The device filter language, shared by `devices`, `fleet`, rollout targets and
 * subscriptions. Terms are separated by spaces and all must hold (AND):
 *
 *   site:berlin  ring:canary  model:x200  fw:1.2.0  tag.<name>:<value>
 *   online  offline  enabled  disabled  update:<fwUpdateStatus>
 *
 * `key=value` is accepted as well as `key:value` (rollouts write `ring=canary`).
 */
export const FILTER_HELP =
  'Filter terms (combine with spaces): `site:<site>`, `ring:<ring>`, `model:<model>`, `fw:<version>`, `tag.<name>:<value>`, `online`, `offline`, `enabled`, `disabled`, `update:<status>`.';

export type FilterParseResult = { ok: true; filter: DeviceFilter } | { ok: false; error: string };

const KEYS = ['site', 'ring', 'model', 'fw', 'update'] as const;
const KEY_ALIASES: Record<string, (typeof KEYS)[number]> = { firmware: 'fw', version: 'fw', status: 'update', fwupdatestatus: 'update' };
const FLAGS = ['online', 'offline', 'enabled', 'disabled'] as const;
const UPDATE_STATUSES: readonly FwUpdateStatus[] = ['current', 'downloading', 'verifying', 'applying', 'rebooting', 'error', 'rolledback'];

/** Values are matched exactly; this charset keeps them safe in any backend's query and readable in chat. */
const VALUE = /^[A-Za-z0-9][A-Za-z0-9._\-+]{0,63}$/;
/** Tag names a filter may name; the adapters check it again, as the name goes into a query path. */
export const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

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
  const set = <K extends keyof typeof out>(key: K, value: (typeof out)[K], term: string): string | undefined => {
    const existing = out[key];
    if (existing !== undefined && existing !== value)
      return `\`${term}\` contradicts an earlier term (${String(existing)}); a device has only one, so nothing would match.`;
    out[key] = value;
    return undefined;
  };

  for (const term of terms) {
    const lower = term.toLowerCase();
    if ((FLAGS as readonly string[]).includes(lower)) {
      const problem =
        lower === 'online' || lower === 'offline'
          ? set('connection', lower === 'online' ? 'Connected' : 'Disconnected', term)
          : set('status', lower as 'enabled' | 'disabled', term);
      if (problem) return fail(problem);
      continue;
    }
    const sep = term.search(/[:=]/);
    if (sep <= 0) return fail(unknownTerm(term));
    const rawKey = term.slice(0, sep).toLowerCase();
    const value = term.slice(sep + 1);
    if (value === '') return fail(`\`${term}\` has no value; write it like \`${rawKey}:value\`.`);
    if (!VALUE.test(value)) {
      return fail(`\`${value}\` (in \`${term}\`) is not a value I can match: use letters, digits, \`.\`, \`-\`, \`_\` or \`+\`, at most 64 characters.`);
    }

    if (rawKey.startsWith('tag.')) {
      const name = term.slice(4, sep);
      if (!TAG_NAME.test(name)) return fail(`\`${name}\` is not a tag name I can match: start with a letter, then letters, digits or \`_\`.`);
      const lowerName = name.toLowerCase();
      if (lowerName === 'site' || lowerName === 'ring' || lowerName === 'model') {
        const problem = set(lowerName, value, term);
        if (problem) return fail(problem);
        continue;
      }
      out.tags ??= {};
      const tags = out.tags;
      if (tags[name] !== undefined && tags[name] !== value)
        return fail(`\`${term}\` contradicts an earlier \`tag.${name}:${tags[name]}\`; nothing would match.`);
      tags[name] = value;
      continue;
    }

    const key = (KEYS as readonly string[]).includes(rawKey) ? (rawKey as (typeof KEYS)[number]) : KEY_ALIASES[rawKey];
    if (!key) return fail(unknownTerm(term));
    let problem: string | undefined;
    if (key === 'fw') problem = set('firmware', value, term);
    else if (key === 'update') {
      const status = value.toLowerCase() as FwUpdateStatus;
      if (!UPDATE_STATUSES.includes(status)) return fail(`\`${value}\` is not an update status; use one of ${UPDATE_STATUSES.join(', ')}.`);
      problem = set('fwUpdateStatus', status, term);
    } else problem = set(key, value, term);
    if (problem) return fail(problem);
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

function unknownTerm(term: string): string {
  const word = term.split(/[:=]/)[0]!.toLowerCase();
  const known = [...KEYS, ...Object.keys(KEY_ALIASES), ...FLAGS, 'tag'];
  const scored = known.map((k) => ({ k, d: editDistance(word, k) }));
  const min = Math.min(...scored.map((s) => s.d));
  const best = min <= 2 ? scored.filter((s) => s.d === min).map((s) => `\`${s.k}${(FLAGS as readonly string[]).includes(s.k) ? '' : ':'}\``) : [];
  const hint = best.length > 0 ? ` Did you mean ${best.join(' or ')}?` : '';
  return `I don't know the filter term \`${term}\`.${hint} ${FILTER_HELP}`;
}

const fail = (error: string): FilterParseResult => ({ ok: false, error });
