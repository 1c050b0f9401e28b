import type { PipelineRun } from './run';

/**
 * `subscribe deployments [filter]`: the filter is a pipeline name, or several
 * separated by commas, where `*` matches anything (`firmware-*, FleetOps CD`).
 * Empty means every pipeline. Names compare case-insensitively.
 */
const MAX_LENGTH = 200;

export function validateDeploymentFilter(filter: string): string | undefined {
  const trimmed = filter.trim();
  if (trimmed === '') return undefined;
  if (trimmed.length > MAX_LENGTH) return `A deployments filter is at most ${MAX_LENGTH} characters; give the pipeline name, e.g. \`subscribe deployments firmware-release\`.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return 'A deployments filter cannot contain control characters; give the pipeline name as shown in Azure DevOps.';
  const names = splitNames(trimmed);
  if (names.some((name) => name === '')) return 'The filter has an empty name between commas; write e.g. `subscribe deployments firmware-release, FleetOps CD`.';
  if (names.some((name) => /^\*+$/.test(name))) return 'A name of only `*` matches everything; leave the filter out to receive every pipeline: `subscribe deployments`.';
  return undefined;
}

const splitNames = (filter: string): string[] => filter.split(',').map((name) => name.trim());

export function matchesDeploymentFilter(filter: string, run: Pick<PipelineRun, 'pipeline'>): boolean {
  const trimmed = filter.trim();
  if (trimmed === '') return true;
  const name = run.pipeline.toLowerCase();
  return splitNames(trimmed).some((pattern) => globToRegExp(pattern.toLowerCase()).test(name));
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}
