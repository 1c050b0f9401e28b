import { hasRole } from '../core/access/roles';
import type { Actor } from '../core/access/identity';
import { isActor, type OnCallService } from '../core/oncall/service';
import { describeHandoff, ROTATION_EXAMPLE, type Member, type RotationInput } from '../core/oncall/rotation';
import { OVERRIDE_EXAMPLE } from '../core/oncall/override';
import type { OnCall } from '../core/oncall/schedule';
import { formatLocal } from '../core/oncall/zoned-time';
import type { TurnContext as Turn } from './context';
import { noArguments, parseError, parsed, type CommandSpec as Spec, type ParseResult } from './spec';
import { UserError } from './user-error';

/** What the on-call commands use (the oncall feature's services). */
export interface OnCallServices {
  readonly oncall: OnCallService;
}
type TurnContext = Turn<OnCallServices>;
type CommandSpec<Args = unknown> = Spec<Args, OnCallServices>;

function oncallOf(ctx: TurnContext): OnCallService {
  return ctx.services.oncall;
}

const who = (m: Member | undefined): string => (m ? `**${m.name}**` : 'nobody');

function turnLine(turn: OnCall, timeZone: string): string {
  const cover = turn.override ? ` (covering, override #${turn.override.id})` : '';
  return `${who(turn.primary)}${cover} until ${formatLocal(turn.until, timeZone)}`;
}

export const oncallCommand: CommandSpec<string | undefined> = {
  name: 'oncall',
  aliases: ['on-call'],
  summary: 'Who is on call now and next, for each rotation',
  usage: 'oncall [rotation]',
  examples: ['oncall', 'oncall berlin-ops'],
  role: 'viewer',
  parse: (input) =>
    /^[\w-]*$/.test(input.trim()) ? parsed(input.trim() || undefined) : parseError('Name one rotation, e.g. `oncall berlin-ops`, or none to see them all.'),
  async run(ctx, name) {
    const service = oncallOf(ctx);
    const all = await service.whoIsOnCall(name);
    if (all.length === 0) {
      await ctx.reply(`No rotations yet. An admin adds one: \`${ROTATION_EXAMPLE}\`, or lists them in ONCALL_FILE.`);
      return;
    }
    const blocks = all.map(({ rotation, now, next }) => {
      const mine = isActor(now.primary, ctx.actor) ? ' — **you are on call**' : '';
      return [
        `**${rotation.name}** (${describeHandoff(rotation)}; pages after ${rotation.unacknowledgedMinutes} min unacknowledged)${mine}`,
        `- now: ${turnLine(now, rotation.timeZone)}; secondary ${who(now.secondary)}${now.escalationTarget ? `; then ${who(now.escalationTarget)}` : ''}`,
        `- next: ${turnLine(next, rotation.timeZone)}`,
      ].join('\n');
    });
    await ctx.reply(blocks.join('\n\n'));
  },
};

export const oncallMeCommand: CommandSpec<void> = {
  name: 'oncall me',
  summary: 'Your on-call shifts and overrides in the next four weeks',
  usage: 'oncall me',
  examples: ['oncall me'],
  role: 'viewer',
  parse: noArguments('`oncall me` takes no arguments.'),
  async run(ctx) {
    const service = oncallOf(ctx);
    const shifts = await service.myShifts(ctx.actor);
    if (shifts.length === 0) {
      await ctx.reply(`You have no shifts in the next four weeks. \`oncall\` shows who is on call; \`${OVERRIDE_EXAMPLE}\` takes a turn.`);
      return;
    }
    const zones = new Map((await service.rotations()).map((r) => [r.name, r.timeZone]));
    const lines = shifts.map((s) => {
      const zone = zones.get(s.rotation) ?? 'UTC';
      return `- **${s.rotation}**, ${s.level}: ${formatLocal(s.start, zone)} → ${formatLocal(s.end, zone)}`;
    });
    await ctx.reply(`Your shifts in the next four weeks:\n\n${lines.join('\n')}`);
  },
};

type RotationArgs = { kind: 'add'; input: RotationInput } | { kind: 'remove'; name: string };

