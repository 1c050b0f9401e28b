import { firmwareFlag } from '../core/ports/feed';
import { firmwareListCard } from '../cards/firmware-list';
import { rolloutConfirmCard } from '../cards/rollout-confirm';
import { rolloutPlanCard } from '../cards/rollout-plan';
import { rolloutProgressCard } from '../cards/rollout-progress';
import { fmt, ROLLOUT_VERBS } from '../cards/rollout-format';
import { isValidDeviceId } from '../core/fleet/device-id';
import { parseDeviceFilter } from '../core/fleet/device-filter';
import { describeState, type RolloutStateVerb } from '../core/rollouts/actions';
import type { RolloutActionEvent } from '../core/rollouts/events';
import { rolloutCardKey } from '../core/rollouts/topic';
import { Refusal } from '../core/refusal';
import { ROLLOUT_TRANSITION_VERBS, ROLLOUT_TRANSITIONS } from '../core/rollouts/transitions';
import { normalizeId, type RolloutService } from '../core/rollouts/service';
import type { RolloutView } from '../core/rollouts/view';
import { parseWaves } from '../core/rollouts/waves';
import { parseRolloutWindow } from '../core/oncall/rollout-window';
import type { DeviceFilter } from '../core/ports/fleet';
import type { TurnContext as Turn } from './context';
import {
  noArguments,
  parseError,
  parsed,
  parseRefused,
  type CardActionResult,
  type CardActionSpec as ActionSpec,
  type CommandSpec as Spec,
  type ParseResult,
} from './spec';
import { UserError } from './user-error';
import type { FirmwareCatalog } from '../core/ports/feed';
import type { Notifier } from '../core/notifications/notifier';
import type { AppConfig } from '../core/config/config';

/** What the rollout commands use (the rollouts feature's services and dependencies). */
export interface RolloutServices {
  readonly rollouts: RolloutService;
  readonly feed: FirmwareCatalog;
  readonly notifier: Notifier;
  readonly config: AppConfig;
}
type TurnContext = Turn<RolloutServices>;
type CommandSpec<Args = unknown> = Spec<Args, RolloutServices>;
type CardActionSpec<Data = unknown> = ActionSpec<Data, RolloutServices>;

const ROLLOUT_ID = /^R?\d{1,9}$/i;

/** The progress card with the buttons the user's role may press (and, after a click that changed nothing, why). */
const progressCard = (ctx: TurnContext, view: RolloutView, notice?: string) => rolloutProgressCard(view, { audience: ctx.actor.role, notice });

/** The message showing a rollout's plan becomes its one card: every later change updates it (plan → progress). */
async function adoptAsRolloutCard(ctx: TurnContext, rolloutId: string, activityId: string | undefined): Promise<void> {
  if (activityId) await ctx.services.notifier.adopt?.(ctx.conversation.conversationId, rolloutCardKey(rolloutId), activityId);
}

function service(ctx: TurnContext): RolloutService {
  return ctx.services.rollouts;
}

// ---------------------------------------------------------------- firmware

export const firmwareCommand: CommandSpec<void> = {
  name: 'firmware',
  aliases: ['firmware list'],
  summary: 'Firmware versions in the catalog (checksum, size, models, notes)',
  usage: 'firmware',
  examples: ['firmware'],
  role: 'viewer',
  parse: noArguments('`firmware` takes no arguments; `rollout plan <version>` plans one.'),
  async run(ctx) {
    const { feed } = ctx.services;
    await ctx.typing();
    const versions = await feed.list();
    await ctx.reply(firmwareListCard({ versions, source: ctx.services.config.feed.backend === 'artifacts' ? 'Azure Artifacts feed' : 'firmware catalog' }));
  },
};

// ---------------------------------------------------------------- plan

interface PlanArgs {
  version: string;
  filter: DeviceFilter;
  filterText: string;
  waves?: number[];
  /** `window "Sat 02:00-06:00 Europe/Berlin"`, as typed. */
  windowText?: string;
}

export function parsePlan(text: string): ParseResult<PlanArgs> {
  // `window "Sat 02:00-06:00 Europe/Berlin"` may stand anywhere after the version; checked against the soak in run.
  const windowClause = /\s+window\s+"([^"]*)"/i.exec(text);
  const input = windowClause ? text.replace(windowClause[0], '') : text;
  const result = parsePlanWithoutWindow(input);
  return result.ok && windowClause ? parsed({ ...result.value, windowText: windowClause[1]! }) : result;
}

