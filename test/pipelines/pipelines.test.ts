import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '../..');
const schemaFile = path.resolve(repoRoot, '../shared/schemas/azure-pipelines-service-schema.json');
const pipelinesDir = path.join(repoRoot, 'pipelines');
const files = fs.readdirSync(pipelinesDir).filter((f) => f.endsWith('.yml'));

// The service schema is large and loose (unions of string and object everywhere).
// Its patterns use escapes that are invalid with the `u` flag (e.g. `\:`), hence unicodeRegExp: false.
const ajv = new Ajv({ strict: false, allowUnionTypes: true, allErrors: false, validateFormats: false, unicodeRegExp: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));

/** The schema types numbers such as `timeoutInMinutes: 30` as strings (Azure Pipelines reads them so) but keeps booleans. */
function numbersAsStrings(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(numbersAsStrings);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersAsStrings(v)]));
  return value;
}

/**
 * Tasks newer than the schema snapshot (it has inputs for PublishCodeCoverageResults@1 only and names @2 without them; Microsoft
 * deprecated @1 for @2). Their inputs are checked against the documented list here, and the
 * step is swapped for a plain script before the schema check.
 */
const NEWER_TASKS: Record<string, { required: string[]; optional: string[] }> = {
  'PublishCodeCoverageResults@2': { required: ['summaryFileLocation'], optional: ['pathToSources', 'failIfCoverageEmpty'] },
};

function withoutNewerTasks(value: unknown, file: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutNewerTasks(v, file));
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const known = typeof record.task === 'string' ? NEWER_TASKS[record.task] : undefined;
    if (known) {
      const inputs = Object.keys((record.inputs ?? {}) as object);
      for (const name of known.required) if (!inputs.includes(name)) throw new Error(`${file}: ${record.task} needs input ${name}`);
      for (const name of inputs) if (![...known.required, ...known.optional].includes(name)) throw new Error(`${file}: ${record.task} has no input ${name}`);
      return { script: `echo ${record.task}`, displayName: record.displayName, condition: record.condition };
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withoutNewerTasks(v, file)]));
  }
  return value;
}

const read = (file: string) => fs.readFileSync(path.join(pipelinesDir, file), 'utf8');

describe('Azure Pipelines YAML', () => {
  it('has the four pipelines', () => {
    expect(files.sort()).toEqual(['cd.yml', 'ci.yml', 'firmware-release.yml', 'pr.yml']);
  });

  it.each(files.map((f) => [f]))('%s matches the Azure Pipelines schema', (file) => {
    const document = withoutNewerTasks(numbersAsStrings(parse(read(file))), file);
    const ok = validate(document);
    if (!ok) throw new Error(`${file}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
  });

  it.each(files.map((f) => [f]))('%s references only scripts that exist', (file) => {
    const referenced = [...read(file).matchAll(/pipelines\/scripts\/[\w.-]+/g)].map((m) => m[0]);
    for (const script of referenced) expect(fs.existsSync(path.join(repoRoot, script))).toBe(true);
  });

  it('referenced npm scripts exist in package.json', () => {
    const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    for (const file of files) {
      for (const match of read(file).matchAll(/npm run ([\w:-]+)/g)) expect(scripts).toContain(match[1]);
    }
  });

  it('rejects what the schema should catch (the check is not vacuous)', () => {
    expect(validate({ stages: [{ stage: 'x', jobs: [{ job: 'y', steps: [{ task: 'A@1', inputs: 'not a map' }] }] }] })).toBe(false);
    expect(validate({ steps: 'not a list' })).toBe(false);
  });

  it('the firmware template names the version where FleetOps reads it, and publishes with UniversalPackages', () => {
    const text = read('firmware-release.yml');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Azure Pipelines template expression, not a JS template
    expect(text).toContain('##vso[build.addbuildtag]firmware:${{ parameters.firmwareVersion }}');
    expect(text).toMatch(/name: FIRMWARE_VERSION/);
    expect(text).toContain('task: UniversalPackages@0');
  });

  it('cd deploys staging, smoke-tests it, and gates production with an environment; secrets from Key Vault', () => {
    const cd = parse(read('cd.yml')) as { stages: Array<{ stage: string; jobs: Array<{ environment?: string }> }> };
    expect(cd.stages.map((s) => s.stage)).toEqual(['Staging', 'Production']);
    expect(cd.stages.map((s) => s.jobs[0]!.environment)).toEqual(['fleetops-staging', 'fleetops-production']);
    const text = read('cd.yml');
    expect(text.match(/task: AzureKeyVault@2/g)).toHaveLength(2);
    expect(text.match(/smoke-test\.sh/g)).toHaveLength(3);
  });

  it('cd releases production through its staging slot: at least two instances, deploy to the slot, smoke test, swap', () => {
    const text = read('cd.yml');
    const production = text.slice(text.indexOf('- stage: Production'));
    const order = [
      'minimumInstances) instances',
      'deployToSlotOrASE: true',
      'smoke-test.sh "https://$(productionApp)-$(productionSlot)',
      'Action: Swap Slots',
      'smoke-test.sh "https://$(productionApp).',
    ];
    const at = order.map((needle) => production.indexOf(needle));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    expect(text).toMatch(/name: minimumInstances\n\s+value: [2-9]/);
  });
});