const ROTATION_KEYS = ['members', 'secondaries', 'escalate', 'ack', 'start'] as const;

export function parseRotationArgs(input: string): ParseResult<RotationArgs> {
  const [verb = '', ...words] = input.trim().split(/\s+/).filter(Boolean);
  if (verb === 'remove')
    return words.length === 1 ? parsed({ kind: 'remove', name: words[0]! }) : parseError('Say which rotation: `oncall rotation remove berlin-ops`.');
  if (verb !== 'add') return parseError(`Use \`oncall rotation add …\` or \`oncall rotation remove <name>\`. Example: \`${ROTATION_EXAMPLE}\`.`);
  const positional = words.filter((w) => !/^[a-z]+:/i.test(w));
  const keyed = new Map<string, string>();
  for (const word of words.filter((w) => /^[a-z]+:/i.test(w))) {
    const key = word.slice(0, word.indexOf(':')).toLowerCase();
    if (!(ROTATION_KEYS as readonly string[]).includes(key))
      return parseError(`Unknown option \`${key}:\`; use ${ROTATION_KEYS.map((k) => `${k}:`).join(', ')}. Example: \`${ROTATION_EXAMPLE}\`.`);
    keyed.set(key, word.slice(key.length + 1));
  }
  const [name = '', cadence = '', ...rest] = positional;
  const weekly = cadence.toLowerCase() === 'weekly';
  const handoff = weekly ? rest.slice(0, 2).join(' ') : (rest[0] ?? '');
  const timeZone = (weekly ? rest[2] : rest[1]) ?? '';
  if (!name || !cadence || !handoff || !timeZone || rest.length > (weekly ? 3 : 2)) {
    return parseError(
      `Write a rotation as \`oncall rotation add <name> weekly <Day> <HH:MM> <time zone> members:<a>,<b>\` (or \`daily <HH:MM>\`). Example: \`${ROTATION_EXAMPLE}\`.`,
    );
  }
  const list = (key: string) =>
    keyed
      .get(key)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const ack = keyed.get('ack');
  return parsed({
    kind: 'add',
    input: {
      name,
      cadence,
      handoff,
      timeZone,
      members: list('members') ?? [],
      secondaries: list('secondaries'),
      escalationTarget: keyed.get('escalate'),
      unacknowledgedMinutes: ack === undefined ? undefined : Number(ack),
      startDate: keyed.get('start'),
    },
  });
}

export const oncallRotationCommand: CommandSpec<RotationArgs> = {
  name: 'oncall rotation',
  summary: 'Add, change or remove an on-call rotation (admins)',
  usage:
    'oncall rotation add <name> weekly <Day> <HH:MM> <time zone> members:<a>,<b> [secondaries:…] [escalate:<who>] [ack:<minutes>] | oncall rotation remove <name>',
  examples: [
    ROTATION_EXAMPLE,
    'oncall rotation add night-desk daily 18:00 UTC members:alice@contoso.com,bob@contoso.com ack:10',
    'oncall rotation remove night-desk',
  ],
  role: 'admin',
  sideEffects: true,
  parse: parseRotationArgs,
  async run(ctx, args) {
    const service = oncallOf(ctx);
    if (args.kind === 'remove') {
      await service.removeRotation(args.name);
      await ctx.reply(`Rotation \`${args.name}\` and its overrides are removed.`);
      return;
    }
    const rotation = await service.saveRotation(args.input, ctx.actor);
    const turn = (await service.onCall(rotation.name))?.onCall;
    await ctx.reply(
      `Rotation **${rotation.name}** saved: ${describeHandoff(rotation)}, ${rotation.members.map((m) => m.name).join(' → ')}` +
        `${rotation.escalationTarget ? `, escalating to ${rotation.escalationTarget.name}` : ''}. ` +
        `${turn ? `On call now: ${turnLine(turn, rotation.timeZone)}. ` : ''}Bind it to alerts with \`subscribe alerts sev<=1 oncall:${rotation.name}\`.`,
    );
  },
};

type OverrideArgs = { kind: 'add'; rotation: string; who: string; duration: string; from?: string } | { kind: 'remove'; id: number } | { kind: 'list' };

