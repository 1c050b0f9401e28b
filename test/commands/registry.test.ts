import { CommandRegistry } from '../../commands/registry';
import { parsed, type CommandSpec } from '../../commands/spec';
import { editDistance } from '../../core/text/edit-distance';

const spec = (name: string, aliases: string[] = []): CommandSpec => ({
  name,
  aliases,
  summary: name,
  usage: name,
  examples: [name],
  role: 'viewer',
  parse: (input) => parsed(input),
  run: async () => undefined,
});

test('resolves names and aliases case-insensitively, longest name first', () => {
  const registry = new CommandRegistry([spec('rollout plan'), spec('rollouts'), spec('logs', ['kql'])]);
  expect(registry.resolve('Rollout PLAN 2.4.1 to ring:canary')).toMatchObject({ command: { name: 'rollout plan' }, input: '2.4.1 to ring:canary' });
  expect(registry.resolve('KQL DeviceLogs | take 1')).toMatchObject({ command: { name: 'logs' }, input: 'DeviceLogs | take 1' });
  expect(registry.resolve('nothing')).toBeUndefined();
});

test('duplicate names or aliases throw at startup', () => {
  expect(() => new CommandRegistry([spec('status'), spec('status')])).toThrow(/already taken/);
  expect(() => new CommandRegistry([spec('logs', ['kql']), spec('kql')])).toThrow(/"kql" of "kql" is already taken by "logs"/);
});

test('did you mean', () => {
  const registry = new CommandRegistry([spec('help'), spec('status'), spec('subscribe'), spec('subscriptions')]);
  expect(registry.suggest('hepl')).toEqual(['help']);
  expect(registry.suggest('stauts')).toEqual(['status']);
  expect(registry.suggest('sub')).toEqual(['subscribe', 'subscriptions']);
  expect(registry.suggest('zzzzzzzz')).toEqual([]);
  expect(editDistance('kitten', 'sitting')).toBe(3);
});
