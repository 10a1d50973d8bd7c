import type { OpsdeckConfig } from '../config/schema.ts';
import type { GitHubEmulator } from './github/index.ts';
import { type KubernetesEmulator, POD_FAILURES, type PodFailure } from './kubernetes/index.ts';

const HOW: Record<PodFailure, string> = {
  'image-pull': 'its image cannot be pulled (ErrImagePull, then ImagePullBackOff)',
  'crash-loop': 'its container exits at start (CrashLoopBackOff, restarts counted)',
  unschedulable: 'no node has room for its pods (Pending: 0/3 nodes are available: 3 Insufficient cpu)',
};

/** The console's `how` choice; the console already refused any value not offered. */
export const asPodFailure = (how: string | undefined): PodFailure =>
  POD_FAILURES.find((f) => f === how) ?? 'image-pull';

/** Makes the next change of a service fail the way its real backend would. */
export function failNextChange(
  config: OpsdeckConfig,
  world: { github: GitHubEmulator; clusters: Record<string, KubernetesEmulator> },
  service: string,
  env: string,
  how: PodFailure = 'image-pull',
): string {
  const svc = config.services[service];
  if (!svc?.deploy) return `Unknown service ${service}.`;
  const via = svc.deploy.via;
  if (via === 'kubernetes' && svc.kubernetes) {
    const cluster = world.clusters[env];
    if (!cluster) return `No cluster for ${env}.`;
    cluster.failNextRollout(svc.kubernetes.namespace, svc.kubernetes.deployment, how);
    const fails = `will never become ready (${HOW[how]}) and hit its progress deadline`;
    return `The next rollout of ${service} in ${env} ${fails}.`;
  }
  if (!svc.github) return `${service} has no GitHub repo.`;
  if (via === 'github-workflow') {
    world.github.failNextRun(svc.github.repo, svc.deploy.workflow);
    return `The next ${svc.deploy.workflow} run of ${svc.github.repo} will fail.`;
  }
  world.github.failNextDeployment(svc.github.repo);
  return `The next GitHub deployment of ${svc.github.repo} will fail.`;
}
