import type { V1Deployment } from '@kubernetes/client-node';
import type { Progress } from '../../ports/backends.ts';
import type { Logger } from '../../ports/logger.ts';
import { type DeploymentHandle, readDeployment, revisionOf } from './deployment-handle.ts';
import type { Timing } from './options.ts';
import { podProblems, podProblemsNow } from './pod-problems.ts';
import { pollUntilSettled } from './poll.ts';
import { rolloutStatus } from './rollout-status.ts';
import { elapsedOfDeadline, formatWait } from './wait-text.ts';

export type RolloutOutcome =
  | { ok: true; deployment: V1Deployment }
  /** `reason` is why, e.g. `progress deadline exceeded; 3 pods not ready: ImagePullBackOff`. */
  | { ok: false; deployment: V1Deployment; reason: string };

/**
 * Waits for the Deployment's rollout the way `kubectl rollout status` does, polling every `pollMs` and reporting
 * `<headline>: <counts>; <pod problems> (<elapsed> of <progress deadline>)` as it changes; gives up after
 * `rolloutTimeoutMs`. Pods are listed only while the rollout waits, so a healthy one costs no extra calls.
 */
export async function watchRollout(
  handle: DeploymentHandle,
  headline: string,
  progress: Progress,
  timing: Timing,
  log: Logger,
): Promise<RolloutOutcome> {
  const startedAt = timing.clock.now().getTime();
  const result = await pollUntilSettled({
    read: async () => {
      const deployment = await readDeployment(handle);
      const waiting = rolloutStatus(deployment).phase === 'waiting';
      return { deployment, pods: waiting ? await podProblemsNow(handle, deployment) : undefined };
    },
    judge: ({ deployment, pods }) => {
      const status = rolloutStatus(deployment);
      if (status.phase !== 'waiting') return { state: status.phase, line: `${headline}: ${status.detail}` };
      const elapsed = elapsedOfDeadline(
        timing.clock.now().getTime() - startedAt,
        deployment.spec?.progressDeadlineSeconds,
      );
      return { state: status.phase, line: `${headline}: ${status.detail}${pods ? `; ${pods}` : ''} (${elapsed})` };
    },
    progress,
    clock: timing.clock,
    pollMs: timing.pollMs,
    timeoutMs: timing.rolloutTimeoutMs,
    log,
  });
  const d = result.value.deployment;
  if (result.state === 'done') return { ok: true, deployment: d };
  const detail = rolloutStatus(d).detail;
  const why =
    result.state === 'failed' ? detail : `not finished after ${formatWait(timing.rolloutTimeoutMs)} (${detail})`;
  const pods = await podProblems(handle, d);
  return { ok: false, deployment: d, reason: pods ? `${why}; ${pods}` : why };
}

/** `4/4 ready, revision 8` for summaries. */
export function readiness(d: V1Deployment): string {
  const { ready, desired } = rolloutStatus(d);
  const revision = revisionOf(d);
  return revision === undefined ? `${ready}/${desired} ready` : `${ready}/${desired} ready, revision ${revision}`;
}
