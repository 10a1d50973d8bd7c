import type { Octokit } from '@octokit/rest';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { ClusterClients } from '../kubernetes/cluster-clients.ts';
import type { ArgoCdClient } from './argocd-client.ts';
import type { TagLocation } from './tag-location.ts';

export type MergeMethod = 'merge' | 'squash' | 'rebase';

/** What differs between environments: each may name its own branch, file and Argo CD application. */
export interface EnvironmentOverrides {
  branch?: string | undefined;
  file?: string | undefined;
  app?: string | undefined;
}

/** One service's GitOps deploy settings, as its `deploy` block gives them. */
export interface GitOpsServiceConfig {
  service: string;
  /** `owner/name` of the manifests repository. */
  repo: string;
  branch: string;
  /** Path of the file in the repository; `{env}` is replaced by the environment. */
  file: string;
  image: TagLocation;
  /** Whether the tag written is the ref as typed or the resolved commit sha. */
  tag: 'ref' | 'sha';
  mode: 'commit' | 'pull-request';
  /** Pull requests: merge once mergeable (required checks passed), or leave them for review. */
  merge: boolean;
  /** How a pull request is merged; undefined: the first the repository allows of merge commit, squash, rebase. */
  mergeMethod?: MergeMethod | undefined;
  watch:
    | { via: 'argocd'; app: string; sync: boolean }
    | { via: 'kubernetes'; namespace: string; deployment: string; container?: string | undefined };
  environments: Record<string, EnvironmentOverrides>;
  /** The service's Deployment, when it has a `kubernetes` section: a failure names what its pods say. */
  pods?: { namespace: string; deployment: string } | undefined;
}

/** Where one environment's tag lives and what shows it applied. */
export interface EnvTarget {
  env: string;
  repo: string;
  branch: string;
  file: string;
  /** The Argo CD application, with `watch: argocd`. */
  app: string | undefined;
}

export function envTarget(config: GitOpsServiceConfig, env: string): EnvTarget {
  const o = config.environments[env] ?? {};
  const fill = (s: string) => s.replaceAll('{env}', env);
  return {
    env,
    repo: config.repo,
    branch: fill(o.branch ?? config.branch),
    file: fill(o.file ?? config.file),
    app: config.watch.via === 'argocd' ? fill(o.app ?? config.watch.app) : undefined,
  };
}

export interface GitOpsDeployerOptions {
  config: GitOpsServiceConfig;
  octokit: Octokit;
  /** Made on first use: only `watch: argocd` needs it, and it fails without ARGOCD_SERVER. */
  argocd: () => ArgoCdClient;
  kubernetes: () => ClusterClients;
  /** What the app repo calls a ref, when the service has one (branches are refused with `tag: ref`). */
  refKind?: ((ref: string) => Promise<'branch' | 'tag' | 'commit'>) | undefined;
  clock: Clock;
  pollMs?: number | undefined;
  /** Cap on each wait: the pull request's checks, then the convergence. */
  timeoutMs?: number | undefined;
  log: Logger;
}
