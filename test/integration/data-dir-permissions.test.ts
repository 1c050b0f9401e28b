/**
 * DATA_DIR holds alert payloads, conversation references, the audit and the device logs:
 * only the bot's user may read it. It was created 0755 with its files 0644.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestBot, USERS } from '../support/bot-harness';

const posix = process.platform !== 'win32';

/** Every folder and file under `dir`, with its permission bits. */
function modes(dir: string): Array<{ file: string; mode: string; directory: boolean }> {
  const out = [{ file: '.', mode: (fs.statSync(dir).mode & 0o777).toString(8), directory: true }];
  for (const entry of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stat = fs.statSync(path.join(dir, entry));
    out.push({ file: entry, mode: (stat.mode & 0o777).toString(8), directory: stat.isDirectory() });
  }
  return out;
}

(posix ? test : test.skip)(
  'a new DATA_DIR is 0700 and everything FleetOps writes in it is 0600 (folders 0700)',
  async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-perm-'));
    const dataDir = path.join(parent, 'data');
    const t = await startTestBot({ dataDir, env: { SIM_DEVICES: '5' } });
    try {
      await t.sayAndWait('subscribe alerts', { user: USERS.operator });
      await t.sayAndWait('logs DeviceLogs | take 1'); // opens the DuckDB log store
      await t.sayAndWait('firmware'); // seeds the local firmware catalog
      const found = modes(dataDir);
      expect(found.map((f) => f.file)).toEqual(expect.arrayContaining(['.', 'fleetops.sqlite', 'logs.duckdb']));
      expect(found.filter((f) => f.mode !== (f.directory ? '700' : '600'))).toEqual([]);
    } finally {
      await t.stop();
      fs.rmSync(parent, { recursive: true, force: true });
    }
  },
  60_000,
);
