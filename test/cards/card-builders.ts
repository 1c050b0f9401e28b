/**
 * Every card builder with its usual view model, in which each text (what comes from
 * outside and what does not) is replaced from a pool: for the size and escaping tests.
 */
import fc from 'fast-check';
import { alertCard } from '../../cards/alert';
import { alertListCard } from '../../cards/alert-list';
import { alertStormCard } from '../../cards/alert-storm';
import type { AdaptiveCard } from '../../cards/card';
import { deploymentListCard } from '../../cards/deployment-list';
import { deploymentRunCard } from '../../cards/deployment-run';
import { deviceListCard } from '../../cards/device-list';
import { deviceStatusCard, rebootConfirmCard } from '../../cards/device-status';
import { firmwareListCard } from '../../cards/firmware-list';
import { fleetSummaryCard } from '../../cards/fleet-summary';
import { commandHelpCard, helpCard, type HelpEntry } from '../../cards/help';
import { logResultsCard } from '../../cards/log-results';
import { logsSchemaCard } from '../../cards/logs-schema';
import { rolloutConfirmCard } from '../../cards/rollout-confirm';
import { rolloutPlanCard } from '../../cards/rollout-plan';
import { rolloutGateAlertCard, rolloutProgressCard } from '../../cards/rollout-progress';
import { silencesCard } from '../../cards/silences';
import { subscriptionsCard } from '../../cards/subscriptions';
import { SEED_FIRMWARE } from '../../backends/feed/local';
import type { LogsQueryResult } from '../../core/ports/logs';
import type { AlertRecord } from '../../core/alerts/alert';
import { parseAlertPayload } from '../../core/alerts/parse-alert';
import type { StormView } from '../../core/alerts/storm';
import { judgeWave } from '../../core/rollouts/gates';
import { DEFAULT_SETTINGS, type Rollout, type RolloutDevice } from '../../core/rollouts/model';
import { buildView } from '../../core/rollouts/view';
import { devicePayload } from '../core/alerts/fixtures';
import { approvedRun, failedRun, waitingRun } from './deployment-samples';
import { deviceList, deviceStatus, fleetSummary } from './fleet-samples';
import { sampleRollout } from './rollout-samples';

const NOW = new Date('2026-03-01T10:30:00Z');

/** Fields the builders switch on (states, kinds, types) or parse (times): they keep their values. */
const KEEP = new Set([
  'state',
  'monitorCondition',
  'kind',
  'status',
  'result',
  'verdict',
  'tone',
  'source',
  'type',
  'operator',
  'role',
  'reason_',
  'conditionType',
  'stage',
  'signalType_',
]);
const ISO_TIME = /^\d{4}-\d\d-\d\dT/;

/** Random text: a short unit (any Unicode, or a markdown character) repeated to a random size. */
export const text = fc
  .tuple(
    fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.constantFrom('*', '[x](http://evil.example)', '_', '`', '"', '\\', '\n', '😀')),
    fc.oneof(fc.nat(40), fc.nat(3_000), fc.integer({ min: 50_000, max: 110_000 })),
  )
  .map(([unit, size]) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));
export const texts = fc.array(text, { minLength: 1, maxLength: 12 });

/** Texts to put in the view models: all of them, or only those under the given property names. */
export type Pool = readonly string[] | { readonly texts: readonly string[]; readonly only: ReadonlySet<string> };

/** `value` with each text (of the `only` properties, when given) replaced by the next of `pool` (in turn). */
function inflate<T>(value: T, pool: Pool): T {
  const texts = 'texts' in pool ? pool.texts : pool;
  const only = 'only' in pool ? pool.only : undefined;
  let next = 0;
  const walk = (v: unknown, key: string, chosen: boolean): unknown => {
    const inside = chosen || (only?.has(key) ?? true);
    if (typeof v === 'string') return !inside || KEEP.has(key) || ISO_TIME.test(v) ? v : texts[next++ % texts.length];
    if (Array.isArray(v)) return v.map((x) => walk(x, key, inside));
    if (v !== null && typeof v === 'object' && !(v instanceof Date))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k, inside && only !== undefined)]));
    return v;
  };
  return walk(value, '', false) as T;
}

