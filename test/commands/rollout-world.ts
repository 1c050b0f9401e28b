import { migrate } from '../../backends/store/sqlite/database';
import { ALL_MIGRATIONS } from '../../backends/store/sqlite/migrations';
import { sqliteSubscriptionRepository } from '../../backends/store/sqlite/subscriptions';
import { dispatchCardAction, dispatchMessage } from '../../commands/dispatch';
import { CommandRegistry } from '../../commands/registry';
import { ROLLOUT_ACTIONS, ROLLOUT_COMMANDS, type RolloutServices } from '../../commands/rollouts';
import { bindAction, bindCommand } from '../../bot/features/feature';
import type { Role } from '../../core/access/roles';
import { readConfig } from '../../core/config/config';
import type { Notifier, OutboundMessage } from '../../core/notifications/notifier';
import { rolloutEventCards, type LogTail } from '../../bot/broadcasts/rollouts';
import { Broadcaster } from '../../core/notifications/broadcaster';
import type { RolloutEvent } from '../../core/rollouts/events';
import { catalogOf, makeWorld } from '../core/rollouts/world';
import { FakeFleet } from '../core/rollouts/fake-fleet';
import { recordingTurn } from '../support/turn';
import { commandServices } from './services';

/** What the notifier was asked to post (and which messages were adopted as a key's card). */
export class RecordingNotifier implements Notifier {
  readonly posts: Array<{ conversationId: string; key: string; message: OutboundMessage }> = [];
  readonly adopted: Array<{ conversationId: string; key: string; activityId: string }> = [];
  async post(conversationId: string, key: string, message: OutboundMessage): Promise<void> {
    this.posts.push({ conversationId, key, message });
  }
  adopt(conversationId: string, key: string, activityId: string): void {
    this.adopted.push({ conversationId, key, activityId });
  }
}

export const PEOPLE = {
  viewer: { id: 'u-vic', name: 'Vic Viewer', role: 'viewer' },
  operator: { id: 'u-olga', name: 'Olga Operator', role: 'operator' },
  lead: { id: 'u-lena', name: 'Lena Lead', role: 'release-lead' },
} as const satisfies Record<string, { id: string; name: string; role: Role }>;
type Person = keyof typeof PEOPLE;

/**
 * The rollout commands and buttons on an in-memory store and a fake fleet of 20 devices
 * (conversation c1), with the real broadcaster and rollout cards posting through a recording notifier.
 */
export function rolloutCommandWorld(options: { devices?: number; logTail?: LogTail } = {}) {
  // The service publishes to the broadcaster, which needs the subscriptions of the world's database.
  let broadcast: (event: RolloutEvent) => Promise<string[]> = async () => [];
  const rollouts = makeWorld(new FakeFleet().add(options.devices ?? 20), {}, {}, (event) => broadcast(event));
  migrate(rollouts.db, ALL_MIGRATIONS);
  const config = readConfig({});
  const notifier = new RecordingNotifier();
  const subscriptions = sqliteSubscriptionRepository(rollouts.db);
  const broadcaster = new Broadcaster(subscriptions, notifier);
  const cards = rolloutEventCards({ logTail: options.logTail });
  broadcast = (event) => broadcaster.broadcast(cards, event);
  // The commands bound to the rollouts feature's services, as the composition root binds them.
  const bound: RolloutServices = { rollouts: rollouts.service, feed: catalogOf(), notifier, config };
  const registry = new CommandRegistry(
    ROLLOUT_COMMANDS.map((c) => bindCommand(c, bound)),
    ROLLOUT_ACTIONS.map((a) => bindAction(a, bound)),
  );
  const services = commandServices({ config, clock: rollouts.clock, registry, subscriptions, notifier });

  const turn = (who: Person, replies: unknown[]) => recordingTurn(services, PEOPLE[who], replies);
  /** Types `text` as `who`; the replies (text or card) in order. */
  const say = async (who: Person, text: string): Promise<unknown[]> => {
    const replies: unknown[] = [];
    await dispatchMessage(turn(who, replies), text);
    return replies;
  };
  /** Clicks a button as `who`. */
  const click = (who: Person, verb: string, data: Record<string, unknown>) => dispatchCardAction(turn(who, []), verb, data);
  return { rollouts, services, audit: services.audit, notifier, subscriptions, broadcaster, cards, say, click };
}
