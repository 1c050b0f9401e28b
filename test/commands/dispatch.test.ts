import { dispatchCardAction, dispatchMessage } from '../../commands/dispatch';
import { CommandRegistry } from '../../commands/registry';
import { parseError, parsed, parseRefused, type CardActionSpec, type CommandSpec } from '../../commands/spec';
import type { TurnContext } from '../../commands/context';
import { UserError } from '../../commands/user-error';
import { recordingTurn } from '../support/turn';
import { commandServices } from './services';
import type { Role } from '../../core/access/roles';
import type { Logger } from '../../core/logger';
import { Refusal } from '../../core/refusal';
import { parseWaves } from '../../core/rollouts/waves';

function context(role: Role, registry: CommandRegistry) {
  const replies: unknown[] = [];
  const services = commandServices({ registry });
  const ctx = recordingTurn(services, { id: 'u1', name: 'User One', role }, replies);
  return { ctx, replies, audit: services.audit };
}

const STALE_FACTS = { rolloutId: 'R-2', state: 'paused', currentWave: 2, lastBy: 'Lena Lead', lastWhat: 'paused wave 2', lastAt: '2026-03-01T09:30:00Z' };

const pause: CommandSpec<{ id: string }> = {
  name: 'rollout pause',
  summary: 'Pause a rollout',
  usage: 'rollout pause <id>',
  examples: ['rollout pause R-1'],
  role: 'operator',
  sideEffects: true,
  parse: (input) => (input ? parsed({ id: input }) : parseError('Say which rollout to pause.')),
  run: async (ctx, { id }) => {
    if (id === 'gone') throw new UserError('No rollout gone.');
    if (id === 'boom') throw new Error('database on fire');
    if (id === 'R-2') throw new Refusal('rollout_not_pausable', STALE_FACTS);
    await ctx.reply(`paused ${id}`);
  },
};

const approve: CardActionSpec<{ id: string }> = {
  verb: 'rollout.approve',
  role: 'release-lead',
  sideEffects: true,
  parse: (data) => (typeof data.id === 'string' ? parsed({ id: data.id }) : parseError('missing id')),
  run: async (_ctx, { id }) => {
    if (id === 'R-2' || id === 'R-3') throw new Refusal('rollout_stale', STALE_FACTS);
    return { message: `approved ${id}` };
  },
  // R-2 still exists: its current card comes back with the line on top; R-3 is gone.
  afterRefusal: async (_ctx, { id }, refused) =>
    id === 'R-2' ? { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `${refused.code}: ${refused.line}` }] } : undefined,
};

/** A command whose parser hands on the domain parser's refusal (rollout waves), as `rollout plan` does. */
const plan: CommandSpec<number[]> = {
  name: 'rollout plan',
  summary: 'Plan a rollout',
  usage: 'rollout plan waves <percentages>',
  examples: ['rollout plan waves 1,10,100'],
  role: 'operator',
  sideEffects: true,
  parse: (input) => {
    const result = parseWaves(input.replace(/^waves\s*/, ''));
    return result.ok ? parsed(result.waves) : parseRefused(result.refusal);
  },
  run: async (ctx, waves) => void (await ctx.reply(`planned ${waves.join(',')}`)),
};

/** The same, for anyone and without side effects (as `alerts`, `devices` and `fleet` parse their filters). */
const preview: CommandSpec<number[]> = { ...plan, name: 'waves preview', usage: 'waves preview <percentages>', role: 'viewer', sideEffects: false };

/** A button whose data carries waves, refused by the same parser. */
const replan: CardActionSpec<number[]> = {
  verb: 'rollout.replan',
  role: 'operator',
  sideEffects: true,
  parse: (data) => {
    const result = parseWaves(String(data.waves ?? ''));
    return result.ok ? parsed(result.waves) : parseRefused(result.refusal);
  },
  run: async (_ctx, waves) => ({ message: `replanned ${waves.join(',')}` }),
};

const registry = new CommandRegistry([pause, plan, preview], [approve, replan]);

