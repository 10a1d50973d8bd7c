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
    const handle = this.#ctx.handle(target);
    const [replicas, d, autoscaler] = await Promise.all([
      this.#desired(handle),
      readDeployment(handle),
      findAutoscaler(handle),
    ]);
    return { replicas, ready: d.status?.readyReplicas ?? 0, autoscaler };
  }

  async scale(target: Target, replicas: number, progress: Progress): Promise<DeployOutcome> {
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new UserError(`replicas must be a whole number of 0 or more, not ${replicas}`);
    }
    const handle = this.#ctx.handle(target);
    const before = await this.#desired(handle);
    const where = `${target.service} in ${target.env}`;
    this.#ctx.log.info({ context: handle.client.context, from: before, to: replicas }, 'scaling');
    await handle.client.call(
      `scale deployment ${handle.namespace}/${handle.name}`,
      (options) =>
        handle.client.apps.patchNamespacedDeploymentScale(
          { namespace: handle.namespace, name: handle.name, body: { spec: { replicas } } },
          options,
        ),
      PatchStrategy.MergePatch,
    );
    const result = await pollUntilSettled({
      read: () => readDeployment(handle),
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
      const hpa = await findAutoscaler(handle).catch(() => undefined);
      const by = hpa ? `the HorizontalPodAutoscaler ${hpa.name} (min ${hpa.min}, max ${hpa.max})` : 'something else';
      return { ok: false, summary: `${summary}, but ${by} set it to ${d.spec?.replicas ?? 0} replicas.` };
    }
    const waited = formatWait(this.#ctx.timing.rolloutTimeoutMs);
    return { ok: false, summary: `${summary}, but only ${ready(d)}/${replicas} are ready after ${waited}.` };
  }

  /** Wanted replicas as the scale subresource reports them. */
  async #desired(handle: DeploymentHandle): Promise<number> {
    const scale = await handle.client.call(
      `read the scale of deployment ${handle.namespace}/${handle.name}`,
      (options) =>
        handle.client.apps.readNamespacedDeploymentScale({ namespace: handle.namespace, name: handle.name }, options),
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
