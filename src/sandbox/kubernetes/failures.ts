import type { Container } from './types.ts';

/** Which rollouts are made to fail: by image pattern, or the next rollout of a named Deployment. */
export class FailureRules {
  readonly #imagePatterns: RegExp[] = [];
  readonly #nextRollouts = new Set<string>();
  readonly #failingReplicaSets = new Set<string>();

  /** `pattern` is a RegExp, or a string matched against the whole image with `*` as a wildcard. */
  failImage(pattern: string | RegExp): void {
    this.#imagePatterns.push(typeof pattern === 'string' ? globToRegExp(pattern) : pattern);
  }

  failNextRollout(namespace: string, name: string): void {
    this.#nextRollouts.add(`${namespace}/${name}`);
  }

  /** Called when a Deployment switches to a new ReplicaSet: consumes a pending failNextRollout. */
  claimRollout(namespace: string, name: string, replicaSetUid: string): void {
    if (this.#nextRollouts.delete(`${namespace}/${name}`)) this.#failingReplicaSets.add(replicaSetUid);
  }

  /** The image that cannot be pulled for a pod of this ReplicaSet, if any. */
  brokenImage(replicaSetUid: string | undefined, containers: Container[]): string | undefined {
    const failing = replicaSetUid !== undefined && this.#failingReplicaSets.has(replicaSetUid);
    return containers.find((c) => failing || this.#imagePatterns.some((p) => p.test(c.image)))?.image;
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
