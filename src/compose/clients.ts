import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Octokit } from '@octokit/rest';
import type { ArgoCdClient } from '../adapters/gitops/index.ts';
import type { ClusterClients } from '../adapters/kubernetes/index.ts';
import type { FilterAdmission, LiveTailHub, SamplingTiming } from '../adapters/logs-cloudwatch/index.ts';
import type { PodStreams } from '../adapters/logs-kubernetes/index.ts';
import { SharedLimits } from '../adapters/rate-limits/index.ts';
import type { OpsdeckConfig } from '../config/schema.ts';
import { UserError } from '../core/errors.ts';
import type { Settings } from '../config/settings.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { LeaseStore } from '../ports/store.ts';
import { type BackendModules, needed } from './backend-modules.ts';

/** Timeouts and back-off of the SDK clients; production defaults, shortened by tests. */
export interface ClientTuning {
  /** Cap on each GitHub and Kubernetes API request (default 10 s). */
  requestTimeoutMs?: number;
  /** GitHub plugins' retry base (ms); small in tests. */
  retryAfterBaseValue?: number;
  /** Static AWS credentials (the sandbox's emulator); production uses the SDK's default chain. */
  awsCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** How the share a sampled Live Tail session shows is measured (default SAMPLING_TIMING); short in tests. */
  liveTailSampling?: SamplingTiming;
}

/**
 * The SDK client of each backend, made on first use and then shared by everything that talks to it:
 * deployers, scalers, log sources, the runbook source and the start-up check. One client keeps one
 * connection pool, one rate-limit queue (GitHub) and one credential cache per backend.
 */
export interface BackendClients {
  /** KUBECONFIG, ~/.kube/config or the in-cluster service account, unless compose was given YAML. */
  kubeconfig(): KubeConfig;
  /** One set of API clients per cluster context. */
  kubernetes(): ClusterClients;
  /** One Octokit for GITHUB_TOKEN (and GITHUB_API_URL). */
  github(): Octokit;
  /** The Argo CD API at ARGOCD_SERVER with ARGOCD_AUTH_TOKEN; throws naming the variable that is not set. */
  argocd(): ArgoCdClient;
  cloudwatch(): CloudWatchLogsClient;
  /** The FilterLogEvents quota of the CloudWatch client's account and region, shared by every log source. */
  cloudwatchFilterLimit(): FilterAdmission;
  /** The CloudWatch client's Live Tail sessions, each shared by every follow of its group, filter and environment. */
  cloudwatchLiveTail(): LiveTailHub;
  /** The pod log streams, each shared by every follow of its pod and container. */
  podLogStreams(): PodStreams;
  /** Closes what must not outlive the bot: the Live Tail sessions this replica owns, and their leases. */
  stop(): Promise<void>;
}

/** What shares Live Tail sessions with the other replicas: the store's leases and Redis (`REDIS_URL`). */
export interface LiveTailSharing {
  leases: LeaseStore;
  /** This process, as the holder of leases. */
  holder: string;
  clock: Clock;
  /** How long an owner's leases last unless renewed. */
  leaseMs: number;
  /** Prefix of the Redis keys and channels (the rate limits' prefix): replicas of one bot share it. */
  prefix: string;
}

