import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger';
import { LOOPBACK_ONLY_EXEC_ARGV } from './loopback-only';

export const PLAYGROUND_PORT = 56150;

/** Who you are in the Playground: Alex Wilber (release lead) or, with `--as viewer`, Megan Bowen. */
export type PlaygroundUser = 'release-lead' | 'viewer';

/** The committed Playground config for each user (Playground 0.2.28 cannot switch users in its UI). */
export const PLAYGROUND_CONFIG: Record<PlaygroundUser, string> = {
  'release-lead': '.m365agentsplayground.yml',
  viewer: '.m365agentsplayground.viewer.yml',
};

/**
 * Starts the Microsoft 365 Agents Playground pointing at the bot, on loopback only (it
 * acts as any user it is told to, unauthenticated), offline: telemetry off, no browser
 * launched (we print the URL), config from the repo's .m365agentsplayground.yml (you are
 * Alex, a release lead) or, `as: 'viewer'`, .m365agentsplayground.viewer.yml (you are Megan, a viewer).
 */
export function startPlayground(args: { botUrl: string; port?: number; cwd: string; log: Logger; as?: PlaygroundUser }): ChildProcess {
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const child = spawn(
    process.execPath,
    // The CLI has no host option; the preload keeps it (and anything it starts) on 127.0.0.1.
    [
      ...LOOPBACK_ONLY_EXEC_ARGV,
      cli,
      '--app-endpoint',
      `${args.botUrl}/api/messages`,
      '--channel-id',
      'msteams',
      '--port',
      String(args.port ?? PLAYGROUND_PORT),
      '--disable-telemetry',
    ],
    {
      cwd: args.cwd,
      env: {
        ...process.env,
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        TEAMSAPPTESTER_BROWSER: 'none',
        TEAMSAPPTESTER_TELEMETRY: 'false',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(args.cwd, PLAYGROUND_CONFIG[args.as ?? 'release-lead']),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = args.log.child({ component: 'playground' });
  child.stdout?.on('data', (chunk: Buffer) => log.debug(chunk.toString().trim()));
  child.stderr?.on('data', (chunk: Buffer) => log.debug(chunk.toString().trim()));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) log.warn({ code }, 'the Agents Playground exited');
  });
  return child;
}

/** The folder holding package.json (works from sources via tsx and from the compiled dist/). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
