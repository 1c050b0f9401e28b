import fs from 'node:fs';
import YAML from 'yaml';
import { oncallMigrations, sqliteOnCallStore } from '../../backends/store/sqlite/oncall';
import { silenceScheduleCommand } from '../../commands/maintenance';
import { ONCALL_COMMANDS } from '../../commands/oncall';
import { OnCallFileError, readOnCallDocument, type OnCallDocument } from '../../core/oncall/file';
import { OnCallService } from '../../core/oncall/service';
import type { Feature, FeatureDeps, FeatureModule } from './feature';

/**
 * On call: rotations and overrides (`oncall …`), maintenance windows (`silence schedule …`),
 * the alert timeline and the escalation state, in the bot's store.
 *
 * Settings (readConfig: config.oncall): ONCALL_FILE, a YAML file of rotations, maintenance
 * windows and rule → runbook links (core/oncall/file.ts). Its rotations replace those of the
 * same name at every start; the others are managed in chat.
 */
export const oncallFeature: FeatureModule = {
  name: 'oncall',
  migrations: oncallMigrations,
  commands: [...ONCALL_COMMANDS, silenceScheduleCommand],
  create: createOnCallFeature,
};

async function createOnCallFeature(deps: FeatureDeps): Promise<Feature> {
  const store = sqliteOnCallStore(deps.db, () => deps.clock.now());
  const doc = deps.config.oncall.file ? loadOnCallFile(deps.config.oncall.file) : undefined;
  const service = new OnCallService(store, deps.clock, doc?.runbooks);
  if (doc) {
    await service.load(doc);
    deps.log.info({ file: deps.config.oncall.file, rotations: doc.rotations.length, maintenance: doc.maintenance.length, runbooks: Object.keys(doc.runbooks).length }, 'on-call file loaded');
  }
  return { name: 'oncall', services: { oncall: service } };
}

/** Reads and validates ONCALL_FILE; a problem stops the start with the file's name and every problem in it. */
export function loadOnCallFile(file: string): OnCallDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new OnCallFileError(`ONCALL_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): point it at a YAML file, or unset it.`);
  }
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (error) {
    throw new OnCallFileError(`ONCALL_FILE=${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  return readOnCallDocument(value, `ONCALL_FILE=${file}`);
}
