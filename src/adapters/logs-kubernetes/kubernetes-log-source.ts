import { UserError } from '../../core/errors.ts';
import type { Target } from '../../ports/backends.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LogEvent, LogQuery, LogSnapshot, LogSource } from '../../ports/logs.ts';
import { KubernetesApiError } from '../kubernetes/api-error.ts';
import type { ClusterClients } from '../kubernetes/cluster-clients.ts';
import { follow } from './follow.ts';
import { openPodLog } from './log-request.ts';
import { isTransientStatus, podLogFailure } from './pod-log-failure.ts';
import { PodStreams } from './pod-streams.ts';
import { type PodScope, podPlans } from './pods.ts';
import { snapshot } from './snapshot.ts';

export interface KubernetesLogSourceOptions {
  /** The process's clients per context; their request timeout also caps the wait for a log stream to answer. */
  clients: ClusterClients;
  namespace: string;
  /** Label selector of the service's pods, e.g. `app=api`. */
  selector: string;
  /** The container to read; default the pod's only (or first) container. `--container` overrides it. */
  container?: string | undefined;
  /**
   * The process's pod log streams, so follows of the same pods through any source share them; default
   * streams of this source's own.
   */
  streams?: PodStreams | undefined;
  /** How often a follow looks for new and gone pods; default 5 s. */
  pollMs?: number | undefined;
  /** How far back a snapshot reads, and the pacing of a follow's polls and retries. */
  clock: Clock;
  log: Logger;
}

// With exponential backoff from pollMs, a minute or two of failures before a follow gives up.
const MAX_FAILURES = 6;

/** Pod logs of one service's pods (all that match the selector, or one `--pod`). */
export class KubernetesLogSource implements LogSource {
  readonly #options: KubernetesLogSourceOptions;
  readonly #clients: ClusterClients;
  readonly #timeoutMs: number;
  readonly #streams: PodStreams;

  constructor(options: KubernetesLogSourceOptions) {
    this.#options = options;
    this.#streams = options.streams ?? new PodStreams();
    this.#clients = options.clients;
    this.#timeoutMs = options.clients.requestTimeoutMs;
  }

  describe(target: Target): string {
    return `pods ${this.#options.selector} in ${this.#options.namespace} (${target.env})`;
  }

  async snapshot(query: LogQuery, limit: number): Promise<LogSnapshot> {
    const client = this.#clients.for(query.target.env);
    const plans = await podPlans(client, this.#scope(query));
    if (plans.length === 0) {
      throw new UserError(
        `No started pods match ${this.#options.selector} in namespace ${this.#options.namespace} ` +
          `(${query.target.env}).`,
      );
    }
    return snapshot({
      kc: client.kubeconfig,
      context: client.context,
      namespace: this.#options.namespace,
      plans,
      since: query.since.getTime(),
      grep: query.grep || undefined,
      limit,
      requestTimeoutMs: this.#timeoutMs,
      clock: this.#options.clock,
    });
  }

  async follow(query: LogQuery, signal: AbortSignal, deliver: (events: LogEvent[]) => void): Promise<void> {
    const client = this.#clients.for(query.target.env);
    const kc = client.kubeconfig;
    const scope = this.#scope(query);
    const namespace = this.#options.namespace;
    await follow({
      plans: () => podPlans(client, scope),
      streams: this.#streams,
      scope: { context: client.context, namespace },
      open: (plan, params, stop) => openPodLog(kc, { namespace, pod: plan.pod, params }, stop, this.#timeoutMs),
      isTransient: (error) => error instanceof KubernetesApiError && isTransientStatus(error.status),
      streamFailure: (error, plan) => podLogFailure(error, client.context, plan, this.#timeoutMs),
      since: query.since.getTime(),
      grep: query.grep || undefined,
      pollMs: this.#options.pollMs ?? 5_000,
      maxFailures: MAX_FAILURES,
      clock: this.#options.clock,
      signal,
      deliver,
      log: this.#options.log.child({
        source: 'kubernetes',
        selector: this.#options.selector,
        namespace,
        env: query.target.env,
      }),
    });
  }

  #scope(query: LogQuery): PodScope {
    return {
      namespace: this.#options.namespace,
      selector: this.#options.selector,
      pod: query.pod,
      container: query.container ?? this.#options.container,
    };
  }
}