function alertRecord(): AlertRecord {
  const parsed = parseAlertPayload(
    devicePayload({ alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/a1', deviceId: 'device-42', site: 'berlin' }),
  );
  if (!parsed.ok) throw new Error(parsed.error);
  return {
    ...parsed.alert,
    state: 'Acknowledged',
    acknowledgedBy: 'Otto Operator',
    acknowledgedAt: NOW.toISOString(),
    receivedAt: parsed.alert.firedAt,
    version: 1,
  };
}

const storm: StormView = {
  storm: { conversationId: 'ops', rule: 'Device offline', generation: 1, startedAt: 0, lastAt: 0 },
  total: 120,
  firing: 100,
  resolved: 20,
  severity: 2,
  firstFiredAt: '2026-01-01T00:00:00.000Z',
  lastFiredAt: '2026-01-01T00:01:00.000Z',
  topSites: [
    { site: 'berlin', count: 60 },
    { site: 'paris', count: 60 },
  ],
  members: Array.from({ length: 8 }, (_, i) => ({
    alertId: `a${i}`,
    target: `device-${i}`,
    severity: 2,
    site: 'berlin',
    monitorCondition: 'Fired' as const,
    state: 'New',
    firedAt: '2026-01-01T00:00:00.000Z',
  })),
};

const helpEntries: HelpEntry[] = [
  { name: 'help', usage: 'help [command]', summary: 'List the commands', examples: ['help'], aliases: ['?'], role: 'viewer', group: 'Getting started' },
  {
    name: 'rollout plan',
    usage: 'rollout plan <version>',
    summary: 'Plan a rollout',
    examples: ['rollout plan 2.4.1'],
    aliases: [],
    role: 'release-lead',
    group: 'Firmware rollouts',
  },
];

const logResult: LogsQueryResult = {
  tables: [
    {
      name: 'PrimaryResult',
      columns: [
        { name: 'DeviceId', type: 'string' },
        { name: 'Message', type: 'string' },
        { name: 'n', type: 'long' },
      ],
      rows: Array.from({ length: 60 }, (_, i) => [`device-${i}`, 'ok', i]),
    },
  ],
  truncated: false,
  store: 'embedded DuckDB',
  statistics: { elapsedMs: 12 },
};

const rollout: Rollout = sampleRollout({ state: 'paused', pauseReason: 'Wave 2 gate: failures reached 2.4 %', waves: sampleRollout().waves.slice(0, 2) });
const counts = [
  { wave: 1, counts: { succeeded: 995, failed: 5 } },
  { wave: 2, counts: { succeeded: 4000, failed: 10 } },
];
const failure = (i: number): RolloutDevice => ({
  rolloutId: 'R7',
  deviceId: `device-${i}`,
  wave: 2,
  seq: i,
  state: 'failed',
  attempt: 1,
  since: 0,
  pendingWrite: false,
  reason: 'image rejected',
});

/** Every card builder, fed its inflated view model. */
export const BUILDERS: Record<string, (pool: Pool) => AdaptiveCard> = {
  alert: (pool) => alertCard({ record: inflate(alertRecord(), pool), now: NOW }),
  'alert paged (mention, notes, runbook, unreachable, reassign)': (pool) =>
    alertCard({
      record: inflate({ ...alertRecord(), state: 'New' as const }, pool),
      now: NOW,
      ...inflate(
        {
          runbookUrl: 'https://wiki.contoso.com/runbooks/temperature',
          notes: { count: 12, latest: [1, 2, 3].map((n) => ({ actor: 'Otto Operator', at: NOW.toISOString(), text: `note ${n}` })) },
          oncall: {
            rotation: 'berlin-ops',
            mention: { id: 'aad-ana', name: 'Ana' },
            members: Array.from({ length: 40 }, (_, i) => ({ id: `aad-${i}`, name: `Person ${i}` })),
            paged: ['Ana (primary)', 'Ben (secondary)'],
            unreachable: ['Ben', 'Carla'],
            refreshUserIds: Array.from({ length: 60 }, (_, i) => `8:orgid:${i}`),
            paging: true,
          },
          page: { why: 'it is unacknowledged and you are on call' },
          reader: { canAct: true, onCall: true },
        },
        pool,
      ),
    }),
  'alert list': (pool) =>
    alertListCard({
      title: 'Open alerts',
      alerts: Array.from({ length: 40 }, () => inflate(alertRecord(), pool)),
      total: 90,
      narrowHint: inflate('alerts sev<=1', pool),
      now: NOW,
    }),
  'alert storm': (pool) => alertStormCard(inflate(storm, pool), NOW),
  'deployment run': (pool) => deploymentRunCard({ run: inflate(waitingRun, pool), now: NOW.toISOString() }),
  'deployment list': (pool) =>
    deploymentListCard({
      runs: [approvedRun, failedRun, waitingRun, approvedRun, failedRun, waitingRun, approvedRun, failedRun, waitingRun, approvedRun].map((r) =>
        inflate(r, pool),
      ),
      pipeline: inflate('firmware', pool),
    }),
  'device status': (pool) => deviceStatusCard(inflate(deviceStatus, pool)),
  'reboot confirmation': (pool) => rebootConfirmCard(inflate({ deviceId: 'device-42', connected: false, updating: 'applying 2.5.0' }, pool)),
  'device list': (pool) => deviceListCard(inflate(deviceList, pool)),
  'fleet summary': (pool) => fleetSummaryCard(inflate(fleetSummary, pool)),
  'firmware list': (pool) => firmwareListCard({ versions: inflate(SEED_FIRMWARE, pool), source: inflate('local catalog', pool) }),
  help: (pool) => helpCard({ entries: inflate(helpEntries, pool), userRole: 'viewer' }),
  'command help': (pool) => commandHelpCard(inflate(helpEntries[0], pool)),
  'log results': (pool) => logResultsCard({ query: inflate('DeviceLogs | take 60', pool), result: inflate(logResult, pool), title: inflate('Logs', pool) }),
  'logs schema': (pool) =>
    logsSchemaCard({
      tables: inflate(
        Array.from({ length: 6 }, (_, i) => ({
          name: `Table${i}`,
          columns: [
            { name: 'TimeGenerated', type: 'datetime' },
            { name: 'DeviceId', type: 'string' },
          ],
        })),
        pool,
      ),
      store: 'embedded DuckDB',
    }),
  'rollout confirm': (pool) => rolloutConfirmCard(inflate({ ...rollout, state: 'running' as const }, pool), { kind: 'abort', revert: true, queued: 10 }),
  'rollout plan': (pool) =>
    rolloutPlanCard({
      rollout: inflate({ ...rollout, state: 'planned' as const }, pool),
      targets: 10_000,
      waveSizes: [1000, 9000],
      alreadyCurrent: 1,
      incompatible: 2,
      incompatibleModels: inflate({ g2: 2 }, pool),
      releaseNotes: inflate('notes', pool),
    }),
  'rollout progress': (pool) =>
    rolloutProgressCard(
      buildView(
        inflate(rollout, pool),
        counts,
        [1, 2, 3].map((i) => inflate(failure(i), pool)),
        NOW,
      ),
    ),
  subscriptions: (pool) =>
    subscriptionsCard({
      subscriptions: Array.from({ length: 30 }, (_, i) =>
        inflate(
          { id: i + 1, conversationId: 'c1', topic: 'alerts' as const, filter: 'sev<=2 site:berlin', createdBy: 'Otto Operator', createdAt: NOW.toISOString() },
          pool,
        ),
      ),
      unsubscribed: inflate({ by: 'Olga Operator', subscription: { topic: 'alerts' as const, filter: 'sev<=2' } }, pool),
    }),
  silences: (pool) =>
    silencesCard({
      silences: Array.from({ length: 30 }, (_, i) =>
        inflate(
          { id: i + 1, rule: 'Temperature high', target: `device-${i}`, until: NOW.toISOString(), createdBy: 'Otto Operator', createdAt: NOW.toISOString() },
          pool,
        ),
      ),
      ended: inflate({ by: 'Olga Operator', silence: { rule: 'Device offline', target: 'device-42' } }, pool),
    }),
  'rollout gate alert': (pool) => {
    const view = buildView(inflate(rollout, pool), counts, [], NOW);
    const gate = judgeWave({ succeeded: 400, failed: 10 }, DEFAULT_SETTINGS.gates);
    return rolloutGateAlertCard({
      view,
      wave: 2,
      gate,
      failing: [1, 2].map((i) => inflate({ ...failure(i), logLines: ['ota: image signature rejected', 'ota: rolling back'] }, pool)),
    });
  },
};
