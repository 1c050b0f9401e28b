import fs from 'node:fs';
import path from 'node:path';

/** What the manifest needs of a command (CommandSpec has more). */
export interface MenuCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage?: string;
}

/**
 * The command menu, most useful first (Teams shows the list in this order). Commands
 * not named here follow in registry order. Teams documents at most 10 commands per menu
 * (the v1.29 schema allows 12); one list per scope, so 3 lists.
 */
export const MENU_ORDER = ['help', 'status', 'alerts', 'logs', 'devices', 'rollouts', 'rollout plan', 'deployments', 'subscribe', 'fleet'] as const;
export const MAX_MENU_COMMANDS = 10;
export const BOT_SCOPES = ['personal', 'team', 'groupChat'] as const;

const TITLE_MAX = 32; // Teams truncates longer titles in the menu
const DESCRIPTION_MAX = 128;

export function menuCommands(commands: readonly MenuCommand[]): Array<{ title: string; description: string }> {
  const byName = new Map(commands.map((c) => [c.name, c]));
  const ordered = [
    ...MENU_ORDER.flatMap((name) => (byName.has(name) ? [byName.get(name)!] : [])),
    ...commands.filter((c) => !(MENU_ORDER as readonly string[]).includes(c.name)),
  ];
  const seen = new Set<string>();
  return ordered
    .filter((c) => {
      if (seen.has(c.name)) return false;
      seen.add(c.name);
      return true;
    })
    .slice(0, MAX_MENU_COMMANDS)
    .map((c) => ({
      title: truncate(c.name, TITLE_MAX),
      description: truncate(c.usage && c.usage !== c.name ? `${c.summary}: ${c.usage}` : c.summary, DESCRIPTION_MAX),
    }));
}

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export interface ManifestOptions {
  /** The Azure Bot's Microsoft App ID (CLIENT_ID). */
  readonly botId: string;
  /** The Teams app's own id; by default the bot id (one app per bot). */
  readonly appId?: string;
  readonly version: string;
  readonly commands: readonly MenuCommand[];
  /** The bot's public host, e.g. fleetops.azurewebsites.net. */
  readonly botDomain?: string;
  readonly templateFile?: string;
}

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/** The parts of the Teams app manifest this code fills in; the rest comes from manifest.json as is. */
export interface TeamsManifest {
  bots: Array<{ botId: string; commandLists: Array<{ scopes: string[]; commands: Array<{ title: string; description?: string }> }>; [key: string]: unknown }>;
  validDomains: string[];
  [key: string]: unknown;
}

/** manifest.json's `${{NAME}}` placeholders (the Teams Toolkit's syntax). */
const placeholder = (name: string): string => `\${{${name}}}`;

export function buildManifest(options: ManifestOptions): TeamsManifest {
  if (!GUID.test(options.botId))
    throw new Error(
      `CLIENT_ID=${JSON.stringify(options.botId)} is not a GUID; set it to the Microsoft App ID of your Azure Bot (Azure portal → the bot → Configuration)`,
    );
  const appId = options.appId ?? options.botId;
  if (!GUID.test(appId)) throw new Error(`TEAMS_APP_ID=${JSON.stringify(appId)} is not a GUID`);
  if (!/^\d+\.\d+\.\d+$/.test(options.version)) throw new Error(`version ${options.version} must be major.minor.patch for Teams`);
  const template = fs.readFileSync(options.templateFile ?? path.join(__dirname, 'manifest.json'), 'utf8');
  const filled = template
    .replaceAll(placeholder('BOT_ID'), options.botId)
    .replaceAll(placeholder('TEAMS_APP_ID'), appId)
    .replaceAll(placeholder('APP_VERSION'), options.version);
  const manifest = JSON.parse(filled) as TeamsManifest;
  const commands = menuCommands(options.commands);
  manifest.bots[0].commandLists = BOT_SCOPES.map((scope) => ({ scopes: [scope], commands }));
  if (options.botDomain) manifest.validDomains = [...new Set([...manifest.validDomains, options.botDomain])];
  return manifest;
}
