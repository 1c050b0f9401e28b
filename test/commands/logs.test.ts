import { deviceLogsQuery, logsActions, logsCommand, parseLogsInput } from '../../commands/logs';
import type { TurnContext } from '../../commands/context';
import type { LogsServices } from '../../commands/logs';
import { LogsQueryError, type LogsClient, type LogsQueryResult } from '../../core/ports/logs';
import { silentLogger } from '../../core/logger';
import type { AdaptiveCard } from '../../cards/card';

const okResult: LogsQueryResult = {
  tables: [
    {
      name: 'PrimaryResult',
      columns: [
        { name: 'Level', type: 'string' },
        { name: 'count_', type: 'long' },
      ],
      rows: [['Error', 3]],
    },
  ],
  truncated: false,
  store: 'embedded DuckDB',
  statistics: { elapsedMs: 5 },
};

function context(logs: Partial<LogsClient>) {
  const replies: (string | AdaptiveCard)[] = [];
  const events: string[] = [];
  const ctx = {
    activityId: 'a1',
    actor: { id: 'user-1', name: 'Ana', role: 'viewer' },
    conversation: {},
    services: { logs },
    log: silentLogger,
    reply: async (m: string | AdaptiveCard) => {
      events.push('reply');
      replies.push(m);
      return 'id';
    },
    typing: async () => {
      events.push('typing');
    },
  } as unknown as TurnContext<LogsServices>;
  return { ctx, replies, events };
}

test('parses a query, and a lone device id as the device view', () => {
  expect(parseLogsInput('DeviceLogs | take 5')).toEqual({ ok: true, value: { query: 'DeviceLogs | take 5' } });
  expect(parseLogsInput('device-42')).toEqual({ ok: true, value: { query: deviceLogsQuery('device-42'), deviceId: 'device-42' } });
  expect(parseLogsInput('DeviceLogs')).toEqual({ ok: true, value: { query: 'DeviceLogs' } });
  expect(parseLogsInput('').ok).toBe(false);
  expect(logsCommand.aliases).toContain('kql');
});

test('typing first, then a results card; one query per user is passed through', async () => {
  const query = jest.fn(async () => okResult);
  const { ctx, replies, events } = context({ query });
  await logsCommand.run(ctx, { query: 'DeviceLogs | summarize count() by Level' });
  expect(events).toEqual(['typing', 'reply']);
  expect((replies[0] as AdaptiveCard).type).toBe('AdaptiveCard');
  expect(query).toHaveBeenCalledWith('DeviceLogs | summarize count() by Level', { user: 'user-1' });
});

test('a KQL error is shown with its line, column and caret', async () => {
  const query = jest.fn(async () => {
    throw new LogsQueryError("The name 'Levle' does not refer to any known column", 'syntax', {
      line: 1,
      column: 20,
      caret: 'DeviceLogs | where Levle == 1\n                   ^^^^^',
    });
  });
  const { ctx, replies } = context({ query });
  await logsCommand.run(ctx, { query: 'DeviceLogs | where Levle == 1' });
  expect(replies[0]).toContain('line 1, column 20');
  expect(replies[0]).toContain('^^^^^');
});

test('the next-page button validates its data and re-runs the query from the offset', async () => {
  const action = logsActions[0];
  expect(action.parse({ query: 'q', start: -1 }).ok).toBe(false);
  expect(action.parse({ query: 42, start: 50 }).ok).toBe(false);
  const parsedData = action.parse({ query: 'q', start: 50 });
  expect(parsedData.ok).toBe(true);
  const { ctx } = context({ query: async () => okResult });
  const answer = await action.run(ctx, { query: 'q', start: 0 });
  expect(answer.card?.type).toBe('AdaptiveCard');
});
