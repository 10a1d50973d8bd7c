import type { V1Pod } from '@kubernetes/client-node';

/** Waiting reasons every starting pod passes through: not problems, just not there yet. */
const STARTING = new Set(['ContainerCreating', 'PodInitializing']);

interface Problem {
  /** What groups pods, e.g. `ImagePullBackOff (ghcr.io/acme/api:v9)`. */
  key: string;
  restarts: number;
}

/**
 * What is wrong with the pods of a rollout, the way on-call would say it after `kubectl describe pod`:
 * `1 pod not ready: ImagePullBackOff (ghcr.io/acme/api:v9)`, `2 pods not ready: CrashLoopBackOff (api, 4
 * restarts)`, `1 pod not ready: Pending: 0/3 nodes are available: 3 Insufficient cpu`. Pods that are ready,
 * going away, or merely starting are left out; undefined when that leaves none.
 */
export function summarisePodProblems(pods: readonly V1Pod[]): string | undefined {
  const groups = new Map<string, { pods: number; restarts: number }>();
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp || isReady(pod)) continue;
    const problem = problemOf(pod);
    if (!problem) continue;
    const group = groups.get(problem.key) ?? { pods: 0, restarts: 0 };
    group.pods += 1;
    group.restarts = Math.max(group.restarts, problem.restarts);
    groups.set(problem.key, group);
  }
  if (groups.size === 0) return undefined;
  const total = [...groups.values()].reduce((n, g) => n + g.pods, 0);
  const ranked = [...groups].sort((a, b) => b[1].pods - a[1].pods);
  const text = ranked
    .map(([key, g]) => `${ranked.length > 1 ? `${g.pods} × ` : ''}${withRestarts(key, g.restarts)}`)
    .join('; ');
  return `${total} ${total === 1 ? 'pod' : 'pods'} not ready: ${text}`;
}

/**
 * Why pods are not ready when a rollout has failed: the problems above, else each not-ready pod's waiting
 * reason or phase (a pod still `ContainerCreating` at the deadline is worth naming then).
 */
export function summariseNotReady(pods: readonly V1Pod[]): string | undefined {
  const problems = summarisePodProblems(pods);
  if (problems) return problems;
  const notReady = pods.filter((p) => !p.metadata?.deletionTimestamp && !isReady(p));
  if (notReady.length === 0) return undefined;
  const reasons = new Map<string, number>();
  for (const pod of notReady) {
    const reason = waitingReasons(pod)[0]?.reason ?? pod.status?.phase ?? 'Unknown';
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const ranked = [...reasons].sort((a, b) => b[1] - a[1]);
  const text = ranked.length === 1 ? ranked[0]?.[0] : ranked.map(([reason, n]) => `${reason} (${n})`).join(', ');
  return `${notReady.length} ${notReady.length === 1 ? 'pod' : 'pods'} not ready: ${text}`;
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function problemOf(pod: V1Pod): Problem | undefined {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    // The scheduler appends what preemption could not do either; the first part is the reason.
    const why = (scheduled.message ?? scheduled.reason ?? 'not scheduled').split(' preemption:')[0]?.trim();
    return { key: `Pending: ${why?.replace(/\.$/, '')}`, restarts: 0 };
  }
  const waiting = waitingReasons(pod).find((w) => !STARTING.has(w.reason));
  if (waiting) {
    const detail = /Image/.test(waiting.reason) ? waiting.image : waiting.container;
    return { key: detail ? `${waiting.reason} (${detail})` : waiting.reason, restarts: waiting.restarts };
  }
  const terminated = containerStatuses(pod).find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0);
  if (terminated) {
    const reason = terminated.state?.terminated?.reason ?? 'Error';
    return { key: `${reason} (${terminated.name}, exit code ${terminated.state?.terminated?.exitCode})`, restarts: 0 };
  }
  return undefined;
}

function containerStatuses(pod: V1Pod) {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

function waitingReasons(pod: V1Pod) {
  return containerStatuses(pod).flatMap((c) => {
    const reason = c.state?.waiting?.reason;
    return reason ? [{ reason, container: c.name, image: c.image, restarts: c.restartCount ?? 0 }] : [];
  });
}

function withRestarts(key: string, restarts: number): string {
  if (restarts === 0) return key;
  const count = `${restarts} ${restarts === 1 ? 'restart' : 'restarts'}`;
  return key.endsWith(')') ? `${key.slice(0, -1)}, ${count})` : `${key} (${count})`;
}
