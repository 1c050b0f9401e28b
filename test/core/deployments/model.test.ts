import { parseDevOpsEvent, type DevOpsEvent } from '../../../core/deployments/events';
import { patchFromEvent } from '../../../core/deployments/event-patch';
import { mergeRun } from '../../../core/deployments/merge';
import type { PipelineRun } from '../../../core/deployments/run';
import { firmwareVersionFrom } from '../../../core/deployments/firmware-version';
import { locationFromUrl } from '../../../core/deployments/normalize';
import { fixture, variant } from './fixtures';

const parse = (body: unknown): DevOpsEvent => {
  const r = parseDevOpsEvent(body);
  if (!r.ok) throw new Error(r.error);
  return r.event;
};
const apply = (current: PipelineRun | undefined, body: unknown, receivedAt = '2026-01-01T00:00:00.000Z'): PipelineRun => {
  const event = parse(body);
  return mergeRun(current, patchFromEvent(event), event.createdDate, receivedAt);
};
const fold = (...bodies: unknown[]): PipelineRun => bodies.reduce<PipelineRun | undefined>((run, body) => apply(run, body), undefined)!;

/** A realistic YAML pipeline run with its repository, requester and firmware variables (fields the Runs API documents). */
const runEvent = (state: string, result: string | null, createdDate: string, extra: (run: any) => void = () => {}) =>
  variant('ms.vss-pipelines.run-state-changed-event', (e) => {
    e.id = `run-${state}-${createdDate}`;
    e.createdDate = createdDate;
    e.resource.run.state = state;
    e.resource.run.result = result;
    e.resource.run.pipeline.name = 'firmware-release';
    e.resource.run._links.web.href = 'https://dev.azure.com/contoso/Fleet/_build/results?buildId=11';
    e.resource.run.resources = { repositories: { self: { refName: 'refs/heads/release/2.4', version: '9f1c2ab34de5' } } };
    extra(e.resource.run);
  });
const stageEvent = (name: string, state: string, result: string | null, createdDate: string) =>
  variant('ms.vss-pipelines.stage-state-changed-event', (e) => {
    e.id = `stage-${name}-${state}-${createdDate}`;
    e.createdDate = createdDate;
    e.resource.stage.name = name;
    e.resource.stage.state = state;
    e.resource.stage.result = result;
    e.resource.run.id = 11;
    e.resource.run.state = 'inProgress';
    e.resource.run.result = null;
  });

