import http from 'node:http';
import { Http, type HttpCallback, type HttpMethod, type HttpRequestOptions } from 'azure-iothub/dist/common-http/http';
import { RestApiClient } from 'azure-iothub/dist/common-http/rest_api_client';
import type { X509 } from 'azure-iothub/dist/common-core/authorization';
import type { IotHubTransport } from '../../backends/fleet/iothub/connect';

/**
 * The IoT Hub SDK's own REST client (serialisation, Authorization, User-Agent, error
 * translation), with only its socket moved: the SDK always speaks HTTPS to the hub's
 * HostName on port 443, so a local stand-in cannot be reached through a connection string.
 * This builder sends the same requests over plain HTTP to `standInUrl` instead.
 */
class PlainHttpToStandIn extends Http {
  constructor(private readonly port: number) {
    super();
  }

  /** The Registry hands its keep-alive https.Agent over here: the same, for plain HTTP. */
  override setOptions(options: { http?: { agent?: unknown } }): void {
    super.setOptions({ ...options, http: { ...options.http, agent: new http.Agent({ keepAlive: true }) } });
  }

  override buildRequest(
    method: HttpMethod,
    path: string,
    httpHeaders: { [key: string]: string | string[] | number },
    _host: string | { socketPath: string },
    options: X509 | HttpRequestOptions | HttpCallback,
    done?: HttpCallback,
  ): http.ClientRequest {
    const callback = typeof options === 'function' ? options : done;
    const local: HttpRequestOptions = { port: this.port, request: http.request };
    return super.buildRequest(method, path, httpHeaders, '127.0.0.1', local, callback);
  }
}

/** A REST transport for `connectIotHub` that reaches the hub stand-in at `standInUrl`; `userAgent` names the replica. */
export function iotHubOverHttp(standInUrl: string, userAgent: string): IotHubTransport {
  const port = Number(new URL(standInUrl).port);
  return new RestApiClient(
    { host: 'fleet-test.azure-devices.net', sharedAccessSignature: 'SharedAccessSignature sr=fleet-test.azure-devices.net&sig=test&se=9999999999&skn=service' },
    userAgent,
    new PlainHttpToStandIn(port),
  );
}
