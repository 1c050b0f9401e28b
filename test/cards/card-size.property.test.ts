/**
 * Whatever arrives from outside (alert webhooks, device twins, log rows, pipeline events),
 * every card and every activity stays under 28 KB: 100 KB in an alert rule or a device id
 * once made a 600 KB card that Teams refused (413), so the alert never reached anyone.
 * Each builder gets its usual view model with every text in it replaced by random text of
 * random size (empty to 110 KB, any Unicode, markdown characters included).
 */
import fc from 'fast-check';
import { alertCard } from '../../cards/alert';
import { alertListCard } from '../../cards/alert-list';
import { alertStormCard } from '../../cards/alert-storm';
import { cardBytes, type AdaptiveCard } from '../../cards/card';
import { deploymentListCard } from '../../cards/deployment-list';
import { deploymentRunCard } from '../../cards/deployment-run';
import { deviceListCard, type DeviceListView } from '../../cards/device-list';
import { deviceStatusCard, rebootConfirmCard, type DeviceStatusView } from '../../cards/device-status';
import { firmwareListCard } from '../../cards/firmware-list';
import { clipBytes, MAX_ACTIVITY_BYTES } from '../../cards/fit';
import { fleetSummaryCard, type FleetSummaryView } from '../../cards/fleet-summary';
import { commandHelpCard, helpCard, type HelpEntry } from '../../cards/help';
import { logResultsCard } from '../../cards/log-results';
import { rolloutPlanCard } from '../../cards/rollout-plan';
import { rolloutGateAlertCard, rolloutProgressCard } from '../../cards/rollout-progress';
import { messageActivity } from '../../bot/activities';
import { SEED_FIRMWARE } from '../../backends/feed/local';
import type { LogsQueryResult } from '../../backends/logs/port';
import type { AlertRecord } from '../../core/alerts/alert';
import { parseAlertPayload } from '../../core/alerts/parse-alert';
import type { StormView } from '../../core/alerts/storm';
import { judgeWave } from '../../core/rollouts/gates';
import { DEFAULT_SETTINGS, type Rollout, type RolloutDevice } from '../../core/rollouts/model';
import { buildView } from '../../core/rollouts/view';
import { devicePayload } from '../core/alerts/fixtures';
import { expectValidCard } from '../support/cards';
import { approvedRun, failedRun, waitingRun } from './deployment-samples';

const LIMIT = 28 * 1024;
const NOW = new Date('2026-03-01T10:30:00Z');

/** Fields the builders switch on (states, kinds, types) or parse (times): they keep their values. */
const KEEP = new Set(['state', 'monitorCondition', 'kind', 'status', 'result', 'verdict', 'tone', 'source', 'type', 'operator', 'role', 'reason_', 'conditionType', 'stage', 'signalType_']);
const ISO_TIME = /^\d{4}-\d\d-\d\dT/;

/** Random text: a short unit (any Unicode, or a markdown character) repeated to a random size. */
const text = fc
  .tuple(fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.constantFrom('*', '[x](http://evil.example)', '_', '`', '"', '\\', '\n', '😀')), fc.oneof(fc.nat(40), fc.nat(3_000), fc.integer({ min: 50_000, max: 110_000 })))
  .map(([unit, size]) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));
const texts = fc.array(text, { minLength: 1, maxLength: 12 });

/** `value` with each text replaced by the next of `pool` (in turn). */
function inflate<T>(value: T, pool: readonly string[]): T {
  let next = 0;
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return KEEP.has(key) || ISO_TIME.test(v) ? v : pool[next++ % pool.length];
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value, '') as T;
}

