import {
  AppsV1Api,
  AutoscalingV2Api,
  type ConfigurationOptions,
  CoreV1Api,
  KubeConfig,
  Observable,
  type ObservableMiddleware,
  type PatchStrategy,
  setHeaderOptions,
  VersionApi,
} from '@kubernetes/client-node';
import { UserError } from '../../core/errors.ts';
import { describeApiFailure, KubernetesApiError } from './api-error.ts';

/** The API clients for one context, and the one way to call them. */
export interface ClusterClient {
  readonly context: string;
  /** The kubeconfig switched to this context, for the APIs that take one (pod log streams); its agent is reused. */
  readonly kubeconfig: KubeConfig;
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
  readonly autoscaling: AutoscalingV2Api;
  readonly version: VersionApi;
  /**
   * Runs one request under the request timeout. `what` says what it was for ("read deployment ns/api"); a
   * failure becomes a KubernetesApiError naming it and the context.
   */
  call<T>(
    what: string,
    request: (options: ConfigurationOptions) => Promise<T>,
    contentType?: PatchStrategy,
  ): Promise<T>;
}

export interface ClusterClientsOptions {
  /** Loaded by the caller (`loadFromDefault` or `loadFromString`). */
  kubeconfig: KubeConfig;
  /** Kubernetes context per environment; undefined means the kubeconfig's current context. */
  contexts: Record<string, string | undefined>;
  /** Cap on each API request, and on the wait for a log stream to answer; default 10 s. */
  requestTimeoutMs?: number | undefined;
}

/**
 * The API clients of every context, each set made on first use from a copy of the kubeconfig switched to
 * it. One instance serves the whole process (deployers, scalers, log sources, the start-up check), so each
 * context has one set of clients and one connection pool.
 */
export class ClusterClients {
  readonly requestTimeoutMs: number;
  readonly #kubeconfig: KubeConfig;
  readonly #contexts: Record<string, string | undefined>;
  readonly #clients = new Map<string, ClusterClient>();

  constructor(options: ClusterClientsOptions) {
    this.#kubeconfig = options.kubeconfig;
    this.#contexts = options.contexts;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /** The clients of the environment's context. */
  for(env: string): ClusterClient {
    const context = this.#contextOf(env);
    const existing = this.#clients.get(context);
    if (existing) return existing;
    const client = this.#create(env, context);
    this.#clients.set(context, client);
    return client;
  }

  #contextOf(env: string): string {
    if (!Object.hasOwn(this.#contexts, env)) {
      const known = Object.keys(this.#contexts).join(', ') || 'none';
      throw new UserError(`no Kubernetes context is configured for environment "${env}"; configured: ${known}`);
    }
    return this.#contexts[env] ?? this.#kubeconfig.getCurrentContext();
  }

  #create(env: string, context: string): ClusterClient {
    const base = this.#kubeconfig;
    if (!base.getContextObject(context)) {
      const known =
        base
          .getContexts()
          .map((c) => c.name)
          .join(', ') || 'none';
      throw new Error(
        `Kubernetes context "${context}" (environment ${env}) is not in the kubeconfig; it has: ${known}`,
      );
    }
    const kc = new KubeConfig();
    const { clusters, users, contexts } = base;
    kc.loadFromOptions({ clusters, users, contexts, currentContext: context });
    const timeoutMs = this.requestTimeoutMs;
    return {
      context,
      kubeconfig: kc,
      apps: kc.makeApiClient(AppsV1Api),
      core: kc.makeApiClient(CoreV1Api),
      autoscaling: kc.makeApiClient(AutoscalingV2Api),
      version: kc.makeApiClient(VersionApi),
      async call(what, request, contentType) {
        const signal = AbortSignal.timeout(timeoutMs);
        const timed: ConfigurationOptions = {
          middleware: [signalMiddleware(signal)],
          middlewareMergeStrategy: 'append',
        };
        const options = contentType ? setHeaderOptions('Content-Type', contentType, timed) : timed;
        try {
          return await abortable(request(options), signal);
        } catch (error) {
          const { detail, status } = describeApiFailure(error, timeoutMs);
          throw new KubernetesApiError(`Kubernetes context "${context}": could not ${what}: ${detail}`, status, error);
        }
      },
    };
  }
}

/** Gives the request the call's abort signal, so a timeout also cancels the HTTP exchange. */
function signalMiddleware(signal: AbortSignal): ObservableMiddleware {
  return {
    pre: (request) => {
      request.setSignal(signal);
      return new Observable(Promise.resolve(request));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
}

/** Rejects once `signal` aborts, even if the request is stuck before sending (e.g. in an exec credential plugin). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
