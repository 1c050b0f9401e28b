import { ChildProcessCompiler } from '../../backends/logs/kql/child-process-compiler';
import { KqlError } from '../../backends/logs/kql/errors';
import { QueryInterrupted } from '../../backends/logs/deadline';
import { BUILTIN_TABLES } from '../../backends/logs/local/tables';

/** The bot's KQL compiler process: same compiler, another process, and the bot stays in charge of it. */
describe('ChildProcessCompiler', () => {
  const now = { nowTicks: 638_000_000_000_000_000n };
  let compiler: ChildProcessCompiler;
  beforeAll(async () => {
    compiler = new ChildProcessCompiler(BUILTIN_TABLES);
    await compiler.warmUp();
  });
  afterAll(async () => {
    await compiler.close();
  });

  test('compiles to the same statement as this process would, bigints included', async () => {
    const compiled = await compiler.compile('DeviceLogs | where TimeGenerated > ago(1h) and DeviceId == "device-42" | take 5', now);
    expect(compiled.tables).toEqual(['DeviceLogs']);
    expect(compiled.sql).not.toContain('device-42');
    expect(compiled.params.map((p) => p.value)).toContain('device-42');
    expect(compiled.params.some((p) => typeof p.value === 'bigint')).toBe(true);
  });

  test('a mistake comes back as a KqlError with its position', async () => {
    const error = await compiler.compile('DeviceLogs | take', now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KqlError);
    expect((error as KqlError).line).toBe(1);
    expect((error as KqlError).caret).toContain('^');
  });

  test('new tables reach the compiler process', async () => {
    compiler.setTables([...BUILTIN_TABLES, { name: 'Shipments', columns: [{ name: 'Box', type: 'string' }] }]);
    const compiled = await compiler.compile('Shipments | where Box has "fw"', now);
    expect(compiled.tables).toEqual(['Shipments']);
  });

  test('a compile past its timeout is stopped, and the next query gets a new compiler process', async () => {
    const slow = `range i from 1 to 3 step 1${' | extend x = i'.repeat(2_000)}`;
    await expect(compiler.compile(slow, now, { timeoutInMs: 1 })).rejects.toBeInstanceOf(QueryInterrupted);
    const compiled = await compiler.compile('print x = 1', now, { timeoutInMs: 60_000 });
    expect(compiled.columns.map((c) => c.name)).toEqual(['x']);
  });

  test('a cancelled query stops waiting for its compile', async () => {
    const abort = new AbortController();
    const pending = compiler.compile('print y = 2', now, { abortSignal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toMatchObject({ reason: 'aborted' });
  });
});
