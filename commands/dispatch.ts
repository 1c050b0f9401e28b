import { hasRole } from '../core/access/roles';
import { isRefusal, type Refusal, type RefusalCode } from '../core/refusal';
import type { TurnContext } from './context';
import type { CardActionResult, CardActionSpec, CommandSpec } from './spec';
import { helpForUnknown, usageError } from './help-text';
import { refusalText } from './refusal-text';
import { UserError } from './user-error';

/** How a message turn ended, for the surface's telemetry: `refused` names the domain's refusal. */
export interface MessageOutcome {
  readonly refused?: RefusalCode;
}

/**
 * Runs one chat message: find the command, check the role, parse, run, audit.
 * Errors are turned into a short line by the surface's error handler (bot/errors.ts),
 * except the expected ones (unknown command, bad arguments, missing role, a domain
 * refusal, a UserError) handled here.
 */
export async function dispatchMessage(ctx: TurnContext, text: string): Promise<MessageOutcome> {
  const { registry, audit } = ctx.services;
  const trimmed = text.trim();
  if (trimmed === '') {
    await ctx.reply(helpForUnknown(registry, ''));
    return {};
  }
  const resolved = registry.resolve(trimmed);
  if (!resolved) {
    await ctx.reply(helpForUnknown(registry, trimmed.split(/\s+/)[0]!));
    return {};
  }
  const { command, input } = resolved;
  if (!hasRole(ctx.actor.role, command.role)) {
    await audit.record({ ...who(ctx), action: command.name, target: input || undefined, outcome: 'denied', detail: `needs ${command.role}` });
    await ctx.reply(
      `\`${command.name}\` needs the **${command.role}** role; you are a **${ctx.actor.role}**. Ask an admin to add you to ${roleVariable(command.role)}.`,
    );
    return {};
  }
  const args = command.parse(input);
  if (!args.ok) {
    // A refusal of the domain's parser (a filter, waves) is a refusal like one `run` throws; shown above the usage.
    if (args.refusal) return refuseCommand(ctx, command, input, args.refusal, (line) => usageError(command, line));
    await ctx.reply(usageError(command, args.error));
    return {};
  }
  // A reply that cannot be sent (Teams down, 413) does not undo a change already made: the
  // command carries on, its audit says how the change went, and the reply's failure is
  // recorded on its own line. (A subscription that was stored was audited as "failed".)
  const replies = command.sideEffects ? replyRecorder(ctx) : { ctx, failure: () => undefined };
  try {
    await command.run(replies.ctx, args.value);
    if (command.sideEffects) await audit.record({ ...who(ctx), action: command.name, target: input || undefined, outcome: 'ok' });
    const failure = replies.failure();
    if (failure !== undefined) {
      await audit.record({
        ...who(ctx),
        action: `${command.name} (reply)`,
        target: input || undefined,
        outcome: 'failed',
        detail: `the reply could not be sent: ${failure instanceof Error ? failure.message : String(failure)}`,
      });
      throw failure;
    }
    return {};
  } catch (error) {
    if (error === replies.failure()) throw error;
    if (isRefusal(error)) return refuseCommand(ctx, command, input, error, (line) => line);
    if (command.sideEffects) {
      await audit.record({
        ...who(ctx),
        action: command.name,
        target: input || undefined,
        outcome: 'failed',
        detail: error instanceof Error ? error.message : String(error),
      });
    }
    if (error instanceof UserError) {
      await ctx.reply(error.message);
      return {};
    }
    throw error;
  }
}

