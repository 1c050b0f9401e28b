/**
 * Without CLIENT_ID nothing authenticates requests, so nothing FleetOps starts may listen
 * beyond loopback. The Agents Playground listened on every interface (*:56150): one POST
 * to its /_internal/v1/customActivities from another machine acted as any user. This starts
 * FleetOps as `npm start` does and reads the listening sockets of its process tree from
 * /proc (Linux only).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const linux = process.platform === 'linux';
const ROOT = path.resolve(__dirname, '../..');

interface Listener {
  readonly address: string;
  readonly port: number;
  readonly inode: string;
}

/** A /proc/net/tcp{,6} address: 32-bit words in host (little-endian) order. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups
    .join(':')
    .replace(/^(0:)+0$/, '::')
    .replace(/^(0:)+1$/, '::1');
}

function listeners(): Listener[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[3] === '0A') // LISTEN
      .map((f) => {
        const [address, port] = f[1].split(':');
        return { address: decodeAddress(address), port: parseInt(port, 16), inode: f[9] };
      }),
  );
}

/** `pid` and every process below it. */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]) ?? []));
  return tree;
}

function socketInodes(pids: readonly number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        const link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m) inodes.add(m[1]);
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return inodes;
}

const isLoopback = (address: string): boolean => /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);

(linux ? test : test.skip)(
  'npm start without CLIENT_ID listens on loopback only: the bot and the Agents Playground',
  async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-loopback-'));
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['--require', 'tsx/cjs', 'bot/main.ts', '--playground'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', DATA_DIR: dataDir, SIM_DEVICES: '2', LOG_LEVEL: 'silent', PLAYGROUND: 'on' },
        stdio: 'ignore',
      });
      const pid = child.pid!;
      // The bot listens first; the Playground (a child process) a few seconds later.
      let owned: Listener[] = [];
      const deadline = Date.now() + 90_000;
      for (;;) {
        const tree = processTree(pid);
        const inodes = socketInodes(tree);
        owned = listeners().filter((l) => inodes.has(l.inode));
        if (tree.length > 1 && owned.length >= 2) break;
        if (Date.now() > deadline) throw new Error(`FleetOps and the Playground did not both listen within 90 s: ${JSON.stringify(owned)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // anything else it opens on start
      const inodes = socketInodes(processTree(pid));
      owned = listeners().filter((l) => inodes.has(l.inode));
      expect(owned.filter((l) => !isLoopback(l.address))).toEqual([]);
      expect(owned.length).toBeGreaterThanOrEqual(2);
    } finally {
      if (child?.pid) {
        for (const pid of processTree(child.pid).reverse()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
  120_000,
);
