import type { KubeConfig } from '@kubernetes/client-node';
import type { OpsdeckConfig } from '../config/schema.ts';
import type { Settings } from '../config/settings.ts';
import type { Logger } from '../ports/logger.ts';
import { type BackendClients, missingArgoCd } from './clients.ts';

/** One backend opsdeck was asked to use, and what stands in the way of using it. */
export interface PreflightResult {
  system: string;
  ok: boolean;
  detail: string;
}

/** The clients every other user shares: the check finds what they will find. */
export type PreflightClients = Pick<BackendClients, 'github' | 'cloudwatch' | 'kubeconfig' | 'kubernetes' | 'argocd'>;

const TIMEOUT_MS = 5000;

/**
 * Checks, once at start, the backends the config uses: GitHub's token, AWS's region and credentials,
 * and every Kubernetes context. Nothing here stops opsdeck (a cluster may come back); each problem is
 * logged once, naming the variable or context to fix, instead of surfacing as a timeout in Slack.
 */
export async function preflight(
  config: OpsdeckConfig,
  settings: Settings,
  clients: PreflightClients,
  log: Logger,
): Promise<PreflightResult[]> {
  const services = Object.entries(config.services);
  const checks: Promise<PreflightResult>[] = [];
  const githubUsers = services.filter(([, s]) => s.github).map(([name]) => name);
  if (githubUsers.length || config.runbooks?.github) checks.push(checkGitHub(settings, clients, githubUsers));
  const gitops = gitopsServices(config);
  for (const repo of new Set(gitops.map((g) => g.repo))) {
    const users = gitops.filter((g) => g.repo === repo).map((g) => g.service);
    checks.push(checkManifestsRepo(settings, clients, repo, users));
  }
  const apps = gitops.flatMap((g) => g.apps);
  if (apps.length) checks.push(checkArgoCd(settings, clients, apps));
  const cloudwatchUsers = services.filter(([, s]) => s.logs && 'cloudwatch' in s.logs).map(([name]) => name);
  if (cloudwatchUsers.length) checks.push(checkAws(settings, clients, cloudwatchUsers));
  if (services.some(([, s]) => s.kubernetes)) {
    for (const [env, e] of Object.entries(config.environments)) {
      if (e.kubernetes) checks.push(checkCluster(env, e.kubernetes, clients));
    }
  }
  const results = await Promise.all(checks);
  for (const r of results) {
    if (r.ok) log.info({ system: r.system }, `${r.system}: ${r.detail}`);
    else log.error({ system: r.system }, `${r.system}: ${r.detail}`);
  }
  return results;
}

async function checkGitHub(settings: Settings, clients: PreflightClients, users: string[]): Promise<PreflightResult> {
  const system = 'GitHub';
  const who = users.length ? ` (used by ${users.join(', ')})` : '';
  if (!settings.github.token) {
    return {
      system,
      ok: false,
      detail:
        `GITHUB_TOKEN is not set${who}: ` +
        'refs cannot be resolved in private repos and GitHub deploys will be refused',
    };
  }
  try {
    await clients.github().request('GET /rate_limit', { request: { signal: AbortSignal.timeout(TIMEOUT_MS) } });
    return { system, ok: true, detail: `token accepted${who}` };
  } catch (err) {
    const status = (err as { status?: number }).status;
    const detail =
      status === 401
        ? `GitHub refused GITHUB_TOKEN (401)${who}: create a new token with repo and actions access`
        : `GitHub cannot be reached at ${settings.github.apiUrl ?? 'https://api.github.com'} ` +
          `(${(err as Error).message})${who}`;
    return { system, ok: false, detail };
  }
}

async function checkAws(settings: Settings, clients: PreflightClients, users: string[]): Promise<PreflightResult> {
  const system = 'AWS';
  const who = ` (CloudWatch logs of ${users.join(', ')})`;
  if (!settings.aws.region)
    return { system, ok: false, detail: `AWS_REGION is not set${who}: /logs cannot read CloudWatch` };
  try {
    const credentials = clients.cloudwatch().config.credentials;
    await credentials();
    return { system, ok: true, detail: `region ${settings.aws.region}, credentials found${who}` };
  } catch (err) {
    return {
      system,
      ok: false,
      detail:
        `no AWS credentials found${who}: ${(err as Error).message}. ` +
        'Set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or give the pod an IAM role',
    };
  }
}

