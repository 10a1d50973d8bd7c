import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOctokit } from '../../src/adapters/github/create-octokit.ts';
import { createCloudWatchClient } from '../../src/adapters/logs-cloudwatch/create-client.ts';
import { createBackends } from '../../src/compose/backends.ts';
import { loadBackendModules } from '../../src/compose/backend-modules.ts';
import { backendClients } from '../../src/compose/clients.ts';
import { createLogSources } from '../../src/compose/logs.ts';
import { preflight } from '../../src/compose/preflight.ts';
import { createRunbookLibrary } from '../../src/compose/runbooks.ts';
import { parseConfig } from '../../src/config/load.ts';
import { readSettings } from '../../src/config/settings.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { Store } from '../../src/ports/store.ts';
import { type Backends as World, GITHUB_TOKEN, startBackends } from '../helpers/backends.ts';
import { startGitOps } from '../helpers/gitops.ts';
import { exampleConfigText } from '../helpers/harness.ts';

// Count the clients made, without changing what they do.
vi.mock(import('../../src/adapters/github/create-octokit.ts'), async (original) => {
  const module = await original();
  return { ...module, createOctokit: vi.fn(module.createOctokit) };
});
vi.mock(import('../../src/adapters/logs-cloudwatch/create-client.ts'), async (original) => {
  const module = await original();
  return { ...module, createCloudWatchClient: vi.fn(module.createCloudWatchClient) };
});

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
// Nothing is deployed here, so the history the workflow driver reads from the store stays empty.
const store = { listRequests: async () => [] } as unknown as Store;

let world: World;
let gitops: Awaited<ReturnType<typeof startGitOps>>;
beforeAll(async () => {
  world = await startBackends();
  gitops = await startGitOps(world);
  world.github.writeFiles('acme/api', { 'runbooks/restart.md': '---\ntitle: Restart\n---\n`/ops status api prod`\n' });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await gitops?.close();
  await world?.close();
});

describe('one client per backend', () => {
  it('gives all users one Octokit, one CloudWatch client and one Kubernetes client set per context', async () => {
    const config = parseConfig(`${await exampleConfigText()}\nrunbooks: { github: acme/api/runbooks@main }\n`);
    const settings = readSettings({
      GITHUB_API_URL: world.github.url,
      GITHUB_TOKEN,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: world.cloudwatch.url,
      AWS_REGION: 'us-east-1',
      ...gitops.env,
    });
    const makeApiClient = vi.spyOn(KubeConfig.prototype, 'makeApiClient');
    const { clock } = world;
    const tuning = { pollMs: 20, requestTimeoutMs: 2000, awsCredentials: { accessKeyId: 't', secretAccessKey: 't' } };
    const modules = await loadBackendModules(config, settings);
    const clients = backendClients({
      config,
      modules,
      settings,
      log: silent,
      kubeconfigYaml: world.kubeconfig,
      tuning,
    });

    const backends = await createBackends({ config, modules, store, log: silent, clients, clock, tuning });
    const sources = createLogSources({ config, modules, log: silent, clients, clock, tuning });
    const runbooks = createRunbookLibrary({ config, clients, log: silent, clock, families: ['ops'] });
    const checks = await preflight(config, settings, clients, silent);

    // Every user talks to its backend in every environment, so each has asked for its clients.
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.system).sort()).toEqual([
      'AWS',
      'Argo CD',
      'GitHub',
      'GitHub acme/deploy-manifests',
      'Kubernetes prod',
      'Kubernetes staging',
    ]);
    for (const env of ['staging', 'prod']) {
      const target = (service: string) => ({ service, env });
      expect((await backends.deployer('api')?.current(target('api')))?.ref).toBe('v1.1.0');
      expect((await backends.scaler('web')?.status(target('web')))?.replicas).toBe(2);
      expect((await backends.deployer('billing')?.current(target('billing')))?.ref).toMatch(/^v2\.[34]\.\d$/);
      const since = new Date(clock.now().getTime() - 60_000);
      for (const [service, kind] of [
        ['web', 'kubernetes'],
        ['api', 'kubernetes'],
        ['api', 'cloudwatch'],
      ] as const) {
        const source = sources.get(service)!.find((s) => s.kind === kind)!.source;
        expect((await source.snapshot({ target: target(service), since }, 10)).events).toBeInstanceOf(Array);
      }
    }
    expect((await backends.sourceControl?.resolveRef('acme/api', 'v1.2.0'))?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect((await runbooks.index()).get('restart')?.title).toBe('Restart');

    expect(vi.mocked(createOctokit)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(createCloudWatchClient)).toHaveBeenCalledTimes(1);
    const clientSets = makeApiClient.mock.calls.filter(([api]) => api === AppsV1Api);
    expect(clientSets).toHaveLength(2);
  });
});
