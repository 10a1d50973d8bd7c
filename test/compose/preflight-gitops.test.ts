import { loadBackendModules } from '../../src/compose/backend-modules.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendClients } from '../../src/compose/clients.ts';
import { preflight } from '../../src/compose/preflight.ts';
import { parseConfig } from '../../src/config/load.ts';
import { readSettings } from '../../src/config/settings.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { type Backends, GITHUB_TOKEN, startBackends } from '../helpers/backends.ts';
import { startGitOps } from '../helpers/gitops.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
let world: Backends;
let gitops: Awaited<ReturnType<typeof startGitOps>>;
beforeAll(async () => {
  world = await startBackends();
  gitops = await startGitOps(world);
});
afterAll(async () => {
  await gitops?.close();
  await world?.close();
});

const config = (app: string) =>
  parseConfig(`
environments: { staging: {}, prod: {} }
services:
  billing:
    deploy:
      via: gitops
      repo: acme/deploy-manifests
      file: billing/overlays/{env}/kustomization.yaml
      image: { kustomize: ghcr.io/acme/billing }
      watch: argocd
      argocd: { app: "${app}" }
roles: {}
`);

async function check(app: string, env: Record<string, string>) {
  const settings = readSettings({ GITHUB_API_URL: world.github.url, GITHUB_TOKEN, ...env });
  const cfg = config(app);
  const modules = await loadBackendModules(cfg, settings);
  const clients = backendClients({ config: cfg, modules, settings, log: silent, tuning: { requestTimeoutMs: 2000 } });
  const results = await preflight(cfg, settings, clients, silent);
  return Object.fromEntries(results.map((r) => [r.system, r]));
}

describe('start-up check of GitOps services', () => {
  it('reads each Application and the manifests repository with the tokens opsdeck will use', async () => {
    const checks = await check('billing-{env}', gitops.env);
    expect(checks['GitHub acme/deploy-manifests']).toMatchObject({ ok: true });
    expect(checks['Argo CD']).toEqual({
      system: 'Argo CD',
      ok: true,
      detail: `token can read billing-staging, billing-prod at ${gitops.argocd.url}`,
    });
  });

  it('names the Argo CD variables that are missing, and an application it cannot read', async () => {
    const missing = await check('billing-{env}', {});
    expect(missing['Argo CD']?.ok).toBe(false);
    expect(missing['Argo CD']?.detail).toMatch(/^ARGOCD_SERVER and ARGOCD_AUTH_TOKEN are not set: GitOps deploys/);
    const unknown = await check('invoices-{env}', gitops.env);
    expect(unknown['Argo CD']?.ok).toBe(false);
    expect(unknown['Argo CD']?.detail).toContain('Argo CD could not read application invoices-staging (404');
  });
});
