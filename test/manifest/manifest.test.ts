import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { PNG } from 'pngjs';
import { buildManifest, MAX_MENU_COMMANDS, menuCommands } from '../../manifest/build-manifest';
import { registryCommandSpecs } from '../../manifest/command-source';
import { colorIcon, outlineIcon } from '../../manifest/make-icons';
import { packageApp } from '../../manifest/package';

const repoRoot = path.resolve(__dirname, '../..');
const schemaFile = path.resolve(repoRoot, '../shared/schemas/MicrosoftTeams.schema.v1.29.json');
const BOT_ID = '11111111-2222-3333-4444-555555555555';

function manifestValidator() {
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  // Declared draft-04 but written with draft-06 keywords (const); ajv's default draft reads it as intended.
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Reads the entries of a zip (stored or deflated) without another dependency: the central directory names them. */
function zipEntries(file: string): Map<string, Buffer> {
  const zlib = require('node:zlib') as typeof import('node:zlib');
  const data = fs.readFileSync(file);
  const entries = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 30 <= data.length && data.readUInt32LE(offset) === 0x04034b50) {
    const method = data.readUInt16LE(offset + 8);
    const flags = data.readUInt16LE(offset + 6);
    let compressedSize = data.readUInt32LE(offset + 18);
    const nameLength = data.readUInt16LE(offset + 26);
    const extraLength = data.readUInt16LE(offset + 28);
    const name = data.subarray(offset + 30, offset + 30 + nameLength).toString('utf8');
    const start = offset + 30 + nameLength + extraLength;
    if (flags & 0x08) {
      // Sizes follow the data (yazl streams): find them in the central directory.
      const central = data.lastIndexOf(Buffer.from(name, 'utf8'));
      compressedSize = data.readUInt32LE(central - 46 + 20);
    }
    const raw = data.subarray(start, start + compressedSize);
    entries.set(name, method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw));
    offset = start + compressedSize + (flags & 0x08 ? 16 : 0);
  }
  return entries;
}

describe('Teams app manifest', () => {
  const validate = manifestValidator();

  it('is valid against the v1.29 schema with the command menu from the registry', () => {
    const manifest = buildManifest({ botId: BOT_ID, version: '0.1.0', commands: registryCommandSpecs() });
    if (!validate(manifest)) throw new Error(JSON.stringify(validate.errors, null, 2));
    expect(manifest.manifestVersion).toBe('1.29');
    expect(manifest.bots[0]).toMatchObject({ botId: BOT_ID, scopes: ['personal', 'team', 'groupChat'] });
    expect(manifest.bots[0].commandLists.map((l: { scopes: string[] }) => l.scopes)).toEqual([['personal'], ['team'], ['groupChat']]);
    const titles = manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title);
    expect(titles.length).toBeLessThanOrEqual(MAX_MENU_COMMANDS);
    expect(titles.slice(0, 2)).toEqual(['help', 'status']);
    expect(titles).toContain('deployments');
    expect(JSON.stringify(manifest)).not.toContain('${{');
  });

  it('the schema check is not vacuous: too many commands or a bad bot id fail it', () => {
    const manifest = buildManifest({ botId: BOT_ID, version: '0.1.0', commands: [] });
    manifest.bots[0].commandLists[0].commands = Array.from({ length: 13 }, (_, i) => ({ title: `c${i}` }));
    expect(validate(manifest)).toBe(false);
    const other = buildManifest({ botId: BOT_ID, version: '0.1.0', commands: [] });
    other.bots[0].botId = 'not-a-guid';
    expect(validate(other)).toBe(false);
  });

  it('orders the menu, caps it at 10 and keeps titles and descriptions within Teams limits', () => {
    const many = Array.from({ length: 15 }, (_, i) => ({ name: `cmd${i}`, summary: 'x'.repeat(300) }));
    const menu = menuCommands([...many, { name: 'help', summary: 'Help' }]);
    expect(menu).toHaveLength(10);
    expect(menu[0]).toEqual({ title: 'help', description: 'Help' });
    expect(menu.every((c) => c.description.length <= 128 && c.title.length <= 32)).toBe(true);
  });

  it('refuses a bot id that is not a GUID, naming the variable', () => {
    expect(() => buildManifest({ botId: 'my-bot', version: '0.1.0', commands: [] })).toThrow(/CLIENT_ID.*Microsoft App ID/);
  });

  it('adds the bot domain to validDomains', () => {
    const manifest = buildManifest({ botId: BOT_ID, version: '0.1.0', commands: [], botDomain: 'fleetops.azurewebsites.net' });
    expect(manifest.validDomains).toEqual(['token.botframework.com', 'fleetops.azurewebsites.net']);
  });
});

describe('icons', () => {
  const read = (name: string) => PNG.sync.read(fs.readFileSync(path.join(repoRoot, 'manifest', name)));

  it('color.png is 192×192 and opaque', () => {
    const png = read('color.png');
    expect([png.width, png.height]).toEqual([192, 192]);
    let translucent = 0;
    for (let i = 3; i < png.data.length; i += 4) if (png.data[i] !== 255) translucent++;
    expect(translucent).toBe(0);
  });

  it('outline.png is 32×32, white where drawn and transparent elsewhere', () => {
    const png = read('outline.png');
    expect([png.width, png.height]).toEqual([32, 32]);
    let transparent = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b, a] = png.data.subarray(i, i + 4);
      if (a === 0) transparent++;
      else expect([r, g, b, a]).toEqual([255, 255, 255, 255]);
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.5);
  });

  it('the committed icons are what make-icons draws', () => {
    expect(PNG.sync.write(colorIcon()).equals(fs.readFileSync(path.join(repoRoot, 'manifest/color.png')))).toBe(true);
    expect(PNG.sync.write(outlineIcon()).equals(fs.readFileSync(path.join(repoRoot, 'manifest/outline.png')))).toBe(true);
  });
});

describe('npm run package', () => {
  it('writes a zip with manifest.json and both icons at the root, bot id filled in', async () => {
    const outFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-pkg-')), 'fleetops-teams-app.zip');
    await packageApp({ botId: BOT_ID, outFile });
    const entries = zipEntries(outFile);
    expect([...entries.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    expect(manifest.bots[0].botId).toBe(BOT_ID);
    expect(manifest.id).toBe(BOT_ID);
    expect(manifestValidator()(manifest)).toBe(true);
    expect(PNG.sync.read(entries.get('color.png')!).width).toBe(192);
    expect(PNG.sync.read(entries.get('outline.png')!).width).toBe(32);
  });
});
