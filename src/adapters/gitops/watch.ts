import type { Progress } from '../../ports/backends.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { readDeployment, deploymentHandle, pickContainer } from '../kubernetes/deployment-handle.ts';
import type { ClusterClients } from '../kubernetes/cluster-clients.ts';
import { parseImage } from '../kubernetes/images.ts';
import { podProblems } from '../kubernetes/pod-problems.ts';
import { pollUntilSettled } from '../kubernetes/poll.ts';
import { rolloutStatus } from '../kubernetes/rollout-status.ts';
import { formatWait } from '../kubernetes/wait-text.ts';
import type { ArgoCdClient } from './argocd-client.ts';
import { argoProblems, judgeApplication } from './argocd-state.ts';
import type { ManifestsRepo } from './manifests-repo.ts';

export interface WatchTiming {
  clock: Clock;
  pollMs: number;
  timeoutMs: number;
}

export type WatchOutcome = { ok: true; detail: string } | { ok: false; reason: string };

/**
 * Follows the Argo CD Application until it has synced the manifests commit `sha` (or a later one) and is
 * Healthy; optionally starts the sync itself. Degraded, a failed sync operation or the timeout end it with
 * what Argo CD says.
 */
export async function watchArgoCd(
  argocd: ArgoCdClient,
  repo: ManifestsRepo,
  watch: { app: string; sync: boolean; sha: string },
  progress: Progress,
  timing: WatchTiming,
  log: Logger,
): Promise<WatchOutcome> {
  const { app, sha } = watch;
  // A refresh makes Argo CD read the repository now instead of at its next poll (3 minutes by default).
  await argocd.getApplication(app, { refresh: true });
  if (watch.sync) {
    try {
      await argocd.syncApplication(app);
    } catch (err) {
      // An automated sync may already be applying the commit; the watch below tells either way.
      log.warn({ err, app }, 'starting the Argo CD sync failed');
      await progress(`Argo CD did not start a sync of ${app}: ${(err as Error).message}`).catch(() => undefined);
    }
  }
  const known = new Map<string, boolean>([[sha, true]]);
  const result = await pollUntilSettled({
    read: async () => {
      const application = await argocd.getApplication(app);
      const revision = application.status?.sync?.revision;
      const opRevision = application.status?.operationState?.syncResult?.revision;
      for (const r of [revision, opRevision]) {
        // A revision GitHub cannot compare now counts as not containing ours, and is asked about again.
        if (r && !known.has(r))
          await repo.contains(sha, r).then(
            (yes) => known.set(r, yes),
            () => undefined,
          );
      }
      return application;
    },
    judge: (application) => {
      const j = judgeApplication(application, sha, (r) => known.get(r) ?? false);
      return { state: j.state, line: `${app}: ${j.line}` };
    },
    progress,
    clock: timing.clock,
    pollMs: timing.pollMs,
    timeoutMs: timing.timeoutMs,
    log,
  });
  if (result.state === 'done') return { ok: true, detail: `Argo CD ${app} is Synced and Healthy` };
  const said = argoProblems(result.value);
  const state = result.line.replace(`${app}: Argo CD: `, '');
  const why =
    result.state === 'failed'
      ? `Argo CD ${app} reports ${state}`
      : `not converged after ${formatWait(timing.timeoutMs)} (${state})`;
  return { ok: false, reason: said ? `${why}: ${said}` : why };
}

/**
 * Waits for the Deployment to run `tag` in its container and finish rolling out, with `kubectl rollout
 * status` semantics: whatever applies the manifests (Flux, Argo CD, a CI job) is left to it.
 */
export async function watchDeployment(
  clients: ClusterClients,
  target: { namespace: string; deployment: string; container?: string | undefined; env: string; tag: string },
  progress: Progress,
  timing: WatchTiming,
  log: Logger,
): Promise<WatchOutcome> {
  const handle = deploymentHandle(clients, { namespace: target.namespace, deployment: target.deployment }, target.env);
  const tagOf = (d: Awaited<ReturnType<typeof readDeployment>>) => {
    const image = pickContainer(d, handle, target.container).image;
    return image === undefined ? undefined : parseImage(image).tag;
  };
  const result = await pollUntilSettled({
    read: () => readDeployment(handle),
    judge: (d) => {
      const running = tagOf(d);
      if (running !== target.tag) {
        return {
          state: 'waiting',
          line: `Waiting for ${handle.name} to be given ${target.tag} (it has ${running ?? 'no tag'})`,
        };
      }
      const status = rolloutStatus(d);
      return { state: status.phase, line: `Rolling out ${target.tag}: ${status.detail}` };
    },
    progress,
    clock: timing.clock,
    pollMs: timing.pollMs,
    timeoutMs: timing.timeoutMs,
    log,
  });
  if (result.state === 'done') return { ok: true, detail: `${handle.label} runs ${target.tag}` };
  const detail = tagOf(result.value) === target.tag ? rolloutStatus(result.value).detail : result.line;
  const why = result.state === 'failed' ? detail : `not finished after ${formatWait(timing.timeoutMs)} (${detail})`;
  const pods = await podProblems(handle, result.value);
  return { ok: false, reason: pods ? `${why}; ${pods}` : why };
}

/** What the pods of the Deployment say (`2 pods not ready: ImagePullBackOff`), when it can be read. */
export async function podsSay(
  clients: ClusterClients,
  pods: { namespace: string; deployment: string },
  env: string,
): Promise<string | undefined> {
  try {
    const handle = deploymentHandle(clients, pods, env);
    return await podProblems(handle, await readDeployment(handle));
  } catch {
    // The pods' view is a nicety on top of what Argo CD said; its absence must not hide that.
    return undefined;
  }
}
