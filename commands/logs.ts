/**
 * `logs <KQL>` (alias `kql`): runs a log search and answers with a results card.
 * `logs device-42`: the device's last 20 log lines, errors highlighted.
 */
import { NEXT_PAGE_VERB, logResultsCard } from '../cards/log-results';
import { LogsQueryError, type LogsQueryResult } from '../core/ports/logs';
import type { AdaptiveCard } from '../cards/card';
import type { TurnContext as Turn } from './context';
import { noArguments, parseError, parsed, type CardActionSpec as ActionSpec, type CommandSpec as Spec } from './spec';
import { caretWord, kqlErrorText } from './kql-error-text';
import { kqlSuggestions } from './kql-suggestions';
import { logsSchemaCard } from '../cards/logs-schema';
import { kqlString } from '../core/text/kql-string';
import type { LogsClient } from '../core/ports/logs';

/** What the log commands use (the logs feature's services). */
export interface LogsServices {
  readonly logs: LogsClient;
}
type TurnContext = Turn<LogsServices>;
type CommandSpec<Args = unknown> = Spec<Args, LogsServices>;
type CardActionSpec<Data = unknown> = ActionSpec<Data, LogsServices>;

export interface LogsArgs {
  readonly query: string;
  /** Set for `logs <device>`. */
  readonly deviceId?: string;
}

const MAX_QUERY_LENGTH = 4000;
const DEVICE_LINES = 20;
/** A lone word with a dash, dot, colon or digit is a device id, not a table name. */
const DEVICE_ID = /^(?=.*[-.:\d])[A-Za-z0-9][\w.:-]{0,127}$/;

/** How a device's log query starts: a "next rows" button tells a device view by it. */
const DEVICE_QUERY_START = 'DeviceLogs\n| where DeviceId == ';

export function deviceLogsQuery(deviceId: string): string {
  return `${DEVICE_QUERY_START}${kqlString(deviceId)}\n| top ${DEVICE_LINES} by TimeGenerated desc\n| project TimeGenerated, Level, Component, Message, FirmwareVersion`;
}

export function parseLogsInput(input: string): ReturnType<CommandSpec<LogsArgs>['parse']> {
  const text = input
    .trim()
    .replace(/^```(?:kql|kusto)?\s*|```$/g, '')
    .trim();
  if (text === '') return parseError('Give a KQL query, e.g. `logs DeviceLogs | where Level == "Error" | take 10`, or a device id: `logs device-42`.');
  if (text.length > MAX_QUERY_LENGTH) return parseError(`The query is too long (${text.length} characters; at most ${MAX_QUERY_LENGTH}).`);
  if (DEVICE_ID.test(text)) return parsed({ query: deviceLogsQuery(text), deviceId: text });
  return parsed({ query: text });
}

/** The user-facing line for a failed query: what went wrong, where, what was probably meant, and what to try. */
async function describeLogsError(ctx: TurnContext, error: unknown): Promise<string> {
  if (error instanceof LogsQueryError) {
    if (!error.position) return error.message;
    const { line, column, caret } = error.position;
    const schema = (await ctx.services.logs.schema?.({ timeoutInMs: 5_000 }).catch(() => [])) ?? [];
    return kqlErrorText({ message: error.message, line, column, caret, suggestions: kqlSuggestions(error.message, caretWord(caret), schema) });
  }
  return 'The log search failed unexpectedly; try again, or a smaller query (add a time filter or `take`).';
}

async function runQuery(ctx: TurnContext, query: string): Promise<LogsQueryResult | string> {
  const { logs } = ctx.services;
  try {
    return await logs.query(query, { user: ctx.actor.id });
  } catch (error) {
    if (!(error instanceof LogsQueryError)) ctx.log.error({ err: (error as Error).message }, 'log search failed');
    return describeLogsError(ctx, error);
  }
}

/** A device's log lines get a title and their errors highlighted. */
function resultsCard(args: LogsArgs, result: LogsQueryResult): AdaptiveCard {
  const title = args.deviceId ? `Last ${DEVICE_LINES} log lines of ${args.deviceId}` : undefined;
  return logResultsCard({ query: args.query, result, title, highlightErrors: args.deviceId !== undefined });
}

