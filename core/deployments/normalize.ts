import type { ApprovalStatus, DevOpsLocation, RunResult, RunState, StageState } from './run';

/** Azure DevOps spells states differently per API (inProgress, InProgress, running...). */
const key = (value: string | null | undefined): string => (value ?? '').replace(/[\s_-]/g, '').toLowerCase();

export function runState(value: string | null | undefined): RunState | undefined {
  switch (key(value)) {
    case 'inprogress':
    case 'running':
      return 'running';
    case 'canceling':
    case 'cancelling':
      return 'canceling';
    case 'completed':
      return 'completed';
    case 'notstarted':
    case 'queued':
    case 'pending':
    case 'postponed':
      return 'queued';
    default:
      return undefined;
  }
}

export function stageState(value: string | null | undefined): StageState | undefined {
  switch (key(value)) {
    case 'notstarted':
    case 'pending':
    case 'queued':
    case 'scheduled':
      return 'notStarted';
    case 'waiting':
      return 'waiting';
    case 'running':
    case 'inprogress':
      return 'running';
    case 'completed':
      return 'completed';
    default:
      return undefined;
  }
}

export function result(value: string | null | undefined): RunResult | undefined {
  switch (key(value)) {
    case 'succeeded':
      return 'succeeded';
    case 'succeededwithissues':
    case 'partiallysucceeded':
      return 'partiallySucceeded';
    case 'failed':
      return 'failed';
    case 'canceled':
    case 'cancelled':
    case 'stopped':
    case 'abandoned':
      return 'canceled';
    case 'rejected':
      return 'rejected';
    case 'skipped':
      return 'skipped';
    default:
      return undefined;
  }
}

/**
 * Classic release environments and old build events carry a single `status` that is
 * both state and result ("inProgress", "succeeded", "rejected").
 */
export function combinedStatus(value: string | null | undefined): { state?: StageState; result?: RunResult } {
  const r = result(value);
  if (r) return { state: 'completed', result: r };
  return { state: stageState(value) };
}

export function approvalStatus(value: string | null | undefined): ApprovalStatus | undefined {
  switch (key(value)) {
    case 'pending':
    case 'undefined':
    case 'uninitiated':
    case 'inprogress':
    case 'queued':
      return 'pending';
    case 'approved':
      return 'approved';
    case 'rejected':
      return 'rejected';
    case 'canceled':
    case 'cancelled':
      return 'canceled';
    case 'timedout':
      return 'timedOut';
    case 'skipped':
      return 'skipped';
    default:
      return undefined;
  }
}

/** `refs/heads/main` → `main`; `LG:refs/heads/master:<sha>` (XAML builds) → `master`. */
export function branchName(ref: string | null | undefined): string | undefined {
  if (!ref) return undefined;
  const lg = /^LG:(refs\/[^:]+):/.exec(ref);
  const full = lg ? lg[1]! : ref;
  return full.replace(/^refs\/heads\//, '') || undefined;
}

export function commitFromGetVersion(getVersion: string | null | undefined): string | undefined {
  const match = /:([0-9a-f]{7,40})$/i.exec(getVersion ?? '');
  return match?.[1];
}

/**
 * Organization URL and project from a link Azure DevOps put in the event:
 * dev.azure.com/{org}/{project}/..., vsrm.dev.azure.com/{org}/..., {org}.visualstudio.com/{project}/...
 */
export function locationFromUrl(href: string | null | undefined): DevOpsLocation {
  if (!href) return {};
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return {};
  }
  const segments = url.pathname
    .split('/')
    .filter((s) => s && s.toLowerCase() !== 'defaultcollection')
    .map(decodeURIComponent);
  const host = url.hostname.toLowerCase();
  const projectFrom = (s: string | undefined) => (s && !s.startsWith('_') ? s : undefined);
  if (host === 'dev.azure.com' || host === 'vsrm.dev.azure.com') {
    const org = segments[0];
    return org ? { organizationUrl: `https://dev.azure.com/${org}`, project: projectFrom(segments[1]) } : {};
  }
  const legacy = /^([a-z0-9-]+)(?:\.vsrm)?\.visualstudio\.com$/.exec(host);
  if (legacy) return { organizationUrl: `https://dev.azure.com/${legacy[1]}`, project: projectFrom(segments[0]) };
  return {};
}
