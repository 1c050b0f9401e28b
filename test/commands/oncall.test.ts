import { openDatabase } from '../../backends/store/sqlite/database';
import { ALL_MIGRATIONS } from '../../backends/store/sqlite/migrations';
import { oncallMigrations, sqliteOnCallStore } from '../../backends/store/sqlite/oncall';
import { dispatchMessage } from '../../commands/dispatch';
import { silenceScheduleCommand } from '../../commands/maintenance';
import { ONCALL_COMMANDS } from '../../commands/oncall';
import { CommandRegistry } from '../../commands/registry';
import { bindCommand } from '../../bot/features/feature';
import type { Actor } from '../../core/access/identity';
import type { Role } from '../../core/access/roles';
import { ManualClock } from '../../core/clock';
import { OnCallService } from '../../core/oncall/service';
import { recordingTurn } from '../support/turn';
import { commandServices } from './services';

/** The on-call commands on an in-memory store, on Saturday 5 December 2026, 10:00 UTC (11:00 in Berlin). */
function world() {
  const clock = new ManualClock(new Date('2026-12-05T10:00:00Z'));
  const db = openDatabase(':memory:', [...ALL_MIGRATIONS, ...oncallMigrations]);
  const store = sqliteOnCallStore(db, () => clock.now());
  const oncall = new OnCallService(store, clock);
  // Bound to the oncall feature's services, as the composition root binds them.
  const registry = new CommandRegistry([...ONCALL_COMMANDS.map((c) => bindCommand(c, { oncall })), bindCommand(silenceScheduleCommand, { oncall, clock })]);
  const services = commandServices({ clock, registry });
  const say = async (text: string, actor: Partial<Actor> & { role: Role }): Promise<string> => {
    const replies: unknown[] = [];
    const ctx = recordingTurn(services, { id: 'id-olga', name: 'Olga', upn: 'olga@contoso.com', ...actor }, replies);
    await dispatchMessage(ctx, text);
    return replies.map(String).join('\n');
  };
  return { clock, audit: services.audit, say };
}

const admin = { role: 'admin' as const, id: 'id-ada', name: 'Ada', upn: 'ada@contoso.com' };
const operator = { role: 'operator' as const };
const viewer = { role: 'viewer' as const, id: 'id-vic', name: 'Vic' };
const ADD = 'oncall rotation add berlin-ops weekly Mon 09:00 Europe/Berlin members:ana@contoso.com,olga@contoso.com escalate:lead@contoso.com start:2026-11-30';

test('an admin adds a rotation; everyone sees who is on call now and next', async () => {
  const { say, audit } = world();
  expect(await say(ADD, admin)).toContain(
    'Rotation **berlin-ops** saved: weekly, Mon 09:00 Europe/Berlin, ana → olga, escalating to lead. On call now: **ana** until Mon 7 Dec 09:00 Europe/Berlin',
  );
  const shown = await say('oncall', viewer);
  expect(shown).toContain('- now: **ana** until Mon 7 Dec 09:00 Europe/Berlin; secondary **olga**; then **lead**');
  expect(shown).toContain('- next: **olga** until Mon 14 Dec 09:00 Europe/Berlin');
  expect(audit.entries.map((e) => [e.action, e.outcome])).toEqual([['oncall rotation', 'ok']]);
});

test('rotations and overrides of others are for admins; the denial is audited', async () => {
  const { say, audit } = world();
  expect(await say(ADD, operator)).toContain('needs the **admin** role');
  await say(ADD, admin);
  expect(await say('oncall override berlin-ops ana@contoso.com 4h', operator)).toContain('Putting someone else on call needs the **admin** role');
  expect(audit.entries.map((e) => [e.action, e.outcome])).toEqual([
    ['oncall rotation', 'denied'],
    ['oncall rotation', 'ok'],
    ['oncall override', 'failed'],
  ]);
});

