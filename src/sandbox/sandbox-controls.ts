import type { OpsdeckConfig } from '../config/schema.ts';
import type { ArgoCdEmulator } from './argocd/index.ts';
import type { GitHubEmulator } from './github/index.ts';
import type { KubernetesEmulator } from './kubernetes/index.ts';
import { GITOPS } from './world-gitops.ts';

/** Makes the next change of a service fail the way its real backend would. */
export function failNextChange(
  config: OpsdeckConfig,
  world: { github: GitHubEmulator; clusters: Record<string, KubernetesEmulator> },
  service: string,
  env: string,
): string {
  if (service === GITOPS.service) {
    const cluster = world.clusters[env];
    if (!cluster) return `No cluster for ${env}.`;
    cluster.failNextRollout(GITOPS.namespace, GITOPS.deployment);
    return (
      `The next rollout Argo CD applies for ${service} in ${env} will never become ready (ImagePullBackOff); ` +
      'Argo CD will report the application Degraded.'
    );
  }
  const svc = config.services[service];
  if (!svc?.deploy) return `Unknown service ${service}.`;
  const via = svc.deploy.via;
  if (via === 'kubernetes' && svc.kubernetes) {
    const cluster = world.clusters[env];
    if (!cluster) return `No cluster for ${env}.`;
    cluster.failNextRollout(svc.kubernetes.namespace, svc.kubernetes.deployment);
    return (
      `The next rollout of ${service} in ${env} will never become ready (ImagePullBackOff) ` +
      'and hit its progress deadline.'
    );
  }
  if (!svc.github) return `${service} has no GitHub repo.`;
  if (via === 'github-workflow') {
    world.github.failNextRun(svc.github.repo, svc.deploy.workflow);
    return `The next ${svc.deploy.workflow} run of ${svc.github.repo} will fail.`;
  }
  world.github.failNextDeployment(svc.github.repo);
  return `The next GitHub deployment of ${svc.github.repo} will fail.`;
}

const isEnv = (env: string): env is keyof typeof GITOPS.files => Object.hasOwn(GITOPS.files, env);

/**
 * Commits an unrelated edit to billing's overlay, as a teammate editing the manifests by hand would, so the
 * bot's next write carries a stale blob sha.
 */
export function editManifest(github: GitHubEmulator, env: string, author = 'dave'): string {
  if (!isEnv(env)) return `No billing overlay for ${env}.`;
  const path = GITOPS.files[env];
  const file = github.readFile(GITOPS.repo, path, GITOPS.branch);
  if (!file) return `${GITOPS.repo} has no ${path}.`;
  const reviews = Number(/# Reviewed \((\d+)\)/.exec(file.text)?.[1] ?? '0') + 1;
  const note = `# Reviewed (${reviews}) by ${author}: nothing to change.`;
  const text = /# Reviewed \(\d+\).*\n/.test(file.text)
    ? file.text.replace(/# Reviewed \(\d+\).*\n/, `${note}\n`)
    : `${note}\n${file.text}`;
  const sha = github.writeFiles(GITOPS.repo, { [path]: text }, { message: `billing: review ${env} overlay`, author });
  return `${author} committed ${sha.slice(0, 7)} to ${GITOPS.repo}, editing ${path} (a comment only).`;
}

/** Turns auto-sync of billing's Application in `env` on or off, like `argocd app set --sync-policy`. */
export function setAutoSync(argocd: ArgoCdEmulator, env: string, on: boolean): string {
  if (!isEnv(env)) return `No Argo CD application for ${env}.`;
  const name = GITOPS.applications[env];
  argocd.setAutoSync(name, on ? { prune: true, selfHeal: false } : false);
  return on
    ? `Argo CD now syncs ${name} on every commit.`
    : `${name} no longer syncs on its own: commits wait for a manual sync.`;
}
