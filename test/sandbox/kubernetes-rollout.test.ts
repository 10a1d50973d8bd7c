import { PassThrough } from 'node:stream';
import { Log, PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubernetesEmulator, LogLineContext, Pod } from '../../src/sandbox/kubernetes/index.ts';
import { bodyOf, clientsFor, eventually, startEmulator } from './kubernetes-helpers.ts';

const REVISION = 'deployment.kubernetes.io/revision';
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

describe('Kubernetes emulator controller (rollouts, scaling, watches, logs)', () => {
  let k8s: KubernetesEmulator;
  let c: ReturnType<typeof clientsFor>;

  beforeAll(async () => {
    k8s = await startEmulator({ logLine: ({ pod, seq }: LogLineContext) => `${pod} line ${seq}` });
    c = clientsFor(k8s);
  });

  afterAll(() => k8s.close());

  const setImage = (namespace: string, name: string, image: string, extra: Record<string, unknown> = {}) =>
    c.apps.patchNamespacedDeployment(
      { namespace, name, body: { ...extra, spec: { template: { spec: { containers: [{ name, image }] } } } } },
      strategic,
    );

  const images = (pods: Pod[]) => pods.map((p) => p.spec.containers[0]?.image);

  it('rolls out a new image: new ReplicaSet, next revision, change-cause, old pods replaced', async () => {
    k8s.seedDeployment({
      namespace: 'roll',
      name: 'api',
      image: 'api:1.2.0',
      replicas: 3,
      history: ['api:1.0.0', 'api:1.1.0'],
    });
    const cause = { metadata: { annotations: { 'kubernetes.io/change-cause': 'opsdeck: deploy api 1.3.0' } } };
    await setImage('roll', 'api', 'api:1.3.0', cause);
    const d = await k8s.waitForRollout('roll', 'api');
    expect(d.metadata.annotations?.[REVISION]).toBe('4');
    expect(d.status).toMatchObject({
      observedGeneration: d.metadata.generation,
      replicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
    });
    expect(d.status.unavailableReplicas).toBeUndefined();
    const sets = k8s.getReplicaSets('roll', 'api');
    const newest = sets.at(-1);
    expect(d.status.conditions?.find((cond) => cond.type === 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${newest?.metadata.name}" has successfully progressed.`,
    });
    expect(sets.map((rs) => [rs.metadata.annotations?.[REVISION], rs.spec.replicas])).toEqual([
      ['1', 0],
      ['2', 0],
      ['3', 0],
      ['4', 3],
    ]);
    expect(newest?.metadata.annotations?.['kubernetes.io/change-cause']).toBe('opsdeck: deploy api 1.3.0');
    await eventually(() => (k8s.getPods('roll', 'api').length === 3 ? true : undefined));
    expect(images(k8s.getPods('roll', 'api'))).toEqual(['api:1.3.0', 'api:1.3.0', 'api:1.3.0']);
  });

  it('streams watch events for one deployment from a resourceVersion (what rollout status uses)', async () => {
    k8s.seedDeployment({ namespace: 'watched', name: 'target', image: 'target:1', replicas: 2 });
    k8s.seedDeployment({ namespace: 'watched', name: 'bystander', image: 'bystander:1', replicas: 1 });
    const list = await c.apps.listNamespacedDeployment({ namespace: 'watched', fieldSelector: 'metadata.name=target' });
    expect(list.items.map((d) => d.metadata?.name)).toEqual(['target']);
    const events: {
      type: string;
      name: string;
      image: string;
      settled: boolean;
      updated: number;
      available: number;
    }[] = [];
    let ended = false;
    const watch = await new Watch(c.kc).watch(
      '/apis/apps/v1/namespaces/watched/deployments',
      { fieldSelector: 'metadata.name=target', resourceVersion: list.metadata?.resourceVersion },
      (type, obj) =>
        events.push({
          type,
          name: obj.metadata.name,
          image: obj.spec.template.spec.containers[0].image,
          settled: obj.status.observedGeneration === obj.metadata.generation,
          updated: obj.status.updatedReplicas ?? 0,
          available: obj.status.availableReplicas ?? 0,
        }),
      () => (ended = true),
    );
    await setImage('watched', 'target', 'target:2');
    await setImage('watched', 'bystander', 'bystander:2');
    await eventually(() =>
      events.find((e) => e.image === 'target:2' && e.settled && e.updated === 2 && e.available === 2),
    );
    watch.abort();
    await eventually(() => (ended ? true : undefined));
    expect(new Set(events.map((e) => e.name))).toEqual(new Set(['target']));
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['MODIFIED']));
    // The controller's steps show: the new ReplicaSet starts empty and surges one pod at a time.
    const observed = events.filter((e) => e.image === 'target:2' && e.settled).map((e) => e.updated);
    expect(observed).toEqual(expect.arrayContaining([0, 1, 2]));
  });

  it('starts a watch without resourceVersion with ADDED events for what exists', async () => {
    k8s.seedDeployment({ namespace: 'listing', name: 'one', image: 'one:1', replicas: 1 });
    const seen: string[] = [];
    const watch = await new Watch(c.kc).watch(
      '/apis/apps/v1/namespaces/listing/replicasets',
      { labelSelector: 'app=one' },
      (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
      () => undefined,
    );
    const [rs] = k8s.getReplicaSets('listing', 'one');
    await eventually(() => (seen.length > 0 ? true : undefined));
    watch.abort();
    expect(seen[0]).toBe(`ADDED ${rs?.metadata.name}`);
  });

  it('fails a rollout on demand with ProgressDeadlineExceeded, and a rollback heals it', async () => {
    k8s.seedDeployment({ namespace: 'fail', name: 'api', image: 'api:1', replicas: 3 });
    k8s.failNextRollout('fail', 'api');
    await setImage('fail', 'api', 'api:2');
    await expect(k8s.waitForRollout('fail', 'api')).rejects.toThrow('deployment "api" exceeded its progress deadline');
    const failed = await c.apps.readNamespacedDeployment({ namespace: 'fail', name: 'api' });
    const broken = k8s.getReplicaSets('fail', 'api').at(-1);
    expect(failed.status?.conditions?.find((cond) => cond.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${broken?.metadata.name}" has timed out progressing.`,
    });
    // maxUnavailable 0: the old pods keep serving while the surge pod never becomes ready.
    expect(failed.status).toMatchObject({ availableReplicas: 3, updatedReplicas: 1, unavailableReplicas: 1 });
    const stuck = k8s.getPods('fail', 'api').filter((p) => p.spec.containers[0]?.image === 'api:2');
    const states = stuck.map((p) => [p.status.phase, p.status.containerStatuses?.[0]?.state.waiting?.reason]);
    expect(states).toEqual([['Pending', 'ImagePullBackOff']]);

    await setImage('fail', 'api', 'api:1');
    const healed = await k8s.waitForRollout('fail', 'api');
    expect(healed.metadata.annotations?.[REVISION]).toBe('3');
    expect(k8s.getReplicaSets('fail', 'api')).toHaveLength(2);
    await eventually(() => (k8s.getPods('fail', 'api').length === 3 ? true : undefined));
    expect(images(k8s.getPods('fail', 'api'))).toEqual(['api:1', 'api:1', 'api:1']);
  });

  it('fails every rollout to an image matching failImage until another image is set', async () => {
    k8s.seedDeployment({ namespace: 'badimage', name: 'web', image: 'web:1', replicas: 2 });
    k8s.failImage('web:broken-*');
    await setImage('badimage', 'web', 'web:broken-7');
    await expect(k8s.waitForRollout('badimage', 'web')).rejects.toThrow('exceeded its progress deadline');
    await setImage('badimage', 'web', 'web:3');
    const d = await k8s.waitForRollout('badimage', 'web');
    expect(d.spec.template.spec.containers[0]?.image).toBe('web:3');
  });

  it('holds a paused deployment and resumes the rollout when unpaused', async () => {
    k8s.seedDeployment({ namespace: 'paused', name: 'api', image: 'api:1', replicas: 2 });
    await c.apps.patchNamespacedDeployment(
      { namespace: 'paused', name: 'api', body: { spec: { paused: true } } },
      merge,
    );
    const patched = await setImage('paused', 'api', 'api:2');
    const held = await eventually(() => {
      const d = k8s.getDeployment('paused', 'api');
      return d && d.status.observedGeneration === patched.metadata?.generation ? d : undefined;
    });
    const progressing = held.status.conditions?.find((cond) => cond.type === 'Progressing');
    expect(progressing).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' });
    expect(k8s.getReplicaSets('paused', 'api')).toHaveLength(1);
    expect(images(k8s.getPods('paused', 'api'))).toEqual(['api:1', 'api:1']);

    await c.apps.patchNamespacedDeployment(
      { namespace: 'paused', name: 'api', body: { spec: { paused: false } } },
      merge,
    );
    const resumed = await k8s.waitForRollout('paused', 'api');
    expect(resumed.metadata.annotations?.[REVISION]).toBe('2');
  });

  it('scales the current ReplicaSet through the scale subresource, within HPA bounds', async () => {
    k8s.seedDeployment({ namespace: 'scale', name: 'api', image: 'api:1', replicas: 3, hpa: { min: 2, max: 4 } });
    await c.apps.patchNamespacedDeploymentScale(
      { namespace: 'scale', name: 'api', body: { spec: { replicas: 10 } } },
      merge,
    );
    await eventually(() => (k8s.getDeployment('scale', 'api')?.status.readyReplicas === 4 ? true : undefined));
    expect(k8s.getPods('scale', 'api')).toHaveLength(4);
    expect(k8s.getDeployment('scale', 'api')?.spec.replicas).toBe(4);
    const hpa = await c.hpaV2.readNamespacedHorizontalPodAutoscaler({ namespace: 'scale', name: 'api' });
    expect(hpa.status).toMatchObject({ desiredReplicas: 4, currentReplicas: 4 });

    await c.apps.patchNamespacedDeploymentScale(
      { namespace: 'scale', name: 'api', body: { spec: { replicas: 3 } } },
      merge,
    );
    await eventually(() => (k8s.getPods('scale', 'api').length === 3 ? true : undefined));
    expect(k8s.getReplicaSets('scale', 'api').map((rs) => rs.spec.replicas)).toEqual([3]);
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', async () => {
    k8s.seedDeployment({
      namespace: 'history',
      name: 'api',
      image: 'api:4',
      replicas: 1,
      history: ['api:1', 'api:2', 'api:3'],
    });
    await setImage('history', 'api', 'api:5', { spec: { revisionHistoryLimit: 1 } });
    await c.apps.patchNamespacedDeployment(
      { namespace: 'history', name: 'api', body: { spec: { revisionHistoryLimit: 1 } } },
      merge,
    );
    await k8s.waitForRollout('history', 'api');
    const revisions = await eventually(() => {
      const sets = k8s.getReplicaSets('history', 'api');
      return sets.length === 2 ? sets.map((rs) => rs.metadata.annotations?.[REVISION]) : undefined;
    });
    expect(revisions).toEqual(['4', '5']);
  });

  it('rolls out with the Recreate strategy', async () => {
    k8s.seedDeployment({ namespace: 'recreate', name: 'db', image: 'db:1', replicas: 2 });
    await setImage('recreate', 'db', 'db:2', { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } });
    await c.apps.patchNamespacedDeployment(
      { namespace: 'recreate', name: 'db', body: { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } } },
      merge,
    );
    const d = await k8s.waitForRollout('recreate', 'db');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    await eventually(() => (k8s.getPods('recreate', 'db').length === 2 ? true : undefined));
    expect(images(k8s.getPods('recreate', 'db'))).toEqual(['db:2', 'db:2']);
  });

  describe('pod logs', () => {
    let pod: string;
    const logUrl = (name: string, query: string) => `${k8s.url}/api/v1/namespaces/logs/pods/${name}/log?${query}`;
    const auth = () => ({ authorization: `Bearer ${k8s.token}` });

    beforeAll(() => {
      k8s.seedDeployment({ namespace: 'logs', name: 'api', image: 'api:1', replicas: 1 });
      pod = k8s.getPods('logs', 'api')[0]?.metadata.name ?? '';
    });

    it('follows a pod: the tail first, then new lines as they are written, up to limitBytes', async () => {
      const stream = new PassThrough();
      let text = '';
      let ended = false;
      stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
      stream.on('end', () => (ended = true));
      const limitBytes = 8 * `${pod} line 1000\n`.length;
      await new Log(c.kc).log('logs', pod, 'api', stream, { follow: true, tailLines: 2, limitBytes });
      await eventually(() => (ended ? true : undefined));
      expect(Buffer.byteLength(text)).toBe(limitBytes);
      const lines = text.split('\n').filter((line) => /^\S+ line \d+$/.test(line));
      expect(lines.length).toBeGreaterThan(2);
      const seqs = lines.map((line) => Number(/^\S+ line (\d+)$/.exec(line)?.[1]));
      expect(lines[0]).toMatch(new RegExp(`^${pod} line \\d+$`));
      expect(seqs.slice(1).every((seq, i) => seq === (seqs[i] ?? 0) + 1)).toBe(true);
    });

    it.each([
      { query: 'tailLines=3', check: (lines: string[]) => expect(lines).toHaveLength(3) },
      { query: 'tailLines=0', check: (lines: string[]) => expect(lines).toEqual([]) },
      {
        query: 'tailLines=2&timestamps=true',
        check: (lines: string[]) => {
          for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \S+ line \d+$/);
        },
      },
      { query: 'sinceSeconds=1', check: (lines: string[]) => expect(lines.length).toBeLessThan(200) },
      { query: 'container=api&tailLines=1', check: (lines: string[]) => expect(lines).toHaveLength(1) },
    ])('answers a snapshot for $query', async ({ query, check }) => {
      const response = await fetch(logUrl(pod, query), { headers: auth() });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain');
      check((await response.text()).split('\n').filter(Boolean));
    });

    it('has a backlog from before the seed, so sinceSeconds cuts it', async () => {
      const all = (await (await fetch(logUrl(pod, ''), { headers: auth() })).text()).split('\n').filter(Boolean);
      const recent = (await (await fetch(logUrl(pod, 'sinceSeconds=1'), { headers: auth() })).text())
        .split('\n')
        .filter(Boolean);
      expect(all.length).toBeGreaterThan(recent.length);
    });

    it('stops after limitBytes', async () => {
      const body = await (await fetch(logUrl(pod, 'limitBytes=10'), { headers: auth() })).text();
      expect(Buffer.byteLength(body)).toBe(10);
    });

    it.each([
      { query: 'container=nope', message: `container nope is not valid for pod ${'POD'}` },
      { query: 'previous=true', message: `previous terminated container "api" in pod "POD" not found` },
    ])('answers 400 for $query', async ({ query, message }) => {
      const response = await fetch(logUrl(pod, query), { headers: auth() });
      expect(response.status).toBe(400);
      expect((await bodyOf<{ message: string }>(response)).message).toBe(message.replace('POD', pod));
    });

    it('answers 400 for a container that never started', async () => {
      k8s.seedDeployment({ namespace: 'logs', name: 'broken', image: 'broken:1', replicas: 1 });
      k8s.failNextRollout('logs', 'broken');
      await setImage('logs', 'broken', 'broken:2');
      const waiting = await eventually(() =>
        k8s
          .getPods('logs', 'broken')
          .find((p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff'),
      );
      const response = await fetch(logUrl(waiting.metadata.name, ''), { headers: auth() });
      expect(response.status).toBe(400);
      expect((await bodyOf<{ message: string }>(response)).message).toBe(
        `container "broken" in pod "${waiting.metadata.name}" is waiting to start: trying and failing to pull image`,
      );
    });
  });
});