function parsePlanWithoutWindow(input: string): ParseResult<PlanArgs> {
  const match = /^(\S+)(?:\s+to\s+(.*?))?(?:\s+waves\s+(\S+(?:\s*,\s*\S+)*))?\s*$/i.exec(input.trim());
  if (!match || !input.trim()) return parseError('Say which version, e.g. `rollout plan 2.4.1 to ring:canary waves 1,10,50,100`.');
  const [, version = '', filterText = '', wavesText] = match;
  if (!/^v?\d+(\.\d+){0,3}([-+][A-Za-z0-9.]+)?$/.test(version)) return parseError(`\`${version}\` is not a firmware version; \`firmware\` lists them.`);
  let filter: DeviceFilter = {};
  if (filterText.trim()) {
    const result = parseDeviceFilter(filterText);
    if (!result.ok) return parseRefused(result.refusal);
    filter = result.filter;
  }
  let waves: number[] | undefined;
  if (wavesText) {
    const result = parseWaves(wavesText);
    if (!result.ok) return parseRefused(result.refusal);
    waves = result.waves;
  }
  return parsed({ version: version.replace(/^v/i, ''), filter, filterText: filterText.trim(), waves });
}

async function plan(ctx: TurnContext, args: PlanArgs) {
  const rollouts = service(ctx);
  await ctx.typing();
  const window = args.windowText === undefined ? undefined : parseRolloutWindow(args.windowText, ctx.services.config.rollouts.soakMs);
  if (window && !window.ok) throw window.refusal;
  // A refusal (version not in the catalog, overlap, …) reaches the user through dispatch.
  const planned = await rollouts.plan({ ...args, window: window?.value, actor: ctx.actor, conversationId: ctx.conversation.conversationId });
  return { id: planned.rollout.id, card: rolloutPlanCard(planned) };
}

export const rolloutPlanCommand: CommandSpec<PlanArgs> = {
  name: 'rollout plan',
  summary: 'Plan a firmware rollout: targets per wave, nothing written until Start',
  usage: 'rollout plan <version> [to <filter>] [waves 1,10,50,100] [window "<day> HH:MM-HH:MM <time zone>"]',
  examples: [
    'rollout plan 2.4.1',
    'rollout plan 2.4.1 to ring:canary',
    'rollout plan 2.4.1 to site:berlin waves 1,5,25,100',
    'rollout plan 2.4.1 to site:berlin window "Sat 02:00-06:00 Europe/Berlin"',
  ],
  role: 'operator',
  sideEffects: true,
  parse: parsePlan,
  async run(ctx, args) {
    const planned = await plan(ctx, args);
    await adoptAsRolloutCard(ctx, planned.id, await ctx.reply(planned.card));
  },
};

// ---------------------------------------------------------------- list & status

