import { describe, expect, it } from 'vitest';
import { type KubeObject, schemaProblems } from './kubernetes-schemas.ts';

const pod = (container: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'x' },
  spec: {
    selector: { matchLabels: { app: 'x' } },
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i', ...container }] } },
  },
});

describe('the schema check of rendered objects', () => {
  it.each([
    { name: 'a valid Deployment', object: pod({ ports: [{ name: 'http', containerPort: 3000 }] }), problems: [] },
    {
      name: 'a misspelt field',
      object: pod({ readinesProbe: { httpGet: { path: '/readyz', port: 3000 } } }),
      problems: ['Deployment x: spec.template.spec.containers[0].readinesProbe: unknown field'],
    },
    {
      name: 'a misspelt field inside a map of objects',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labelz: {} }, data: { a: 'b' } },
      problems: ['ConfigMap x: metadata.labelz: unknown field'],
    },
    {
      name: 'a wrong type',
      object: pod({ ports: [{ containerPort: '3000' }] }),
      problems: ['Deployment x: data/spec/template/spec/containers/0/ports/0/containerPort must be integer'],
    },
    {
      name: 'a value outside an enum',
      object: pod({ imagePullPolicy: 'Sometimes' }),
      problems: [expect.stringMatching(/imagePullPolicy must be equal to one of the allowed values/)],
    },
    {
      name: 'a bad quantity',
      object: pod({ resources: { limits: { memory: '512 MB' } } }),
      problems: [expect.stringMatching(/limits\/memory must match format "quantity"/)],
    },
    {
      name: 'a missing required field',
      object: {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 'x' },
        spec: { endpoints: [] },
      },
      problems: ['ServiceMonitor x: data/spec must have required property selector'],
    },
    {
      name: 'a kind it has no schema for',
      object: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'x' } },
      problems: ['Ingress x: no schema for networking.k8s.io/v1 Ingress: add its model to MODELS'],
    },
  ])('reports $name', ({ object, problems }) => {
    expect(schemaProblems(object as KubeObject)).toEqual(problems);
  });
});
