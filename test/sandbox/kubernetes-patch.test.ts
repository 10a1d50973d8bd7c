import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/sandbox/kubernetes/api-error.ts';
import { applyJsonPatch } from '../../src/sandbox/kubernetes/json-patch.ts';
import { applyMergePatch, applyPatch } from '../../src/sandbox/kubernetes/patch.ts';
import { applyStrategicMergePatch } from '../../src/sandbox/kubernetes/strategic-merge-patch.ts';

const podSpec = () => ({
  spec: {
    template: {
      metadata: { labels: { app: 'api' }, annotations: { a: '1' } },
      spec: {
        containers: [
          {
            name: 'api',
            image: 'api:1',
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            env: [{ name: 'A', value: '1' }],
          },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
    },
  },
  metadata: { finalizers: ['a'] },
});

/** The pod template document as the patches below leave it: each may add, drop or replace a part. */
interface Doc {
  metadata: {
    finalizers?: string[];
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    kept?: string[];
  };
  spec: {
    template: {
      metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: { name: string; image: string }[] };
    };
  };
}
const asDoc = (patched: unknown): Doc => patched as Doc;

function errorOf(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('JSON Patch (RFC 6902)', () => {
  it.each([
    {
      name: 'replace a nested value',
      patch: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'api:2' }],
      check: (doc: Doc) => expect(doc.spec.template.spec.containers[0]?.image).toBe('api:2'),
    },
    {
      name: 'add to the end of a list with -',
      patch: [{ op: 'add', path: '/metadata/finalizers/-', value: 'b' }],
      check: (doc: Doc) => expect(doc.metadata.finalizers).toEqual(['a', 'b']),
    },
    {
      name: 'escape ~1 in keys',
      patch: [{ op: 'add', path: '/spec/template/metadata/annotations/kubernetes.io~1change-cause', value: 'why' }],
      check: (doc: Doc) => expect(doc.spec.template.metadata.annotations?.['kubernetes.io/change-cause']).toBe('why'),
    },
    {
      name: 'remove a key',
      patch: [{ op: 'remove', path: '/spec/template/metadata/annotations/a' }],
      check: (doc: Doc) => expect(doc.spec.template.metadata.annotations).toEqual({}),
    },
    {
      name: 'move and copy',
      patch: [
        { op: 'copy', from: '/spec/template/metadata/labels', path: '/metadata/labels' },
        { op: 'move', from: '/metadata/finalizers', path: '/metadata/kept' },
      ],
      check: (doc: Doc) => expect(doc.metadata).toEqual({ labels: { app: 'api' }, kept: ['a'] }),
    },
    {
      name: 'pass a test',
      patch: [{ op: 'test', path: '/spec/template/spec/containers/1/name', value: 'sidecar' }],
      check: (doc: Doc) => expect(doc).toEqual(podSpec()),
    },
  ])('$name', ({ patch, check }) => {
    check(asDoc(applyJsonPatch(podSpec(), patch)));
  });

  it.each([
    { name: 'replace of a missing path', patch: [{ op: 'replace', path: '/spec/nope', value: 1 }], code: 422 },
    { name: 'a failed test', patch: [{ op: 'test', path: '/metadata/finalizers/0', value: 'z' }], code: 422 },
    { name: 'index out of range', patch: [{ op: 'remove', path: '/metadata/finalizers/5' }], code: 422 },
    { name: 'an unknown op', patch: [{ op: 'frobnicate', path: '/x' }], code: 400 },
    { name: 'a patch that is not a list', patch: { op: 'add' }, code: 400 },
  ])('rejects $name with $code', ({ patch, code }) => {
    expect(errorOf(() => applyJsonPatch(podSpec(), patch)).code).toBe(code);
  });

  it('leaves the input document untouched', () => {
    const doc = podSpec();
    applyJsonPatch(doc, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'api:2' }]);
    expect(doc).toEqual(podSpec());
  });
});