export const rolloutsCommand: CommandSpec<void> = {
  name: 'rollouts',
  summary: 'Recent firmware rollouts and where they stand',
  usage: 'rollouts',
  examples: ['rollouts'],
  role: 'viewer',
  parse: noArguments('`rollouts` takes no arguments; `rollout status <id>` shows one.'),
  async run(ctx) {
    const rollouts = service(ctx);
    const list = await rollouts.list(10);
    if (list.length === 0) {
      await ctx.reply('No rollouts yet. `firmware` lists versions; `rollout plan <version>` plans one.');
      return;
    }
    const lines = await Promise.all(
      list.map(async (r) => {
        const view = (await rollouts.view(r.id))!;
        return `- **${r.id}** firmware ${r.firmware.version} → ${r.filterText ? `\`${r.filterText}\`` : 'whole fleet'} · ${describeState(r)} · ${fmt(view.totals.succeeded)}/${fmt(view.totals.targets)} succeeded`;
      }),
    );
    await ctx.reply(`Rollouts (newest first):\n\n${lines.join('\n')}\n\n\`rollout status <id>\` shows one.`);
  },
};

const idArg =
  (what: string) =>
  (input: string): ParseResult<{ id?: string }> => {
    const id = input.trim();
    if (!id) return parsed({ id: undefined });
    if (!ROLLOUT_ID.test(id)) return parseError(`\`${id}\` is not a rollout id (like R7); \`rollouts\` lists them, then \`${what} R7\`.`);
    return parsed({ id: normalizeId(id) });
  };

export const rolloutStatusCommand: CommandSpec<{ id?: string }> = {
  name: 'rollout status',
  summary: 'Progress card of a rollout (the latest active one without an id)',
  usage: 'rollout status [id]',
  examples: ['rollout status', 'rollout status R7'],
  role: 'viewer',
  parse: idArg('rollout status'),
  async run(ctx, { id }) {
    const rollouts = service(ctx);
    const rollout = id ? await rollouts.get(id) : await rollouts.latestActive();
    if (!rollout && id) throw new Refusal('rollout_not_found', { rolloutId: id });
    if (!rollout) throw new UserError('No rollouts yet. `rollout plan <version>` plans one.');
    await ctx.reply(progressCard(ctx, (await rollouts.view(rollout.id))!));
  },
};

// ---------------------------------------------------------------- transitions (commands and buttons share them)

async function transition(
  ctx: TurnContext,
  verb: RolloutStateVerb,
  id: string,
  version: number | undefined,
  options: { revert?: boolean } = {},
): Promise<Told> {
  return logged(ctx, await service(ctx).perform(verb, id, version, { name: ctx.actor.name }, options), { verb });
}

async function exclude(ctx: TurnContext, id: string, deviceId: string, version: number | undefined): Promise<Told> {
  return logged(ctx, await service(ctx).exclude(id, deviceId, { name: ctx.actor.name }, version), { verb: 'exclude', deviceId });
}

/** A transition that happened (the service has published it, so its card is updated everywhere); a refused one throws before. */
interface Told {
  readonly message: string;
  readonly event: RolloutActionEvent;
}

function logged(ctx: TurnContext, told: Told, fields: { verb: string; deviceId?: string }): Told {
  ctx.log.info({ rolloutId: told.event.rolloutId, ...fields, actor: ctx.actor.id }, 'rollout transition');
  return told;
}

/** What help says of each verb; the role and the states it applies in come from ROLLOUT_TRANSITIONS. */
const SUMMARIES: Record<RolloutStateVerb, string> = {
  start: 'Start a planned rollout (wave 1)',
  approve: 'Approve the next wave of a rollout',
  pause: 'Pause a rollout: no new device gets the firmware',
  resume: 'Resume a paused rollout (acknowledges counted failures)',
  abort: 'Abort a rollout; `revert` sets not-yet-started devices back',
  retry: 'Queue failed, timed-out, rolled-back and skipped devices again',
};

function transitionCommand(verb: RolloutStateVerb): CommandSpec<{ id: string; revert: boolean }> {
  const name = `rollout ${verb}`;
  return {
    name,
    summary: SUMMARIES[verb],
    usage: verb === 'abort' ? `${name} <id> [revert]` : `${name} <id>`,
    examples: [verb === 'abort' ? `${name} R7 revert` : `${name} R7`],
    role: ROLLOUT_TRANSITIONS[verb].role,
    sideEffects: true,
    parse(input) {
      const [id = '', flag, ...rest] = input.trim().split(/\s+/);
      if (!id) return parseError(`Say which rollout, e.g. \`${name} R7\`; \`rollouts\` lists them.`);
      if (!ROLLOUT_ID.test(id)) return parseError(`\`${id}\` is not a rollout id (like R7); \`rollouts\` lists them.`);
      const revert = verb === 'abort' && flag?.toLowerCase() === 'revert';
      if ((flag && !revert) || rest.length > 0)
        return parseError(`\`${name}\` takes only the rollout id${verb === 'abort' ? ' and optionally `revert`' : ''}.`);
      return parsed({ id: normalizeId(id), revert });
    },
    async run(ctx, { id, revert }) {
      if (verb === 'start') {
        const ask = await startConfirmation(ctx, id);
        if (ask) {
          await ctx.reply(ask);
          return;
        }
      }
      await ctx.reply((await transition(ctx, verb, id, undefined, { revert })).message);
    },
  };
}

export const rolloutStartCommand = transitionCommand('start');
export const rolloutApproveCommand = transitionCommand('approve');
export const rolloutPauseCommand = transitionCommand('pause');
export const rolloutResumeCommand = transitionCommand('resume');
export const rolloutAbortCommand = transitionCommand('abort');
export const rolloutRetryCommand = transitionCommand('retry');

export const rolloutExcludeCommand: CommandSpec<{ id: string; deviceId: string }> = {
  name: 'rollout exclude',
  summary: 'Take one device out of a rollout',
  usage: 'rollout exclude <id> <device>',
  examples: ['rollout exclude R7 device-42'],
  role: ROLLOUT_TRANSITIONS.exclude.role,
  sideEffects: true,
  parse(input) {
    const [id = '', deviceId = '', ...rest] = input.trim().split(/\s+/);
    if (!ROLLOUT_ID.test(id) || !deviceId || rest.length > 0) return parseError('Give the rollout and the device, e.g. `rollout exclude R7 device-42`.');
    if (!isValidDeviceId(deviceId)) return parseError(`\`${deviceId}\` is not a device id; \`rollout status ${normalizeId(id)}\` lists the failing devices.`);
    return parsed({ id: normalizeId(id), deviceId });
  },
  async run(ctx, { id, deviceId }) {
    await ctx.reply((await exclude(ctx, id, deviceId, undefined)).message);
  },
};

/** The table's verbs, in its order. */
const SUBCOMMANDS = ROLLOUT_TRANSITION_VERBS;
/** The verbs that take only a rollout id (abort takes `revert`, exclude a device). */
const BY_ID = SUBCOMMANDS.filter((verb) => verb !== 'abort' && verb !== 'exclude');

export const rolloutHelpCommand: CommandSpec<string> = {
  name: 'rollout',
  summary: `Firmware rollouts: ${['plan', 'status', ...SUBCOMMANDS].join(', ')}`,
  usage: `rollout ${['plan', 'status', ...SUBCOMMANDS].join('|')} ...`,
  examples: ['rollout plan 2.4.1 to ring:canary', 'rollout status R7', 'rollout pause R7'],
  role: 'viewer',
  parse: (input) => parsed(input),
  async run(ctx, input) {
    await ctx.reply(
      `${input ? `\`rollout ${input.split(/\s+/)[0]}\` is not a rollout command. ` : ''}Try \`rollout plan <version> [to <filter>] [waves 1,10,50,100]\`, ` +
        `\`rollout status [id]\`, \`rollout ${BY_ID.join('|')} <id>\`, \`rollout abort <id> [revert]\`, \`rollout exclude <id> <device>\`, \`rollouts\`, \`firmware\`.`,
    );
  },
};