describe('a pipeline run built from Microsoft’s samples', () => {
  it('run-state-changed: pipeline, number, state, result, links', () => {
    const run = apply(undefined, fixture('ms.vss-pipelines.run-state-changed-event'));
    expect(run).toMatchObject({
      runId: 'run-11',
      kind: 'pipeline',
      pipeline: 'TEST-CI',
      runNumber: '11',
      state: 'completed',
      result: 'succeeded',
      links: { web: 'https://codedev.ms/org/863d0a5b-3c91-4bf3-8ad7-7f33736b7f4c/_build/results?buildId=11' },
      location: { project: 'be9b3917-87e6-42a4-a549-2bc06a7a878f' },
    });
  });

  it('stage-state-changed: the stage joins the timeline', () => {
    const run = apply(undefined, fixture('ms.vss-pipelines.stage-state-changed-event'));
    expect(run.runId).toBe('run-2');
    expect(run.stages).toEqual([expect.objectContaining({ name: '__default', state: 'completed', result: 'succeeded' })]);
  });

  it('approval-pending without a run (as published): the run is found from the link in the message', () => {
    const run = apply(undefined, fixture('ms.vss-pipelinechecks-events.approval-pending'));
    expect(run).toMatchObject({ runId: 'run-2', state: 'waiting', location: { organizationUrl: 'https://dev.azure.com/fabfiber' } });
    expect(run.approvals).toEqual([
      expect.objectContaining({
        id: '0f027b05-0942-4a35-9218-26fa07d8760a',
        api: 'pipelines',
        status: 'pending',
        stageName: 'environment env1',
        instructions: 'Instructions',
        minRequiredApprovers: 2,
      }),
    ]);
  });

  it('approval-completed settles the same approval', () => {
    const run = fold(fixture('ms.vss-pipelinechecks-events.approval-pending'), fixture('ms.vss-pipelinechecks-events.approval-completed'));
    expect(run.approvals).toHaveLength(1);
    expect(run.approvals[0]).toMatchObject({ status: 'approved', comment: 'Sample comment', decidedAt: '2019-12-13T06:18:22.460Z' });
    expect(run.state).not.toBe('waiting');
  });

  it('classic release: started, approval pending and completed, deployment completed', () => {
    const started = apply(undefined, fixture('ms.vss-release.deployment-started-event'));
    expect(started).toMatchObject({ runId: 'release-5', kind: 'release', pipeline: 'Fabrikam.CD', runNumber: 'Release-5', state: 'running' });
    expect(started.stages).toEqual([expect.objectContaining({ name: 'Dev', state: 'running' })]);

    const pending = apply(undefined, fixture('ms.vss-release.deployment-approval-pending-event'));
    expect(pending).toMatchObject({ runId: 'release-1', pipeline: 'Fabrikam.CD', runNumber: 'Release-1', triggeredBy: 'Chuck Reinhart' });
    expect(pending.approvals[0]).toMatchObject({ id: '0', api: 'release', status: 'pending', stageName: 'Dev', approvers: ['Chuck Reinhart'] });
    expect(pending.location).toMatchObject({ organizationUrl: 'https://dev.azure.com/fabfiber', project: 'Fabrikam-Fiber-Git' });

    const approved = apply(pending, fixture('ms.vss-release.deployment-approval-completed-event'));
    expect(approved.approvals[0]).toMatchObject({ status: 'approved', decidedBy: 'Chuck Reinhart' });

    const completed = apply(approved, fixture('ms.vss-release.deployment-completed-event'));
    expect(completed).toMatchObject({ runId: 'release-1', state: 'completed', result: 'succeeded', pipeline: 'Fabrikam.CD' });
    expect(completed.stages).toEqual([expect.objectContaining({ name: 'Dev', state: 'completed', result: 'succeeded' })]);
  });

  it('build.complete (XAML era): branch and commit from sourceGetVersion, requester', () => {
    const run = apply(undefined, fixture('build.complete'));
    expect(run).toMatchObject({
      runId: 'run-2',
      pipeline: 'ConsumerAddressModule',
      runNumber: 'ConsumerAddressModule_20150407.1',
      branch: 'master',
      commit: '600c52d2d5b655caa111abfd863e5a9bd304bb0e',
      triggeredBy: 'Normal Paulk',
      state: 'completed',
      result: 'succeeded',
      location: { organizationUrl: 'https://dev.azure.com/fabrikam-fiber-inc', project: 'be9b3917-87e6-42a4-a549-2bc06a7a878f' },
    });
    expect(run.links.web).toContain('build.aspx');
  });
});

