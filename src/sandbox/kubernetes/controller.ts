import { syncDeployment, type DeploymentSyncContext } from './deployment-sync.ts';
import type { FailureRules } from './failures.ts';
import { reconcileHpa } from './hpa.ts';
import type { LogLineGenerator } from './log-lines.ts';
import type { PodLogs } from './pod-logs.ts';
import { crashLoop, failPull, isReady, runPod, unschedulable } from './pods.ts';
import { syncReplicaSet } from './replica-set-sync.ts';
import type { ObjectStore } from './store.ts';
import type { Deployment, HorizontalPodAutoscaler, Pod, ReplicaSet } from './types.ts';

export interface ControllerOptions {
  tickMs: number;
  /** How long a new pod takes to become Ready, in ms. */
  podReadyMs: number;
  /** Multiplies emulated durations (progressDeadlineSeconds): 0.002 turns 600 s into 1.2 s. */
  timeScale: number;
  logLinesPerSecond: number;
  logLine: LogLineGenerator;
  now: () => number;
}

interface LogCursor {
  next: number;
  seq: number;
}

/** The control plane: HPA, kubelet, ReplicaSet and Deployment controllers, run in that order on every tick. */
export class Controller {
  readonly #store: ObjectStore;
  readonly #logs: PodLogs;
  readonly #failures: FailureRules;
  readonly #options: ControllerOptions;
  readonly #podBirth = new Map<string, number>();
  readonly #logCursors = new Map<string, LogCursor>();
  readonly #lastProgress = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(store: ObjectStore, logs: PodLogs, failures: FailureRules, options: ControllerOptions) {
    this.#store = store;
    this.#logs = logs;
    this.#failures = failures;
    this.#options = options;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.tick(), this.#options.tickMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A pod that has been running and logging since `since` (ms), e.g. one the seed created. */
  adoptRunningPod(pod: Pod, since: number): void {
    const uid = pod.metadata.uid ?? '';
    this.#podBirth.set(uid, since);
    this.#logCursors.set(uid, { next: since, seq: 0 });
  }

  tick(): void {
    const now = this.#options.now();
    const store = this.#store;
    for (const hpa of store.list<HorizontalPodAutoscaler>('horizontalpodautoscalers')) reconcileHpa(store, hpa, now);
    for (const pod of store.list<Pod>('pods')) this.#advancePod(pod, now);
    for (const rs of store.list<ReplicaSet>('replicasets')) {
      syncReplicaSet(store, rs, now, (pod) => this.#podBirth.set(pod.metadata.uid ?? '', now));
    }
    const ctx: DeploymentSyncContext = {
      store,
      failures: this.#failures,
      now,
      timeScale: this.#options.timeScale,
      lastProgress: this.#lastProgress,
    };
    for (const d of store.list<Deployment>('deployments')) syncDeployment(ctx, d);
    const pods = store.list<Pod>('pods');
    for (const pod of pods) this.#writeLogs(pod, now);
    const deployments = store.list('deployments').map((d) => d.metadata.uid);
    this.#forgetGone(new Set(pods.map((p) => p.metadata.uid)), new Set(deployments));
  }

  /**
   * What the scheduler and kubelet would do: start containers after podReadyMs, or fail the way the pod's failure
   * rule says (a pull that backs off after podReadyMs, a crash and restart every podReadyMs, no node).
   */
  #advancePod(pod: Pod, now: number): void {
    if (isReady(pod)) return;
    const uid = pod.metadata.uid ?? '';
    const born = this.#podBirth.get(uid) ?? now;
    this.#podBirth.set(uid, born);
    const age = now - born;
    const readyMs = this.#options.podReadyMs;
    const failure = this.#failures.failureOf(pod.metadata.ownerReferences?.[0]?.uid, pod.spec.containers);
    if (failure?.how === 'unschedulable') {
      if (pod.spec.nodeName !== undefined) this.#store.update('pods', unschedulable(pod, now));
      return;
    }
    if (failure?.how === 'image-pull') {
      this.#updateIfChanged(pod, failPull(pod, failure.image, age >= readyMs));
      return;
    }
    if (age < readyMs) return;
    if (failure?.how === 'crash-loop') {
      this.#updateIfChanged(pod, crashLoop(pod, failure.image, Math.floor(age / readyMs), now));
      return;
    }
    this.#store.update('pods', runPod(pod, now));
    this.#logCursors.set(uid, { next: now, seq: 0 });
  }

  // A pod written again with the same status would bump its resourceVersion and wake every watch for nothing.
  #updateIfChanged(pod: Pod, next: Pod): void {
    const same = (p: Pod) => JSON.stringify(p.status.containerStatuses?.map((c) => [c.state.waiting, c.restartCount]));
    if (same(pod) !== same(next) || pod.status.phase !== next.status.phase) this.#store.update('pods', next);
  }

  #writeLogs(pod: Pod, now: number): void {
    const cursor = this.#logCursors.get(pod.metadata.uid ?? '');
    const rate = this.#options.logLinesPerSecond;
    if (!cursor || rate <= 0 || !isReady(pod)) return;
    const namespace = pod.metadata.namespace ?? 'default';
    for (; cursor.next <= now; cursor.next += 1000 / rate, cursor.seq += 1) {
      for (const container of pod.spec.containers) {
        const text = this.#options.logLine({
          namespace,
          pod: pod.metadata.name,
          container: container.name,
          image: container.image,
          seq: cursor.seq,
          at: new Date(cursor.next),
        });
        this.#logs.append(namespace, pod.metadata.name, container.name, { at: cursor.next, text });
      }
    }
  }

  #forgetGone(pods: Set<string | undefined>, deployments: Set<string | undefined>): void {
    for (const uid of this.#podBirth.keys()) if (!pods.has(uid)) this.#podBirth.delete(uid);
    for (const uid of this.#logCursors.keys()) if (!pods.has(uid)) this.#logCursors.delete(uid);
    for (const uid of this.#lastProgress.keys()) if (!deployments.has(uid)) this.#lastProgress.delete(uid);
  }
}
