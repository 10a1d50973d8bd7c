import { CloudWatchLogsEmulator } from '../../src/sandbox/cloudwatch/index.ts';
import { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { KubernetesEmulator, renderKubeconfig } from '../../src/sandbox/kubernetes/index.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { epochMs, pinnedClock, WEEKDAY } from './clock.ts';

export const GITHUB_TOKEN = 'ghp_testtokentesttokentesttoken0000';

export interface Backends {
  /** The clock every emulator stamps times with; the bot must run on it too. */
  clock: Clock;
  github: GitHubEmulator;
  cloudwatch: CloudWatchLogsEmulator;
  /** One cluster per environment, as real teams run staging and prod. */
  clusters: { staging: KubernetesEmulator; prod: KubernetesEmulator };
  kubeconfig: string;
  close(): Promise<void>;
}

/**
 * The example team's world: repos with tags, a deploy workflow, and api/web running in both clusters, all
 * stamping times from `clock` (default: a weekday outside every freeze, running at real speed).
 */
export async function startBackends(clock: Clock = pinnedClock(WEEKDAY)): Promise<Backends> {
  const now = epochMs(clock);
  const github = await GitHubEmulator.start({ token: GITHUB_TOKEN, stepMs: 20, now });
  github.seedRepo({ owner: 'acme', name: 'api', commits: 12, tags: { 'v1.0.0': 3, 'v1.1.0': 7, 'v1.2.0': 11 } });
  github.seedRepo({ owner: 'acme', name: 'web', commits: 6, tags: { 'v2.0.0': 3 } });
  github.seedWorkflow({
    repo: 'acme/web',
    file: 'deploy.yml',
    name: 'Deploy',
    inputs: ['ref', 'environment'],
    // The run-name deploy workflows set so their runs say what they deployed where (see README).
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, which the emulator expands.
    runName: 'Deploy ${{ inputs.ref }} to ${{ inputs.environment }}',
  });
  github.seedRepo({ owner: 'acme', name: 'worker', commits: 4, tags: { 'v0.9.0': 3 } });
  github.setCommitStatus('acme/worker', 'v0.9.0', 'ci/build', 'success');

  const cluster = () => KubernetesEmulator.start({ tickMs: 20, podReadyMs: 40, timeScale: 0.002, now });
  const clusters = { staging: await cluster(), prod: await cluster() };
  for (const k8s of Object.values(clusters)) {
    k8s.seedDeployment({
      namespace: 'api',
      name: 'api',
      container: 'api',
      image: 'ghcr.io/acme/api:v1.1.0',
      replicas: 3,
      history: ['ghcr.io/acme/api:v1.0.0'],
    });
    k8s.seedDeployment({
      namespace: 'web',
      name: 'web',
      image: 'ghcr.io/acme/web:v2.0.0',
      replicas: 2,
      hpa: { min: 2, max: 6 },
    });
  }
  const cloudwatch = await CloudWatchLogsEmulator.start({ ingestionDelayMs: 50, now });
  for (const env of ['staging', 'prod']) cloudwatch.createGroup(`/ecs/api-${env}`);
  const kubeconfig = renderKubeconfig([
    ...clusters.staging.kubeconfigContexts({ contexts: ['staging'] }),
    ...clusters.prod.kubeconfigContexts({ contexts: ['prod'] }),
  ]);
  return {
    clock,
    github,
    cloudwatch,
    clusters,
    kubeconfig,
    async close() {
      await Promise.all([github.close(), cloudwatch.close(), clusters.staging.close(), clusters.prod.close()]);
    },
  };
}