/** `ctx` whose info log lines go into `logged`. */
function logging(ctx: TurnContext): { ctx: TurnContext; logged: unknown[] } {
  const logged: unknown[] = [];
  return { ctx: { ...ctx, log: { ...ctx.log, info: (obj, msg) => void logged.push([obj, msg]) } }, logged };
}

test('runs a command and audits it', async () => {
  const { ctx, replies, audit } = context('operator', registry);
  await dispatchMessage(ctx, 'rollout pause R-1');
  expect(replies).toEqual(['paused R-1']);
  expect(audit.entries).toMatchObject([{ action: 'rollout pause', target: 'R-1', outcome: 'ok', actorName: 'User One' }]);
});

test('a missing role is refused, explained and audited; nothing runs', async () => {
  const { ctx, replies, audit } = context('viewer', registry);
  await dispatchMessage(ctx, 'rollout pause R-1');
  expect(replies[0]).toMatch(/needs the \*\*operator\*\* role; you are a \*\*viewer\*\*/);
  expect(audit.entries).toMatchObject([{ outcome: 'denied' }]);
});

test('bad arguments get the usage, unknown words get suggestions', async () => {
  const { ctx, replies } = context('operator', registry);
  await dispatchMessage(ctx, 'rollout pause');
  expect(replies[0]).toMatch(/Say which rollout to pause\.\n\nUsage: `rollout pause <id>`/);
  await dispatchMessage(ctx, 'rolout');
  expect(replies[1]).toMatch(/I don't know the command `rolout`/);
});

test('a UserError is shown as is; anything else propagates to the surface handler', async () => {
  const { ctx, replies, audit } = context('operator', registry);
  await dispatchMessage(ctx, 'rollout pause gone');
  expect(replies[0]).toBe('No rollout gone.');
  await expect(dispatchMessage(ctx, 'rollout pause boom')).rejects.toThrow('database on fire');
  expect(audit.entries.map((e) => e.outcome)).toEqual(['failed', 'failed']);
});

test('card actions: role checked on every click, data validated, unknown verbs answered', async () => {
  const viewer = context('viewer', registry);
  expect(await dispatchCardAction(viewer.ctx, 'rollout.approve', { id: 'R-1' })).toEqual({
    message: expect.stringMatching(/needs the release-lead role.*recorded/),
  });
  expect(viewer.audit.entries).toMatchObject([{ action: 'rollout.approve', target: 'R-1', outcome: 'denied' }]);

  const lead = context('release-lead', registry);
  expect(await dispatchCardAction(lead.ctx, 'rollout.approve', { id: 'R-1' })).toEqual({ message: 'approved R-1' });
  expect(await dispatchCardAction(lead.ctx, 'rollout.approve', { id: 7 })).toEqual({ message: expect.stringMatching(/missing id/) });
  expect(await dispatchCardAction(lead.ctx, 'no.such.verb', {})).toEqual({ message: expect.stringMatching(/no longer supported/) });
});

test('a change that was made but whose reply failed is audited as done, and the reply failure on its own line', async () => {
  const { ctx, audit } = context('operator', registry);
  const teamsDown: TurnContext = { ...ctx, reply: async () => Promise.reject(new Error('connector answered 502')) };
  await expect(dispatchMessage(teamsDown, 'rollout pause R-1')).rejects.toThrow('connector answered 502');
  expect(audit.entries).toMatchObject([
    { action: 'rollout pause', target: 'R-1', outcome: 'ok' },
    { action: 'rollout pause (reply)', target: 'R-1', outcome: 'failed', detail: 'the reply could not be sent: connector answered 502' },
  ]);
});

test('a domain refusal is rendered once, by dispatch: the line for a command, audited and logged with its code', async () => {
  const { ctx, replies, audit } = context('operator', registry);
  const logged: unknown[] = [];
  const log: Logger = { ...ctx.log, info: (obj, msg) => void logged.push([obj, msg]) };
  expect(await dispatchMessage({ ...ctx, log }, 'rollout pause R-2')).toEqual({ refused: 'rollout_not_pausable' });
  const line = 'Nothing changed: R-2 is paused (last: Lena Lead paused wave 2 at 09:30 UTC), so there is nothing to pause.';
  expect(replies).toEqual([line]);
  expect(audit.entries).toMatchObject([{ action: 'rollout pause', target: 'R-2', outcome: 'refused', code: 'rollout_not_pausable', detail: line }]);
  expect(logged).toEqual([[expect.objectContaining({ code: 'rollout_not_pausable', action: 'rollout pause' }), 'refused']]);
});

test('a refused click gets the action’s current card with the line on top, or the line alone', async () => {
  const lead = context('release-lead', registry);
  const line = 'Nothing changed: someone acted first. Lena Lead paused wave 2 at 09:30 UTC; R-2 is now paused. The card shows the current state.';
  expect(await dispatchCardAction(lead.ctx, 'rollout.approve', { id: 'R-2' })).toEqual({
    card: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `rollout_stale: ${line}` }] },
    noop: line,
    refused: 'rollout_stale',
  });
  expect(await dispatchCardAction(lead.ctx, 'rollout.approve', { id: 'R-3' })).toEqual({ message: line, refused: 'rollout_stale' });
  expect(lead.audit.entries.map((e) => [e.outcome, e.code])).toEqual([
    ['refused', 'rollout_stale'],
    ['refused', 'rollout_stale'],
  ]);
});

