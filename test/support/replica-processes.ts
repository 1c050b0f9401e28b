import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BOT_ID, type ConversationKind, type TestUser } from './bot-harness';

const REPO = path.resolve(__dirname, '..', '..');

/** A bot replica running as its own process (test/support/replica-process.ts). */
export interface ReplicaProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly dataDir: string;
  /** The end of what the process wrote (its logs), for a failing test's message. */
  output(): string;
  /** `kill -9`: no drain, no graceful stop. */
  kill9(): void;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  readonly alive: boolean;
}

/**
 * Spawns `node --require tsx/cjs <entry>` and waits until it listens: the JSON ready line of
 * test/support/replica-process.ts, or the "Bot endpoint:" line bot/main.ts prints.
 */
export async function spawnReplica(
  name: string,
  env: Record<string, string>,
  { entry = 'test/support/replica-process.ts', timeoutInMs = 60_000 }: { entry?: string; timeoutInMs?: number } = {},
): Promise<ReplicaProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `fleetops-${name}-`));
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', entry], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), DATA_DIR: dataDir, REPLICA_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const keep = (chunk: Buffer) => {
    err = (err + chunk.toString('utf8')).slice(-20_000);
  };
  child.stderr!.on('data', keep);
  child.stdout!.on('data', keep);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutInMs} ms: ${err}`)), timeoutInMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      const banner = /Bot endpoint:\s+(\S+)\/api\/messages/.exec(out);
      if (line || banner) {
        clearTimeout(timer);
        resolve(line ? (JSON.parse(line) as { ready: string }).ready : banner![1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready: ${err}`));
    });
  });
  return {
    name,
    url,
    child,
    dataDir,
    output: () => err,
    kill9: () => void child.kill('SIGKILL'),
    get alive() {
      return !exited;
    },
    async stop() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

export const TEST_CONVERSATIONS: Record<ConversationKind, string> = {
  personal: 'a:personal-chat-1',
  groupChat: '19:group-chat-1@thread.v2',
  channel: '19:channel-1@thread.tacv2;messageid=1',
};

/**
 * Bot Framework activities as Teams sends them to whichever replica: `serviceUrl` is the
 * connector stand-in with a region path and the trailing slash Teams uses
 * (https://smba.trafficmanager.net/amer/).
 */
export function activityBase(serviceUrl: string, kind: ConversationKind, user: TestUser): Record<string, unknown> {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: BOT_ID, name: 'FleetOps' },
    conversation: { id: TEST_CONVERSATIONS[kind], conversationType: kind, tenantId: 'tenant-1', ...(kind === 'personal' ? {} : { isGroup: true }) },
    channelData: { tenant: { id: 'tenant-1' }, ...(kind === 'channel' ? { team: { id: 'team-1' }, channel: { id: '19:channel-1@thread.tacv2' } } : {}) },
    locale: 'en-US',
  };
}

export function messageActivity(serviceUrl: string, kind: ConversationKind, user: TestUser, text: string): Record<string, unknown> {
  const mentioned = kind !== 'personal';
  return {
    ...activityBase(serviceUrl, kind, user),
    type: 'message',
    text: mentioned ? `<at>FleetOps</at> ${text}` : text,
    textFormat: 'plain',
    entities: mentioned ? [{ type: 'mention', text: '<at>FleetOps</at>', mentioned: { id: BOT_ID, name: 'FleetOps' } }] : [],
  };
}

/** An Action.Execute click: the adaptiveCard/action invoke. */
export function clickActivity(
  serviceUrl: string,
  kind: ConversationKind,
  user: TestUser,
  verb: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ...activityBase(serviceUrl, kind, user),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data: { ...data, verb } }, trigger: 'manual' },
  };
}

export const postJson = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/**
 * The round-robin front (App Service's load balancer, as far as a test needs it): request i
 * goes to replica i mod n; a replica that refuses the connection or answers 5xx is taken out
 * and the request goes to the next one, as the front does after a failed health probe.
 */
export class RoundRobinFront {
  private next = 0;
  private readonly down = new Set<string>();
  /** When the front first took a replica out, and when a request it had sent there was first answered 2xx by another. */
  readonly failovers: Array<{ replica: string; outAt: number; servedAt?: number }> = [];

  constructor(private readonly replicas: readonly ReplicaProcess[]) {}

  async post(pathAndQuery: string, body: unknown): Promise<{ response: Response; replica: string }> {
    const start = this.next++;
    let failedOver: (typeof this.failovers)[number] | undefined;
    let last: { response: Response; replica: string } | undefined;
    let lastError: unknown;
    for (let i = 0; i < this.replicas.length * 2; i++) {
      const replica = this.replicas[(start + i) % this.replicas.length]!;
      if (this.down.has(replica.name)) continue;
      try {
        const response = await postJson(`${replica.url}${pathAndQuery}`, body);
        if (failedOver && failedOver.servedAt === undefined && response.ok) failedOver.servedAt = Date.now();
        last = { response, replica: replica.name };
        // A 5xx goes to the next replica, as the front retries; the last answer is returned if none does better.
        if (response.status < 500) return last;
      } catch (error) {
        lastError = error;
        if (!replica.alive && !this.down.has(replica.name)) {
          this.down.add(replica.name);
          this.failovers.push({ replica: replica.name, outAt: Date.now() });
        }
        failedOver = this.failovers.find((f) => f.replica === replica.name) ?? failedOver;
      }
    }
    if (last) return last;
    throw new Error(
      `no replica answered ${pathAndQuery}: ${lastError instanceof Error ? `${lastError.message} ${String(lastError.cause ?? '')}` : String(lastError)}`,
    );
  }
}

/** Teams' limits for a bot, for all its instances together: per conversation, and per tenant. */
export const TEAMS_LIMITS = {
  perConversation: [
    { windowMs: 1_000, max: 7 },
    { windowMs: 2_000, max: 8 },
    { windowMs: 30_000, max: 60 },
    { windowMs: 3_600_000, max: 1_800 },
  ],
  perTenant: [{ windowMs: 1_000, max: 50 }],
} as const;

/** The most sends within any sliding window of `windowMs` (two sends `windowMs` apart are in different windows). */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