describe('Kubernetes emulator lifecycle', () => {
  it('reset empties the cluster, telling watchers', async () => {
    const k8s = await startEmulator();
    try {
      const { kc, apps } = clientsFor(k8s);
      k8s.seedDeployment({ namespace: 'gone', name: 'api', image: 'api:1', replicas: 1 });
      k8s.failImage('*');
      const types: string[] = [];
      const watch = await new Watch(kc).watch(
        '/apis/apps/v1/deployments',
        {},
        (type) => types.push(type),
        () => undefined,
      );
      await eventually(() => (types.includes('ADDED') ? true : undefined));
      k8s.reset();
      expect(k8s.requests).toEqual([]);
      await eventually(() => (types.includes('DELETED') ? true : undefined));
      watch.abort();
      expect((await apps.listDeploymentForAllNamespaces()).items).toEqual([]);
      k8s.seedDeployment({ namespace: 'gone', name: 'api', image: 'api:1', replicas: 1 });
      await setImageAndWait(k8s, 'api:2');
    } finally {
      await k8s.close();
    }
  });

  it('close ends open watches and log follows', async () => {
    const k8s = await startEmulator();
    const { kc } = clientsFor(k8s);
    k8s.seedDeployment({ namespace: 'open', name: 'api', image: 'api:1', replicas: 1 });
    let watchEnded = false;
    await new Watch(kc).watch(
      '/api/v1/namespaces/open/pods',
      {},
      () => undefined,
      () => (watchEnded = true),
    );
    const stream = new PassThrough();
    let logEnded = false;
    stream.on('close', () => (logEnded = true));
    stream.resume();
    await new Log(kc).log('open', k8s.getPods('open', 'api')[0]?.metadata.name ?? '', 'api', stream, { follow: true });
    await k8s.close();
    await eventually(() => (watchEnded && logEnded ? true : undefined));
    expect(await fetch(`${k8s.url}/version`).catch((error: Error) => error.name)).toBe('TypeError');
  });
});

/** After a reset, failure rules are gone: a rollout completes again. */
async function setImageAndWait(k8s: KubernetesEmulator, image: string): Promise<void> {
  const { apps } = clientsFor(k8s);
  await apps.patchNamespacedDeployment(
    {
      namespace: 'gone',
      name: 'api',
      body: { spec: { template: { spec: { containers: [{ name: 'api', image }] } } } },
    },
    merge,
  );
  const d = await k8s.waitForRollout('gone', 'api');
  expect(d.spec.template.spec.containers[0]?.image).toBe(image);
}
