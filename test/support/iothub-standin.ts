import http from 'node:http';
import { HttpStandIn } from './http-stand-in';
import { FakeIotHubRest } from '../backends/fleet/fake-iothub-rest';

/** One desired-firmware twin write as the hub received it. */
export interface TwinWrite {
  readonly deviceId: string;
  /** The User-Agent of the writer: `fleetops-<replica name>` (test/support/replica-process.ts). */
  readonly by: string;
  readonly rolloutId?: string;
  readonly wave?: number;
  readonly attempt?: number;
  readonly at: number;
}

interface SdkError extends Error {
  response?: { statusCode?: number };
  responseBody?: string;
}

/**
 * IoT Hub as an HTTP server for bot processes (test/support/iothub-over-http.ts sends the
 * SDK's REST calls here): the REST shapes of test/backends/fleet/fake-iothub-rest.ts, plus
 * devices that take a desired firmware at once (report it current, connected), and a record
 * of every desired-firmware write so a test can say no device was written twice.
 */
export class IotHubStandIn extends HttpStandIn {
  readonly hub = new FakeIotHubRest();
  readonly twinWrites: TwinWrite[] = [];

  /** `count` connected devices `device-0000`… on `firmware`, tagged with a ring and model. */
  seed(count: number, firmware: string): void {
    for (let i = 0; i < count; i++) {
      this.hub.addDevice({
        deviceId: `device-${String(i).padStart(4, '0')}`,
        connectionState: 'Connected',
        lastActivityTime: new Date().toISOString(),
        tags: { ring: 'broad', model: 'x100', site: `site-${i % 5}` },
        properties: {
          desired: {},
          reported: { firmware: { currentFwVersion: firmware, fwUpdateStatus: 'current' }, health: { battery: 90, errorCount: 0 } },
        },
      });
    }
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    // The fake reads headers by the names the SDK sends (If-Match, x-ms-continuation…): keep their case.
    const headers: Record<string, string> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    this.hub.executeApiCall(method, path, headers, body, (err, answer, response) => {
      if (err) {
        const sdkError = err as SdkError;
        res.writeHead(sdkError.response?.statusCode ?? 500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(sdkError.responseBody ?? JSON.stringify({ Message: err.message }));
        return;
      }
      if (method === 'PATCH') this.deviceTakes(path, headers['User-Agent'] ?? '');
      res.writeHead(response?.statusCode ?? 200, { 'content-type': 'application/json; charset=utf-8', ...(response?.headers ?? {}) });
      res.end(answer === undefined ? '' : JSON.stringify(answer));
    });
  }

  /** A desired-firmware write: recorded, and the device reports the version current at once. */
  private deviceTakes(path: string, by: string): void {
    const match = /^\/twins\/([^/?]+)/.exec(path);
    const twin = match ? this.hub.twins.get(decodeURIComponent(match[1]!)) : undefined;
    const desired = twin?.properties.desired.firmware as { fwVersion?: string; rolloutId?: string; waveId?: number; attempt?: number } | undefined;
    if (!twin || !desired?.fwVersion) return;
    this.twinWrites.push({ deviceId: twin.deviceId, by, rolloutId: desired.rolloutId, wave: desired.waveId, attempt: desired.attempt, at: Date.now() });
    twin.properties.reported.firmware = { currentFwVersion: desired.fwVersion, fwUpdateStatus: 'current', lastFwUpdateEndTime: new Date().toISOString() };
    twin.lastActivityTime = new Date().toISOString();
  }
}