export const ROLLOUT_COMMANDS: readonly CommandSpec[] = [
  firmwareCommand,
  rolloutsCommand,
  rolloutHelpCommand,
  rolloutPlanCommand,
  rolloutStatusCommand,
  rolloutStartCommand,
  rolloutApproveCommand,
  rolloutPauseCommand,
  rolloutResumeCommand,
  rolloutAbortCommand,
  rolloutRetryCommand,
  rolloutExcludeCommand,
];

// ---------------------------------------------------------------- card actions

interface ButtonData {
  id: string;
  version: number;
  /** Abort only: set devices written but not started back to their previous version. */
  revert: boolean;
  /** The click came from a confirmation card (Abort, Start of a flagged version). */
  confirmed: boolean;
}

function parseButton(data: Record<string, unknown>): ParseResult<ButtonData> {
  const id = data.id;
  const version = data.version;
  if (typeof id !== 'string' || !ROLLOUT_ID.test(id)) return parseError('the rollout id is missing or malformed');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return parseError('the card version is missing; type `rollout status` for a fresh card');
  return parsed({ id: normalizeId(id), version, revert: data.revert === true, confirmed: data.confirmed === true });
}

function buttonAction(verb: RolloutStateVerb): CardActionSpec<ButtonData> {
  const spec = ROLLOUT_TRANSITIONS[verb];
  return {
    verb: ROLLOUT_VERBS[verb],
    role: spec.role,
    sideEffects: true,
    parse: parseButton,
    async run(ctx, { id, version, revert, confirmed }): Promise<CardActionResult> {
      const current = await service(ctx).get(id);
      // Only a click on the current card asks first; an outdated one gets the current card with the refusal.
      if (!confirmed && current && current.version === version) {
        const ask = spec.destructive ? await abortConfirmation(ctx, id, revert) : verb === 'start' ? await startConfirmation(ctx, id) : undefined;
        if (ask) return { card: ask, noop: 'asked for confirmation' };
      }
      // The reply is rendered from the event's view: the one the broadcast cards show.
      const { event } = await transition(ctx, verb, id, version, { revert: verb === 'abort' && revert });
      return { card: progressCard(ctx, event.view) };
    },
    afterRefusal: currentCardWith,
  };
}

