import { hpaTargets } from './hpa.ts';
import { labelSelectorString } from './selectors.ts';
import type { Deployment, HorizontalPodAutoscaler, KubeObject, Pod, ReplicaSet } from './types.ts';

/**
 * Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`). kubectl 1.32 has no built-in
 * printers for these kinds any more, so without tables `kubectl get` shows only NAME and AGE. Columns follow
 * kubernetes/pkg/printers/internalversion/printers.go.
 */

interface Column {
  name: string;
  type: 'string' | 'integer';
  priority?: number;
  cell: (object: KubeObject, now: number) => string | number;
}

const name: Column = { name: 'Name', type: 'string', cell: (o) => o.metadata.name };
const age: Column = {
  name: 'Age',
  type: 'string',
  cell: (o, now) => humanDuration(now - Date.parse(o.metadata.creationTimestamp ?? '')),
};

function templateColumns(template: (o: KubeObject) => Deployment['spec']['template']): Column[] {
  const containers = (o: KubeObject) => template(o).spec.containers;
  return [
    {
      name: 'Containers',
      type: 'string',
      priority: 1,
      cell: (o) =>
        containers(o)
          .map((c) => c.name)
          .join(','),
    },
    {
      name: 'Images',
      type: 'string',
      priority: 1,
      cell: (o) =>
        containers(o)
          .map((c) => c.image)
          .join(','),
    },
  ];
}

/** The STATUS column of a pod: the reason a container is waiting (ImagePullBackOff, …), else the phase. */
function podStatus(p: Pod): string {
  return (p.status.containerStatuses ?? []).find((c) => c.state.waiting)?.state.waiting?.reason ?? p.status.phase;
}

const deployment = (o: KubeObject) => o as Deployment;
const replicaSet = (o: KubeObject) => o as ReplicaSet;
const pod = (o: KubeObject) => o as Pod;
const hpa = (o: KubeObject) => o as HorizontalPodAutoscaler;

const COLUMNS: Record<string, Column[]> = {
  deployments: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${deployment(o).status.readyReplicas ?? 0}/${deployment(o).spec.replicas}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => deployment(o).status.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => deployment(o).status.availableReplicas ?? 0 },
    age,
    ...templateColumns((o) => deployment(o).spec.template),
    { name: 'Selector', type: 'string', priority: 1, cell: (o) => labelSelectorString(deployment(o).spec.selector) },
  ],
  replicasets: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => replicaSet(o).spec.replicas },
    { name: 'Current', type: 'integer', cell: (o) => replicaSet(o).status.replicas },
    { name: 'Ready', type: 'integer', cell: (o) => replicaSet(o).status.readyReplicas ?? 0 },
    age,
    ...templateColumns((o) => replicaSet(o).spec.template),
    { name: 'Selector', type: 'string', priority: 1, cell: (o) => labelSelectorString(replicaSet(o).spec.selector) },
  ],
  pods: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) =>
        `${(pod(o).status.containerStatuses ?? []).filter((c) => c.ready).length}/${pod(o).spec.containers.length}`,
    },
    { name: 'Status', type: 'string', cell: (o) => podStatus(pod(o)) },
    {
      name: 'Restarts',
      type: 'integer',
      cell: (o) => (pod(o).status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
    },
    age,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => pod(o).status.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => pod(o).spec.nodeName ?? '<none>' },
  ],
  horizontalpodautoscalers: [
    name,
    {
      name: 'Reference',
      type: 'string',
      cell: (o) => `${hpa(o).spec.scaleTargetRef.kind}/${hpa(o).spec.scaleTargetRef.name}`,
    },
    { name: 'Targets', type: 'string', cell: (o) => hpaTargets(hpa(o)) },
    { name: 'MinPods', type: 'integer', cell: (o) => hpa(o).spec.minReplicas },
    { name: 'MaxPods', type: 'integer', cell: (o) => hpa(o).spec.maxReplicas },
    { name: 'Replicas', type: 'integer', cell: (o) => hpa(o).status.currentReplicas },
    age,
  ],
  namespaces: [
    name,
    { name: 'Status', type: 'string', cell: (o) => String((o.status as { phase?: string } | undefined)?.phase ?? '') },
    age,
  ],
};

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').includes('as=Table');
}

export function toTable(storage: string, objects: KubeObject[], resourceVersion: string, now: number): unknown {
  const columns = COLUMNS[storage] ?? [name, age];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c === name ? 'name' : '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: objects.map((object) => ({
      cells: columns.map((c) => c.cell(object, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
    })),
  };
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration, the AGE column's format. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (Number.isNaN(seconds) || seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}
