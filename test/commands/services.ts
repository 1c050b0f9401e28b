import { CommandRegistry } from '../../commands/registry';
import type { Services } from '../../commands/services';
import { AccessPolicy } from '../../core/access/policy';
import { ManualClock } from '../../core/clock';
import { readConfig } from '../../core/config/config';
import { MemoryAudit } from '../support/memory-audit';

/**
 * The foundation's services (commands/services.ts) for driving commands and buttons in a test:
 * the default configuration and its roles, a clock at 2026-03-01 10:00 UTC, an empty registry,
 * an audit in memory to read back, and no conversations, subscriptions, outbox or sends.
 * `overrides` put in what the test uses (its registry, clock, stores); `access` follows the
 * configuration given.
 */
export function commandServices(overrides: Partial<Omit<Services, 'audit'>> = {}): Services & { readonly audit: MemoryAudit } {
  const config = overrides.config ?? readConfig({});
  return {
    config,
    clock: new ManualClock(new Date('2026-03-01T10:00:00Z')),
    access: new AccessPolicy(config.roles),
    registry: new CommandRegistry(),
    conversations: { upsert: async () => undefined, get: async () => undefined, list: async () => [], remove: async () => undefined },
    subscriptions: {
      add: async () => Promise.reject(new Error('no subscriptions in this test')),
      remove: async () => 0,
      removeById: async () => false,
      listForConversation: async () => [],
      listForTopic: async () => [],
    },
    notifier: { post: async () => undefined },
    audit: new MemoryAudit(),
    delivery: { pendingCount: async () => 0, deadLetters: async () => [] },
    selfUrl: 'http://127.0.0.1:3978',
    ...overrides,
  };
}