/** Names the Argo CD variables that are not set, for the driver's refusal and the start-up check. */
export function missingArgoCd(settings: Pick<Settings, 'argocd'>): string {
  const missing = [
    ...(settings.argocd.server ? [] : ['ARGOCD_SERVER']),
    ...(settings.argocd.token ? [] : ['ARGOCD_AUTH_TOKEN']),
  ];
  return (
    `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set: GitOps deploys with watch: argocd ` +
    'cannot follow Argo CD. Set the server URL and an API token with get and sync on the applications.'
  );
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/**
 * The clients of the backends in `modules` (loadBackendModules: those the config uses). Asking for the
 * client of a backend the config does not use throws, naming the config section it needs.
 */
export function backendClients(options: {
  config: OpsdeckConfig;
  modules: BackendModules;
  settings: Settings;
  log: Logger;
  /** Kubeconfig YAML; default: KUBECONFIG, ~/.kube/config or in-cluster. */
  kubeconfigYaml?: string | undefined;
  tuning?: ClientTuning | undefined;
  /** Rate limits shared with the other replicas; default: this process's own. */
  limits?: SharedLimits | undefined;
  /** With REDIS_URL set, Live Tail sessions, their cap and pod log streams are shared with the other replicas. */
  liveTailSharing?: LiveTailSharing | undefined;
  /** Times the measurements of sampled Live Tail sessions; default the system's. */
  clock?: Clock | undefined;
}): BackendClients {
  const { config, settings, tuning = {}, modules } = options;
  const limits = options.limits ?? new SharedLimits({ log: options.log });
  const k8s = () => needed(modules.kubernetes, 'Kubernetes', 'add a kubernetes section to a service or environment');
  const gh = () => needed(modules.github, 'GitHub', 'add a github section to a service');
  const gitops = () => needed(modules.gitops, 'GitOps', 'deploy a service with via: gitops');
  const cw = () => needed(modules.cloudwatch, 'CloudWatch Logs', 'add logs.cloudwatch to a service');
  const redis = (url: string) => needed(modules.redis, 'Redis', 'set REDIS_URL').openUpstreamRedis(url);
  const kubeconfig = once(() => {
    const kc = new (k8s().KubeConfig)();
    try {
      if (options.kubeconfigYaml) kc.loadFromString(options.kubeconfigYaml);
      else kc.loadFromDefault();
    } catch (err) {
      // The client's own message names neither the file nor the setting (a YAML error says only its line).
      const why = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      const files = settings.kubeconfig;
      const where = options.kubeconfigYaml
        ? 'the kubeconfig opsdeck was given'
        : files
          ? `the kubeconfig in KUBECONFIG (${files})`
          : "~/.kube/config or the pod's service account (KUBECONFIG is not set)";
      throw new Error(`${where} cannot be loaded: ${why}; fix it, or point KUBECONFIG at a valid kubeconfig`, {
        cause: err,
      });
    }
    return kc;
  });
  const contexts = Object.fromEntries(
    Object.entries(config.environments).map(([env, e]) => [env, e.kubernetes?.context]),
  );
  const cloudwatch = once(() =>
    cw().createCloudWatchClient({
      region: settings.aws.region,
      endpoint: settings.aws.cloudwatchLogsEndpoint,
      credentials: tuning.awsCredentials,
    }),
  );
  const cloudwatchFilterLimit = once(() =>
    cw().filterLogEventsLimit(cloudwatch(), limits, config.logs?.cloudwatch?.filterLogEventsTps ?? 5),
  );
  let liveTailMade = false;
  const cloudwatchLiveTail = once(() => {
    liveTailMade = true;
    const sharing = options.liveTailSharing;
    return new (cw().LiveTailHub)({
      client: cloudwatch(),
      maxSessions: config.logs?.cloudwatch?.liveTailSessions ?? 10,
      log: options.log.child({ component: 'live-tail' }),
      sampling: {
        admit: cloudwatchFilterLimit(),
        clock: options.clock ?? systemClock,
        timing: tuning.liveTailSampling ?? cw().SAMPLING_TIMING,
      },
      cluster:
        sharing && settings.redisUrl
          ? { ...sharing, redis: redis(settings.redisUrl), capScope: settings.aws.region ?? 'default' }
          : undefined,
    });
  });
  let podLogStreamsMade = false;
  // With REDIS_URL, one replica reads each pod's log stream and shares it with the others, as Live Tail.
  const podLogStreams = once(() => {
    podLogStreamsMade = true;
    const sharing = options.liveTailSharing;
    return new (k8s().PodStreams)(
      sharing && settings.redisUrl
        ? {
            ...sharing,
            redis: redis(settings.redisUrl),
            log: options.log.child({ component: 'pod-streams' }),
          }
        : undefined,
    );
  });
  return {
    kubeconfig,
    kubernetes: once(
      () =>
        new (k8s().ClusterClients)({ kubeconfig: kubeconfig(), contexts, requestTimeoutMs: tuning.requestTimeoutMs }),
    ),
    github: once(() =>
      gh().createOctokit({
        baseUrl: settings.github.apiUrl,
        token: settings.github.token,
        log: options.log.child({ component: 'github' }),
        requestTimeoutMs: tuning.requestTimeoutMs,
        retryAfterBaseValue: tuning.retryAfterBaseValue,
        limits,
      }),
    ),
    argocd: once(() => {
      const { server, token } = settings.argocd;
      if (!server || !token) throw new UserError(missingArgoCd(settings));
      return new (gitops().ArgoCdClient)({ server, token, requestTimeoutMs: tuning.requestTimeoutMs });
    }),
    cloudwatch,
    cloudwatchFilterLimit,
    cloudwatchLiveTail,
    podLogStreams,
    stop: async () => {
      if (liveTailMade) await cloudwatchLiveTail().stop();
      if (podLogStreamsMade) await podLogStreams().stop();
    },
  };
}
