/**
 * `fleetops send alert [--device device-42] [--resolve]` and `fleetops send pipeline`:
 * post sample events, in the shapes Azure sends, to the FleetOps running locally (its URL
 * and webhook secrets come from DATA_DIR/local-webhooks.json, written at start in local mode).
 */
import { basicAuthHeader } from '../bot/webhooks/devops';
import { readLocalWebhooks } from '../bot/local-webhooks';
import type { ParsedArgs } from './args';
import { sampleAlert, samplePipelineRun } from './sample-events';

export interface SendIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly dataDir: string;
  readonly now?: () => Date;
}

export async function send(args: ParsedArgs, io: SendIo): Promise<number> {
  const what = args.positionals[1];
  const local = readLocalWebhooks(io.dataDir);
  if (!local) {
    io.stderr.write(`No local FleetOps found in ${io.dataDir}: start it first with \`npm start\` (local mode, no CLIENT_ID), or pass --data-dir.\n`);
    return 1;
  }
  const now = io.now?.() ?? new Date();
  try {
    if (what === 'alert') {
      const token = local.secrets.ALERTS_WEBHOOK_TOKEN;
      if (!token) return fail(io, 'The running bot has no alerts webhook token (is the alerts feature on?).');
      const deviceId = typeof args.flags.get('device') === 'string' ? String(args.flags.get('device')) : 'device-42';
      const resolved = args.flags.has('resolve');
      const response = await post(`${local.url}/api/alerts?token=${encodeURIComponent(token)}`, sampleAlert({ deviceId, resolved, now }), {});
      io.stdout.write(
        `${resolved ? 'Resolved' : 'Fired'} a sample alert for ${deviceId}: ${response}. \`subscribe alerts\` in a chat shows its card${resolved ? ' turn green' : ''}.\n`,
      );
      return 0;
    }
    if (what === 'pipeline') {
      const { DEVOPS_WEBHOOK_USER: user, DEVOPS_WEBHOOK_PASSWORD: password } = local.secrets;
      if (!user || !password) return fail(io, 'The running bot has no Azure DevOps webhook credentials (is the deployments feature on?).');
      const runId = 1000 + (Math.floor(now.getTime() / 1000) % 100_000);
      const headers = { authorization: basicAuthHeader(user, password) };
      for (const event of samplePipelineRun({ runId, now, firmwareVersion: '2.4.1' })) await post(`${local.url}/api/devops`, event, headers);
      io.stdout.write(
        `Posted a sample firmware-release run ${runId} waiting for approval of its Production stage. \`subscribe deployments\` in a chat shows its card; Approve or Reject it there.\n`,
      );
      return 0;
    }
  } catch (error) {
    return fail(io, error instanceof Error ? error.message : String(error));
  }
  io.stderr.write('Usage: fleetops send alert [--device <id>] [--resolve] | fleetops send pipeline\n');
  return 2;
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  } catch {
    throw new Error(`FleetOps does not answer at ${new URL(url).origin}; is \`npm start\` still running?`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`FleetOps answered ${response.status}: ${text}`);
  return `${response.status} ${text}`;
}

function fail(io: SendIo, message: string): number {
  io.stderr.write(`${message}\n`);
  return 1;
}
