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

  it('runs the fail-next-change control', async () => {
    const res = await fetch(`${sandbox.consoleUrl}/console/api/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'fail-next', params: { service: 'api', env: 'prod' } }),
    });
    const body = (await res.json()) as { ok: boolean; text: string };
    expect(body.text).toContain('ImagePullBackOff');
  });
});
