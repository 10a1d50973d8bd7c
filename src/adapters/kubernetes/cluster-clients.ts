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
} from '@kubernetes/client-node';
import { UserError } from '../../core/errors.ts';
import { describeApiFailure, KubernetesApiError } from './api-error.ts';

/** The API clients for one environment's context, and the one way to call them. */
export interface ClusterClient {
  readonly env: string;
  readonly context: string;
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
  readonly autoscaling: AutoscalingV2Api;
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

/** One set of clients per environment, made on first use from a copy of the kubeconfig switched to its context. */
export class ClusterClients {
  readonly #kubeconfig: KubeConfig;
  readonly #contexts: Record<string, string | undefined>;
  readonly #timeoutMs: number;
  readonly #clients = new Map<string, ClusterClient>();

  constructor(kubeconfig: KubeConfig, contexts: Record<string, string | undefined>, timeoutMs: number) {
    this.#kubeconfig = kubeconfig;
    this.#contexts = contexts;
    this.#timeoutMs = timeoutMs;
  }

  for(env: string): ClusterClient {
    const existing = this.#clients.get(env);
    if (existing) return existing;
    const client = this.#create(env);
    this.#clients.set(env, client);
    return client;
  }

  #create(env: string): ClusterClient {
    if (!Object.hasOwn(this.#contexts, env)) {
      const known = Object.keys(this.#contexts).join(', ') || 'none';
      throw new UserError(`no Kubernetes context is configured for environment "${env}"; configured: ${known}`);
    }
    const base = this.#kubeconfig;
    const context = this.#contexts[env] ?? base.getCurrentContext();
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
    const timeoutMs = this.#timeoutMs;
    return {
      env,
      context,
      apps: kc.makeApiClient(AppsV1Api),
      core: kc.makeApiClient(CoreV1Api),
      autoscaling: kc.makeApiClient(AutoscalingV2Api),
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