export const logsCommand: CommandSpec<LogsArgs> = {
  name: 'logs',
  aliases: ['kql'],
  summary: 'Search the fleet logs with KQL, or show a device’s last log lines',
  usage: 'logs <KQL query> | logs <device> | logs schema',
  examples: ['logs DeviceLogs | where Level == "Error" | summarize count() by bin(TimeGenerated, 1h) | render timechart', 'logs device-42', 'logs schema'],
  role: 'viewer',
  parse: parseLogsInput,
  async run(ctx, args) {
    await ctx.typing();
    const result = await runQuery(ctx, args.query);
    if (typeof result === 'string') {
      await ctx.reply(result);
      return;
    }
    await ctx.reply(resultsCard(args, result));
  },
};

export const logsSchemaCommand: CommandSpec<void> = {
  name: 'logs schema',
  aliases: ['kql schema'],
  summary: 'The log tables you can query, with their columns and types',
  usage: 'logs schema',
  examples: ['logs schema'],
  role: 'viewer',
  parse: noArguments('`logs schema` takes no arguments; it lists every table.'),
  async run(ctx) {
    const { logs } = ctx.services;
    if (!logs.schema) {
      await ctx.reply(`${logs.storeName} cannot list its tables here; try \`logs search * | getschema\`.`);
      return;
    }
    await ctx.typing();
    try {
      await ctx.reply(logsSchemaCard({ tables: await logs.schema({ timeoutInMs: 30_000 }), store: logs.storeName }));
    } catch (error) {
      await ctx.reply(error instanceof LogsQueryError ? `Could not read the schema: ${error.message}` : 'Could not read the schema; try again.');
    }
  },
};

interface NextPage {
  readonly query: string;
  readonly start: number;
}

export const logsActions: CardActionSpec<NextPage>[] = [
  {
    verb: NEXT_PAGE_VERB,
    role: 'viewer',
    parse(data) {
      const query = data.query;
      const start = data.start;
      if (typeof query !== 'string' || query.trim() === '' || query.length > MAX_QUERY_LENGTH) return parseError('This button has no valid query.');
      if (typeof start !== 'number' || !Number.isInteger(start) || start < 0 || start > 100_000) return parseError('This button has no valid page.');
      return parsed({ query, start });
    },
    async run(ctx, data) {
      const result = await runQuery(ctx, data.query);
      if (typeof result === 'string') return { message: result };
      return { card: logResultsCard({ query: data.query, result, start: data.start, highlightErrors: data.query.startsWith(DEVICE_QUERY_START) }) };
    },
  },
];

const DEVICE_VERB = 'logs.device';
const QUERY_VERB = 'logs.query';

/**
 * Buttons on other cards (a device's status card, an alert card) that show logs: the
 * results come as a new message below, so the card that was clicked stays as it is.
 */
async function replyWithLogs(ctx: TurnContext, args: LogsArgs): Promise<{ message: string }> {
  const result = await runQuery(ctx, args.query);
  if (typeof result === 'string') return { message: result };
  await ctx.reply(resultsCard(args, result));
  return { message: args.deviceId ? `Log lines of ${args.deviceId} are below.` : 'The log search results are below.' };
}

export const logsButtonActions: CardActionSpec<LogsArgs>[] = [
  {
    verb: DEVICE_VERB,
    role: 'viewer',
    parse(data) {
      const deviceId = data.deviceId;
      if (typeof deviceId !== 'string' || !DEVICE_ID.test(deviceId)) return parseError('This button names no valid device.');
      return parsed({ query: deviceLogsQuery(deviceId), deviceId });
    },
    run: replyWithLogs,
  },
  {
    verb: QUERY_VERB,
    role: 'viewer',
    parse(data) {
      const query = data.query;
      if (typeof query !== 'string' || query.trim() === '' || query.length > MAX_QUERY_LENGTH) return parseError('This button has no valid query.');
      return parsed({ query });
    },
    run: replyWithLogs,
  },
];