describe('JSON Merge Patch (RFC 7386)', () => {
  it('merges maps, replaces lists and deletes with null', () => {
    const result = asDoc(
      applyMergePatch(podSpec(), {
        metadata: { finalizers: ['z'], annotations: { 'kubernetes.io/change-cause': 'deploy 2' } },
        spec: { template: { metadata: { annotations: null } } },
      }),
    );
    expect(result.metadata).toEqual({ finalizers: ['z'], annotations: { 'kubernetes.io/change-cause': 'deploy 2' } });
    expect(result.spec.template.metadata).toEqual({ labels: { app: 'api' } });
    expect(result.spec.template.spec.containers).toHaveLength(2);
  });
});

describe('strategic merge patch', () => {
  it.each([
    {
      name: 'merges containers by name (kubectl set image)',
      patch: {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'api' }, { name: 'sidecar' }],
              containers: [{ name: 'api', image: 'api:2' }],
            },
          },
        },
      },
      expected: [
        {
          name: 'api',
          image: 'api:2',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }],
        },
        { name: 'sidecar', image: 'proxy:1' },
      ],
    },
    {
      name: 'appends a container it does not know',
      patch: { spec: { template: { spec: { containers: [{ name: 'debug', image: 'busybox' }] } } } },
      expected: [
        {
          name: 'api',
          image: 'api:1',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }],
        },
        { name: 'sidecar', image: 'proxy:1' },
        { name: 'debug', image: 'busybox' },
      ],
    },
    {
      name: 'deletes a container with $patch: delete',
      patch: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
      expected: [
        {
          name: 'api',
          image: 'api:1',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }],
        },
      ],
    },
    {
      name: 'merges env inside a container by name',
      patch: { spec: { template: { spec: { containers: [{ name: 'api', env: [{ name: 'B', value: '2' }] }] } } } },
      expected: [
        {
          name: 'api',
          image: 'api:1',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
        { name: 'sidecar', image: 'proxy:1' },
      ],
    },
    {
      name: 'reorders with $setElementOrder',
      patch: {
        spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'api' }] } } },
      },
      expected: [
        { name: 'sidecar', image: 'proxy:1' },
        {
          name: 'api',
          image: 'api:1',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }],
        },
      ],
    },
    {
      name: 'replaces the whole list with a $patch: replace item',
      patch: { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } } } },
      expected: [{ name: 'only', image: 'x' }],
    },
  ])('$name', ({ patch, expected }) => {
    const result = asDoc(applyStrategicMergePatch(podSpec(), patch));
    expect(result.spec.template.spec.containers).toEqual(expected);
  });

  it('unions merge-strategy primitive lists and honours $deleteFromPrimitiveList', () => {
    expect(asDoc(applyStrategicMergePatch(podSpec(), { metadata: { finalizers: ['b'] } })).metadata.finalizers).toEqual(
      ['a', 'b'],
    );
    const removed = asDoc(
      applyStrategicMergePatch(podSpec(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }),
    );
    expect(removed.metadata.finalizers).toEqual([]);
  });

  it('deletes keys set to null and replaces maps with $patch: replace', () => {
    const result = asDoc(
      applyStrategicMergePatch(podSpec(), {
        spec: { template: { metadata: { annotations: null, labels: { $patch: 'replace', tier: 'web' } } } },
      }),
    );
    expect(result.spec.template.metadata).toEqual({ labels: { tier: 'web' } });
  });
});

describe('applyPatch', () => {
  it.each([
    [
      'application/json-patch+json',
      '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"api:3"}]',
    ],
    ['application/merge-patch+json', '{"spec":{"template":{"spec":{"containers":[{"name":"api","image":"api:3"}]}}}}'],
    [
      'application/strategic-merge-patch+json; charset=utf-8',
      '{"spec":{"template":{"spec":{"containers":[{"name":"api","image":"api:3"}]}}}}',
    ],
  ])('dispatches on %s', (contentType, body) => {
    const result = asDoc(applyPatch(contentType, podSpec(), body));
    expect(result.spec.template.spec.containers[0]?.image).toBe('api:3');
  });

  it.each([
    { contentType: 'application/apply-patch+yaml', body: 'a: 1', code: 415 },
    { contentType: undefined, body: '{}', code: 415 },
    { contentType: 'application/merge-patch+json', body: '{nope', code: 400 },
  ])('answers $code for $contentType', ({ contentType, body, code }) => {
    expect(errorOf(() => applyPatch(contentType, podSpec(), body)).code).toBe(code);
  });
});
