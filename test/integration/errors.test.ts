import { startTestBot } from '../support/bot-harness';
import { parsed } from '../../commands/spec';
import { defineFeature } from '../../bot/features/feature';
import type { Logger } from '../../core/logger';

/** A logger that keeps every record, to check what reaches the log. */
function capturingLogger(records: Array<Record<string, unknown>>, bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (obj: object | string, msg?: string) => {
    records.push({ level, ...bindings, ...(typeof obj === 'string' ? { msg: obj } : obj), ...(msg ? { msg } : {}) });
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (b) => capturingLogger(records, { ...bindings, ...b }),
  };
}

const explodingFeature = defineFeature({
  name: 'exploding',
  needs: [],
  commands: [
    {
      name: 'explode',
      summary: 'Fails on purpose',
      usage: 'explode',
      examples: ['explode'],
      role: 'viewer',
      parse: () => parsed(undefined),
      run: async () => {
        throw new Error('connection to the registry lost (password=hunter2 should never be shown)');
      },
    },
  ],
  async create() {
    return { provides: {} };
  },
});

test('an unexpected error: a short line with a reference for the user, the stack and activity id in the log', async () => {
  const records: Array<Record<string, unknown>> = [];
  const t = await startTestBot({ start: { features: [explodingFeature], logger: capturingLogger(records) } });
  try {
    await t.say('explode');
    await t.connector.waitFor(() => t.connector.texts().length > 0);
    const text = t.connector.texts().at(-1)!;
    expect(text).toMatch(/^Sorry, something went wrong with your command\. .* \(reference: [0-9a-f]{8}\)$/);
    expect(text).not.toMatch(/hunter2|registry lost|at .*\.ts/);
    const reference = /reference: ([0-9a-f]{8})/.exec(text)![1];
    const logged = records.find((r) => r.correlationId === reference)!;
    expect(logged).toMatchObject({ level: 'error', activityId: expect.any(String) });
    expect(JSON.stringify(logged)).toMatch(/at .*explode|errors\.test\.ts/);
  } finally {
    await t.stop();
  }
});
