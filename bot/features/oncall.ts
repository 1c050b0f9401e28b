import fs from 'node:fs';
import YAML from 'yaml';
import { oncallMigrations } from '../../backends/store/sqlite/oncall';
import { alertCard } from '../../cards/alert';
import { silenceScheduleCommand } from '../../commands/maintenance';
import { ONCALL_COMMANDS } from '../../commands/oncall';
import {
  alertEscalateCommand,
  alertNoteCommand,
  mentionCardFor,
  oncallEscalateAction,
  oncallNoteAction,
  oncallReassignAction,
  oncallRefreshAction,
} from '../../commands/oncall-alert';
import type { AlertRecord } from '../../core/alerts/alert';
import type { Delivery } from '../../core/alerts/repository';
import { Escalator } from '../../core/oncall/escalator';
import { OnCallFileError, readOnCallDocument, type OnCallDocument } from '../../core/oncall/file';
import { rotationToPage } from '../../core/oncall/paging';
import { OnCallService } from '../../core/oncall/service';
import { BOT_ACTOR } from '../../core/oncall/timeline';
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
  /** Replaces the 15-second timer (tests call the tick themselves when they move their clock). */
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
    pageMessage: async (id, page) => {
      const record = await alerts.get(id);
      if (!record) return undefined;
      const why = page.level === 'primary' ? 'you are on call' : `you are the ${page.level}`;
      return { card: alertCard(await alerts.cardInput(record)), summary: `Page: ${record.rule} (Sev${record.severity}) is unacknowledged; ${why}` };
    },
    mentionMessage: async (id, page) => {
      const card = await mentionCardFor({ oncall: service, alerts, config: deps.config }, id);
      return card && { card, summary: `${page.member.name}, you are on call for an alert` };
    },
  });

  // Inside the alert's unit of work: the card, its timeline and the escalation are stored together.
  const startPaging = async (record: AlertRecord, fresh: readonly Delivery[]) => {
    const at = deps.clock.now().toISOString();
    if ((await store.timeline.list(record.alertId)).length === 0) {
      await store.timeline.append({
        alertId: record.alertId,
        at: record.firedAt || at,
        kind: 'fired',
        actor: 'Azure Monitor',
        detail: `${record.rule} (Sev${record.severity})`,
      });
    }
    const subscriptions = await deps.subscriptions.listForTopic('alerts');
    for (const delivery of fresh) {
      await store.timeline.append({
        alertId: record.alertId,
        at,
        kind: 'posted',
        actor: BOT_ACTOR,
        detail: delivery.storm ? `in a storm card (${delivery.conversationId})` : delivery.conversationId,
      });
      const rotation = delivery.storm ? undefined : rotationToPage(delivery.conversationId, record.severity, subscriptions);
      if (rotation) await escalator.start({ alertId: record.alertId, conversationId: delivery.conversationId, rotation });
    }
  };
  alertRouted.add(startPaging);
  // Maintenance windows: matching alerts are stored and listed, but get no card and no page.
  await service.refreshWindows();
  alertRouted.hold((record) => {
    const held = record.monitorCondition === 'Fired' ? service.heldBy(record) : undefined;
    if (held) {
      const detail = `maintenance window #${held.window.id} until ${held.occurrence.end.toISOString()}`;
      void store.timeline
        .append({ alertId: record.alertId, at: deps.clock.now().toISOString(), kind: 'held', actor: BOT_ACTOR, detail })
        .catch(() => undefined);
    }
    return held !== undefined;
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
      if (cards === 0) log.info({ alertId }, 'held alert not posted at the end of its maintenance window: no longer firing, silenced or held again');
    }
  };

  let stopTimer: (() => void) | undefined;
  return {
    provides: { oncall: service, escalator },
    async onPersonalChat(keys: readonly string[], conversationId: string) {
      await service.personalChats.remember(keys, conversationId);
    },
    async start() {
      const tick = () =>
        void Promise.all([escalator.tick(), service.refreshWindows().then(releaseEnded)]).catch((error: unknown) =>
          log.warn({ err: String(error) }, 'on-call escalation tick failed; the next one retries'),
        );
      stopTimer = (options.schedule ?? everyInterval)(TICK_MS, tick);
    },
    async stop() {
      stopTimer?.();
    },
  };
}

function everyInterval(everyMs: number, tick: () => void): () => void {
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
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
  return readOnCallDocument(value, `ONCALL_FILE=${file}`);
}
