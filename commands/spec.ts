import type { Role } from '../core/access/roles';
import type { TurnContext } from './context';
import type { AdaptiveCard } from '../cards/card';
import type { Refusal, RefusalCode } from '../core/refusal';
import type { Services } from './services';

/**
 * What a command's (or a button's) parser made of its input: the arguments; a problem the parser
 * words itself (`error`); or a refusal of the domain's parser (an alert or device filter, rollout
 * waves), which dispatch words through commands/refusal-text.ts and logs, audits and counts by its
 * code exactly as a refusal thrown by `run`.
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string; refusal?: undefined } | { ok: false; refusal: Refusal; error?: undefined };

export const parsed = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const parseError = (error: string): ParseResult<never> => ({ ok: false, error });
/** The domain's parser said no: dispatch renders, logs, audits and counts it (nothing is worded here). */
export const parseRefused = (refusal: Refusal): ParseResult<never> => ({ ok: false, refusal });

/** The parser of a command without arguments: anything typed after it gets `why`. */
export const noArguments =
  (why: string) =>
  (input: string): ParseResult<void> =>
    input.trim() ? parseError(why) : parsed(undefined);

/** The parser of a list card's row button: the store id of the row's `what` it carries (as text, see cards/row-list.ts). */
export const rowIdData =
  (what: string) =>
  (data: Record<string, unknown>): ParseResult<{ id: number }> => {
    const id = typeof data.id === 'string' && /^\d{1,15}$/.test(data.id) ? Number(data.id) : Number.NaN;
    return Number.isSafeInteger(id) ? parsed({ id }) : parseError(`it names no ${what}`);
  };

/**
 * A chat command. Help, "did you mean", the Teams manifest's command list and the
 * access check all come from these specs; nothing else knows about commands.
 */
export interface CommandSpec<Args = unknown, S = Services> {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  /** e.g. `status <device>` */
  readonly usage: string;
  readonly examples: readonly string[];
  /** Minimum role to run it. */
  readonly role: Role;
  /** True when it changes state: the turn is audited. */
  readonly sideEffects?: boolean;
  /** `input` is the text after the command word, trimmed. */
  parse(input: string): ParseResult<Args>;
  run(ctx: TurnContext<S>, args: Args): Promise<void>;
}

/**
 * What a card button click answers with: the refreshed card, or a short message.
 * `failure` (with a card) says the click did not do what it asked, though the card shows
 * why (e.g. Azure DevOps refused the approval): the audit records it as failed.
 */
export type CardActionResult = (
  | {
      card: AdaptiveCard;
      message?: undefined;
      failure?: string /** The card is the current state, but the click changed nothing (audited as noop). */;
      noop?: string;
    }
  | { message: string; card?: undefined; failure?: undefined; noop?: undefined }
) & {
  /** Set by dispatch when the domain refused the click: the code the logs, the audit and the telemetry count. */
  refused?: RefusalCode;
};

/** A card button (Action.Execute verb) handler. */
export interface CardActionSpec<Data = unknown, S = Services> {
  readonly verb: string;
  readonly role: Role;
  readonly sideEffects?: boolean;
  /** Validate the button's data (never trust it: a client can send anything). */
  parse(data: Record<string, unknown>): ParseResult<Data>;
  run(ctx: TurnContext<S>, data: Data): Promise<CardActionResult>;
  /**
   * The card to answer with when `run` was refused (core's Refusal): typically the current state
   * with the refusal's `line` (rendered by dispatch) on top. Without it, or when it returns
   * undefined, the clicker gets the line as a message.
   */
  afterRefusal?(ctx: TurnContext<S>, data: Data, refused: { readonly code: RefusalCode; readonly line: string }): Promise<AdaptiveCard | undefined>;
}
