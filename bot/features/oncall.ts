import fs from 'node:fs';
import YAML from 'yaml';
import { oncallMigrations } from '../../backends/store/sqlite/oncall';
import { alertCard } from '../../cards/alert';
import { teamsUserIds } from '../../cards/refresh-users';
import { silenceScheduleCommand } from '../../commands/maintenance';
import { ONCALL_COMMANDS } from '../../commands/oncall';
import {
  alertEscalateCommand,
  alertNoteCommand,
  oncallEscalateAction,
  oncallNoteAction,
  oncallReassignAction,
  oncallRefreshAction,
} from '../../commands/oncall-alert';
import { shortAlertId } from '../../core/alerts/alert';
import { FLEETOPS_ACTOR } from '../../core/audit/audit-log';
import type { AlertRoutedListener } from '../../core/alerts/ingest';
import { onCallCardExtras } from '../../core/oncall/card-extras';
import { Escalator } from '../../core/oncall/escalator';
import { refusalText } from '../../commands/refusal-text';
import { OnCallFileError, readOnCallDocument, type OnCallDocument } from '../../core/oncall/file';
import { rotationToPage } from '../../core/oncall/paging';
import { OnCallService } from '../../core/oncall/service';
import { BOT_ACTOR, type TimelineAddition } from '../../core/oncall/timeline';
import type { ScheduledJob } from '../../core/scheduling/scheduler';
import { defineFeature, type BuiltFeature, type Feature, type FeatureDeps } from './feature';
import type { Provided } from './provided';

/**
 * On call: rotations and overrides (`oncall …`), maintenance windows (`silence schedule …`),
 * the alert timeline, and paging: a fired alert's new card in a conversation whose alerts
 * subscription names a rotation (`oncall:berlin-ops`) starts an escalation, which a tick
 * every 15 s moves on (personal page, secondary, escalation target) until acknowledged.
 *
 * Settings (readConfig: config.oncall): ONCALL_FILE, a YAML file of rotations, maintenance
 * windows and rule → runbook links (core/oncall/file.ts). Its rotations replace those of the
 * same name at every start; the others are managed in chat. Needs the alerts feature: it
 * pages from their cards.
 */
export interface OnCallFeatureOptions {
  /** Replaces the scheduler's 15-second job (tests call the tick themselves when they move their clock). */
  readonly schedule?: (everyMs: number, tick: () => void) => () => void;
}

const TICK_MS = 15_000;

export function createOnCallFeatureModule(options: OnCallFeatureOptions = {}): Feature {
  return defineFeature({
    name: 'oncall',
    needs: ['alerts'],
    migrations: oncallMigrations,
    commands: [...ONCALL_COMMANDS, silenceScheduleCommand, alertNoteCommand, alertEscalateCommand],
    actions: [oncallNoteAction, oncallEscalateAction, oncallReassignAction, oncallRefreshAction],
    create: (deps) => createOnCallFeature(deps, options),
  });
}

export const oncallFeature = createOnCallFeatureModule();