test('a refusal found while parsing is a refusal: its line above the usage, nothing runs, logged and audited with its code, counted', async () => {
  const { ctx, replies, audit } = context('operator', registry);
  const { ctx: turn, logged } = logging(ctx);
  expect(await dispatchMessage(turn, 'rollout plan waves 1,10,50')).toEqual({ refused: 'waves_not_ending_at_100' });
  const line = 'The last wave must be 100 so every target is covered; add `,100` (you wrote `1,10,50`).';
  expect(replies).toEqual([
    `${line}\n\nUsage: \`rollout plan waves <percentages>\` — for example \`rollout plan waves 1,10,100\`. Type \`help rollout plan\` for details.`,
  ]);
  expect(audit.entries).toMatchObject([{ action: 'rollout plan', target: 'waves 1,10,50', outcome: 'refused', code: 'waves_not_ending_at_100', detail: line }]);
  expect(logged).toEqual([[expect.objectContaining({ code: 'waves_not_ending_at_100', action: 'rollout plan', actor: 'u1' }), 'refused']]);

  // The same input, parsed well, runs.
  expect(await dispatchMessage(turn, 'rollout plan waves 1,10,100')).toEqual({});
  expect(replies[1]).toBe('planned 1,10,100');
});

test('a parse-time refusal of a command without side effects is logged and counted, not audited (as when run refuses)', async () => {
  const { ctx, replies, audit } = context('viewer', registry);
  const { ctx: turn, logged } = logging(ctx);
  expect(await dispatchMessage(turn, 'waves preview 50,10,100')).toEqual({ refused: 'waves_not_growing' });
  expect(replies[0]).toMatch(/^Waves are cumulative and must grow: `10` comes after 50\.\n\nUsage: `waves preview <percentages>`/);
  expect(logged).toEqual([[expect.objectContaining({ code: 'waves_not_growing', action: 'waves preview' }), 'refused']]);
  expect(audit.entries).toEqual([]);
});

test('a button whose data the domain parser refuses gets the line, logged, audited and counted with its code', async () => {
  const { ctx, audit } = context('operator', registry);
  const { ctx: turn, logged } = logging(ctx);
  const line = '`abc` is not a percentage between 0 and 100 (waves are cumulative, e.g. `1,10,50,100`).';
  expect(await dispatchCardAction(turn, 'rollout.replan', { waves: 'abc' })).toEqual({ message: line, refused: 'wave_not_a_percentage' });
  expect(audit.entries).toMatchObject([{ action: 'rollout.replan', outcome: 'refused', code: 'wave_not_a_percentage', detail: line }]);
  expect(logged).toEqual([[expect.objectContaining({ code: 'wave_not_a_percentage', action: 'rollout.replan' }), 'refused']]);
});
