import { firmwareFlag } from '../core/ports/feed';
import { firmwareListCard } from '../cards/firmware-list';
import { rolloutConfirmCard } from '../cards/rollout-confirm';
import { rolloutPlanCard } from '../cards/rollout-plan';
import { rolloutProgressCard, type CardAudience } from '../cards/rollout-progress';
import { fmt, ROLLOUT_VERBS } from '../cards/rollout-format';
import { hasRole, type Role } from '../core/access/roles';
import { isValidDeviceId } from '../core/fleet/device-id';
import { parseDeviceFilter } from '../core/fleet/device-filter';
import { describeState, type ActionActor, type ActionOutcome, type RolloutActions } from '../core/rollouts/actions';
import { rolloutCardKey } from '../core/rollouts/announcer';
import { RolloutRefused } from '../core/rollouts/errors';
import { normalizeId, type RolloutService } from '../core/rollouts/service';
import type { RolloutView } from '../core/rollouts/view';
import { parseWaves } from '../core/rollouts/waves';
import { parseRolloutWindow } from '../core/oncall/rollout-window';
import type { DeviceFilter } from '../core/ports/fleet';
import type { TurnContext } from './context';
import { noArguments, parseError, parsed, type CardActionResult, type CardActionSpec, type CommandSpec, type ParseResult } from './spec';
import { refusalsToUser, UserError } from './user-error';

const NOT_SET_UP =
  'Rollouts are not set up in this FleetOps: the rollouts feature needs a fleet backend (FLEET_BACKEND) and a firmware feed (FEED_BACKEND). An admin can enable them; see docs/azure-setup.md.';
const ROLLOUT_ID = /^R?\d{1,9}$/i;

const audience = (role: Role): CardAudience => ({ canOperate: hasRole(role, 'operator'), canLead: hasRole(role, 'release-lead') });
/** The progress card with the buttons the user's role may press (and, after a click that changed nothing, why). */
const progressCard = (ctx: TurnContext, view: RolloutView, notice?: string) => rolloutProgressCard(view, { audience: audience(ctx.actor.role), notice });

/** The message showing a rollout's plan becomes its one card: every later change updates it (plan → progress). */
async function adoptAsRolloutCard(ctx: TurnContext, rolloutId: string, activityId: string | undefined): Promise<void> {
  if (activityId) await ctx.services.notifier.adopt?.(ctx.conversation.conversationId, rolloutCardKey(rolloutId), activityId);
}

function service(ctx: TurnContext): RolloutService {
  const rollouts = ctx.services.rollouts;
  if (!rollouts) throw new UserError(NOT_SET_UP);
  return rollouts;
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
    const feed = ctx.services.feed;
    if (!feed) throw new UserError(NOT_SET_UP);
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
    if (!result.ok) return parseError(result.error);
    filter = result.filter;
  }
  let waves: number[] | undefined;
  if (wavesText) {
    const result = parseWaves(wavesText);
    if (!result.ok) return parseError(result.error);
    waves = result.waves;
  }
  return parsed({ version: version.replace(/^v/i, ''), filter, filterText: filterText.trim(), waves });
}

async function plan(ctx: TurnContext, args: PlanArgs) {
  const rollouts = service(ctx);
  await ctx.typing();
  const window = args.windowText === undefined ? undefined : parseRolloutWindow(args.windowText, ctx.services.config.rollouts.soakMs);
  if (window && !window.ok) throw new UserError(window.error);
  const planned = await refusalsToUser(RolloutRefused, () =>
    rollouts.plan({ ...args, window: window?.value, actor: ctx.actor, conversationId: ctx.conversation.conversationId }),
  );
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
    if (!rollout) throw new UserError(id ? `There is no rollout ${id}; \`rollouts\` lists them.` : 'No rollouts yet. `rollout plan <version>` plans one.');
    await ctx.reply(progressCard(ctx, (await rollouts.view(rollout.id))!));
  },
};

// ---------------------------------------------------------------- transitions (commands and buttons share them)

type Verb = 'start' | 'approve' | 'pause' | 'resume' | 'abort' | 'retry';

const VERB_ROLES: Record<Verb, Role> = {
  start: 'release-lead',
  approve: 'release-lead',
  pause: 'operator',
  resume: 'release-lead',
  abort: 'release-lead',
  retry: 'release-lead',
};

async function transition(ctx: TurnContext, verb: Verb, id: string, version: number | undefined, options: { revert?: boolean } = {}): Promise<ActionOutcome> {
  return announced(ctx, await act(service(ctx).actions, verb, id, version, { name: ctx.actor.name }, options), { verb });
}

async function act(
  a: RolloutActions,
  verb: Verb,
  id: string,
  version: number | undefined,
  actor: ActionActor,
  options: { revert?: boolean },
): Promise<ActionOutcome | Promise<ActionOutcome>> {
  switch (verb) {
    case 'start':
      return await a.start(id, version, actor);
    case 'approve':
      return await a.approve(id, version, actor);
    case 'pause':
      return await a.pause(id, version, actor);
    case 'resume':
      return await a.resume(id, version, actor);
    case 'retry':
      return await a.retryFailed(id, version, actor);
    case 'abort':
      return await a.abort(id, version, actor, options);
  }
}

async function exclude(ctx: TurnContext, id: string, deviceId: string, version: number | undefined): Promise<ActionOutcome> {
  return announced(ctx, await service(ctx).actions.exclude(id, deviceId, { name: ctx.actor.name }, version), { verb: 'exclude', deviceId });
}