describe('merging events of one run', () => {
  it('builds a stage timeline with durations from event times', () => {
    const run = fold(
      runEvent('inProgress', null, '2026-03-01T10:00:00Z'),
      stageEvent('Build', 'running', null, '2026-03-01T10:00:05Z'),
      stageEvent('Build', 'completed', 'succeeded', '2026-03-01T10:03:05Z'),
      stageEvent('Publish', 'running', null, '2026-03-01T10:03:10Z'),
    );
    expect(run.state).toBe('running');
    expect(run.branch).toBe('release/2.4');
    expect(run.commit).toBe('9f1c2ab34de5');
    expect(run.stages.map((s) => [s.name, s.state, s.result, s.startedAt, s.finishedAt])).toEqual([
      ['Build', 'completed', 'succeeded', '2026-03-01T10:00:05Z', '2026-03-01T10:03:05Z'],
      ['Publish', 'running', undefined, '2026-03-01T10:03:10Z', undefined],
    ]);
  });

  it('an older event delivered late never undoes a newer state', () => {
    const done = fold(runEvent('completed', 'failed', '2026-03-01T10:10:00Z'), runEvent('inProgress', null, '2026-03-01T10:00:00Z'));
    expect(done).toMatchObject({ state: 'completed', result: 'failed' });
    const stage = fold(stageEvent('Build', 'completed', 'failed', '2026-03-01T10:05:00Z'), stageEvent('Build', 'running', null, '2026-03-01T10:01:00Z'));
    expect(stage.stages[0]).toMatchObject({ state: 'completed', result: 'failed', startedAt: undefined });
  });

  it('a late pending event never reopens a decided approval', () => {
    const run = fold(fixture('ms.vss-pipelinechecks-events.approval-completed'), fixture('ms.vss-pipelinechecks-events.approval-pending'));
    expect(run.approvals[0]!.status).toBe('approved');
  });

  it('a pending approval on a stage marks the stage and the run waiting; approval resumes them', () => {
    const pending = variant('ms.vss-pipelinechecks-events.approval-pending', (e) => {
      e.createdDate = '2026-03-01T10:04:00Z';
      e.resource.stageName = 'Production';
      e.resource.run = { id: 11, name: '20260301.1', state: 'inProgress', pipeline: { id: 7, name: 'firmware-release' } };
    });
    const completed = variant('ms.vss-pipelinechecks-events.approval-completed', (e) => {
      e.createdDate = '2026-03-01T10:06:00Z';
      e.resource.stageName = 'Production';
      e.resource.run = { id: 11, name: '20260301.1', state: 'inProgress', pipeline: { id: 7, name: 'firmware-release' } };
    });
    const waiting = fold(runEvent('inProgress', null, '2026-03-01T10:00:00Z'), stageEvent('Production', 'running', null, '2026-03-01T10:03:00Z'), pending);
    expect(waiting.state).toBe('waiting');
    expect(waiting.stages.find((s) => s.name === 'Production')!.state).toBe('waiting');
    const resumed = apply(waiting, completed);
    expect(resumed.state).toBe('running');
    expect(resumed.stages.find((s) => s.name === 'Production')!.state).toBe('running');
  });

  it('keeps the firmware version a release run published', () => {
    const run = fold(
      runEvent('inProgress', null, '2026-03-01T10:00:00Z'),
      runEvent('completed', 'succeeded', '2026-03-01T10:09:00Z', (r) => {
        r.variables = { FIRMWARE_VERSION: { value: '2.4.1' } };
      }),
    );
    expect(run).toMatchObject({ state: 'completed', result: 'succeeded', firmwareVersion: '2.4.1' });
  });
});

describe('firmware version and location helpers', () => {
  it('reads variables, template parameters and tags; ignores what is not a version', () => {
    expect(firmwareVersionFrom({ variables: { firmwareVersion: { value: 'v3.0.0-rc.1' } } })).toBe('3.0.0-rc.1');
    expect(firmwareVersionFrom({ templateParameters: { firmwareVersion: '1.2.3' } })).toBe('1.2.3');
    expect(firmwareVersionFrom({ tags: ['nightly', 'firmware:2.0.0'] })).toBe('2.0.0');
    expect(firmwareVersionFrom({ tags: ['firmware-2.0.1'] })).toBe('2.0.1');
    expect(firmwareVersionFrom({ variables: { FIRMWARE_VERSION: { value: 'latest' } }, tags: ['firmware:next'] })).toBeUndefined();
  });

  it('finds organization and project in the URL shapes Azure DevOps uses', () => {
    expect(locationFromUrl('https://dev.azure.com/contoso/Fleet%20Ops/_build/results?buildId=1')).toEqual({
      organizationUrl: 'https://dev.azure.com/contoso',
      project: 'Fleet Ops',
    });
    expect(locationFromUrl('https://contoso.visualstudio.com/Fleet/_release?releaseId=1')).toEqual({
      organizationUrl: 'https://dev.azure.com/contoso',
      project: 'Fleet',
    });
    expect(locationFromUrl('http://contoso.vsrm.visualstudio.com/DefaultCollection/Fleet/_apis/Release/releases/1')).toEqual({
      organizationUrl: 'https://dev.azure.com/contoso',
      project: 'Fleet',
    });
    expect(locationFromUrl('https://dev.azure.com/contoso/_apis/x')).toEqual({ organizationUrl: 'https://dev.azure.com/contoso', project: undefined });
    expect(locationFromUrl('not a url')).toEqual({});
  });
});