async function checkCluster(
  env: string,
  cluster: { context?: string | undefined; inCluster?: boolean | undefined },
  clients: PreflightClients,
): Promise<PreflightResult> {
  const name = cluster.inCluster ? 'in-cluster service account' : `context "${cluster.context}"`;
  const system = `Kubernetes ${env}`;
  let kc: KubeConfig;
  try {
    kc = clients.kubeconfig();
  } catch (err) {
    return { system, ok: false, detail: `no kubeconfig could be loaded (${(err as Error).message}): set KUBECONFIG` };
  }
  if (!cluster.inCluster && cluster.context && !kc.getContextObject(cluster.context)) {
    const known = kc.getContexts().map((c) => c.name);
    return {
      system,
      ok: false,
      detail:
        `${name} is not in the kubeconfig (it has ${known.length ? known.join(', ') : 'no contexts'}): ` +
        `fix environments.${env}.kubernetes.context or KUBECONFIG`,
    };
  }
  try {
    const version = await Promise.race([
      clients.kubernetes().for(env).version.getCode(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS).unref(),
      ),
    ]);
    return { system, ok: true, detail: `${name} reachable (Kubernetes ${version.gitVersion})` };
  } catch (err) {
    return { system, ok: false, detail: `${name} cannot be used: ${(err as Error).message}` };
  }
}

interface GitOpsUse {
  service: string;
  repo: string;
  /** The Argo CD applications it follows, one per environment it runs in. */
  apps: string[];
}

function gitopsServices(config: OpsdeckConfig): GitOpsUse[] {
  const uses: GitOpsUse[] = [];
  for (const [service, svc] of Object.entries(config.services)) {
    const deploy = svc.deploy;
    if (deploy?.via !== 'gitops') continue;
    const envs = svc.environments ?? Object.keys(config.environments);
    const apps = deploy.argocd
      ? envs.map((env) => (deploy.environments?.[env]?.app ?? deploy.argocd?.app ?? '').replaceAll('{env}', env))
      : [];
    uses.push({ service, repo: deploy.repo, apps: [...new Set(apps)] });
  }
  return uses;
}

/** The token must be able to push to the manifests repository (contents: write), not only read it. */
async function checkManifestsRepo(
  settings: Settings,
  clients: PreflightClients,
  repo: string,
  users: string[],
): Promise<PreflightResult> {
  const system = `GitHub ${repo}`;
  const who = ` (manifests of ${users.join(', ')})`;
  if (!settings.github.token)
    return { system, ok: false, detail: `GITHUB_TOKEN is not set${who}: GitOps deploys cannot commit` };
  const [owner = '', name = ''] = repo.split('/');
  try {
    const { data } = await clients
      .github()
      .rest.repos.get({ owner, repo: name, request: { signal: AbortSignal.timeout(TIMEOUT_MS) } });
    if (data.permissions && !data.permissions.push) {
      return {
        system,
        ok: false,
        detail: `GITHUB_TOKEN can read ${repo} but not push to it${who}: grant contents and pull requests write`,
      };
    }
    return { system, ok: true, detail: `token can write ${repo}${who}` };
  } catch (err) {
    const status = (err as { status?: number }).status;
    const detail =
      status === 404 || status === 403
        ? `GITHUB_TOKEN cannot see ${repo} (${status})${who}: grant the token access to the repository`
        : `${repo} cannot be read (${(err as Error).message})${who}`;
    return { system, ok: false, detail };
  }
}

/** ARGOCD_SERVER and ARGOCD_AUTH_TOKEN are set, and the token may read each application opsdeck follows. */
async function checkArgoCd(settings: Settings, clients: PreflightClients, apps: string[]): Promise<PreflightResult> {
  const system = 'Argo CD';
  const which = ` (applications ${apps.join(', ')})`;
  if (!settings.argocd.server || !settings.argocd.token) {
    return { system, ok: false, detail: `${missingArgoCd(settings)}${which}` };
  }
  const argocd = clients.argocd();
  const failed: string[] = [];
  await Promise.all(
    apps.map((app) => argocd.getApplication(app).catch((err: unknown) => failed.push((err as Error).message))),
  );
  if (failed.length) return { system, ok: false, detail: failed.join('; ') };
  return { system, ok: true, detail: `token can read ${apps.join(', ')} at ${argocd.baseUrl}` };
}
