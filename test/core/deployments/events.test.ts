import { parseDevOpsEvent, SUPPORTED_EVENT_TYPES } from '../../../core/deployments/events';
import { fixture, fixtureNames } from './fixtures';

describe('parseDevOpsEvent', () => {
  it.each(SUPPORTED_EVENT_TYPES.map((t) => [t]))('parses Microsoft’s sample of %s', (type) => {
    const result = parseDevOpsEvent(fixture(type));
    if (!result.ok) throw new Error(result.error);
    expect(result.event.eventType).toBe(type);
  });

  it('covers every fixture except the job event, which it rejects as unsupported', () => {
    const unsupported = fixtureNames().filter((name) => !(SUPPORTED_EVENT_TYPES as readonly string[]).includes(name));
    expect(unsupported).toEqual(['ms.vss-pipelines.job-state-changed-event']);
    const result = parseDevOpsEvent(fixture(unsupported[0]!));
    expect(result).toMatchObject({ ok: false, reason: 'unsupported', eventType: 'ms.vss-pipelines.job-state-changed-event' });
    if (!result.ok) expect(result.error).toContain('ms.vss-pipelines.run-state-changed-event');
  });

  it('says what is missing from something that is not an event', () => {
    expect(parseDevOpsEvent({ hello: 'world' })).toMatchObject({ ok: false, reason: 'malformed' });
    const result = parseDevOpsEvent({ id: 'x', eventType: 'build.complete', createdDate: '2026-01-01T00:00:00Z', resource: { buildNumber: 'no id' } });
    expect(result).toMatchObject({ ok: false, reason: 'malformed', eventType: 'build.complete' });
    if (!result.ok) expect(result.error).toMatch(/resource id/);
    expect(parseDevOpsEvent(null)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseDevOpsEvent([1, 2])).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
