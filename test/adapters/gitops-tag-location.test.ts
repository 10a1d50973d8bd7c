import { describe, expect, it } from 'vitest';
import { parseValuesPath, readTag, type TagLocation, writeTag } from '../../src/adapters/gitops/tag-location.ts';

const KUSTOMIZATION = `# billing in prod: the image tag is bumped by opsdeck
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base   # shared base
images:
  - name: ghcr.io/acme/sidecar
    newTag: "2.0.1"
  - name: ghcr.io/acme/billing   # the service
    newName: registry.acme.io/billing
    newTag: v1.4.2 # current release
`;

const VALUES = `replicaCount: 3
image:
  repository: ghcr.io/acme/billing
  # the tag CI builds
  tag: 'v1.4.2'
  pullPolicy: IfNotPresent
workers:
  - name: queue
    image: {repository: ghcr.io/acme/worker, tag: v0.9.0}
`;

const MANIFEST = `apiVersion: v1
kind: Service
metadata: {name: billing}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
spec:
  template:
    spec:
      containers:
        - name: proxy
          image: envoyproxy/envoy:v1.30.0
        - name: billing
          image: ghcr.io/acme/billing:v1.4.2   # bumped on deploy
          ports: [{containerPort: 8080}]
`;

interface Case {
  name: string;
  text: string;
  location: TagLocation;
  before: string;
  tag: string;
  /** The one line that changes, before and after. */
  line: [string, string];
}

const cases: Case[] = [
  {
    name: 'kustomize images entry (plain)',
    text: KUSTOMIZATION,
    location: { kustomize: 'ghcr.io/acme/billing' },
    before: 'v1.4.2',
    tag: 'v1.5.0',
    line: ['    newTag: v1.4.2 # current release', '    newTag: v1.5.0 # current release'],
  },
  {
    name: 'kustomize entry keeps double quotes',
    text: KUSTOMIZATION,
    location: { kustomize: 'ghcr.io/acme/sidecar' },
    before: '2.0.1',
    tag: '2.1.0',
    line: ['    newTag: "2.0.1"', '    newTag: "2.1.0"'],
  },
  {
    name: 'plain tag that YAML would read as a number gets quoted',
    text: KUSTOMIZATION,
    location: { kustomize: 'ghcr.io/acme/billing' },
    before: 'v1.4.2',
    tag: '1.10',
    line: ['    newTag: v1.4.2 # current release', '    newTag: "1.10" # current release'],
  },
  {
    name: 'helm values path keeps single quotes',
    text: VALUES,
    location: { helm: 'image.tag' },
    before: 'v1.4.2',
    tag: 'v1.5.0',
    line: ["  tag: 'v1.4.2'", "  tag: 'v1.5.0'"],
  },
  {
    name: 'helm values path with an index into a flow map',
    text: VALUES,
    location: { helm: 'workers[0].image.tag' },
    before: 'v0.9.0',
    tag: 'v1.0.0',
    line: [
      '    image: {repository: ghcr.io/acme/worker, tag: v0.9.0}',
      '    image: {repository: ghcr.io/acme/worker, tag: v1.0.0}',
    ],
  },
  {
    name: 'container in a multi-document manifest',
    text: MANIFEST,
    location: { container: 'billing' },
    before: 'v1.4.2',
    tag: '0123456789abcdef0123456789abcdef01234567',
    line: [
      '          image: ghcr.io/acme/billing:v1.4.2   # bumped on deploy',
      '          image: ghcr.io/acme/billing:0123456789abcdef0123456789abcdef01234567   # bumped on deploy',
    ],
  },
];

describe('image tag locations', () => {
  it.each(cases)('$name: reads the tag and changes only it', ({ text, location, before, tag, line }) => {
    expect(readTag(text, location, 'f.yaml').tag).toBe(before);
    const next = writeTag(text, location, 'f.yaml', tag);
    expect(readTag(next, location, 'f.yaml').tag).toBe(tag);
    // Byte for byte: the old text with exactly that one line replaced, comments and all.
    expect(text.split(line[0]).length).toBe(2);
    expect(next).toBe(text.replace(line[0], line[1]));
  });

  it.each<{ name: string; text: string; location: TagLocation; message: RegExp }>([
    {
      name: 'kustomize: no such entry',
      text: KUSTOMIZATION,
      location: { kustomize: 'ghcr.io/acme/api' },
      message:
        /no `images:` entry named ghcr.io\/acme\/api \(its entries: ghcr.io\/acme\/sidecar, ghcr.io\/acme\/billing\)/,
    },
    {
      name: 'kustomize: no images list',
      text: 'resources: [a.yaml]\n',
      location: { kustomize: 'x' },
      message: /has no `images:` list/,
    },
    {
      name: 'kustomize: entry without newTag',
      text: 'images:\n  - name: x\n    newName: y\n',
      location: { kustomize: 'x' },
      message: /has no newTag; add `newTag/,
    },
    {
      name: 'kustomize: pinned by digest',
      text: 'images:\n  - name: x\n    newTag: v1\n    digest: sha256:abc\n',
      location: { kustomize: 'x' },
      message: /pins x by digest/,
    },
    {
      name: 'helm: missing key names what is there',
      text: VALUES,
      location: { helm: 'image.version' },
      message: /has no image.version: image has no version \(it has: repository, tag, pullPolicy\)/,
    },
    {
      name: 'helm: path to a map',
      text: VALUES,
      location: { helm: 'image' },
      message: /is not a single value/,
    },
    {
      name: 'container: no such container',
      text: MANIFEST,
      location: { container: 'api' },
      message: /has no container named api \(its containers: proxy, billing\)/,
    },
    {
      name: 'container: no Deployment',
      text: 'kind: Service\n',
      location: { container: 'api' },
      message: /holds no Deployment/,
    },
    {
      name: 'not YAML',
      text: 'images: [\n',
      location: { kustomize: 'x' },
      message: /is not valid YAML/,
    },
  ])('$name', ({ text, location, message }) => {
    expect(() => readTag(text, location, 'f.yaml')).toThrow(message);
    expect(() => writeTag(text, location, 'f.yaml', 'v2')).toThrow(message);
  });

  it.each([
    ['image.tag', ['image', 'tag']],
    ['workers[0].image.tag', ['workers', 0, 'image', 'tag']],
    ['a[1][2]', ['a', 1, 2]],
  ])('parses the values path %s', (path, keys) => {
    expect(parseValuesPath(path)).toEqual(keys);
  });

  it('refuses a values path it cannot read', () => {
    expect(() => parseValuesPath('image..tag')).toThrow(/not a values path/);
  });
});
