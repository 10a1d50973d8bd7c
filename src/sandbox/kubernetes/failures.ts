import type { Container } from './types.ts';

/**
 * How a failing rollout's pods fail, each the way the kubelet or scheduler reports it: an image that cannot be
 * pulled (ErrImagePull, then ImagePullBackOff), a container that exits at start (CrashLoopBackOff, restarts
 * counted), or a pod no node has room for (Pending, PodScheduled False with the scheduler's reason).
 */
export type PodFailure = 'image-pull' | 'crash-loop' | 'unschedulable';

export const POD_FAILURES: readonly PodFailure[] = ['image-pull', 'crash-loop', 'unschedulable'];

/** Which rollouts are made to fail: by image pattern, or the next rollout of a named Deployment. */
export class FailureRules {
  readonly #imagePatterns: { pattern: RegExp; how: PodFailure }[] = [];
  readonly #nextRollouts = new Map<string, PodFailure>();
  readonly #failingReplicaSets = new Map<string, PodFailure>();

  /** `pattern` is a RegExp, or a string matched against the whole image with `*` as a wildcard. */
  failImage(pattern: string | RegExp, how: PodFailure = 'image-pull'): void {
    this.#imagePatterns.push({ pattern: typeof pattern === 'string' ? globToRegExp(pattern) : pattern, how });
  }

  failNextRollout(namespace: string, name: string, how: PodFailure = 'image-pull'): void {
    this.#nextRollouts.set(`${namespace}/${name}`, how);
  }

  /** Called when a Deployment switches to a new ReplicaSet: consumes a pending failNextRollout. */
  claimRollout(namespace: string, name: string, replicaSetUid: string): void {
    const key = `${namespace}/${name}`;
    const how = this.#nextRollouts.get(key);
    if (how === undefined) return;
    this.#nextRollouts.delete(key);
    this.#failingReplicaSets.set(replicaSetUid, how);
  }

  /** How a pod of this ReplicaSet fails, and the container it fails on; undefined when it starts. */
  failureOf(
    replicaSetUid: string | undefined,
    containers: Container[],
  ): { how: PodFailure; image: string } | undefined {
    const forRollout = replicaSetUid === undefined ? undefined : this.#failingReplicaSets.get(replicaSetUid);
    for (const c of containers) {
      const how = forRollout ?? this.#imagePatterns.find((p) => p.pattern.test(c.image))?.how;
      if (how) return { how, image: c.image };
    }
    return undefined;
  }

  clear(): void {
    this.#imagePatterns.length = 0;
    this.#nextRollouts.clear();
    this.#failingReplicaSets.clear();
  }
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`);
}