/** Runs one card button click (Action.Execute), with the same role check and audit. */
export async function dispatchCardAction(ctx: TurnContext, verb: string, data: Record<string, unknown>): Promise<CardActionResult> {
  const { registry, audit } = ctx.services;
  const action = registry.action(verb);
  if (!action) return { message: `This button is no longer supported (${verb}). Type \`help\` to see what I can do.` };
  const target = typeof data.id === 'string' ? data.id : typeof data.deviceId === 'string' ? data.deviceId : undefined;
  if (!hasRole(ctx.actor.role, action.role)) {
    await audit.record({ ...who(ctx), action: verb, target, outcome: 'denied', detail: `needs ${action.role}` });
    return { message: `This needs the ${action.role} role; you are a ${ctx.actor.role}. Your attempt was recorded.` };
  }
  const parsedData = action.parse(data);
  if (!parsedData.ok) {
    if (!parsedData.refusal) return { message: `This button sent something I can't use: ${parsedData.error}` };
    // Refused by the domain's parser: the line (no data to show a current card from).
    return { message: await refuseClick(ctx, action, verb, target, parsedData.refusal), refused: parsedData.refusal.code };
  }
  try {
    const result = await action.run(ctx, parsedData.value);
    if (action.sideEffects) {
      const outcome = result.failure ? 'failed' : result.noop ? 'noop' : result.card ? 'ok' : 'noop';
      await audit.record({ ...who(ctx), action: verb, target, outcome, detail: result.failure ?? result.noop ?? result.message });
    }
    return result;
  } catch (error) {
    if (isRefusal(error)) {
      // A refused click answers with the current card and the line as its notice, or with the line.
      const line = await refuseClick(ctx, action, verb, target, error);
      const card = await action.afterRefusal?.(ctx, parsedData.value, { code: error.code, line });
      return card ? { card, noop: line, refused: error.code } : { message: line, refused: error.code };
    }
    if (action.sideEffects)
      await audit.record({ ...who(ctx), action: verb, target, outcome: 'failed', detail: error instanceof Error ? error.message : String(error) });
    if (error instanceof UserError) return { message: error.message };
    throw error;
  }
}

/**
 * A command refused by the domain, while parsing or running: the one place its line is written
 * (`reply` frames it, e.g. above the usage), logged, audited when the command changes state,
 * and returned for the surface's telemetry.
 */
async function refuseCommand(
  ctx: TurnContext,
  command: CommandSpec,
  input: string,
  refusal: Refusal,
  reply: (line: string) => string,
): Promise<MessageOutcome> {
  const line = refusalText(refusal);
  logRefusal(ctx, refusal, command.name);
  if (command.sideEffects) await ctx.services.audit.record({ ...who(ctx), action: command.name, target: input || undefined, ...refused(refusal, line) });
  await ctx.reply(reply(line));
  return { refused: refusal.code };
}

/** A click refused by the domain, while parsing or running: the one place its line is written, logged, and audited when the button changes state. */
async function refuseClick(ctx: TurnContext, action: CardActionSpec, verb: string, target: string | undefined, refusal: Refusal): Promise<string> {
  const line = refusalText(refusal);
  logRefusal(ctx, refusal, verb);
  if (action.sideEffects) await ctx.services.audit.record({ ...who(ctx), action: verb, target, ...refused(refusal, line) });
  return line;
}

/** The audit of a refused turn: its code, and the line the user got. */
const refused = (refusal: Refusal, line: string) => ({ outcome: 'refused' as const, code: refusal.code, detail: line });

function logRefusal(ctx: TurnContext, refusal: Refusal, action: string): void {
  ctx.log.info({ code: refusal.code, action, actor: ctx.actor.id }, 'refused');
}

/** `ctx` whose replies never throw: the first failure is kept for the caller to audit and rethrow. */
function replyRecorder(ctx: TurnContext): { ctx: TurnContext; failure: () => unknown } {
  let failure: unknown;
  const reply = async (message: Parameters<TurnContext['reply']>[0]) => {
    try {
      return await ctx.reply(message);
    } catch (error) {
      failure ??= error;
      return undefined;
    }
  };
  return { ctx: { ...ctx, reply }, failure: () => failure };
}

const who = (ctx: TurnContext) => ({
  actorId: ctx.actor.id,
  actorName: ctx.actor.name,
  role: ctx.actor.role,
  conversationId: ctx.conversation.conversationId,
});

const roleVariable = (role: string): string =>
  role === 'admin' ? 'ADMINS' : role === 'release-lead' ? 'RELEASE_LEADS (or ADMINS)' : 'OPERATORS (or RELEASE_LEADS, ADMINS)';
