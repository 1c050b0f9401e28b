import { composeFeatures, FeatureGraphError, orderFeatures } from '../../bot/compose';
import { defineFeature, type Feature, type Platform } from '../../bot/features/feature';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { parsed } from '../../commands/spec';
import type { Services } from '../../commands/services';
import { readConfig } from '../../core/config/config';
import { recordingTurn } from '../support/turn';

/** A feature that only records when it is built. */
function feature(name: string, needs: readonly string[] = [], uses: readonly string[] = [], built: string[] = []): Feature {
  return defineFeature({
    name,
    needs,
    uses,
    async create() {
      built.push(name);
      return { provides: {} };
    },
  });
}

const names = (features: readonly Feature[]) => features.map((f) => f.name);

describe('the build order', () => {
  test('each feature after what it needs and uses; otherwise as listed', () => {
    const order = orderFeatures([feature('fleet', [], ['logs']), feature('rollouts', ['fleet']), feature('logs'), feature('deployments')]);
    expect(names(order)).toEqual(['logs', 'fleet', 'rollouts', 'deployments']);
  });

  test('a `uses` that is not there does not hold anything up', () => {
    expect(names(orderFeatures([feature('alerts', [], ['fleet', 'logs']), feature('oncall', ['alerts'])]))).toEqual(['alerts', 'oncall']);
  });

  test('a missing need is a start-up error naming both features', () => {
    expect(() => orderFeatures([feature('logs'), feature('rollouts', ['fleet', 'firmware'])])).toThrow(
      new FeatureGraphError('Feature "rollouts" needs "fleet" and "firmware", which this bot does not have (features: logs, rollouts).'),
    );
  });

  test('a cycle is a start-up error that shows it', () => {
    expect(() => orderFeatures([feature('deployments'), feature('a', ['b']), feature('b', [], ['c']), feature('c', ['a'])])).toThrow(
      new FeatureGraphError('Features depend on each other in a cycle: a → b → c → a.'),
    );
    expect(() => orderFeatures([feature('self', ['self'])])).toThrow('cycle: self → self');
  });

  test('a name used twice is a start-up error', () => {
    expect(() => orderFeatures([feature('logs'), feature('logs')])).toThrow('Two features are named "logs"');
  });
});

const platform = (): Platform => ({
  config: readConfig({}),
  clock: new ManualClock(new Date('2026-01-01T00:00:00Z')),
  log: silentLogger,
  db: {} as Platform['db'],
  unitOfWork: {} as Platform['unitOfWork'],
  stores: {} as Platform['stores'],
  scheduler: {} as Platform['scheduler'],
  notifier: { post: async () => undefined },
  subscriptions: {} as Platform['subscriptions'],
  audit: {} as Platform['audit'],
  telemetry: {} as Platform['telemetry'],
  selfUrl: 'http://127.0.0.1:3978',
});

describe('composing', () => {
  test('a feature gets what its needs provide; its commands get its services and those of commandsMayUse', async () => {
    const seen: string[] = [];
    const logs = defineFeature({
      name: 'logs',
      needs: [],
      async create() {
        return { provides: { logs: { storeName: 'test store', query: async () => Promise.reject(new Error('not here')), close: async () => undefined } } };
      },
    });
    const wiki = defineFeature({
      name: 'wiki',
      needs: ['logs'],
      commandsMayUse: ['later'],
      commands: [
        {
          name: 'wiki',
          summary: 'says what it was given',
          usage: 'wiki',
          examples: ['wiki'],
          role: 'viewer',
          parse: () => parsed(undefined),
          async run(ctx) {
            const services = ctx.services as typeof ctx.services & { page?: string; later?: string };
            seen.push(`${services.logs.storeName} / ${services.page} / ${services.later}`);
          },
        },
      ],
      async create(deps) {
        seen.push(`built with ${deps.logs.storeName}`);
        return { provides: { page: 'home' } };
      },
    });
    const later = defineFeature({
      name: 'later',
      needs: ['wiki'],
      async create() {
        return { provides: { later: 'built after wiki' } };
      },
    });
    const composed = await composeFeatures([wiki, later, logs], platform);
    expect(composed.running.map((r) => r.name)).toEqual(['logs', 'wiki', 'later']);
    expect(composed.commands.map((c) => `${c.feature}: ${c.command.name}`)).toEqual(['wiki: wiki']);
    await composed.commands[0]!.command.run(recordingTurn({} as Services, { id: 'u1', name: 'Una', role: 'viewer' }, []), undefined);
    expect(seen).toEqual(['built with test store', 'test store / home / built after wiki']);
    expect(composed.provided('logs')?.logs.storeName).toBe('test store');
    expect(composed.provided('deployments')).toBeUndefined();
  });

  test('a build that fails stops the features built before it', async () => {
    const stopped: string[] = [];
    const first = defineFeature({
      name: 'first',
      needs: [],
      async create() {
        return { provides: {}, stop: async () => void stopped.push('first') };
      },
    });
    const broken = defineFeature({
      name: 'broken',
      needs: ['first'],
      async create(): Promise<never> {
        throw new Error('ONCALL_FILE cannot be read');
      },
    });
    await expect(composeFeatures([broken, first], platform)).rejects.toThrow('ONCALL_FILE cannot be read');
    expect(stopped).toEqual(['first']);
  });
});