/** A transition that happened is logged and its card updated everywhere it is shown. */
async function announced(ctx: TurnContext, outcome: ActionOutcome, fields: { verb: string; deviceId?: string }): Promise<ActionOutcome> {
  if (outcome.ok) {
    ctx.log.info({ rolloutId: outcome.rollout.id, ...fields, actor: ctx.actor.id }, 'rollout transition');
    await service(ctx).announce(outcome.rollout.id);
  }
  return outcome;
}

function transitionCommand(verb: Verb, summary: string): CommandSpec<{ id: string; revert: boolean }> {
  const name = `rollout ${verb}`;
  return {
    name,
    summary,
    usage: verb === 'abort' ? `${name} <id> [revert]` : `${name} <id>`,
    examples: [verb === 'abort' ? `${name} R7 revert` : `${name} R7`],
    role: VERB_ROLES[verb],
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
      const outcome = await transition(ctx, verb, id, undefined, { revert });
      if (!outcome.ok) throw new UserError(outcome.message);
      await ctx.reply(outcome.message);
    },
  };
}

export const rolloutStartCommand = transitionCommand('start', 'Start a planned rollout (wave 1)');
export const rolloutApproveCommand = transitionCommand('approve', 'Approve the next wave of a rollout');
export const rolloutPauseCommand = transitionCommand('pause', 'Pause a rollout: no new device gets the firmware');
export const rolloutResumeCommand = transitionCommand('resume', 'Resume a paused rollout (acknowledges counted failures)');
export const rolloutAbortCommand = transitionCommand('abort', 'Abort a rollout; `revert` sets not-yet-started devices back');
export const rolloutRetryCommand = transitionCommand('retry', 'Queue failed, timed-out, rolled-back and skipped devices again');

export const rolloutExcludeCommand: CommandSpec<{ id: string; deviceId: string }> = {
  name: 'rollout exclude',
  summary: 'Take one device out of a rollout',
  usage: 'rollout exclude <id> <device>',
  examples: ['rollout exclude R7 device-42'],
  role: 'release-lead',
  sideEffects: true,
  parse(input) {
    const [id = '', deviceId = '', ...rest] = input.trim().split(/\s+/);
    if (!ROLLOUT_ID.test(id) || !deviceId || rest.length > 0) return parseError('Give the rollout and the device, e.g. `rollout exclude R7 device-42`.');
    if (!isValidDeviceId(deviceId)) return parseError(`\`${deviceId}\` is not a device id; \`rollout status ${normalizeId(id)}\` lists the failing devices.`);
    return parsed({ id: normalizeId(id), deviceId });
  },
  async run(ctx, { id, deviceId }) {
    const outcome = await exclude(ctx, id, deviceId, undefined);
    if (!outcome.ok) throw new UserError(outcome.message);
    await ctx.reply(outcome.message);
  },
};

export const rolloutHelpCommand: CommandSpec<string> = {
  name: 'rollout',
  summary: 'Firmware rollouts: plan, status, start, approve, pause, resume, abort, retry, exclude',
  usage: 'rollout plan|status|start|approve|pause|resume|abort|retry|exclude ...',
  examples: ['rollout plan 2.4.1 to ring:canary', 'rollout status R7', 'rollout pause R7'],
  role: 'viewer',
  parse: (input) => parsed(input),
  async run(ctx, input) {
    await ctx.reply(
      `${input ? `\`rollout ${input.split(/\s+/)[0]}\` is not a rollout command. ` : ''}Try \`rollout plan <version> [to <filter>] [waves 1,10,50,100]\`, ` +
        '`rollout status [id]`, `rollout start|approve|pause|resume|retry <id>`, `rollout abort <id> [revert]`, `rollout exclude <id> <device>`, `rollouts`, `firmware`.',
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

function buttonAction(verb: Verb): CardActionSpec<ButtonData> {
  return {
    verb: ROLLOUT_VERBS[verb],
    role: VERB_ROLES[verb],
    sideEffects: true,
    parse: parseButton,
    async run(ctx, { id, version, revert, confirmed }): Promise<CardActionResult> {
      const current = await service(ctx).get(id);
      // Only a click on the current card asks first; an outdated one gets the current card below.
      if (!confirmed && current && current.version === version) {
        const ask = verb === 'abort' ? await abortConfirmation(ctx, id, revert) : verb === 'start' ? await startConfirmation(ctx, id) : undefined;
        if (ask) return { card: ask, noop: 'asked for confirmation' };
      }
      const outcome = await transition(ctx, verb, id, version, { revert: verb === 'abort' && revert });
      if (!outcome.ok) return await staleOrMessage(ctx, outcome);
      return { card: progressCard(ctx, (await service(ctx).view(id))!) };
    },
  };
}

/** A click that changed nothing: the card becomes the current state, with what happened and who did it on top. */
async function staleOrMessage(ctx: TurnContext, outcome: Extract<ActionOutcome, { ok: false }>): Promise<CardActionResult> {
  const view = outcome.rollout ? await service(ctx).view(outcome.rollout.id) : undefined;
  return view ? { card: progressCard(ctx, view, outcome.message), noop: outcome.message } : { message: outcome.message };
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
  role: 'release-lead',
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
    const outcome = await exclude(ctx, id, deviceId, version);
    if (!outcome.ok) return await staleOrMessage(ctx, outcome);
    return { card: progressCard(ctx, (await service(ctx).view(id))!) };
  },
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
  buttonAction('start'),
  buttonAction('approve'),
  buttonAction('pause'),
  buttonAction('resume'),
  buttonAction('abort'),
  buttonAction('retry'),
  rolloutExcludeAction,
  rolloutRefreshAction,
  rolloutPlanAction,
];
