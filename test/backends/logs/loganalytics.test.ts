/** The Log Analytics adapter against canned REST bodies (the shapes in Microsoft's Query API docs); no network. */
import { createHttpHeaders, type PipelinePolicy } from '@azure/core-rest-pipeline';
import { LogAnalyticsLogsClient } from '../../../backends/logs/loganalytics';
import { LogsQueryError } from '../../../core/ports/logs';

const credential = { getToken: async () => ({ token: 'fake', expiresOnTimestamp: Date.now() + 3_600_000 }) };

function cannedClient(status: number, body: unknown, seen: { url?: string; body?: string } = {}): LogAnalyticsLogsClient {
  const policy: PipelinePolicy = {
    name: 'canned-response',
    async sendRequest(request) {
      seen.url = request.url;
      seen.body = typeof request.body === 'string' ? request.body : undefined;
      return { request, status, headers: createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: JSON.stringify(body) };
    },
  };
  return new LogAnalyticsLogsClient('00000000-0000-0000-0000-000000000001', credential, {
    additionalPolicies: [{ policy, position: 'perCall' }],
    retryOptions: { maxRetries: 0 },
  });
}

const successBody = {
  tables: [
    {
      name: 'PrimaryResult',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'DeviceId', type: 'string' },
        { name: 'count_', type: 'long' },
        { name: 'Details', type: 'dynamic' },
      ],
      rows: [
        ['2024-01-01T00:00:00Z', 'device-1', 3, '{"a":1}'],
        ['2024-01-01T00:05:00Z', null, 1, null],
      ],
    },
  ],
  render: { visualization: 'timechart', title: 'Errors', yColumns: ['count_'] },
};

test('a successful query: columns, typed rows, strings never null', async () => {
  const seen: { url?: string; body?: string } = {};
  const result = await cannedClient(200, successBody, seen).query('DeviceLogs | summarize count() by bin(TimeGenerated, 5m)');
  expect(seen.url).toContain('/workspaces/00000000-0000-0000-0000-000000000001/query');
  expect(JSON.parse(seen.body ?? '{}').query).toBe('DeviceLogs | summarize count() by bin(TimeGenerated, 5m)');
  expect(result.store).toBe('Log Analytics');
  expect(result.tables[0].columns).toEqual(successBody.tables[0].columns);
  expect(result.tables[0].rows[0]).toEqual(['2024-01-01T00:00:00Z', 'device-1', 3, { a: 1 }]);
  expect(result.tables[0].rows[1][1]).toBe('');
});

test('a partial result keeps its rows and says what failed', async () => {
  const body = {
    ...successBody,
    error: {
      code: 'PartialError',
      message: 'There were some errors when processing your query.',
      details: [{ code: 'EngineError', message: 'Query result set has exceeded the internal data size limit' }],
    },
  };
  const result = await cannedClient(200, body).query('DeviceLogs');
  expect(result.tables[0].rows).toHaveLength(2);
  expect(result.partialError).toMatch(/Partial result/);
});

test('a server error becomes a short message', async () => {
  const body = {
    error: {
      code: 'BadArgumentError',
      message: 'The request had some invalid properties',
      innererror: {
        code: 'SyntaxError',
        message: 'A recognition error occurred in the query.',
        innererror: { code: 'SYN0002', message: "Query could not be parsed at 'wher' on line [1,13]" },
      },
    },
  };
  const error = await cannedClient(400, body)
    .query('DeviceLogs | wher x')
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LogsQueryError);
  expect((error as LogsQueryError).kind).toBe('server');
  expect((error as LogsQueryError).message).toMatch(/Log Analytics rejected the query/);
});

test('row cap: extra rows are cut and reported', async () => {
  const result = await cannedClient(200, successBody).query('DeviceLogs', { maxRows: 1 });
  expect(result.tables[0].rows).toHaveLength(1);
  expect(result.truncated).toBe(true);
});

test('schema: the tables with data, then their columns with getschema, for `logs schema` and "did you mean"', async () => {
  const queries: string[] = [];
  const answers = [
    { tables: [{ name: 'PrimaryResult', columns: [{ name: 'TableName', type: 'string' }], rows: [['DeviceLogs_CL'], ['Heartbeat']] }] },
    {
      tables: [
        {
          name: 'PrimaryResult',
          columns: [
            { name: 'TableName', type: 'string' },
            { name: 'ColumnName', type: 'string' },
            { name: 'ColumnType', type: 'string' },
          ],
          rows: [
            ['DeviceLogs_CL', 'TimeGenerated', 'datetime'],
            ['DeviceLogs_CL', 'Level_s', 'string'],
            ['Heartbeat', 'Computer', 'string'],
          ],
        },
      ],
    },
  ];
  const policy: PipelinePolicy = {
    name: 'canned-schema',
    async sendRequest(request) {
      queries.push(JSON.parse(String(request.body)).query);
      return {
        request,
        status: 200,
        headers: createHttpHeaders({ 'content-type': 'application/json' }),
        bodyAsText: JSON.stringify(answers[queries.length - 1]),
      };
    },
  };
  const client = new LogAnalyticsLogsClient('00000000-0000-0000-0000-000000000001', credential, {
    additionalPolicies: [{ policy, position: 'perCall' }],
    retryOptions: { maxRetries: 0 },
  });
  expect(await client.schema()).toEqual([
    {
      name: 'DeviceLogs_CL',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Level_s', type: 'string' },
      ],
    },
    { name: 'Heartbeat', columns: [{ name: 'Computer', type: 'string' }] },
  ]);
  expect(queries[0]).toMatch(/union withsource=TableName \*/);
  expect(queries[1]).toContain("(DeviceLogs_CL | getschema | project TableName = 'DeviceLogs_CL', ColumnName, ColumnType)");
});
