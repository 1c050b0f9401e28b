import { SqliteConversationRepository } from '../../../backends/store/sqlite/conversations';
import { ALL_MIGRATIONS } from '../../../backends/store/sqlite/migrations';
import { openDatabase } from '../../../backends/store/sqlite/database';

const ref = { conversationId: 'a:chat-1', serviceUrl: 'https://smba.trafficmanager.net/emea/', channelId: 'msteams', tenantId: 't1' };

test('a conversation reference is written when it is new or changed, not on every turn', () => {
  const db = openDatabase(':memory:', ALL_MIGRATIONS);
  const writes = () => db.prepare('SELECT total_changes()').pluck().get() as number;
  const repo = new SqliteConversationRepository(db);
  const before = writes();

  repo.upsert(ref);
  repo.upsert({ ...ref });
  repo.upsert({ ...ref });
  expect(writes() - before).toBe(1);

  // Teams moved the conversation to another region: the new service URL is kept.
  repo.upsert({ ...ref, serviceUrl: 'https://smba.trafficmanager.net/amer/' });
  expect(writes() - before).toBe(2);
  expect(repo.get(ref.conversationId)?.serviceUrl).toBe('https://smba.trafficmanager.net/amer/');

  // Removed (the bot was uninstalled), then spoken to again: written again.
  repo.remove(ref.conversationId);
  repo.upsert(ref);
  expect(repo.get(ref.conversationId)).toEqual(ref);
  expect(repo.list()).toEqual([ref]);
});

test('a new repository on the same database writes the first reference it sees once', () => {
  const db = openDatabase(':memory:', ALL_MIGRATIONS);
  new SqliteConversationRepository(db).upsert(ref);
  const restarted = new SqliteConversationRepository(db);
  restarted.upsert(ref);
  expect(restarted.list()).toEqual([ref]);
});
