/** Analyzer errors and unsupported operators come back with line, column and a caret. */
import { LogsQueryError } from '../../../core/ports/logs';
import { closeEngine, run } from './engine-helper';

beforeAll(() => run('print 1'), 60_000);
afterAll(closeEngine);

async function failure(query: string): Promise<LogsQueryError> {
  try {
    await run(query);
  } catch (error) {
    if (error instanceof LogsQueryError) return error;
    throw error;
  }
  throw new Error('expected the query to fail');
}

test('unknown column: position and caret', async () => {
  const error = await failure('DeviceLogs\n| where Levle == "Error"');
  expect(error.kind).toBe('syntax');
  expect(error.message).toMatch(/Levle/);
  expect(error.position).toEqual({ line: 2, column: 9, caret: '| where Levle == "Error"\n        ^^^^^' });
});

test('unknown table', async () => {
  const error = await failure('Nope | take 1');
  expect(error.position?.line).toBe(1);
  expect(error.position?.column).toBe(1);
});

test('missing quote', async () => {
  const error = await failure('print "abc');
  expect(error.kind).toBe('syntax');
  expect(error.position?.line).toBe(1);
});

test('type mismatch', async () => {
  const error = await failure('print x = 1 | where x == "a" and strlen(x) > 1');
  expect(error.kind).toBe('syntax');
});

test('unsupported operator names itself and points at it', async () => {
  const error = await failure('DeviceLogs | evaluate bag_unpack(Message)');
  expect(error.kind).toBe('unsupported');
  expect(error.message).toBe("The operator 'evaluate' is not supported by the embedded store (it works on Log Analytics)");
  expect(error.position?.column).toBe(14);
});

test('unsupported function names itself', async () => {
  const error = await failure('print series_fir(dynamic([1,2]), dynamic([1]))');
  expect(error.message).toMatch(/'series_fir' is not supported by the embedded store \(it works on Log Analytics\)/);
});
