import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';

jest.setTimeout(60_000);

/**
 * Application Insights through its real client, against a local HTTPS stand-in of the
 * ingestion endpoint (POST /v2.1/track, gzipped envelopes), the only edge stubbed.
 */
test('commands, card actions and errors reach Application Insights', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-ai-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${dir}/key.pem`,
      '-out',
      `${dir}/cert.pem`,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const envelopes: Array<Record<string, any>> = [];
  const server = https.createServer({ key: fs.readFileSync(`${dir}/key.pem`), cert: fs.readFileSync(`${dir}/cert.pem`) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      if (req.url === '/v2.1/track') envelopes.push(...JSON.parse(body.toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../support/telemetry-child.ts')], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: `${dir}/cert.pem`,
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        TEST_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:${port}/`,
      },
      stdio: 'ignore',
    });
    await new Promise((resolve) => child.on('exit', resolve));
    const events = envelopes.filter((e) => e.data?.baseType === 'EventData').map((e) => e.data.baseData);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'FleetOps.Command',
          properties: expect.objectContaining({ command: 'status', success: 'true' }),
          measurements: { durationMs: 12 },
        }),
        expect.objectContaining({ name: 'FleetOps.CardAction', properties: expect.objectContaining({ verb: 'rollout.pause', success: 'false' }) }),
      ]),
    );
    expect(envelopes.some((e) => e.data?.baseType === 'ExceptionData' && JSON.stringify(e).includes('boom'))).toBe(true);
  } finally {
    server.close();
  }
});