async function createOnCallFeature(deps: FeatureDeps<['alerts'], []>, options: OnCallFeatureOptions): Promise<BuiltFeature<Provided['oncall']>> {
  const store = deps.stores.oncall();
  const doc = deps.config.oncall.file ? loadOnCallFile(deps.config.oncall.file) : undefined;
  const service = new OnCallService(store, deps.clock, doc?.runbooks);
  if (doc) {
    await service.load(doc);
    await deps.audit.record({
      ...FLEETOPS_ACTOR,
      action: 'oncall.file',
      target: deps.config.oncall.file,
      outcome: 'ok',
      detail: `rotations ${doc.rotations.map((r) => r.name).join(', ') || 'none'}; ${doc.maintenance.length} maintenance window(s)`,
    });
    deps.log.info(
      { file: deps.config.oncall.file, rotations: doc.rotations.length, maintenance: doc.maintenance.length, runbooks: Object.keys(doc.runbooks).length },
      'on-call file loaded',
    );
  }
  const log = deps.log.child({ feature: 'oncall' });
  const { alerts, alertRouted } = deps;
  const escalator = new Escalator({
    oncall: service,
    notifier: deps.notifier,
    clock: deps.clock,
    log,
    alert: async (id) => {
      const record = await alerts.get(id);
      return (
        record && { severity: record.severity, state: record.state, resolved: record.monitorCondition === 'Resolved', acknowledgedBy: record.acknowledgedBy }
      );
    },
    // The personal page is the alert's card itself, with the same actions, and a line saying why.
    pageMessage: async (id, page) => {
      const record = await alerts.get(id);
      if (!record) return undefined;
      const why = `it is unacknowledged and ${page.level === 'primary' ? 'you are on call' : `you are the ${page.level}`}`;
      return { card: alertCard(await alerts.cardInput(record, { page: { why } })), summary: `Page: ${record.rule} (Sev${record.severity}) ${why}` };
    },
    republish: async (id) => alerts.republish(id),
    audit: deps.audit,
  });
  const { roles } = deps.config;
  alerts.useCardExtras(
    onCallCardExtras(service, (people) => teamsUserIds([...people.map((p) => p.id), ...roles.operators, ...roles.releaseLeads, ...roles.admins])),
  );

  // Inside the alerts' unit of work: the cards, their timelines and the escalations are stored together.
  const startPaging: AlertRoutedListener = async (routed, subscriptions) => {
    const at = deps.clock.now().toISOString();
    const entries: TimelineAddition[] = [];
    const fired = new Set<string>();
    for (const { record, fresh } of routed) {
      // An alert's first line says when it fired (one held by a maintenance window starts with its hold instead).
      if (!fired.has(record.alertId)) {
        fired.add(record.alertId);
        entries.push({
          alertId: record.alertId,
          at: record.firedAt || at,
          kind: 'fired',
          actor: 'Azure Monitor',
          detail: `${record.rule} (Sev${record.severity})`,
          firstOnly: true,
        });
      }
      for (const delivery of fresh) {
        const detail = delivery.storm ? `in a storm card (${delivery.conversationId})` : delivery.conversationId;
        entries.push({ alertId: record.alertId, at, kind: 'posted', actor: BOT_ACTOR, detail });
      }
    }
    await store.timeline.appendAll(entries);
    for (const { record, fresh } of routed) {
      for (const delivery of fresh) {
        const rotation = delivery.storm ? undefined : rotationToPage(delivery.conversationId, record.severity, subscriptions);
        if (rotation) await escalator.start({ alertId: record.alertId, conversationId: delivery.conversationId, rotation });
      }
    }
  };
  alertRouted.add(startPaging);
  // Maintenance windows: matching alerts are stored and listed, but get no card and no page.
  await service.refreshWindows();
  // The 'held' line is what releaseEnded looks for: it is written with the alert, or neither is (a lost line would hold the alert for ever).
  alertRouted.hold(async (record) => {
    const held = record.monitorCondition === 'Fired' ? service.heldBy(record) : undefined;
    if (!held) return false;
    const detail = `maintenance window #${held.window.id} until ${held.occurrence.end.toISOString()}`;
    await store.timeline.append({ alertId: record.alertId, at: deps.clock.now().toISOString(), kind: 'held', actor: BOT_ACTOR, detail });
    await deps.audit.record({ ...FLEETOPS_ACTOR, action: 'alert.held', target: shortAlertId(record.alertId), outcome: 'ok', detail });
    return true;
  });

  // Held alerts whose window has ended: those still firing get their cards now (release re-checks, so once is enough).
  const releaseEnded = async () => {
    const now = deps.clock.now().getTime();
    for (const { alertId, until } of await store.timeline.heldUntil(now)) {
      // The marker first: if another window holds it again, that newer hold comes after the marker and stays pending.
      await store.timeline.append({
        alertId,
        at: deps.clock.now().toISOString(),
        kind: 'posted',
        actor: BOT_ACTOR,
        detail: `released: the maintenance window ended at ${until}`,
      });
      const cards = await alertRouted.release(alertId);
      await deps.audit.record({
        ...FLEETOPS_ACTOR,
        action: 'alert.released',
        target: shortAlertId(alertId),
        outcome: cards > 0 ? 'ok' : 'noop',
        detail: `maintenance window ended at ${until}: ${cards > 0 ? `${cards} card(s) posted` : 'not posted (no longer firing, silenced or held again)'}`,
      });
      if (cards === 0) log.info({ alertId }, 'held alert not posted at the end of its maintenance window: no longer firing, silenced or held again');
    }
  };

  let stopTimer: (() => void) | undefined;
  let tickJob: ScheduledJob | undefined;
  return {
    provides: { oncall: service, escalator },
    async onPersonalChat(keys: readonly string[], conversationId: string) {
      await service.personalChats.remember(keys, conversationId);
    },
    async start() {
      const tick = async () => {
        await Promise.all([escalator.tick(), service.refreshWindows().then(releaseEnded)]).catch((error: unknown) =>
          log.warn({ err: String(error) }, 'on-call escalation tick failed; the next one retries'),
        );
      };
      if (options.schedule) stopTimer = options.schedule(TICK_MS, () => void tick());
      // On one replica (the job's lease): escalations are in the shared store, and two ticks would page the same person twice.
      else tickJob = deps.scheduler.add({ name: 'oncall-escalation', runs: 'on-one-replica', everyMs: TICK_MS, run: tick });
    },
    async stop() {
      stopTimer?.();
      await tickJob?.stop();
    },
  };
}

/** Reads and validates ONCALL_FILE; a problem stops the start with the file's name and every problem in it. */
export function loadOnCallFile(file: string): OnCallDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new OnCallFileError(
      `ONCALL_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): point it at a YAML file, or unset it.`,
    );
  }
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (error) {
    throw new OnCallFileError(`ONCALL_FILE=${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  return readOnCallDocument(value, `ONCALL_FILE=${file}`, refusalText);
}
