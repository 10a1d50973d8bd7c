import { PodStream, type PodStreamDeps, type PodStreamViewer } from './pod-stream.ts';
import type { PodLogPlan } from './pods.ts';

/** Which pod stream a follow watches: the same pod and container read through the same cluster context. */
export interface PodStreamScope {
  context: string;
  namespace: string;
}

export interface PodStreamJoin {
  stream: PodStream;
  /** The stream was opened for this viewer, from its since; a viewer that joined a running one catches up. */
  opened: boolean;
}

/**
 * The pod log streams of this process, one per pod and container of a cluster context, shared by every
 * follow watching that pod whatever service, channel, filter or since it has: a rollout watched by five
 * people costs one stream per pod, not five.
 */
export class PodStreams {
  readonly #streams = new Map<string, PodStream>();

  /** Streams open now (for tests and metrics). */
  get open(): number {
    return this.#streams.size;
  }

  /** Adds `viewer` to the pod's stream, opening it (with `deps`) when none runs. */
  join(scope: PodStreamScope, plan: PodLogPlan, deps: PodStreamDeps, viewer: PodStreamViewer): PodStreamJoin {
    const key = JSON.stringify([scope.context, scope.namespace, plan.key, plan.container]);
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
}
