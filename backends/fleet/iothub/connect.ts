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

/**
 * Builds the IoT Hub fleet client from the adapter's own variables:
 * IOTHUB_CONNECTION_STRING, or IOTHUB_HOST with an Azure identity; quotas from
 * IOTHUB_TWIN_UPDATES_PER_SEC, IOTHUB_TWIN_READS_PER_SEC, IOTHUB_QUERIES_PER_MIN (S1 defaults).
 */
export function connectIotHub(env: Readonly<Record<string, string | undefined>>, deps: IotHubConnectDeps = {}): IotHubFleetClient {
  const connectionString = env.IOTHUB_CONNECTION_STRING?.trim();
  const host = env.IOTHUB_HOST?.trim();
  const quotas = readQuotas(env);
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
    if (!hostName) throw new Error('IOTHUB_CONNECTION_STRING is not an IoT Hub connection string: copy it from the hub\'s "Shared access policies" (HostName=...;SharedAccessKeyName=...;SharedAccessKey=...).');
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
      // eslint-disable-next-line @typescript-eslint/no-require-imports
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
  return new IotHubFleetClient({ registry, serviceClient, jobClient, limiter: createLimiter(quotas, time), time, retry: deps.retry });
}

export function readQuotas(env: Readonly<Record<string, string | undefined>>): IotHubQuotas {
  const read = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${JSON.stringify(raw)} must be a positive number (your hub tier's quota; S1 is ${fallback}).`);
    return value;
  };
  return {
    twinUpdatesPerSecond: read('IOTHUB_TWIN_UPDATES_PER_SEC', S1_QUOTAS.twinUpdatesPerSecond),
    twinReadsPerSecond: read('IOTHUB_TWIN_READS_PER_SEC', S1_QUOTAS.twinReadsPerSecond),
    queriesPerMinute: read('IOTHUB_QUERIES_PER_MIN', S1_QUOTAS.queriesPerMinute),
  };
}

/** Direct methods go over REST; the AMQP transport is only needed for messaging, which the bot does not use. */
function inertTransport(): Client.Transport {
  const refuse = (name: string) => () => {
    throw new Error(`${name} is not available on the REST-only IoT Hub client`);
  };
  return { connect: refuse('connect'), disconnect: refuse('disconnect'), send: refuse('send'), getFeedbackReceiver: refuse('feedback'), getFileNotificationReceiver: refuse('file notifications') } as unknown as Client.Transport;
}

const noCredential: TokenCredential = { getToken: async () => null };
