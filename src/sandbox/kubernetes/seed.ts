import { CHANGE_CAUSE } from './annotations.ts';
import type { Controller } from './controller.ts';
import { admitDeployment } from './deployment-spec.ts';
import { newReplicaSet } from './deployment-sync.ts';
import { newHpa } from './hpa.ts';
import { ensureNamespace } from './namespaces.ts';
import { newPod, runPod } from './pods.ts';
import type { ObjectStore } from './store.ts';
import type { Deployment, Labels } from './types.ts';

export interface SeedDeploymentInput {
  namespace: string;
  name: string;
  image: string;
  replicas: number;
  /** Container name; defaults to the Deployment name. */
  container?: string;
  /** Labels of the Deployment, its selector and pods; defaults to `{ app: name }`. */
  labels?: Labels;
  /** Older images, oldest first: each becomes a past revision (a scaled-down ReplicaSet). */
  history?: string[];
  hpa?: { min: number; max: number };
  progressDeadlineSeconds?: number;
}

/** How long seeded pods pretend to have been running, so their logs already have a backlog. */
const SEEDED_UPTIME_MS = 60_000;

/**
 * Creates a settled Deployment: one ReplicaSet per image (`history` then `image`), revisions counting up, the
 * current one with ready pods, as if it had been rolled out that way.
 */
export function seedDeployment(
  store: ObjectStore,
  controller: Controller,
  input: SeedDeploymentInput,
  now: number,
): Deployment {
  const { namespace, name, image } = input;
  const labels = input.labels ?? { app: name };
  const container = input.container ?? name;
  ensureNamespace(store, namespace);
  const images = [...(input.history ?? []), image];
  const withImage = (d: Deployment, img: string): Deployment => {
    const next = structuredClone(d);
    const [first] = next.spec.template.spec.containers;
    if (first) first.image = img;
    next.metadata.annotations = { ...next.metadata.annotations, [CHANGE_CAUSE]: `seeded ${img}` };
    return next;
  };
  const spec = admitDeployment(
    {
      metadata: { name, namespace, labels },
      spec: {
        replicas: input.replicas,
        selector: { matchLabels: labels },
        ...(input.progressDeadlineSeconds !== undefined
          ? { progressDeadlineSeconds: input.progressDeadlineSeconds }
          : {}),
        template: {
          metadata: { labels },
          spec: { containers: [{ name: container, image, ports: [{ containerPort: 8080, protocol: 'TCP' }] }] },
        },
      },
    },
    namespace,
  );
  const deployment = store.create('deployments', withImage(spec, image));
  images.forEach((img, index) => {
    const rs = newReplicaSet(withImage(deployment, img), index + 1);
    const current = index === images.length - 1;
    rs.spec.replicas = current ? input.replicas : 0;
    const created = store.create('replicasets', rs);
    if (!current) return;
    for (let i = 0; i < input.replicas; i += 1) {
      const pod = store.create('pods', runPod(newPod(created, now - SEEDED_UPTIME_MS), now - SEEDED_UPTIME_MS));
      controller.adoptRunningPod(pod, now - SEEDED_UPTIME_MS);
    }
  });
  if (input.hpa) store.create('horizontalpodautoscalers', newHpa(namespace, name, input.hpa.min, input.hpa.max));
  controller.tick();
  return store.require<Deployment>('deployments', namespace, name);
}