function alertRecord(): AlertRecord {
  const parsed = parseAlertPayload(devicePayload({ alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/a1', deviceId: 'device-42', site: 'berlin' }));
  if (!parsed.ok) throw new Error(parsed.error);
  return { ...parsed.alert, state: 'Acknowledged', acknowledgedBy: 'Otto Operator', acknowledgedAt: NOW.toISOString(), receivedAt: parsed.alert.firedAt, version: 1 };
}

const storm: StormView = {
  storm: { conversationId: 'ops', rule: 'Device offline', generation: 1, startedAt: 0, lastAt: 0 },
  total: 120,
  firing: 100,
  resolved: 20,
  severity: 2,
  firstFiredAt: '2026-01-01T00:00:00.000Z',
  lastFiredAt: '2026-01-01T00:01:00.000Z',
  topSites: [{ site: 'berlin', count: 60 }, { site: 'paris', count: 60 }],
  members: Array.from({ length: 8 }, (_, i) => ({ alertId: `a${i}`, target: `device-${i}`, severity: 2, site: 'berlin', monitorCondition: 'Fired' as const, state: 'New', firedAt: '2026-01-01T00:00:00.000Z' })),
};

const deviceStatus: DeviceStatusView = {
  deviceId: 'device-42',
  connected: true,
  lastSeen: '3 min ago',
  lastActivity: '2026-01-01 11:57 UTC',
  connectionSince: '2026-01-01 08:00 UTC',
  enabled: true,
  firmware: { current: '2.4.0', desired: '2.5.0', status: 'rolledback', substatus: 'boot health check failed', drift: true, lastStart: '2026-01-01 11:40 UTC', lastEnd: '2026-01-01 11:41 UTC' },
  rollout: { rolloutId: 'R-7', waveId: '2' },
  health: { verdict: 'degraded', reasons: ['rolled back', 'warm: 67.5 °C'] },
  facts: [{ title: 'Battery', value: '81 %' }],
  tags: [['site', 'berlin'], ['ring', 'canary']],
  alerts: [{ title: 'Device temperature high', severity: 'Sev2', since: '12 min ago', state: 'Acknowledged' }],
  showLogs: true,
  portalUrl: 'https://portal.azure.com/#resource/x',
  source: 'iothub',
  asOf: '2026-01-01 12:00 UTC',
};

const deviceList: DeviceListView = {
  filter: 'site:berlin',
  total: 45,
  pageSize: 20,
  rows: Array.from({ length: 20 }, (_, i) => ({ deviceId: `device-${i}`, connected: i % 3 !== 0, enabled: true, lastSeen: `${i + 1} min ago`, firmware: '2.4.0', drift: i === 2, site: 'berlin' })),
  tokens: ['', 'tok-2'],
  base: 0,
  nextToken: 'tok-3',
};

const fleetSummary: FleetSummaryView = {
  filter: '',
  total: 1000,
  online: 952,
  offline: 48,
  disabled: 2,
  updating: 37,
  failed: 5,
  byFirmware: [{ label: '2.4.0', count: 880 }, { label: '2.3.0', count: 120 }],
  bySite: ['berlin', 'paris', 'oslo', 'madrid', 'warsaw', 'dublin', 'lisbon', 'vienna', 'rome', 'prague'].map((label, i) => ({ label, count: 200 - i * 15 })),
  silentLongest: [{ deviceId: 'device-731', lastSeen: '8 days ago', site: 'oslo' }],
  asOf: '2026-01-01 12:00 UTC',
};

const helpEntries: HelpEntry[] = [
  { name: 'help', usage: 'help [command]', summary: 'List the commands', examples: ['help'], aliases: ['?'], role: 'viewer', group: 'Getting started' },
  { name: 'rollout plan', usage: 'rollout plan <version>', summary: 'Plan a rollout', examples: ['rollout plan 2.4.1'], aliases: [], role: 'release-lead', group: 'Firmware rollouts' },
];

const logResult: LogsQueryResult = {
  tables: [{ name: 'PrimaryResult', columns: [{ name: 'DeviceId', type: 'string' }, { name: 'Message', type: 'string' }, { name: 'n', type: 'long' }], rows: Array.from({ length: 60 }, (_, i) => [`device-${i}`, 'ok', i]) }],
  truncated: false,
  store: 'embedded DuckDB',
  statistics: { elapsedMs: 12 },
};

const rollout: Rollout = {
  id: 'R7',
  version: 4,
  firmware: { version: '2.4.1', packageUri: 'https://fw/2.4.1.swu', sha256: 'a'.repeat(64) },
  filterText: 'site:berlin',
  state: 'paused',
  pauseReason: 'Wave 2 gate: failures reached 2.4 %',
  currentWave: 2,
  waves: [
    { index: 1, size: 1000, startedAt: '2026-03-01T09:00:00Z', approvedBy: 'Lena Lead', passedAt: '2026-03-01T09:20:00Z', acknowledgedFailures: 0 },
    { index: 2, size: 9000, startedAt: '2026-03-01T09:30:00Z', approvedBy: 'Lena Lead', acknowledgedFailures: 0 },
  ],
  settings: DEFAULT_SETTINGS,
  createdBy: 'Lena Lead',
  createdAt: '2026-03-01T08:55:00Z',
  lastChange: { by: 'Lena Lead', at: '2026-03-01T09:30:00Z', what: 'approved wave 2' },
};
const counts = [{ wave: 1, counts: { succeeded: 995, failed: 5 } }, { wave: 2, counts: { succeeded: 4000, failed: 10 } }];
const failure = (i: number): RolloutDevice => ({ rolloutId: 'R7', deviceId: `device-${i}`, wave: 2, seq: i, state: 'failed', attempt: 1, since: 0, pendingWrite: false, reason: 'image rejected' });

/** Every card builder, fed its inflated view model. */
const BUILDERS: Record<string, (pool: readonly string[]) => AdaptiveCard> = {
  alert: (pool) => alertCard({ record: inflate(alertRecord(), pool), now: NOW }),
  'alert list': (pool) => alertListCard({ title: 'Open alerts', alerts: Array.from({ length: 40 }, () => inflate(alertRecord(), pool)), total: 90, narrowHint: inflate('alerts sev<=1', pool), now: NOW }),
  'alert storm': (pool) => alertStormCard(inflate(storm, pool), NOW),
  'deployment run': (pool) => deploymentRunCard({ run: inflate(waitingRun, pool), now: NOW.toISOString() }),
  'deployment list': (pool) => deploymentListCard({ runs: [approvedRun, failedRun, waitingRun, approvedRun, failedRun, waitingRun, approvedRun, failedRun, waitingRun, approvedRun].map((r) => inflate(r, pool)), pipeline: inflate('firmware', pool) }),
  'device status': (pool) => deviceStatusCard(inflate(deviceStatus, pool)),
  'reboot confirmation': (pool) => rebootConfirmCard(inflate({ deviceId: 'device-42', connected: false, updating: 'applying 2.5.0' }, pool)),
  'device list': (pool) => deviceListCard(inflate(deviceList, pool)),
  'fleet summary': (pool) => fleetSummaryCard(inflate(fleetSummary, pool)),
  'firmware list': (pool) => firmwareListCard({ versions: inflate(SEED_FIRMWARE, pool), source: inflate('local catalog', pool) }),
  help: (pool) => helpCard({ entries: inflate(helpEntries, pool), userRole: 'viewer' }),
  'command help': (pool) => commandHelpCard(inflate(helpEntries[0], pool)),
  'log results': (pool) => logResultsCard({ query: inflate('DeviceLogs | take 60', pool), result: inflate(logResult, pool), title: inflate('Logs', pool) }),
  'rollout plan': (pool) =>
    rolloutPlanCard({ rollout: inflate({ ...rollout, state: 'planned' as const }, pool), targets: 10_000, waveSizes: [1000, 9000], alreadyCurrent: 1, incompatible: 2, incompatibleModels: inflate({ g2: 2 }, pool), releaseNotes: inflate('notes', pool) }),
  'rollout progress': (pool) => rolloutProgressCard(buildView(inflate(rollout, pool), counts, [1, 2, 3].map((i) => inflate(failure(i), pool)), NOW)),
  'rollout gate alert': (pool) => {
    const view = buildView(inflate(rollout, pool), counts, [], NOW);
    const gate = judgeWave({ succeeded: 400, failed: 10 }, DEFAULT_SETTINGS.gates);
    return rolloutGateAlertCard({ view, wave: 2, gate, failing: [1, 2].map((i) => inflate({ ...failure(i), logLines: ['ota: image signature rejected', 'ota: rolling back'] }, pool)) });
  },
};

describe.each(Object.entries(BUILDERS))('%s card', (_name, build) => {
  test('stays under 28 KB and valid, whatever the size of the texts in it', () => {
    fc.assert(
      fc.property(texts, (pool) => {
        const card = build(pool);
        expect(cardBytes(card)).toBeLessThan(LIMIT);
        expectValidCard(card);
      }),
      { numRuns: 10 },
    );
  });
});

test('an activity (card, text and summary) stays under 28 KB', () => {
  fc.assert(
    fc.property(texts, text, text, (pool, message, summary) => {
      const card = BUILDERS.alert(pool);
      for (const activity of [messageActivity({ card, summary, text: message }), messageActivity(message), messageActivity(card)]) {
        expect(cardBytes(activity)).toBeLessThan(MAX_ACTIVITY_BYTES + 1);
      }
    }),
    { numRuns: 25 },
  );
});

test('clipBytes cuts by UTF-8 bytes, never inside a character, and says so with an ellipsis', () => {
  expect(clipBytes('short', 10)).toBe('short');
  expect(clipBytes('aaaaaaaaaa', 5)).toBe('aa…');
  expect(clipBytes('😀😀😀', 8)).toBe('😀…');
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.nat(64), (s, max) => {
      const clipped = clipBytes(s, max + 3);
      expect(Buffer.byteLength(clipped, 'utf8')).toBeLessThanOrEqual(max + 3);
      expect(s.startsWith(clipped.endsWith('…') && clipped !== s ? clipped.slice(0, -1) : clipped)).toBe(true);
    }),
  );
});
