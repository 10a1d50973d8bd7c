import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ArgoCdClient } from '../../src/adapters/gitops/index.ts';
import { createOctokit } from '../../src/adapters/github/index.ts';
import { ClusterClients } from '../../src/adapters/kubernetes/index.ts';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { checkConfigText } from '../../src/config/load.ts';
import { createDeployer, type DeployConfig, type DriverContext, deployDrivers } from '../../src/drivers/index.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { pinnedClock, WEEKDAY } from '../helpers/clock.ts';

/** A valid `deploy` block of each driver; a new driver adds its own here. */
const SAMPLES: Record<string, DeployConfig> = {
  kubernetes: { via: 'kubernetes', image: 'ghcr.io/acme/api', tag: 'ref' },
  'github-deployment': { via: 'github-deployment', requiredContexts: ['ci/build'] },
  'github-workflow': { via: 'github-workflow', workflow: 'deploy.yml' },
  gitops: {
    via: 'gitops',
    repo: 'acme/manifests',
    branch: 'main',
    file: 'api/{env}/kustomization.yaml',
    image: { kustomize: 'ghcr.io/acme/api' },
    tag: 'ref',
    mode: 'commit',
    watch: 'kubernetes',
  },
};
const SECTIONS = {
  github: { repo: 'acme/api', defaultRef: 'main' },
  kubernetes: { namespace: 'api', deployment: 'api' },
};

const configWith = (service: Record<string, unknown>) =>
  JSON.stringify({
    environments: { staging: { kubernetes: { context: 'staging' } } },
    services: { api: service },
    roles: {},
  });

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const context = (sections: Partial<typeof SECTIONS>): DriverContext => ({
  service: { name: 'api', ...sections },
  clients: {
    github: () => createOctokit({ token: 't', log: silent }),
    kubernetes: () => new ClusterClients({ kubeconfig: new KubeConfig(), contexts: { staging: 'staging' } }),
    argocd: () => new ArgoCdClient({ server: 'https://argocd.invalid', token: 't' }),
  },
  sourceControl: {
    resolveRef: async () => ({ sha: '', url: '' }),
    refKind: async () => 'tag',
    compare: async () => ({ aheadBy: 0, behindBy: 0, url: '', commits: [] }),
  },
  history: { succeededDeploys: async () => [] },
  clock: pinnedClock(WEEKDAY),
  pollMs: undefined,
  rolloutTimeoutMs: undefined,
  log: silent,
});

describe('the deploy-driver registry', () => {
  it('names each driver once, by the `via` its config block carries', () => {
    const vias = deployDrivers.map((d) => d.via);
    expect(new Set(vias).size).toBe(vias.length);
    for (const driver of deployDrivers) expect(driver.configSchema.shape.via.value).toBe(driver.via);
    expect(Object.keys(SAMPLES).sort()).toEqual([...vias].sort());
  });

  it('gives the config schema and its JSON Schema one `deploy` block per driver', () => {
    for (const driver of deployDrivers) {
      const { config, errors } = checkConfigText(configWith({ ...SECTIONS, deploy: SAMPLES[driver.via] }));
      expect(errors).toEqual([]);
      expect(config?.services.api?.deploy).toEqual(SAMPLES[driver.via]);
    }
    const json = JSON.stringify(configJsonSchema());
    for (const driver of deployDrivers) expect(json).toContain(JSON.stringify({ type: 'string', const: driver.via }));
  });

  it.each(deployDrivers.flatMap((driver) => driver.requires.map((need) => [driver.via, need.section, need] as const)))(
    'config check says a %s driver needs services.<name>.%s, and compose then builds no deployer',
    async (via, section, need) => {
      const others = Object.fromEntries(Object.entries(SECTIONS).filter(([name]) => name !== section));
      const { errors } = checkConfigText(configWith({ ...others, deploy: SAMPLES[via] }));
      expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
        `services.api.${need.path}: required when deploy.via is ${via}${need.what ? ` (${need.what})` : ''}`,
      ]);
      expect(await createDeployer(SAMPLES[via]!, context(others))).toBeUndefined();
      expect(await createDeployer(SAMPLES[via]!, context(SECTIONS))).toBeDefined();
    },
  );
});
