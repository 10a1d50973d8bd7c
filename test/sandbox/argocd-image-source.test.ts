import { describe, expect, it } from 'vitest';
import { desiredImage, type ImageSource } from '../../src/sandbox/argocd/image-source.ts';

const target = { deployment: 'billing' };
const MANIFEST = `apiVersion: v1
kind: Service
metadata: { name: billing }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: billing }
spec:
  template:
    spec:
      containers:
        - name: sidecar
          image: envoy:1.30
        - name: billing
          image: ghcr.io/acme/billing:v3 # the app
`;

describe('Argo CD emulator: where the image is read', () => {
  it.each<{ name: string; source: ImageSource; text: string; container?: string; image: string }>([
    {
      name: 'kustomize newTag',
      source: { kind: 'kustomize', file: 'k/kustomization.yaml' },
      text: 'images:\n  - name: ghcr.io/acme/billing\n    newTag: v2 # note\n',
      image: 'ghcr.io/acme/billing:v2',
    },
    {
      name: 'kustomize newName and digest, picked by name',
      source: { kind: 'kustomize', file: 'k/kustomization.yaml', image: 'b' },
      text: 'images:\n  - { name: a, newTag: "1" }\n  - { name: b, newName: reg/b, digest: "sha256:abc" }\n',
      image: 'reg/b@sha256:abc',
    },
    {
      name: 'helm values with the repository next to the tag',
      source: { kind: 'helm', file: 'chart/values-prod.yaml', tagPath: 'billing.image.tag' },
      text: 'billing:\n  image:\n    repository: ghcr.io/acme/billing\n    tag: "v4"\n',
      image: 'ghcr.io/acme/billing:v4',
    },
    {
      name: 'helm values with a fixed repository',
      source: { kind: 'helm', file: 'values.yaml', tagPath: 'tag', repository: 'ghcr.io/acme/billing' },
      text: 'tag: v5\n',
      image: 'ghcr.io/acme/billing:v5',
    },
    {
      name: 'a Deployment manifest, named container',
      source: { kind: 'directory', file: 'billing.yaml' },
      text: MANIFEST,
      container: 'billing',
      image: 'ghcr.io/acme/billing:v3',
    },
  ])('$name', ({ source, text, container, image }) => {
    expect(desiredImage(source, text, { ...target, container })).toBe(image);
  });

  it.each<{ source: ImageSource; text: string; error: string }>([
    { source: { kind: 'kustomize', file: 'k.yaml' }, text: 'resources: []\n', error: 'k.yaml: no images: entries' },
    {
      source: { kind: 'helm', file: 'v.yaml', tagPath: 'image.tag' },
      text: 'image: {}\n',
      error: 'v.yaml: no image.tag',
    },
    { source: { kind: 'directory', file: 'd.yaml' }, text: 'kind: Service\n', error: 'd.yaml: no Deployment billing' },
  ])('names the file and what is missing: $error', ({ source, text, error }) => {
    expect(() => desiredImage(source, text, target)).toThrow(error);
  });
});
