import { PodStream, type PodStreamDeps, type PodStreamViewer } from './pod-stream.ts';
import { PodStreamCluster, type PodStreamClusterOptions, type SharedPodStream } from './pod-stream-cluster.ts';
import type { PodLogPlan } from './pods.ts';

/** Which pod stream a follow watches: the same pod and container read through the same cluster context. */
export interface PodStreamScope {
  context: string;
  namespace: string;
}

export interface PodStreamJoin {
  stream: SharedPodStream;
  /**
   * The stream was opened in this process for this viewer, from its since; a viewer that joined a running one,
   * or one shared across replicas, catches up.
   */
  opened: boolean;
}

/**
 * The pod log streams of this process, one per pod and container of a cluster context, shared by every
 * follow watching that pod whatever service, channel, filter or since it has: a rollout watched by five
 * people costs one stream per pod, not five. With a cluster (REDIS_URL), the replicas share each stream too
 * (`pod-stream-cluster.ts`); while Redis cannot be reached, a stream is shared within this process only.
 */
export class PodStreams {
  readonly #streams = new Map<string, PodStream>();
  readonly #cluster: PodStreamCluster | undefined;

  constructor(cluster?: PodStreamClusterOptions) {
    this.#cluster = cluster && new PodStreamCluster(cluster);
  }

  /** Streams this process follows now (for tests and metrics). */
  get open(): number {
    return this.#streams.size + (this.#cluster?.open ?? 0);
  }

  /** Streams this process reads from the API server now. */
  get read(): number {
    return this.#streams.size + (this.#cluster?.owned ?? 0);
  }

  /** Adds `viewer` to the pod's stream, opening it (with `deps`) when none runs. */
  join(scope: PodStreamScope, plan: PodLogPlan, deps: PodStreamDeps, viewer: PodStreamViewer): PodStreamJoin {
    const key = JSON.stringify([scope.context, scope.namespace, plan.key, plan.container]);
    if (this.#cluster) return { stream: this.#cluster.join(key, plan, deps, viewer), opened: false };
    const running = this.#streams.get(key);
    if (running && !running.over) {
      running.update(plan);
      running.add(viewer);
      return { stream: running, opened: false };
    }
    const stream = new PodStream(plan, deps, () => {
      if (this.#streams.get(key) === stream) this.#streams.delete(key);
    });
    this.#streams.set(key, stream);
    stream.add(viewer);
    return { stream, opened: true };
  }

  /** Closes the streams this replica reads and gives their leases up (shutdown). */
  async stop(): Promise<void> {
    await this.#cluster?.stop();
  }
}
