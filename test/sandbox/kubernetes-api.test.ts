import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubernetesEmulator, renderKubeconfig } from '../../src/sandbox/kubernetes/index.ts';
import { bodyOf, clientsFor, failureOf, startEmulator } from './kubernetes-helpers.ts';

const REVISION = 'deployment.kubernetes.io/revision';
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

describe('Kubernetes emulator REST API (through @kubernetes/client-node)', () => {
  let k8s: KubernetesEmulator;
  let c: ReturnType<typeof clientsFor>;

  beforeAll(async () => {
    k8s = await startEmulator();
    k8s.seedDeployment({
      namespace: 'shop',
      name: 'api',
      image: 'ghcr.io/acme/api:1.2.0',
      replicas: 3,
      history: ['ghcr.io/acme/api:1.0.0', 'ghcr.io/acme/api:1.1.0'],
      hpa: { min: 2, max: 6 },
    });
    k8s.seedDeployment({ namespace: 'shop', name: 'worker', image: 'ghcr.io/acme/worker:7', replicas: 1 });
    k8s.seedDeployment({ namespace: 'web', name: 'web', image: 'ghcr.io/acme/web:2', replicas: 2 });
    c = clientsFor(k8s);
  });

  afterAll(() => k8s.close());

  const seedScratch = (name: string) =>
    k8s.seedDeployment({ namespace: 'scratch', name, image: `ghcr.io/acme/${name}:1`, replicas: 2 });

  describe('authentication and discovery', () => {
    it.each([
      { name: 'no credentials', path: '/api', headers: {}, code: 401 },
      { name: 'a wrong bearer token', path: '/api', headers: { authorization: 'Bearer nope' }, code: 401 },
      { name: 'a wrong token in the path', path: '/token/nope/api', headers: {}, code: 401 },
      { name: '/version, which is public', path: '/version', headers: {}, code: 200 },
    ])('answers $code to $name', async ({ path, headers, code }) => {
      const response = await fetch(`${k8s.url}${path}`, { headers });
      expect(response.status).toBe(code);
      if (code === 401) {
        expect(await bodyOf(response)).toEqual({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'Unauthorized',
          reason: 'Unauthorized',
          code: 401,
        });
      }
    });

    it('accepts the token as a bearer header and as a server path prefix', async () => {
      const viaHeader = await fetch(`${k8s.url}/api`, { headers: { authorization: `Bearer ${k8s.token}` } });
      const viaPath = await fetch(`${k8s.url}/token/${k8s.token}/api`);
      expect(await bodyOf(viaHeader)).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
      expect(viaPath.status).toBe(200);
    });

    it('describes the groups, versions and subresources it serves', async () => {
      const get = async <T>(path: string) =>
        bodyOf<T>(await fetch(`${k8s.url}${path}`, { headers: { authorization: `Bearer ${k8s.token}` } }));
      type Resources = { resources: { name: string }[] };
      const groups = await get<{ groups: { name: string; preferredVersion: { version: string } }[] }>('/apis');
      const preferred = groups.groups.map((g) => [g.name, g.preferredVersion.version]);
      expect(preferred).toEqual([
        ['apps', 'v1'],
        ['autoscaling', 'v2'],
      ]);
      const apps = await get<Resources>('/apis/apps/v1');
      expect(apps.resources).toContainEqual(
        expect.objectContaining({ name: 'deployments/scale', group: 'autoscaling', version: 'v1', kind: 'Scale' }),
      );
      expect(apps.resources.map((r) => r.name)).toEqual([
        'deployments',
        'deployments/scale',
        'deployments/status',
        'replicasets',
      ]);
      const core = await get<Resources>('/api/v1');
      expect(core.resources.map((r) => r.name)).toEqual(['namespaces', 'pods', 'pods/log']);
      for (const version of ['v1', 'v2']) {
        expect((await get<Resources>(`/apis/autoscaling/${version}`)).resources[0]?.name).toBe(
          'horizontalpodautoscalers',
        );
      }
    });
  });

  describe('reads', () => {
    it('lists deployments in a namespace and across all namespaces', async () => {
      const inShop = await c.apps.listNamespacedDeployment({ namespace: 'shop' });
      expect(inShop.items.map((d) => d.metadata?.name)).toEqual(['api', 'worker']);
      expect(Number(inShop.metadata?.resourceVersion)).toBeGreaterThan(0);
      const all = await c.apps.listDeploymentForAllNamespaces();
      expect(all.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`)).toEqual(
        expect.arrayContaining(['shop/api', 'shop/worker', 'web/web']),
      );
    });

    it('reads a settled deployment with its revision, counts and conditions', async () => {
      const d = await c.apps.readNamespacedDeployment({ namespace: 'shop', name: 'api' });
      expect(d.metadata?.annotations?.[REVISION]).toBe('3');
      expect(d.spec?.template.spec?.containers[0]?.image).toBe('ghcr.io/acme/api:1.2.0');
      expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
      expect(d.status?.observedGeneration).toBe(d.metadata?.generation);
      expect(d.status?.conditions?.map((cond) => [cond.type, cond.status, cond.reason])).toEqual([
        ['Available', 'True', 'MinimumReplicasAvailable'],
        ['Progressing', 'True', 'NewReplicaSetAvailable'],
      ]);
      const status = await c.apps.readNamespacedDeploymentStatus({ namespace: 'shop', name: 'api' });
      expect(status.status?.availableReplicas).toBe(3);
    });

    it('lists ReplicaSets owned by the deployment, one per revision, filtered by label', async () => {
      const d = await c.apps.readNamespacedDeployment({ namespace: 'shop', name: 'api' });
      const list = await c.apps.listNamespacedReplicaSet({ namespace: 'shop', labelSelector: 'app=api' });
      const sets = list.items.sort(
        (a, b) => Number(a.metadata?.annotations?.[REVISION]) - Number(b.metadata?.annotations?.[REVISION]),
      );
      const summary = sets.map((rs) => [
        rs.metadata?.annotations?.[REVISION],
        rs.spec?.replicas,
        rs.spec?.template?.spec?.containers[0]?.image,
      ]);
      expect(summary).toEqual([
        ['1', 0, 'ghcr.io/acme/api:1.0.0'],
        ['2', 0, 'ghcr.io/acme/api:1.1.0'],
        ['3', 3, 'ghcr.io/acme/api:1.2.0'],
      ]);
      for (const rs of sets) {
        const hash = rs.metadata?.labels?.['pod-template-hash'];
        expect(rs.metadata?.name).toBe(`api-${hash}`);
        expect(rs.spec?.selector.matchLabels).toEqual({ app: 'api', 'pod-template-hash': hash });
        expect(rs.metadata?.ownerReferences).toEqual([
          expect.objectContaining({ kind: 'Deployment', name: 'api', uid: d.metadata?.uid, controller: true }),
        ]);
        expect(rs.metadata?.annotations?.['kubernetes.io/change-cause']).toBe(
          `seeded ${rs.spec?.template?.spec?.containers[0]?.image}`,
        );
      }
      const none = await c.apps.listNamespacedReplicaSet({ namespace: 'shop', labelSelector: 'app in (nothing)' });
      expect(none.items).toEqual([]);
    });

    it('lists pods by label and field selector, each running and ready', async () => {
      const pods = await c.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=api' });
      expect(pods.items).toHaveLength(3);
      for (const pod of pods.items) {
        expect(pod.status?.phase).toBe('Running');
        expect(pod.status?.containerStatuses?.[0]).toMatchObject({
          name: 'api',
          ready: true,
          image: 'ghcr.io/acme/api:1.2.0',
        });
        expect(pod.metadata?.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
      }
      const running = await c.core.listNamespacedPod({ namespace: 'shop', fieldSelector: 'status.phase=Running' });
      expect(running.items).toHaveLength(4);
      const one = await c.core.readNamespacedPod({ namespace: 'shop', name: pods.items[0]?.metadata?.name ?? '' });
      expect(one.metadata?.labels?.app).toBe('api');
    });

    it('lists and reads namespaces', async () => {
      const list = await c.core.listNamespace();
      expect(list.items.map((n) => n.metadata?.name)).toEqual(
        expect.arrayContaining(['default', 'kube-system', 'shop', 'web']),
      );
      expect((await c.core.readNamespace({ name: 'shop' })).status?.phase).toBe('Active');
    });

    it('serves the seeded HPA as autoscaling/v2 and v1', async () => {
      const v2 = await c.hpaV2.readNamespacedHorizontalPodAutoscaler({ namespace: 'shop', name: 'api' });
      expect(v2.spec).toMatchObject({
        minReplicas: 2,
        maxReplicas: 6,
        scaleTargetRef: { kind: 'Deployment', name: 'api' },
      });
      expect(v2.status?.currentReplicas).toBe(3);
      const v1 = await c.hpaV1.listNamespacedHorizontalPodAutoscaler({ namespace: 'shop' });
      const summary = v1.items.map((h) => [
        h.metadata?.name,
        h.spec?.targetCPUUtilizationPercentage,
        h.spec?.maxReplicas,
      ]);
      expect(summary).toEqual([['api', 80, 6]]);
      expect((await c.hpaV2.listHorizontalPodAutoscalerForAllNamespaces()).items).toHaveLength(1);
    });

    it('answers Table requests with server-side columns', async () => {
      const response = await fetch(`${k8s.url}/apis/apps/v1/namespaces/shop/deployments`, {
        headers: {
          authorization: `Bearer ${k8s.token}`,
          accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
        },
      });
      const table = await bodyOf<{
        kind: string;
        columnDefinitions: { name: string }[];
        rows: { cells: unknown[]; object: { metadata: { namespace: string } } }[];
      }>(response);
      expect(table.kind).toBe('Table');
      const columns = table.columnDefinitions.map((col) => col.name);
      expect(columns.slice(0, 5)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
      expect(table.rows[0]?.cells.slice(0, 4)).toEqual(['api', '3/3', 3, 3]);
      expect(table.rows[0]?.object.metadata.namespace).toBe('shop');
    });
  });

  describe('errors are Status objects', () => {
    it('404 for a missing deployment', async () => {
      const { code, status } = await failureOf(c.apps.readNamespacedDeployment({ namespace: 'shop', name: 'ghost' }));
      expect(code).toBe(404);
      expect(status).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'deployments.apps "ghost" not found',
        reason: 'NotFound',
        details: { name: 'ghost', group: 'apps', kind: 'deployments' },
        code: 404,
      });
    });

    it('409 for a replace carrying a stale resourceVersion', async () => {
      seedScratch('stale');
      const before = await c.apps.readNamespacedDeployment({ namespace: 'scratch', name: 'stale' });
      const body = { metadata: { labels: { touched: 'yes' } } };
      await c.apps.patchNamespacedDeployment({ namespace: 'scratch', name: 'stale', body }, merge);
      const { code, status } = await failureOf(
        c.apps.replaceNamespacedDeployment({ namespace: 'scratch', name: 'stale', body: before }),
      );
      expect(code).toBe(409);
      expect(status.reason).toBe('Conflict');
      expect(status.message).toContain('the object has been modified');
      expect(status.details).toEqual({ name: 'stale', group: 'apps', kind: 'deployments' });
    });

    it('409 for a patch carrying a stale resourceVersion', async () => {
      const { code } = await failureOf(
        c.apps.patchNamespacedDeployment(
          { namespace: 'shop', name: 'worker', body: { metadata: { resourceVersion: '1' }, spec: { replicas: 2 } } },
          merge,
        ),
      );
      expect(code).toBe(409);
      expect(k8s.getDeployment('shop', 'worker')?.spec.replicas).toBe(1);
    });

    it.each([
      { name: 'negative replicas', body: { spec: { replicas: -1 } }, field: 'spec.replicas' },
      {
        name: 'a container without image',
        body: { spec: { template: { spec: { containers: [{ name: 'worker', image: '' }] } } } },
        field: 'spec.template.spec.containers[0].image',
      },
      {
        name: 'a changed selector',
        body: {
          spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } },
        },
        field: 'spec.selector',
      },
    ])('422 Invalid for $name', async ({ body, field }) => {
      const { code, status } = await failureOf(
        c.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'worker', body }, strategic),
      );
      expect(code).toBe(422);
      expect(status.reason).toBe('Invalid');
      expect(status.message).toMatch(/^Deployment\.apps "worker" is invalid: /);
      expect(status.details?.causes?.map((cause) => cause.field)).toEqual([field]);
    });

    it('422 for a JSON Patch that does not apply', async () => {
      const { code, status } = await failureOf(
        c.apps.patchNamespacedDeployment({
          namespace: 'shop',
          name: 'worker',
          body: [{ op: 'test', path: '/spec/replicas', value: 9 }],
        }),
      );
      expect(code).toBe(422);
      expect(status.reason).toBe('Invalid');
    });

    it('409 AlreadyExists and 404 for a missing namespace on create', async () => {
      const body: V1Deployment = {
        metadata: { name: 'worker' },
        spec: {
          selector: { matchLabels: { app: 'worker' } },
          template: {
            metadata: { labels: { app: 'worker' } },
            spec: { containers: [{ name: 'worker', image: 'w:1' }] },
          },
        },
      };
      const exists = await failureOf(c.apps.createNamespacedDeployment({ namespace: 'shop', body }));
      expect([exists.code, exists.status.reason]).toEqual([409, 'AlreadyExists']);
      const missing = await failureOf(c.apps.createNamespacedDeployment({ namespace: 'nowhere', body }));
      expect([missing.code, missing.status.message]).toEqual([404, 'namespaces "nowhere" not found']);
    });

    it.each([
      {
        method: 'DELETE',
        path: '/apis/apps/v1/namespaces/shop/deployments/api',
        code: 405,
        reason: 'MethodNotAllowed',
      },
      {
        method: 'GET',
        path: '/apis/apps/v1/namespaces/shop/deployments?labelSelector=app%3D(x',
        code: 400,
        reason: 'BadRequest',
      },
      { method: 'GET', path: '/apis/apps/v1/namespaces/shop/statefulsets', code: 404, reason: 'NotFound' },
      { method: 'GET', path: '/apis/batch/v1', code: 404, reason: 'NotFound' },
    ])('$code $reason for $method $path', async ({ method, path, code, reason }) => {
      const response = await fetch(`${k8s.url}${path}`, { method, headers: { authorization: `Bearer ${k8s.token}` } });
      expect(response.status).toBe(code);
      expect(await bodyOf(response)).toMatchObject({ kind: 'Status', status: 'Failure', reason, code });
    });
  });

  describe('writes', () => {
    it('applies JSON patch (the client default): metadata only, so the generation stays', async () => {
      const before = seedScratch('json');
      const after = await c.apps.patchNamespacedDeployment({
        namespace: 'scratch',
        name: 'json',
        body: [{ op: 'add', path: '/metadata/annotations/team', value: 'payments' }],
      });
      expect(after.metadata?.annotations?.team).toBe('payments');
      expect(after.metadata?.generation).toBe(before.metadata.generation);
      expect(Number(after.metadata?.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    });

    it('applies a merge patch of image and change-cause, bumping the generation', async () => {
      const before = seedScratch('merge');
      const after = await c.apps.patchNamespacedDeployment(
        {
          namespace: 'scratch',
          name: 'merge',
          body: {
            metadata: { annotations: { 'kubernetes.io/change-cause': 'opsdeck: deploy merge 2' } },
            spec: { template: { spec: { containers: [{ name: 'merge', image: 'ghcr.io/acme/merge:2' }] } } },
          },
        },
        merge,
      );
      expect(after.metadata?.generation).toBe((before.metadata.generation ?? 0) + 1);
      expect(after.metadata?.annotations?.['kubernetes.io/change-cause']).toBe('opsdeck: deploy merge 2');
      // A merge patch replaces lists: the container loses its ports.
      expect(after.spec?.template.spec?.containers[0]?.ports).toBeUndefined();
    });

    it('applies a strategic merge patch that merges containers by name', async () => {
      seedScratch('smp');
      const after = await c.apps.patchNamespacedDeployment(
        {
          namespace: 'scratch',
          name: 'smp',
          body: { spec: { template: { spec: { containers: [{ name: 'smp', image: 'ghcr.io/acme/smp:2' }] } } } },
        },
        strategic,
      );
      expect(after.spec?.template.spec?.containers).toEqual([
        expect.objectContaining({
          name: 'smp',
          image: 'ghcr.io/acme/smp:2',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
        }),
      ]);
    });

    it('replaces a deployment with PUT and keeps its status', async () => {
      const current = await c.apps.readNamespacedDeployment({ namespace: 'shop', name: 'worker' });
      current.metadata = { ...current.metadata, labels: { ...current.metadata?.labels, owner: 'team-a' } };
      current.status = {};
      const replaced = await c.apps.replaceNamespacedDeployment({ namespace: 'shop', name: 'worker', body: current });
      expect(replaced.metadata?.labels?.owner).toBe('team-a');
      expect(replaced.status?.readyReplicas).toBe(1);
    });

    it('stores nothing for a server-side dry run', async () => {
      seedScratch('dry');
      const preview = await c.apps.patchNamespacedDeployment(
        { namespace: 'scratch', name: 'dry', dryRun: 'All', body: { spec: { replicas: 5 } } },
        merge,
      );
      expect(preview.spec?.replicas).toBe(5);
      expect(k8s.getDeployment('scratch', 'dry')?.spec.replicas).toBe(2);
    });

    it('reads and writes the scale subresource', async () => {
      seedScratch('scaled');
      const scale = await c.apps.readNamespacedDeploymentScale({ namespace: 'scratch', name: 'scaled' });
      expect(scale).toMatchObject({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        spec: { replicas: 2 },
        status: { replicas: 2, selector: 'app=scaled' },
      });
      const scaleTo = (replicas: number) =>
        c.apps.patchNamespacedDeploymentScale(
          { namespace: 'scratch', name: 'scaled', body: { spec: { replicas } } },
          merge,
        );
      const patched = await scaleTo(4);
      expect(patched.spec?.replicas).toBe(4);
      expect(k8s.getDeployment('scratch', 'scaled')?.spec.replicas).toBe(4);
      const replaced = await c.apps.replaceNamespacedDeploymentScale({
        namespace: 'scratch',
        name: 'scaled',
        body: { metadata: { name: 'scaled', namespace: 'scratch' }, spec: { replicas: 1 } },
      });
      expect(replaced.spec?.replicas).toBe(1);
      const stale = await failureOf(
        c.apps.replaceNamespacedDeploymentScale({
          namespace: 'scratch',
          name: 'scaled',
          body: { ...scale, spec: { replicas: 3 } },
        }),
      );
      expect(stale.code).toBe(409);
      const negative = await failureOf(scaleTo(-2));
      expect([negative.code, negative.status.message]).toEqual([
        422,
        'Scale.autoscaling "scaled" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0',
      ]);
    });

    it('creates a namespace and a deployment in it', async () => {
      await c.core.createNamespace({ body: { metadata: { name: 'fresh' } } });
      const created = await c.apps.createNamespacedDeployment({
        namespace: 'fresh',
        body: {
          metadata: { name: 'hello' },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'hello' } },
            template: {
              metadata: { labels: { app: 'hello' } },
              spec: { containers: [{ name: 'hello', image: 'hello:1' }] },
            },
          },
        },
      });
      expect(created.metadata).toMatchObject({ namespace: 'fresh', generation: 1 });
      expect(created.spec?.strategy?.type).toBe('RollingUpdate');
      expect(created.spec?.revisionHistoryLimit).toBe(10);
      const settled = await k8s.waitForRollout('fresh', 'hello');
      expect(settled.metadata.annotations?.[REVISION]).toBe('1');
    });

    it('records requests with their content type', async () => {
      seedScratch('logged');
      await c.apps.patchNamespacedDeployment(
        { namespace: 'scratch', name: 'logged', body: { spec: { replicas: 3 } } },
        merge,
      );
      expect(k8s.requests.at(-1)).toMatchObject({
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/scratch/deployments/logged',
        contentType: 'application/merge-patch+json',
        status: 200,
      });
    });
  });

  describe('kubeconfig', () => {
    it('reaches the same cluster under several context names', async () => {
      const { kc, apps } = clientsFor(k8s, ['staging', 'prod']);
      expect(kc.getContexts().map((ctx) => ctx.name)).toEqual(['staging', 'prod']);
      expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(true);
      kc.setCurrentContext('prod');
      const list = await apps.listNamespacedDeployment({ namespace: 'web' });
      expect(list.items.map((d) => d.metadata?.name)).toEqual(['web']);
    });

    it('merges the contexts of two emulators into one kubeconfig', async () => {
      const other = await startEmulator();
      try {
        other.seedDeployment({ namespace: 'shop', name: 'only-in-prod', image: 'x:1', replicas: 1 });
        const kc = new KubeConfig();
        const contexts = [
          ...k8s.kubeconfigContexts({ contexts: ['staging'] }),
          ...other.kubeconfigContexts({ contexts: ['prod'] }),
        ];
        kc.loadFromString(renderKubeconfig(contexts));
        const names = async (context: string) => {
          kc.setCurrentContext(context);
          const list = await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: 'shop' });
          return list.items.map((d) => d.metadata?.name);
        };
        expect(await names('staging')).toEqual(['api', 'worker']);
        expect(await names('prod')).toEqual(['only-in-prod']);
      } finally {
        await other.close();
      }
    });
  });
});
