import { IngestBatcher } from '../../../core/alerts/ingest-batcher';
import { parseAlertPayload } from '../../../core/alerts/parse-alert';
import { alertsWorld } from './world';
import { devicePayload } from './fixtures';

const alert = (id: string) => {
  const parsed = parseAlertPayload(devicePayload({ alertId: id }));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.alert;
};

describe('IngestBatcher', () => {
  it('stores alerts that arrive together in one transaction and answers each', async () => {
    const w = alertsWorld();
    const batcher = new IngestBatcher(w.ingestor, w.repo);
    const results = await Promise.all(['a', 'b', 'a'].map((id) => batcher.submit(alert(id), '{}')));
    expect(results.map((r) => r.outcome)).toEqual(['stored', 'stored', 'duplicate']);
  });

  it('fails only the alert whose storage failed; the others are kept', async () => {
    const w = alertsWorld();
    w.subscribe('ops');
    const batcher = new IngestBatcher(w.ingestor, w.repo);
    const post = w.notifier.post.bind(w.notifier);
    w.notifier.post = (conversationId, key, message) => {
      if (key === 'alert:bad') throw new Error('boom');
      post(conversationId, key, message);
    };
    const outcomes = await Promise.allSettled(['good-1', 'bad', 'good-2'].map((id) => batcher.submit(alert(id), '{}')));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(w.service.get('bad')).toBeUndefined();
    expect(w.service.get('good-1')).toBeDefined();
    expect(w.service.get('good-2')).toBeDefined();
  });
});
