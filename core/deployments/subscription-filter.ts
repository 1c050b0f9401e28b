import { Refusal } from '../refusal';
import type { PipelineRun } from './run';

/**
 * `subscribe deployments [filter]`: the filter is a pipeline name, or several
 * separated by commas, where `*` matches anything (`firmware-*, FleetOps CD`).
 * Empty means every pipeline. Names compare case-insensitively.
 */
const MAX_LENGTH = 200;

/** A `deployments` subscription filter: undefined when it can be matched, else the refusal saying why not. */
export function validateDeploymentFilter(filter: string): Refusal | undefined {
  const trimmed = filter.trim();
  if (trimmed === '') return undefined;
  if (trimmed.length > MAX_LENGTH) return new Refusal('deployment_filter_too_long', { length: trimmed.length, max: MAX_LENGTH });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: it exists to find control characters
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return new Refusal('deployment_filter_control_character', { filter: trimmed });
  const names = splitNames(trimmed);
  if (names.some((name) => name === '')) return new Refusal('deployment_filter_name_empty', { filter: trimmed });
  const wildcards = names.find((name) => /^\*+$/.test(name));
  if (wildcards !== undefined) return new Refusal('deployment_filter_name_only_wildcards', { name: wildcards });
  return undefined;
}

const splitNames = (filter: string): string[] => filter.split(',').map((name) => name.trim());

export function matchesDeploymentFilter(filter: string, run: Pick<PipelineRun, 'pipeline'>): boolean {
  const trimmed = filter.trim();
  if (trimmed === '') return true;
  const name = run.pipeline.toLowerCase();
  return splitNames(trimmed).some((pattern) => globMatches(pattern.toLowerCase(), name));
}

/**
 * `*` matches any run of characters, everything else itself. Matched part by part with
 * indexOf (the leftmost place for each part is always a safe choice), so the time is
 * linear in the name per part: as a RegExp, `*a*a*a…` against a long pipeline name
 * backtracked for minutes on the event loop, and pipeline names come from outside.
 */
export function globMatches(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}
