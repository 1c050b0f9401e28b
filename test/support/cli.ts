import { PassThrough, Readable } from 'node:stream';
import { main } from '../../cli/main';

/** `fleetops <argv>` in this process, with `stdin` as its input and `DATA_DIR` as its only environment: what it printed and its exit code. */
export async function runCli(argv: string[], dataDir: string, stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  const code = await main(argv, { stdout, stderr, stdin: Readable.from([stdin]), env: { DATA_DIR: dataDir } });
  return { code, out, err };
}
