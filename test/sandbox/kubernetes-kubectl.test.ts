import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubernetesEmulator } from '../../src/sandbox/kubernetes/index.ts';
import { startEmulator } from './kubernetes-helpers.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Rows of a kubectl table (columns are padded with at least two spaces), header first. */
function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
}

describe('kubectl against the Kubernetes emulator', () => {
  let k8s: KubernetesEmulator;
  let dir: string;

  /** Runs kubectl with its own HOME (discovery cache) and the emulator's kubeconfig; never throws on exit codes. */
  const kubectl = (...args: string[]): Promise<Run> =>
    new Promise((resolve, reject) => {
      execFile(
        'kubectl',
        args,
        { env: { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') }, timeout: 30_000 },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') reject(error);
          else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
        },
      );
    });

  const image = (namespace: string, name: string) =>
    k8s.getDeployment(namespace, name)?.spec.template.spec.containers[0]?.image;

  beforeAll(async () => {
    k8s = await startEmulator();
    dir = await mkdtemp(join(tmpdir(), 'opsdeck-kubectl-'));
    await writeFile(join(dir, 'kubeconfig'), k8s.kubeconfigYaml({ contexts: ['sandbox', 'prod'] }));
    k8s.seedDeployment({
      namespace: 'shop',
      name: 'api',
      image: 'api:1.2.0',
      replicas: 3,
      history: ['api:1.0.0', 'api:1.1.0'],
    });
    k8s.seedDeployment({ namespace: 'web', name: 'web', image: 'ghcr.io/acme/web:2', replicas: 2 });
  });

  afterAll(async () => {
    await k8s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('get deploy -A prints the server-side table', async () => {
    const run = await kubectl('get', 'deploy', '-A');
    expect(run.code).toBe(0);
    const [header, ...body] = rows(run.stdout);
    expect(header).toEqual(['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(body.map((row) => row.slice(0, 5))).toEqual([
      ['shop', 'api', '3/3', '3', '3'],
      ['web', 'web', '2/2', '2', '2'],
    ]);
  });

  it('get rs lists one ReplicaSet per revision', async () => {
    const run = await kubectl('get', 'rs', '-n', 'shop', '--context', 'prod');
    const [header, ...body] = rows(run.stdout);
    expect(header).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    const names = k8s.getReplicaSets('shop', 'api').map((rs) => rs.metadata.name);
    expect(body.map((row) => row.slice(0, 4)).sort()).toEqual(
      [
        [names[0], '0', '0', '0'],
        [names[1], '0', '0', '0'],
        [names[2], '3', '3', '3'],
      ].sort(),
    );
  });

  it('scale sends a merge patch to the scale subresource', async () => {
    k8s.seedDeployment({ namespace: 'kscale', name: 'x', image: 'x:1', replicas: 1 });
    const run = await kubectl('-n', 'kscale', 'scale', 'deploy/x', '--replicas=3');
    expect(run.stdout.trim()).toBe('deployment.apps/x scaled');
    expect(k8s.getDeployment('kscale', 'x')?.spec.replicas).toBe(3);
    expect(k8s.requests).toContainEqual(
      expect.objectContaining({
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/kscale/deployments/x/scale',
        contentType: 'application/merge-patch+json',
      }),
    );
    await k8s.waitForRollout('kscale', 'x');
  });

  it('set image, rollout status, history, undo and undo --to-revision', async () => {
    k8s.seedDeployment({ namespace: 'roll', name: 'app', container: 'c', image: 'img:1', replicas: 3 });
    expect((await kubectl('-n', 'roll', 'set', 'image', 'deploy/app', 'c=img:2')).stdout.trim()).toBe(
      'deployment.apps/app image updated',
    );
    expect(
      (await kubectl('-n', 'roll', 'annotate', 'deploy/app', 'kubernetes.io/change-cause=deploy img:2')).code,
    ).toBe(0);
    const status = await kubectl('-n', 'roll', 'rollout', 'status', 'deploy/app', '--timeout=20s');
    expect(status.code).toBe(0);
    expect(status.stdout.trim().split('\n').at(-1)).toBe('deployment "app" successfully rolled out');

    const history = await kubectl('-n', 'roll', 'rollout', 'history', 'deploy/app');
    expect(history.code).toBe(0);
    expect(rows(history.stdout.split('\n').slice(1).join('\n'))).toEqual([
      ['REVISION', 'CHANGE-CAUSE'],
      ['1', 'seeded img:1'],
      ['2', 'deploy img:2'],
    ]);

    const undo = await kubectl('-n', 'roll', 'rollout', 'undo', 'deploy/app');
    expect(undo.stdout.trim()).toBe('deployment.apps/app rolled back');
    expect(image('roll', 'app')).toBe('img:1');
    expect((await kubectl('-n', 'roll', 'rollout', 'status', 'deploy/app', '--timeout=20s')).code).toBe(0);
    expect(k8s.getDeployment('roll', 'app')?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');

    expect((await kubectl('-n', 'roll', 'rollout', 'undo', 'deploy/app', '--to-revision=2')).code).toBe(0);
    expect(image('roll', 'app')).toBe('img:2');
    expect((await kubectl('-n', 'roll', 'rollout', 'status', 'deploy/app', '--timeout=20s')).code).toBe(0);
    expect(k8s.getReplicaSets('roll', 'app')).toHaveLength(2);

    const missing = await kubectl('-n', 'roll', 'rollout', 'undo', 'deploy/app', '--to-revision=42');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('unable to find specified revision 42 in history');
  });

  it('refuses to undo a paused deployment', async () => {
    k8s.seedDeployment({ namespace: 'pause', name: 'app', image: 'app:2', replicas: 1, history: ['app:1'] });
    expect((await kubectl('-n', 'pause', 'rollout', 'pause', 'deploy/app')).code).toBe(0);
    expect(k8s.getDeployment('pause', 'app')?.spec.paused).toBe(true);
    const undo = await kubectl('-n', 'pause', 'rollout', 'undo', 'deploy/app');
    expect(undo.code).not.toBe(0);
    expect(undo.stderr).toContain(
      "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
    );
    expect(image('pause', 'app')).toBe('app:2');
  });

  it('rollout status fails when the progress deadline is exceeded', async () => {
    k8s.seedDeployment({ namespace: 'failing', name: 'app', image: 'app:1', replicas: 2 });
    k8s.failNextRollout('failing', 'app');
    expect((await kubectl('-n', 'failing', 'set', 'image', 'deploy/app', 'app=app:2')).code).toBe(0);
    const status = await kubectl('-n', 'failing', 'rollout', 'status', 'deploy/app', '--timeout=20s');
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain('error: deployment "app" exceeded its progress deadline');
    const pods = await kubectl('-n', 'failing', 'get', 'pods');
    expect(rows(pods.stdout).filter((row) => row[2] === 'ImagePullBackOff')).toHaveLength(1);
  });

  it('logs tails a pod of a deployment', async () => {
    const run = await kubectl('-n', 'web', 'logs', 'deploy/web', '--tail=2');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^level=\w+ msg=".+" .*pod=web-\w+-\w+ version=2 seq=\d+$/);
  });

  it('create -f and apply -f a manifest', async () => {
    const manifest = (tag: string) =>
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'nginx', namespace: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'nginx' } },
          template: {
            metadata: { labels: { app: 'nginx' } },
            spec: { containers: [{ name: 'nginx', image: `nginx:${tag}` }] },
          },
        },
      });
    const file = join(dir, 'nginx.json');
    await writeFile(file, manifest('1.27'));
    expect((await kubectl('create', '-f', file)).stdout.trim()).toBe('deployment.apps/nginx created');
    await writeFile(file, manifest('1.28'));
    const apply = await kubectl('apply', '-f', file);
    expect(apply.code).toBe(0);
    expect(image('web', 'nginx')).toBe('nginx:1.28');
  });
});
