import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/ports/logger.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';

const run = promisify(execFile);
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

let dir: string;
let sandbox: Sandbox;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-sandbox-'));
  sandbox = await startSandbox({
    port: 0,
    botPort: 0,
    dir,
    configPath: 'examples/sandbox.yaml',
    log: silent,
    pace: { tickMs: 20, podReadyMs: 40, timeScale: 0.002, stepMs: 20 },
  });
});
afterAll(async () => {
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

const kubectl = (...args: string[]) =>
  run('kubectl', ['--kubeconfig', join(dir, 'kubeconfig'), ...args], { timeout: 20_000 });

describe('opsdeck sandbox', () => {
  it('prints every endpoint', () => {
    expect(sandbox.endpoints.map(([name]) => name)).toEqual([
      'console',
      'bot',
      'slack api',
      'github api',
      'kubernetes staging',
      'kubernetes prod',
      'argo cd',
      'cloudwatch logs',
      'kubeconfig',
    ]);
  });

  it('serves the console with the commands and shortcuts of the app manifest', async () => {
    expect((await fetch(sandbox.consoleUrl)).status).toBe(200);
    const state = (await (await fetch(`${sandbox.consoleUrl}/console/api/state`)).json()) as {
      commands: { command: string }[];
      users: { name: string }[];
    };
    expect(state.commands.map((c) => c.command)).toEqual(
      expect.arrayContaining(['/deploy', '/rollback', '/scale', '/runbook', '/ops']),
    );
    expect(state.users.map((u) => u.name)).toEqual(expect.arrayContaining(['alice', 'bob', 'carol']));
  });

  it('writes a kubeconfig kubectl can use for both clusters', async () => {
    const { stdout } = await kubectl('--context', 'prod', 'get', 'deploy', '-A');
    expect(stdout).toMatch(/api\s+api\s+4\/4/);
    expect(stdout).toMatch(/web\s+web\s+3\/3/);
    const history = await kubectl('--context', 'staging', 'rollout', 'history', 'deploy/api', '-n', 'api');
    expect(history.stdout).toContain('REVISION');
    expect(history.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(4);
  });

  it.each([
    ['image-pull', 'ImagePullBackOff'],
    ['crash-loop', 'CrashLoopBackOff'],
    ['unschedulable', 'Insufficient cpu'],
  ])('runs the fail-next-change control with pods failing by %s', async (how, said) => {
    const res = await fetch(`${sandbox.consoleUrl}/console/api/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'fail-next', params: { service: 'api', env: 'prod', how } }),
    });
    const body = (await res.json()) as { ok: boolean; text: string };
    expect(body.text).toContain(said);
  });

  it('shows the deploy history GitHub holds from the first start: the running version and the one before', async () => {
    const said = async (text: string, expected: RegExp) => {
      const res = await fetch(`${sandbox.consoleUrl}/console/api/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'U0BOB', channel: 'C0DEPLOYS', text }),
      });
      expect(res.status).toBe(200);
      for (let i = 0; i < 200; i++) {
        const state = (await (await fetch(`${sandbox.consoleUrl}/console/api/state`)).json()) as { messages: unknown };
        const found = JSON.stringify(state.messages).match(expected);
        if (found) return found[0];
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no message matched ${expected}`);
    };
    expect(
      await said('/ops status web prod', /v2\.1\.0 \([0-9a-f]{7}\), deployed [^"]* by deploy\.yml run #4/),
    ).toBeTruthy();
    expect(
      await said('/ops status worker prod', /v0\.9\.0 \([0-9a-f]{7}\), deployed [^"]* by GitHub deployment #4/),
    ).toBeTruthy();
    expect(await said('/rollback worker prod --dry-run', /Back to[^"]*v0\.8\.0/)).toBeTruthy();
  });
});

describe('opsdeck sandbox: GitOps world', () => {
  const argo = () => {
    const url = sandbox.endpoints.find(([name]) => name === 'argo cd')?.[1].split(' ')[0] ?? '';
    return (path: string) => fetch(`${url}${path}`, { headers: { authorization: 'Bearer sandbox-argocd-token' } });
  };

  it('serves billing through Argo CD: each environment synced and healthy from the manifests repository', async () => {
    const get = argo();
    for (const [app, tag] of [
      ['billing-staging', 'v2.4.0'],
      ['billing-prod', 'v2.3.1'],
    ] as const) {
      let status: { sync: { status: string }; health: { status: string }; summary: { images?: string[] } } | undefined;
      for (let i = 0; i < 500 && status?.sync.status !== 'Synced'; i += 1) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
        status = ((await (await get(`/api/v1/applications/${app}`)).json()) as { status: typeof status }).status;
      }
      expect(status).toMatchObject({ sync: { status: 'Synced' }, health: { status: 'Healthy' } });
      expect(status?.summary.images).toEqual([`ghcr.io/acme/billing:${tag}`]);
    }
  });
});
