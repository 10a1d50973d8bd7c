import { PatchStrategy, type V1Deployment } from '@kubernetes/client-node';
import { UserError } from '../../core/errors.ts';
import type { DeployOutcome, Progress, ScaleStatus, Scaler, Target } from '../../ports/backends.ts';
import { type DriverContext, driverContext } from './driver-context.ts';
import { type DeploymentHandle, readDeployment } from './deployment-handle.ts';
import { findAutoscaler } from './autoscaler.ts';
import type { KubernetesDriverOptions } from './options.ts';
import { pollUntilSettled } from './poll.ts';
import { formatWait } from './wait-text.ts';

/** Scales a Deployment through its scale subresource, like `kubectl scale`, and waits for the pods. */
export class KubernetesScaler implements Scaler {
  readonly #ctx: DriverContext;

  constructor(options: KubernetesDriverOptions) {
    this.#ctx = driverContext(options);
  }

  async status(target: Target): Promise<ScaleStatus> {
    const h = this.#ctx.handle(target);
    const [replicas, d, autoscaler] = await Promise.all([this.#desired(h), readDeployment(h), findAutoscaler(h)]);
    return { replicas, ready: d.status?.readyReplicas ?? 0, autoscaler };
  }

  async scale(target: Target, replicas: number, progress: Progress): Promise<DeployOutcome> {
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new UserError(`replicas must be a whole number of 0 or more, not ${replicas}`);
    }
    const h = this.#ctx.handle(target);
    const before = await this.#desired(h);
    const where = `${target.service} in ${target.env}`;
    this.#ctx.log.info({ context: h.client.context, from: before, to: replicas }, 'scaling');
    await h.client.call(
      `scale deployment ${h.namespace}/${h.name}`,
      (o) =>
        h.client.apps.patchNamespacedDeploymentScale(
          { namespace: h.namespace, name: h.name, body: { spec: { replicas } } },
          o,
        ),
      PatchStrategy.MergePatch,
    );
    const result = await pollUntilSettled({
      read: () => readDeployment(h),
      judge: (d) => ({
        // Someone else (usually an HPA) set a different count: waiting for ours would never end.
        state: d.spec?.replicas !== replicas ? 'failed' : settled(d, replicas) ? 'done' : 'waiting',
        line: `Scaling ${where} ${before} → ${replicas}: ${ready(d)}/${replicas} ready`,
      }),
      progress,
      clock: this.#ctx.timing.clock,
      pollMs: this.#ctx.timing.pollMs,
      timeoutMs: this.#ctx.timing.rolloutTimeoutMs,
      log: this.#ctx.log,
    });
    const d = result.value;
    const summary = `${where} scaled ${before} → ${replicas}`;
    if (result.state === 'done') return { ok: true, summary: `${summary} (${ready(d)}/${replicas} ready).` };
    if (result.state === 'failed') {
      const hpa = await findAutoscaler(h).catch(() => undefined);
      const by = hpa ? `the HorizontalPodAutoscaler ${hpa.name} (min ${hpa.min}, max ${hpa.max})` : 'something else';
      return { ok: false, summary: `${summary}, but ${by} set it to ${d.spec?.replicas ?? 0} replicas.` };
    }
    const waited = formatWait(this.#ctx.timing.rolloutTimeoutMs);
    return { ok: false, summary: `${summary}, but only ${ready(d)}/${replicas} are ready after ${waited}.` };
  }

  /** Wanted replicas as the scale subresource reports them. */
  async #desired(h: DeploymentHandle): Promise<number> {
    const scale = await h.client.call(`read the scale of deployment ${h.namespace}/${h.name}`, (o) =>
      h.client.apps.readNamespacedDeploymentScale({ namespace: h.namespace, name: h.name }, o),
    );
    return scale.spec?.replicas ?? 0;
  }
}

function ready(d: V1Deployment): number {
  return d.status?.readyReplicas ?? 0;
}

/** The controller saw the new count, and exactly that many pods exist and are ready (none left terminating). */
function settled(d: V1Deployment, replicas: number): boolean {
  const s = d.status ?? {};
  const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  return observed && ready(d) === replicas && (s.replicas ?? 0) === replicas;
}
