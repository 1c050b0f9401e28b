import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { buildManifest, type TeamsManifest } from './build-manifest';
import { registryCommandSpecs } from './command-source';

/**
 * `npm run package`: writes build/fleetops-teams-app.zip (manifest.json, color.png,
 * outline.png at the root, as Teams requires) with the Azure Bot's id from CLIENT_ID.
 * Optional: TEAMS_APP_ID (defaults to CLIENT_ID), BOT_DOMAIN (added to validDomains).
 */
export async function packageApp(options: {
  botId: string;
  appId?: string;
  botDomain?: string;
  outFile: string;
}): Promise<{ file: string; manifest: TeamsManifest }> {
  const version = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const manifest = buildManifest({ botId: options.botId, appId: options.appId, botDomain: options.botDomain, version, commands: registryCommandSpecs() });
  fs.mkdirSync(path.dirname(options.outFile), { recursive: true });
  const zip = new yazl.ZipFile();
  // A fixed timestamp keeps the package byte-identical between builds of the same inputs.
  const mtime = new Date('2026-01-01T00:00:00Z');
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), 'manifest.json', { mtime });
  for (const icon of ['color.png', 'outline.png']) zip.addFile(path.join(__dirname, icon), icon, { mtime });
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(options.outFile);
    out.on('close', () => resolve());
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
  });
  return { file: options.outFile, manifest };
}

if (require.main === module) {
  const botId = process.env.CLIENT_ID?.trim();
  if (!botId) {
    console.error('Set CLIENT_ID to the Microsoft App ID of your Azure Bot (Azure portal → the bot → Configuration), then run `npm run package` again.');
    process.exit(1);
  }
  packageApp({
    botId,
    appId: process.env.TEAMS_APP_ID?.trim() || undefined,
    botDomain: process.env.BOT_DOMAIN?.trim() || undefined,
    outFile: path.join(__dirname, '..', 'build', 'fleetops-teams-app.zip'),
  })
    .then(({ file, manifest }) =>
      console.log(`wrote ${path.relative(process.cwd(), file)} (bot ${botId}, ${manifest.bots[0].commandLists[0].commands.length} menu commands)`),
    )
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
