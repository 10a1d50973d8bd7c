import type { Finding } from './problems.ts';
import type { OpsdeckConfig } from './schema.ts';

/**
 * What the config needs from the environment and does not find there: GitOps services that follow Argo CD
 * need ARGOCD_SERVER and ARGOCD_AUTH_TOKEN. Warnings, since config check may run where the secrets are not.
 */
export function settingsFindings(config: OpsdeckConfig, env: Readonly<Record<string, string | undefined>>): Finding[] {
  const missing = ['ARGOCD_SERVER', 'ARGOCD_AUTH_TOKEN'].filter((name) => !env[name]?.trim());
  if (!missing.length) return [];
  return Object.entries(config.services)
    .filter(([, svc]) => svc.deploy?.via === 'gitops' && svc.deploy.watch === 'argocd')
    .map(([name]) => ({
      level: 'warning' as const,
      path: `services.${name}.deploy.watch`,
      message:
        `argocd needs ${missing.join(' and ')} in opsdeck's environment (not set here): without them its deploys ` +
        'commit but cannot follow Argo CD. Set the server URL and an API token allowed to get and sync the ' +
        'application.',
    }));
}
