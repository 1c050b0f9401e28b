import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Runs bin/check-node.js in a Node that reports `version`, as `npm start` loads it before anything else. */
function startOn(version: string) {
  const script = `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: ${JSON.stringify(version)} } });
require(${JSON.stringify(path.resolve(__dirname, '../../bin/check-node.js'))});
process.stdout.write('started');`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}

test.each(['20.19.0', '22.12.0', '18.20.4'])('on Node %s it stops at once with one line saying what is needed', (version) => {
  const run = startOn(version);
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(`FleetOps needs Node.js 22.13 or newer (this is v${version}); Node 24 LTS is recommended.\n`);
});

test.each(['22.13.0', '23.0.0', '24.11.1', '26.0.0'])('on Node %s it lets the start go on', (version) => {
  const run = startOn(version);
  expect(run.status).toBe(0);
  expect(run.stdout).toBe('started');
});
