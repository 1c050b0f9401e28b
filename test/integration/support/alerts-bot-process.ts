import { spawn, type ChildProcess } from 'node:child_process';

/** A started alerts-bot-child.ts: the process, the URL it listens on, and when it exits. */
export interface AlertsBotProcess {
  readonly process: ChildProcess;
  readonly url: string;
  readonly exited: Promise<unknown>;
}

/**
 * Starts the alerts bot child (test/integration/support/alerts-bot-child.ts, or a bundle of it)
 * on a free port, its store in `dataDir`, its sends to `connectorUrl`, and resolves once it
 * prints READY. Shared by the crash test and `npm run bench:kill-storm`.
 */
export function startAlertsBot(options: {
  readonly node: string;
  /** Node's arguments: `--import tsx <child.ts>`, or the bundle. */
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly dataDir: string;
  readonly connectorUrl: string;
  readonly token: string;
  /** Subscribes this conversation to alerts at start. */
  readonly seedConversation?: string;
  /** Told of the process as soon as it is spawned (to kill it if the caller dies first). */
  readonly spawned?: (child: ChildProcess) => void;
}): Promise<AlertsBotProcess> {
  const child = spawn(options.node, [...options.args], {
    cwd: options.cwd,
    env: {
      ...process.env,
      ...options.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      SIM_DEVICES: '0',
      LOG_LEVEL: 'silent',
      ALERTS_WEBHOOK_TOKEN: options.token,
      ALERT_RULES: 'off',
      CONNECTOR_URL: options.connectorUrl,
      ...(options.seedConversation ? { SEED_CONVERSATION: options.seedConversation } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.spawned?.(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /READY (\S+)/.exec(out);
      if (match) resolve({ process: child, url: match[1]!, exited });
    });
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${err.slice(0, 2000)}`)));
  });
}
