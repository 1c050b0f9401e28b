/**
 * `fleetops` command line: the embedded log store's KQL engine for scripts and for
 * anyone without Teams.
 *   fleetops kql "<query>" [--json]         one query (table, or Log Analytics' JSON)
 *   fleetops kql --jsonl < queries.txt      one query per line, one JSON line per query
 *   fleetops logs import --table T --file f.jsonl|f.csv
 *   fleetops send alert [--device D] [--resolve] | fleetops send pipeline   (to the bot running locally)
 */
import { createInterface } from 'node:readline';
import { ChildProcessCompiler } from '../backends/logs/kql/child-process-compiler';
import { EmbeddedLogsClient } from '../backends/logs/local/embedded-logs-client';
import { ImportError } from '../backends/logs/local/import-file';
import { systemClock } from '../core/clock';
import { parseArgs, type ParsedArgs } from './args';
import { send } from './send';
import { errorJson, errorText, resultJson, resultTable } from './output';

/** The CLI answers like Log Analytics, whose own cap is 30,000 rows. */
const CLI_MAX_ROWS = 30_000;

const USAGE = `Usage:
  fleetops kql "<query>" [--json] [--max-rows N] [--timeout SECONDS]
  fleetops kql --jsonl < queries.txt
  fleetops logs import --table <Name> --file <file.jsonl|file.csv>
  fleetops send alert [--device <id>] [--resolve]   a sample Azure Monitor alert to the running bot
  fleetops send pipeline                           a sample Azure Pipelines run waiting for approval

The embedded store lives in DATA_DIR (default ./.data).`;

interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

function dataDir(args: ParsedArgs, io: Io): string {
  const flag = args.flags.get('data-dir');
  return typeof flag === 'string' ? flag : io.env.DATA_DIR?.trim() || './.data';
}

function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const value = args.flags.get(name);
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

async function kql(args: ParsedArgs, io: Io): Promise<number> {
  // The parser runs in a process of its own, as in the bot: a parse that runs past --timeout
  // (20,000 nested parentheses take Microsoft's parser 17 s) is stopped by ending that process.
  const client = new EmbeddedLogsClient({
    dataDir: dataDir(args, io),
    clock: systemClock,
    readOnly: true,
    compiler: (tables) => new ChildProcessCompiler(tables),
  });
  const maxRows = numberFlag(args, 'max-rows') ?? CLI_MAX_ROWS;
  const timeoutSeconds = numberFlag(args, 'timeout');
  const options = { maxRows, timeoutInMs: timeoutSeconds ? timeoutSeconds * 1000 : undefined };
  try {
    if (args.flags.has('jsonl')) {
      const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim() === '') continue;
        try {
          io.stdout.write(`${JSON.stringify(resultJson(await client.query(line, options)))}\n`);
        } catch (error) {
          io.stdout.write(`${JSON.stringify(errorJson(error))}\n`);
        }
      }
      return 0;
    }
    const query = args.positionals.slice(1).join(' ');
    if (query.trim() === '') {
      io.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const json = args.flags.has('json');
    try {
      const result = await client.query(query, options);
      io.stdout.write(json ? `${JSON.stringify(resultJson(result))}\n` : `${resultTable(result)}\n`);
      return 0;
    } catch (error) {
      if (json) io.stdout.write(`${JSON.stringify(errorJson(error))}\n`);
      else io.stderr.write(`${errorText(error)}\n`);
      return 1;
    }
  } finally {
    await client.close();
  }
}

async function logsImport(args: ParsedArgs, io: Io): Promise<number> {
  const table = args.flags.get('table');
  const file = args.flags.get('file');
  if (typeof table !== 'string' || typeof file !== 'string') {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const client = new EmbeddedLogsClient({ dataDir: dataDir(args, io), clock: systemClock });
  try {
    const result = await client.importFile(table, file);
    const columns = result.columns.map((c) => `${c.name}:${c.type}`).join(', ');
    io.stdout.write(`Imported ${result.rows} row${result.rows === 1 ? '' : 's'} into ${table}${result.created ? ` (new table: ${columns})` : ''}.\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`${error instanceof ImportError ? error.message : errorText(error)}\n`);
    return 1;
  } finally {
    await client.close();
  }
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv);
  const [command, sub] = args.positionals;
  try {
    if (command === 'kql') return await kql(args, io);
    if (command === 'logs' && sub === 'import') return await logsImport(args, io);
    if (command === 'send') return await send(args, { stdout: io.stdout, stderr: io.stderr, dataDir: dataDir(args, io) });
    io.stderr.write(`${USAGE}\n`);
    return command === undefined || args.flags.has('help') ? 0 : 2;
  } catch (error) {
    io.stderr.write(`${errorText(error)}\n`);
    return 1;
  }
}

if (require.main === module || process.env.FLEETOPS_CLI === '1') {
  // What the CLI writes into DATA_DIR (imported logs) is the bot user's alone, as the bot's own files are.
  process.umask(0o077);
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${errorText(error)}\n`);
      process.exitCode = 1;
    },
  );
}
