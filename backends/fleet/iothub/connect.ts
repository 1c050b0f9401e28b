import { EventEmitter } from 'node:events';
import { Client, ConnectionString, JobClient, Registry } from 'azure-iothub';
import type { RestApiClient } from 'azure-iothub/dist/common-http/rest_api_client';
import { NoRetry } from 'azure-iothub/dist/common-core/retry_policy';
import type { TokenCredential } from '@azure/identity';
import { IotHubFleetClient } from './iothub-fleet';
import { createLimiter, realTime, S1_QUOTAS, type IotHubQuotas, type LimiterTime } from './rate-limiter';
import type { RetryOptions } from './retry';

/** The REST transport the SDK accepts for tests: `{executeApiCall, setOptions}`. */
export type IotHubTransport = Pick<RestApiClient, 'executeApiCall' | 'setOptions'>;

export interface IotHubConnectDeps {
  /** Replaces the SDK's HTTPS client (tests use a fake hub speaking the REST shapes). */
  readonly restApiClient?: IotHubTransport;
  /** For IOTHUB_HOST mode; defaults to DefaultAzureCredential. */
  readonly credential?: TokenCredential;
  readonly time?: LimiterTime;
  readonly retry?: RetryOptions;
}

export interface IotHubSettings {
  readonly connectionString?: string;
  readonly host?: string;
  /** The hub tier's quotas (config: IOTHUB_TWIN_UPDATES_PER_SEC, IOTHUB_TWIN_READS_PER_SEC, IOTHUB_QUERIES_PER_MIN). */
  readonly quotas?: IotHubQuotas;
  /** The hub's ARM id, for "Open in Azure portal". */
  readonly resourceId?: string;
}

/** Builds the IoT Hub fleet client: a connection string, or the host with an Azure identity. */
export function connectIotHub(settings: IotHubSettings, deps: IotHubConnectDeps = {}): IotHubFleetClient {
  const { connectionString, host } = settings;
  const quotas = settings.quotas ?? S1_QUOTAS;
  const time = deps.time ?? realTime;
  let registry: Registry;
  let serviceClient: Client;
  let jobClient: JobClient;

  if (connectionString) {
    let hostName: string | undefined;
    try {
      hostName = ConnectionString.parse(connectionString).HostName;
    } catch {
      hostName = undefined;
    }
    if (!hostName)
      throw new Error(
        'IOTHUB_CONNECTION_STRING is not an IoT Hub connection string: copy it from the hub\'s "Shared access policies" (HostName=...;SharedAccessKeyName=...;SharedAccessKey=...).',
      );
    if (deps.restApiClient) {
      const rest = deps.restApiClient as RestApiClient;
      registry = new Registry({ host: hostName, sharedAccessSignature: 'SharedAccessSignature sr=test' }, rest);
      serviceClient = new Client(inertTransport(), rest);
      jobClient = new JobClient(rest);
    } else {
      registry = Registry.fromConnectionString(connectionString);
      serviceClient = Client.fromConnectionString(connectionString);
      jobClient = JobClient.fromConnectionString(connectionString);
    }
  } else if (host) {
    if (deps.restApiClient) {
      const rest = deps.restApiClient as RestApiClient;
      registry = new Registry({ host, tokenCredential: deps.credential ?? noCredential }, rest);
      serviceClient = new Client(inertTransport(), rest);
      jobClient = new JobClient(rest);
    } else {
      // Loaded only when no credential is given: @azure/identity is heavy to load.
      const credential: TokenCredential = deps.credential ?? new (require('@azure/identity').DefaultAzureCredential)();
      registry = Registry.fromTokenCredential(host, credential);
      serviceClient = Client.fromTokenCredential(host, credential);
      jobClient = JobClient.fromTokenCredential(host, credential);
    }
  } else {
    throw new Error('FLEET_BACKEND=iothub needs IOTHUB_CONNECTION_STRING, or IOTHUB_HOST (e.g. my-hub.azure-devices.net) with an Azure identity.');
  }

  // One retry layer only (ours, with the limiter and injected time): the SDK's own policy would sleep up to 4 min on real timers.
  serviceClient.setRetryPolicy(new NoRetry());
  return new IotHubFleetClient({
    registry,
    serviceClient,
    jobClient,
    limiter: createLimiter(quotas, time),
    time,
    retry: deps.retry,
    resourceId: settings.resourceId,
  });
}

/** Direct methods go over REST; the AMQP transport is only needed for messaging, which the bot does not use. */
function inertTransport(): Client.Transport {
  return new RestOnlyTransport();
}

class RestOnlyTransport extends EventEmitter implements Client.Transport {
  connect(): void {
    refuse('connect');
  }
  disconnect(): void {
    refuse('disconnect');
  }
  send(): void {
    refuse('send');
  }
  getFeedbackReceiver(): void {
    refuse('feedback');
  }
  getFileNotificationReceiver(): void {
    refuse('file notifications');
  }
}

function refuse(name: string): never {
  throw new Error(`${name} is not available on the REST-only IoT Hub client`);
}

const noCredential: TokenCredential = { getToken: async () => null };
