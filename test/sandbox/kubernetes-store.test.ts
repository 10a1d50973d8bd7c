import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/sandbox/kubernetes/api-error.ts';
import { ObjectStore, type StoreEvent } from '../../src/sandbox/kubernetes/store.ts';
import type { KubeObject } from '../../src/sandbox/kubernetes/types.ts';
import { bodyOf, startEmulator } from './kubernetes-helpers.ts';

const deployment = (name: string, replicas = 1): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: { replicas },
  status: {},
});

describe('ObjectStore', () => {
  it('counts one resourceVersion per write and a generation per spec change', () => {
    const store = new ObjectStore(() => 0);
    const created = store.create('deployments', deployment('api'));
    expect(created.metadata).toMatchObject({
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '1970-01-01T00:00:00Z',
    });
    const relabelled = store.update('deployments', {
      ...created,
      metadata: { ...created.metadata, labels: { a: 'b' } },
    });
    expect(relabelled.metadata).toMatchObject({ resourceVersion: '2', generation: 1 });
    const rescaled = store.update('deployments', { ...relabelled, spec: { replicas: 3 } });
    expect(rescaled.metadata).toMatchObject({ resourceVersion: '3', generation: 2 });
    expect(store.update('deployments', rescaled).metadata.resourceVersion).toBe('3');
    expect(store.resourceVersion).toBe('3');
  });

  it('rejects a stale resourceVersion with 409 and unknown objects with 404', () => {
    const store = new ObjectStore(() => 0);
    const created = store.create('deployments', deployment('api'));
    store.update('deployments', { ...created, spec: { replicas: 2 } });
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as ApiError).code;
      }
      return 0;
    };
    expect(codeOf(() => store.update('deployments', { ...created, spec: { replicas: 5 } }))).toBe(409);
    expect(codeOf(() => store.update('deployments', deployment('ghost')))).toBe(404);
    expect(codeOf(() => store.create('deployments', deployment('api')))).toBe(409);
    expect(() => store.require('deployments', 'shop', 'ghost')).toThrow(ApiError);
  });

  it('replays history after a resourceVersion until it has been trimmed', () => {
    const store = new ObjectStore(() => 0, 3);
    for (const name of ['a', 'b', 'c', 'd']) store.create('deployments', deployment(name));
    expect(store.eventsSince(2)?.map((e) => e.object.metadata.name)).toEqual(['c', 'd']);
    expect(store.eventsSince(1)?.map((e) => e.object.metadata.name)).toEqual(['b', 'c', 'd']);
    expect(store.eventsSince(0)).toBeUndefined();
  });

  it('does not store dry-run writes', () => {
    const store = new ObjectStore(() => 0);
    const seen: StoreEvent[] = [];
    store.subscribe((event) => seen.push(event));
    store.create('deployments', deployment('api'), { dryRun: true });
    expect(store.list('deployments')).toEqual([]);
    expect(seen).toEqual([]);
  });
});

describe('watch through a label selector', () => {
  it('turns an object that starts or stops matching into ADDED and DELETED', async () => {
    const k8s = await startEmulator();
    try {
      k8s.seedDeployment({ namespace: 'shop', name: 'api', image: 'api:1', replicas: 1 });
      const headers = { authorization: `Bearer ${k8s.token}` };
      const base = `${k8s.url}/apis/apps/v1/namespaces/shop/deployments`;
      const list = await bodyOf<{ metadata: { resourceVersion: string } }>(await fetch(base, { headers }));
      const from = list.metadata.resourceVersion;
      const relabel = (tier: string | null) =>
        fetch(`${base}/api`, {
          method: 'PATCH',
          headers: { ...headers, 'content-type': 'application/merge-patch+json' },
          body: JSON.stringify({ metadata: { labels: { tier } } }),
        });
      await relabel('gold');
      await relabel(null);
      const response = await fetch(
        `${base}?watch=true&labelSelector=tier%3Dgold&resourceVersion=${from}&timeoutSeconds=1`,
        { headers },
      );
      const events = (await response.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; object: KubeObject });
      expect(events.map((e) => [e.type, e.object.metadata.labels?.tier])).toEqual([
        ['ADDED', 'gold'],
        ['DELETED', undefined],
      ]);
    } finally {
      await k8s.close();
    }
  });
});