export function parseOverrideArgs(input: string): ParseResult<OverrideArgs> {
  const words = input.trim().split(/\s+/).filter(Boolean);
  if (words[0] === 'list' && words.length === 1) return parsed({ kind: 'list' });
  if (words[0] === 'remove') {
    const id = Number(words[1]?.replace(/^#/, ''));
    return words.length === 2 && Number.isInteger(id) && id > 0
      ? parsed({ kind: 'remove', id })
      : parseError('Say which override: `oncall override remove 3` (`oncall override list` shows the numbers).');
  }
  const fromAt = words.indexOf('from');
  const from = fromAt >= 0 ? words.slice(fromAt + 1).join(' ') : undefined;
  const head = (fromAt >= 0 ? words.slice(0, fromAt) : words).filter((w) => w.toLowerCase() !== 'for');
  if (head.length !== 3 || (fromAt >= 0 && !from)) {
    return parseError(`Write an override as \`oncall override <rotation> <me|person> <duration> [from <time>]\`. Example: \`${OVERRIDE_EXAMPLE}\`.`);
  }
  return parsed({ kind: 'add', rotation: head[0]!, who: head[1]!, duration: head[2]!, from });
}

const memberOfActor = (actor: Actor): Member => ({ id: actor.id, name: actor.name });

export const oncallOverrideCommand: CommandSpec<OverrideArgs> = {
  name: 'oncall override',
  summary: 'Cover a rotation for a while ("<user> covers the next 4 h"); for yourself as an operator, for others as an admin',
  usage: 'oncall override <rotation> <me|person> <duration> [from <ISO time>] | oncall override list | oncall override remove <id>',
  examples: [OVERRIDE_EXAMPLE, 'oncall override berlin-ops bob@contoso.com 1d from 2026-12-24T18:00+01:00', 'oncall override list', 'oncall override remove 3'],
  role: 'operator',
  sideEffects: true,
  parse: parseOverrideArgs,
  async run(ctx, args) {
    const service = oncallOf(ctx);
    const admin = hasRole(ctx.actor.role, 'admin');
    if (args.kind === 'list') {
      const list = await service.overrides();
      await ctx.reply(
        list.length === 0
          ? 'No current or coming overrides.'
          : list.map((o) => `- #${o.id} **${o.member.name}** covers ${o.rotation}: ${o.start} → ${o.end} (by ${o.createdBy})`).join('\n'),
      );
      return;
    }
    if (args.kind === 'remove') {
      const list = await service.overrides();
      const target = list.find((o) => o.id === args.id);
      if (!target) throw new UserError(`There is no current override #${args.id}; \`oncall override list\` shows them.`);
      if (!admin && !isActor(target.member, ctx.actor))
        throw new UserError(`Override #${args.id} is ${target.member.name}'s: only they or an admin can remove it.`);
      await service.removeOverride(args.id);
      await ctx.reply(`Override #${args.id} is removed; ${target.rotation} follows its rotation again.`);
      return;
    }
    const self = args.who.toLowerCase() === 'me' || isActor({ id: args.who, name: args.who }, ctx.actor);
    if (!self && !admin) {
      throw new UserError(
        `Putting someone else on call needs the **admin** role; you are a **${ctx.actor.role}**. You can take it yourself: \`oncall override ${args.rotation} me ${args.duration}\`.`,
      );
    }
    const member = self ? memberOfActor(ctx.actor) : { id: args.who, name: args.who.includes('@') ? args.who.slice(0, args.who.indexOf('@')) : args.who };
    const override = await service.addOverride({ rotation: args.rotation, member, duration: args.duration, from: args.from, createdBy: ctx.actor.name });
    const zone = (await service.rotation(override.rotation)).timeZone;
    await ctx.reply(
      `Override #${override.id}: **${member.name}** is primary of ${override.rotation} from ${formatLocal(new Date(override.start), zone)} to ${formatLocal(new Date(override.end), zone)}. ` +
        `\`oncall override remove ${override.id}\` undoes it.`,
    );
  },
};

export const ONCALL_COMMANDS: readonly CommandSpec[] = [oncallCommand, oncallMeCommand, oncallRotationCommand, oncallOverrideCommand];