/** A click that changed nothing: the card becomes the current state, with what happened and who did it on top. */
async function currentCardWith(ctx: TurnContext, { id }: { id: string }, refused: { line: string }) {
  const view = await service(ctx).view(id);
  return view ? progressCard(ctx, view, refused.line) : undefined;
}

async function abortConfirmation(ctx: TurnContext, id: string, revert: boolean) {
  const view = await service(ctx).view(id);
  if (!view || view.rollout.state === 'completed' || view.rollout.state === 'aborted') return undefined;
  return rolloutConfirmCard(view.rollout, { kind: 'abort', revert: revert && view.rollout.state !== 'planned', queued: view.totals.queued });
}

/** Starting a version the catalog flags (bad) asks first, naming the flag. */
async function startConfirmation(ctx: TurnContext, id: string) {
  const rollouts = service(ctx);
  const rollout = await rollouts.get(id);
  if (rollout?.state !== 'planned') return undefined;
  const firmware = await rollouts.catalog.get(rollout.firmware.version);
  const flag = firmware ? firmwareFlag(firmware) : undefined;
  return flag ? rolloutConfirmCard(rollout, { kind: 'start', flag }) : undefined;
}

/** Exclude, from the progress card's picker of first failures: the chosen device comes as `deviceId`. */
export const rolloutExcludeAction: CardActionSpec<ButtonData & { deviceId: string }> = {
  verb: ROLLOUT_VERBS.exclude,
  role: ROLLOUT_TRANSITIONS.exclude.role,
  sideEffects: true,
  parse(data) {
    const button = parseButton(data);
    if (!button.ok) return button;
    const deviceId = data.deviceId;
    if (typeof deviceId !== 'string' || !deviceId) return parseError('pick the device to exclude in the list, then Exclude');
    if (!isValidDeviceId(deviceId)) return parseError('the device id is malformed; type `rollout status` for a fresh card');
    return parsed({ ...button.value, deviceId });
  },
  async run(ctx, { id, version, deviceId }): Promise<CardActionResult> {
    const { event } = await exclude(ctx, id, deviceId, version);
    return { card: progressCard(ctx, event.view) };
  },
  afterRefusal: currentCardWith,
};

export const rolloutRefreshAction: CardActionSpec<{ id: string }> = {
  verb: ROLLOUT_VERBS.refresh,
  role: 'viewer',
  parse(data) {
    return typeof data.id === 'string' && ROLLOUT_ID.test(data.id)
      ? parsed({ id: normalizeId(data.id) })
      : parseError('the rollout id is missing or malformed');
  },
  async run(ctx, { id }) {
    const view = await service(ctx).view(id);
    if (!view) return { message: `Rollout ${id} no longer exists.` };
    return { card: progressCard(ctx, view) };
  },
};

/** The "Plan rollout of x" button (firmware list, deployment card): the plan card for the whole fleet or a filter. */
export const rolloutPlanAction: CardActionSpec<PlanArgs> = {
  verb: ROLLOUT_VERBS.plan,
  role: 'operator',
  sideEffects: true,
  parse(data) {
    if (typeof data.version !== 'string') return parseError('the firmware version is missing');
    const filter = typeof data.filter === 'string' ? ` to ${data.filter}` : '';
    return parsePlan(`${data.version}${filter}`);
  },
  async run(ctx, args) {
    const planned = await plan(ctx, args);
    // The clicked card (firmware list, deployment run) turns into the plan, then the progress card.
    await adoptAsRolloutCard(ctx, planned.id, ctx.cardActivityId);
    return { card: planned.card };
  },
};

export const ROLLOUT_ACTIONS: readonly CardActionSpec[] = [
  ...ROLLOUT_TRANSITION_VERBS.filter((verb): verb is RolloutStateVerb => verb !== 'exclude').map(buttonAction),
  rolloutExcludeAction,
  rolloutRefreshAction,
  rolloutPlanAction,
];