test('an operator covers for the next 4 h; an overlapping override is refused with the way out; oncall me lists it', async () => {
  const { say } = world();
  await say(ADD, admin);
  expect(await say('oncall override berlin-ops me 4h', operator)).toContain(
    'Override #1: **Olga** is primary of berlin-ops from Sat 5 Dec 11:00 Europe/Berlin to Sat 5 Dec 15:00 Europe/Berlin',
  );
  expect(await say('oncall berlin-ops', viewer)).toContain('now: **Olga** (covering, override #1) until Sat 5 Dec 15:00 Europe/Berlin');
  const clash = await say('oncall override berlin-ops ana@contoso.com 2h from 2026-12-05T12:00Z', admin);
  expect(clash).toContain('That overlaps override #1 (Olga covers berlin-ops');
  expect(clash).toContain('oncall override berlin-ops me 4h from 2026-12-05T14:00:00.000Z');
  const mine = await say('oncall me', operator);
  expect(mine).toContain('**berlin-ops**, override: Sat 5 Dec 11:00 Europe/Berlin → Sat 5 Dec 15:00 Europe/Berlin');
  expect(mine).toContain('**berlin-ops**, primary: Mon 7 Dec 09:00 Europe/Berlin → Mon 14 Dec 09:00 Europe/Berlin');
});

test('bad input gets what is wrong and an example that works, and nothing is saved', async () => {
  const { say } = world();
  const zone = await say('oncall rotation add x weekly Mon 09:00 Europe/Berlim members:a@b', admin);
  expect(zone).toContain('`Europe/Berlim` is not a time zone I know');
  expect(zone).toContain('Example: `oncall rotation add berlin-ops weekly Mon 09:00 Europe/Berlin');
  expect(await say('oncall rotation add x daily 09:00 UTC', admin)).toContain('Rotation `x` has no members');
  expect(await say('oncall', viewer)).toContain('No rotations yet');
  expect(await say('oncall override nowhere me 4h', operator)).toContain('There is no rotation `nowhere`');
});

test('a refused on-call change is audited as refused with its code, and says what exists', async () => {
  const { say, audit } = world();
  await say('oncall rotation add x weekly Mon 09:00 Europe/Berlim members:a@b', admin);
  await say('oncall rotation add x daily 09:00 UTC', admin);
  await say(ADD, admin);
  expect(await say('oncall rotation remove berlin-opps', admin)).toBe('There is no rotation `berlin-opps`. Rotations: `berlin-ops`.');
  expect(await say('oncall override berlin-ops me soon', operator)).toContain(
    'Say how long the cover lasts, e.g. `4h`, `90m` or `1d`. Example: `oncall override berlin-ops me 4h`.',
  );
  expect(await say('oncall override berlin-ops me 4h from tonight', operator)).toContain('`tonight` is not a time');
  await say('oncall override berlin-ops me 4h', operator);
  await say('oncall override berlin-ops ana@contoso.com 2h from 2026-12-05T12:00Z', admin);
  await say('silence schedule site:berlin', operator);
  expect(audit.entries.map((e) => [e.action, e.outcome, e.code])).toEqual([
    ['oncall rotation', 'refused', 'time_zone_unknown'],
    ['oncall rotation', 'refused', 'rotation_without_members'],
    ['oncall rotation', 'ok', undefined],
    ['oncall rotation', 'refused', 'rotation_not_found'],
    ['oncall override', 'refused', 'override_duration_missing'],
    ['oncall override', 'refused', 'override_start_invalid'],
    ['oncall override', 'ok', undefined],
    ['oncall override', 'refused', 'override_overlaps'],
    ['silence schedule', 'refused', 'maintenance_window_missing'],
  ]);
  // The audit's detail is the line the user got.
  expect(audit.entries[0]?.detail).toContain('`Europe/Berlim` is not a time zone I know');
});

test('maintenance windows: scheduled, listed with their next occurrence, removed', async () => {
  const { say } = world();
  expect(await say('silence schedule rule:"Device offline" site:berlin Sat 02:00-04:00 Europe/Berlin weekly', operator)).toContain(
    'Maintenance window #1: alerts matching `rule:"Device offline" site:berlin`, Sat 02:00-04:00 Europe/Berlin weekly; next from Sat 12 Dec 02:00 Europe/Berlin',
  );
  expect(await say('silence schedule site:berlin Sat 02:00-04:00 Mars/Olympus', operator)).toContain('`Mars/Olympus` is not a time zone I know');
  expect(await say('silence schedule', viewer)).toContain('needs the **operator** role');
  expect(await say('silence schedule', operator)).toContain(
    '#1 `rule:"Device offline" site:berlin`: Sat 02:00-04:00 Europe/Berlin weekly — next Sat 12 Dec 02:00 Europe/Berlin',
  );
  expect(await say('silence schedule remove 1', operator)).toContain('is removed');
  expect(await say('silence schedule', operator)).toContain('No maintenance windows');
});
