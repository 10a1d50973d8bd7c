import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/sandbox/slack/index.ts';
import { BARE_CONFIG } from '../helpers/bare-config.ts';
import { opsdeck } from '../helpers/cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const BROKEN = `
environments:
  prod: { approval: { from: [sre, release-managers] } }
services:
  api:
    deploy: { via: github-workflow, workflow: deploy.yml }
    scale: { min: 2, max: "twenty" }
roles:
  sre: { members: [U0BOB], allow: ["*"] }
`;

// Fine, except that bob's own prod requests can never be approved: he is the only sre.
const LONELY_APPROVER = `
environments:
  prod: { approval: { from: [sre] } }
services:
  api: { github: { repo: acme/api } }
roles:
  sre: { members: [U0BOB], allow: ["*"] }
`;

const GITOPS = `
environments:
  prod: {}
services:
  billing:
    deploy:
      via: gitops
      repo: acme/manifests
      file: billing/{env}/kustomization.yaml
      image: { kustomize: ghcr.io/acme/billing }
      watch: argocd
      argocd:
        app: billing-{env}
roles: {}
`;

describe('opsdeck config check', () => {
  it('accepts the shipped example and says what it found', async () => {
    const res = await opsdeck(['config', 'check', 'opsdeck.example.yaml']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('OK (4 services, 2 environments, 3 roles)');
  });

  it('exits 2 with one line per problem, schema and cross-reference alike, each with its path and line', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, BROKEN);
    const res = await opsdeck(['config', 'check', file]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toEqual([
      'environments.prod.approval.from[1]: unknown role "release-managers" (known: sre) (line 3)',
      'services.api.github.repo: required when deploy.via is github-workflow (line 5)',
      'services.api.scale.max: expected a number, got "twenty" (line 7)',
    ]);
  });

  it('prints warnings, which leave the exit code at 0, and says so', async () => {
    const file = join(dir, 'lonely-approver.yaml');
    await writeFile(file, LONELY_APPROVER);
    const res = await opsdeck(['config', 'check', file]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\n')).toEqual([
      `${file}: OK (1 services, 1 environments, 1 roles), 1 warning`,
      'warning: environments.prod.approval.required: a request by a member of sre (U0BOB) can never be approved: ' +
        'it needs 1 approver besides the requester, and role sre has 1 member (line 3)',
      'Warnings do not change the exit code: it is 2 only when there are errors.',
    ]);
  });

  it('warns when a GitOps service follows Argo CD and the Argo CD settings are not in the environment', async () => {
    const file = join(dir, 'gitops.yaml');
    await writeFile(file, GITOPS);
    const res = await opsdeck(['config', 'check', file], { ARGOCD_SERVER: 'https://argocd.example.com' });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      "warning: services.billing.deploy.watch: argocd needs ARGOCD_AUTH_TOKEN in opsdeck's environment (not set here)",
    );
    const set = await opsdeck(['config', 'check', file], {
      ARGOCD_SERVER: 'argocd.example.com',
      ARGOCD_AUTH_TOKEN: 't',
    });
    expect(set.stdout).not.toContain('warning');
  });

  it('names what a GitOps deploy block is missing or does not use', async () => {
    const file = join(dir, 'gitops-broken.yaml');
    const argocd = '      argocd:\n        app: billing-{env}\n';
    await writeFile(file, GITOPS.replace(argocd, '      merge: false\n      mergeMethod: squash\n'));
    const res = await opsdeck(['config', 'check', file]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toEqual([
      'services.billing.deploy.argocd: required with watch: argocd, e.g. {app: "billing-{env}"} (line 6)',
      'services.billing.deploy.merge: only used with mode: pull-request (line 12)',
      'services.billing.deploy.mergeMethod: only used when pull requests are merged (mode: pull-request, merge not ' +
        'false) (line 13)',
    ]);
    await writeFile(file, GITOPS.replace('{ kustomize: ghcr.io/acme/billing }', '{ chart: billing }'));
    const where = await opsdeck(['config', 'check', file]);
    expect(where.stderr).toContain(
      'services.billing.deploy.image.chart: unknown key (expected one of kustomize, helm, container)',
    );
  });

  it('names a GitOps block for an unknown environment, and the section watch: kubernetes needs', async () => {
    const file = join(dir, 'gitops-refs.yaml');
    const argocd = '      argocd:\n        app: billing-{env}\n';
    await writeFile(file, GITOPS.replace(argocd, `${argocd}      environments: { production: { app: billing } }\n`));
    const envs = await opsdeck(['config', 'check', file]);
    expect(envs.stderr.trim()).toBe(
      'services.billing.deploy.environments.production: unknown environment "production" (known: prod) (line 14)',
    );
    await writeFile(file, GITOPS.replace('watch: argocd', 'watch: kubernetes').replace(argocd, ''));
    const k8s = await opsdeck(['config', 'check', file]);
    expect(k8s.stderr.trim()).toBe(
      'services.billing.kubernetes: required when deploy.via is gitops ' +
        '(namespace and deployment, for watch: kubernetes) (line 5)',
    );
  });

  it('reports cross-reference problems all at once', async () => {
    const file = join(dir, 'refs.yaml');
    await writeFile(file, BROKEN.replace('"twenty"', '1'));
    const res = await opsdeck(['config', 'check', file]);
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toContain(
      'environments.prod.approval.from[1]: unknown role "release-managers" (known: sre) (line 3)',
    );
    expect(lines).toContain('services.api.github.repo: required when deploy.via is github-workflow (line 5)');
    expect(lines).toContain('services.api.kubernetes: required for scale (the deployment to scale) (line 5)');
    expect(lines).toContain('services.api.scale.min: must not exceed scale.max (2 > 1) (line 7)');
  });

  it('uses OPSDECK_CONFIG when no file is given, and names a missing file', async () => {
    const res = await opsdeck(['config', 'check'], { OPSDECK_CONFIG: join(dir, 'nope.yaml') });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('nope.yaml: file not found');
  });

  it('rejects unknown CLI commands with usage', async () => {
    const res = await opsdeck(['confg', 'chek']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Usage: opsdeck');
  });
});

describe('opsdeck start with bad configuration', () => {
  const slackEnv = {
    SLACK_BOT_TOKEN: 'xoxb-1',
    SLACK_SIGNING_SECRET: 's',
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    PORT: '0',
  };

  it('stops with every config problem listed and a non-zero exit', async () => {
    const file = join(dir, 'start-broken.yaml');
    await writeFile(file, BROKEN.replace('"twenty"', '1').replace('min: 2', 'min: 5'));
    const res = await opsdeck(['start'], { ...slackEnv, OPSDECK_CONFIG: file, OPSDECK_DATA_DIR: join(dir, 'data1') });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('environments.prod.approval.from[1]');
    expect(res.stderr).toContain('services.api.scale.min');
  });

  it('names every bad environment variable', async () => {
    const res = await opsdeck(['start'], { SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_APP_TOKEN: 'bad', PORT: 'http' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
    expect(res.stderr).toContain('SLACK_APP_TOKEN: must be an app-level token starting with xapp-');
    expect(res.stderr).toContain('PORT: must be a port number');
  });

  it('stops with a message naming the store path when the store cannot be opened', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a directory');
    const res = await opsdeck(['start'], {
      ...slackEnv,
      OPSDECK_CONFIG: 'opsdeck.example.yaml',
      OPSDECK_DATA_DIR: blocker,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`cannot open the SQLite store at ${join(blocker, 'opsdeck.db')}`);
  });

  it('stops, closing the store it opened, when the kubeconfig cannot be loaded, and names KUBECONFIG', async () => {
    const kubeconfig = join(dir, 'broken-kubeconfig');
    await writeFile(kubeconfig, 'clusters: [\n');
    const env = {
      OPSDECK_CONFIG: 'opsdeck.example.yaml',
      OPSDECK_DATA_DIR: join(dir, 'data-kube'),
      KUBECONFIG: kubeconfig,
    };
    const res = await opsdeck(['start'], { ...slackEnv, ...env }, 10_000);
    // Before, the store's thread kept the process alive after the error: it never exited (code -1, killed).
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`the kubeconfig in KUBECONFIG (${kubeconfig}) cannot be loaded`);
    expect(res.stderr).toContain('point KUBECONFIG at a valid kubeconfig');
  });

  it('stops when Slack refuses the app token of Socket Mode, closing the server it had opened', async () => {
    const slack = await SlackEmulator.start({ signingSecret: 's', botToken: 'xoxb-1', appToken: 'xapp-1-right' });
    const config = join(dir, 'bare.yaml');
    await writeFile(config, BARE_CONFIG);
    try {
      const env = {
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1-wrong',
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
      };
      const res = await opsdeck(
        ['start'],
        { ...env, OPSDECK_CONFIG: config, OPSDECK_DATA_DIR: join(dir, 'data-sm') },
        10_000,
      );
      // Before, the server Socket Mode opens for the health routes kept the process alive (code -1, killed).
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('invalid_auth');
    } finally {
      await slack.close();
    }
  });

  it.each([
    ['HTTP mode', { SLACK_SIGNING_SECRET: 's' }],
    ['Socket Mode', { SLACK_APP_TOKEN: 'xapp-1' }],
  ])('stops with a message naming PORT when its port is in use, in %s', async (mode, credentials) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const config = join(dir, 'bare.yaml');
    await writeFile(config, BARE_CONFIG);
    try {
      const env = {
        SLACK_BOT_TOKEN: 'xoxb-1',
        ...credentials,
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
        PORT: String((taken.address() as AddressInfo).port),
        OPSDECK_CONFIG: config,
        OPSDECK_DATA_DIR: join(dir, `data-port-${mode.split(' ')[0]}`),
      };
      const res = await opsdeck(['start'], env, 10_000);
      // Before, Socket Mode ended with an unhandled 'error' event and its stack; HTTP mode named no fix.
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`port ${env.PORT} is already in use: set PORT to a free port`);
      expect(res.stderr).not.toContain('Unhandled');
      expect(`${res.stdout}${res.stderr}`).not.toContain('cannot be stopped because it was not started');
    } finally {
      taken.close();
    }
  });
});
