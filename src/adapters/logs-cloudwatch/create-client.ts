import { CloudWatchLogsClient, type CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';

export interface CloudWatchClientOptions {
  /** Default: the SDK's own resolution (`AWS_REGION`, then the shared config file's profile). */
  region?: string | undefined;
  /** An endpoint override such as the sandbox emulator's URL; default: the region's CloudWatch Logs endpoint. */
  endpoint?: string | undefined;
  /** Default: the SDK's credential chain (environment, SSO, shared files, container or instance role). */
  credentials?: CloudWatchLogsClientConfig['credentials'];
  /**
   * Attempts per call in the SDK's standard retry mode, which already retries ThrottlingException and 5xx with
   * its own backoff before CloudWatchLogSource's longer backoff takes over; default 3, as the SDK's.
   */
  maxAttempts?: number | undefined;
  /** Cap on one HTTP exchange, so a stalled connection cannot stall a follow; default 15 s. */
  requestTimeoutMs?: number | undefined;
}

/** A CloudWatch Logs client for CloudWatchLogSource; the caller owns it (and `destroy()`s it on shutdown). */
export function createCloudWatchClient(options: CloudWatchClientOptions = {}): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    ...(options.region ? { region: options.region } : {}),
    // Live Tail is served on a `stream-` host prefix of the regional endpoint; an endpoint given here (a proxy,
    // the sandbox) is used as it is.
    ...(options.endpoint ? { endpoint: options.endpoint, disableHostPrefix: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: 'standard',
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 15_000, connectionTimeout: 5_000 },
  });
}
