import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/sandbox/kubernetes/api-error.ts';
import { renderKubeconfig } from '../../src/sandbox/kubernetes/kubeconfig.ts';
import { planRecreateStep, planRollingStep, rollingBounds } from '../../src/sandbox/kubernetes/rollout-plan.ts';
import {
  labelSelectorString,
  matchesLabelSelector,
  parseFieldSelector,
  parseLabelSelector,
} from '../../src/sandbox/kubernetes/selectors.ts';
import { humanDuration } from '../../src/sandbox/kubernetes/table.ts';
import type { Deployment, KubeObject } from '../../src/sandbox/kubernetes/types.ts';

const object = (labels: Record<string, string>, name = 'api-1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels },
  status: { phase: 'Running' },
});

describe('label selectors', () => {
  const labels = { app: 'api', tier: 'web', track: 'stable' };
  it.each([
    ['', true],
    ['app=api', true],
    ['app==api', true],
    ['app=web', false],
    ['app!=web', true],
    ['app=api,tier=web', true],
    ['app=api,tier=db', false],
    ['tier in (web, db)', true],
    ['tier notin (web)', false],
    ['track', true],
    ['!track', false],
    ['!canary', true],
    ['app in (api,worker),!canary,tier', true],
  ])('%j matches: %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(object(labels))).toBe(expected);
  });

  it('rejects what it cannot parse with a 400', () => {
    expect(() => parseLabelSelector('app=(x')).toThrow(ApiError);
  });

  it('matches and prints LabelSelector objects', () => {
    const selector = {
      matchLabels: { app: 'api' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'db'] }],
    };
    expect(matchesLabelSelector(labels, selector)).toBe(true);
    expect(matchesLabelSelector({ app: 'api' }, selector)).toBe(false);
    expect(labelSelectorString(selector)).toBe('app=api,tier in (web,db)');
  });
});

describe('field selectors', () => {
  it.each([
    ['metadata.name=api-1', true],
    ['metadata.name=api-2', false],
    ['metadata.name!=api-2,metadata.namespace=shop', true],
    ['status.phase==Running', true],
  ])('%j matches: %s', (selector, expected) => {
    expect(parseFieldSelector(selector, ['metadata.name', 'metadata.namespace', 'status.phase'])(object({}))).toBe(
      expected,
    );
  });

  it('answers 400 for fields the resource does not index', () => {
    let error: unknown;
    try {
      parseFieldSelector('spec.foo=bar', ['metadata.name']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(400);
    expect((error as ApiError).message).toBe('field label not supported: spec.foo');
  });
});

describe('rollout planning', () => {
  const deployment = (
    replicas: number,
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string },
  ) => ({ spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate } } }) as unknown as Deployment;

  it.each([
    { replicas: 3, rolling: undefined, expected: { surge: 1, unavailable: 0 } },
    { replicas: 10, rolling: undefined, expected: { surge: 3, unavailable: 2 } },
    { replicas: 4, rolling: { maxSurge: 0, maxUnavailable: 0 }, expected: { surge: 0, unavailable: 1 } },
    { replicas: 4, rolling: { maxSurge: '50%', maxUnavailable: 1 }, expected: { surge: 2, unavailable: 1 } },
  ])('bounds for $replicas replicas with $rolling', ({ replicas, rolling, expected }) => {
    expect(rollingBounds(deployment(replicas, rolling))).toEqual(expected);
  });

  const rs = (name: string, revision: number, replicas: number, available: number) => ({
    name,
    revision,
    replicas,
    available,
  });

  it.each([
    {
      name: 'surges the new ReplicaSet first',
      newRS: rs('new', 2, 0, 0),
      old: [rs('old', 1, 3, 3)],
      expected: [['new', 1]],
    },
    {
      name: 'scales old down once new pods are available',
      newRS: rs('new', 2, 1, 1),
      old: [rs('old', 1, 3, 3)],
      expected: [['old', 2]],
    },
    {
      name: 'waits while new pods are unavailable and no old pod may go',
      newRS: rs('new', 2, 1, 0),
      old: [rs('old', 1, 3, 3)],
      expected: [],
    },
    {
      name: 'removes unhealthy old pods first, then healthy ones within availability',
      newRS: rs('new', 3, 1, 1),
      old: [rs('older', 1, 1, 0), rs('old', 2, 3, 3)],
      expected: [
        ['older', 0],
        ['old', 2],
      ],
    },
    {
      name: 'scales a settled ReplicaSet down to the new size',
      newRS: rs('new', 2, 5, 5),
      old: [],
      expected: [['new', 3]],
    },
  ])('$name', ({ newRS, old, expected }) => {
    expect([...planRollingStep(3, { surge: 1, unavailable: 0 }, newRS, old)]).toEqual(expected);
  });

  it('recreates: old ReplicaSets to zero first, the new one only once their pods are gone', () => {
    expect([...planRecreateStep(2, rs('new', 2, 0, 0), [rs('old', 1, 2, 2)], 2)]).toEqual([['old', 0]]);
    expect([...planRecreateStep(2, rs('new', 2, 0, 0), [rs('old', 1, 0, 0)], 1)]).toEqual([]);
    expect([...planRecreateStep(2, rs('new', 2, 0, 0), [rs('old', 1, 0, 0)], 0)]).toEqual([['new', 2]]);
  });
});

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [59_000, '59s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [4 * 3600_000 + 5 * 60_000, '4h5m'],
    [30 * 3600_000, '30h'],
    [3 * 86400_000 + 3600_000, '3d1h'],
    [400 * 86400_000, '400d'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('renderKubeconfig', () => {
  it('shares one cluster entry per server and lists every context', () => {
    const yaml = renderKubeconfig(
      [
        { name: 'staging', server: 'http://127.0.0.1:1000/token/a', token: 'a', namespace: 'shop' },
        { name: 'prod', server: 'http://127.0.0.1:1000/token/a', token: 'a' },
        { name: 'dr', server: 'http://127.0.0.1:2000/token/b', token: 'b' },
      ],
      'prod',
    );
    expect(yaml.match(/insecure-skip-tls-verify: true/g)).toHaveLength(2);
    expect(yaml).toContain('- name: "staging"\n  context:\n    cluster: "opsdeck-sandbox-127-0-0-1-1000"');
    expect(yaml).toContain('    namespace: "shop"');
    expect(yaml).toContain('    token: "b"');
    expect(yaml).toContain('current-context: "prod"');
  });
});
