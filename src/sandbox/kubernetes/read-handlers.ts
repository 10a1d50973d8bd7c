import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound } from './api-error.ts';
import type { ApiContext } from './context.ts';
import { toHpaV1 } from './hpa.ts';
import { flag, intParam, sendJson } from './http-util.ts';
import { apiVersionOf, type ResourceType } from './resources.ts';
import type { ResourceRoute } from './routes.ts';
import { parseFieldSelector, parseLabelSelector, type Matcher } from './selectors.ts';
import { toTable, wantsTable } from './table.ts';
import type { HorizontalPodAutoscaler, KubeObject } from './types.ts';
import { serveWatch } from './watch-stream.ts';

/** Field selectors kube-apiserver accepts per resource (beyond metadata.name and metadata.namespace). */
const EXTRA_FIELDS: Record<string, string[]> = {
  pods: ['status.phase', 'spec.nodeName', 'spec.restartPolicy', 'status.podIP'],
  replicasets: ['status.replicas'],
};

/** An object as the requested version sees it; the HPA is stored as v2 and served as v1 too. */
export function present(type: ResourceType, object: KubeObject): KubeObject {
  if (type.storage === 'horizontalpodautoscalers' && type.version === 'v1') {
    return toHpaV1(object as HorizontalPodAutoscaler);
  }
  return object;
}

export function handleGet(
  ctx: ApiContext,
  route: ResourceRoute & { name: string },
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const object = ctx.store.get(route.type.storage, route.namespace, route.name);
  if (!object) throw notFound({ group: route.type.group, resource: route.type.plural, name: route.name });
  const table = wantsTable(req.headers.accept);
  const body = table
    ? toTable(route.type.storage, [object], ctx.store.resourceVersion, ctx.now())
    : present(route.type, object);
  sendJson(res, 200, body);
}

export function handleList(
  ctx: ApiContext,
  route: ResourceRoute,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'), [
    'metadata.name',
    'metadata.namespace',
    ...(EXTRA_FIELDS[route.type.plural] ?? []),
  ]);
  const matches: Matcher = (object) =>
    (route.namespace === undefined || object.metadata.namespace === route.namespace) &&
    labels(object) &&
    fields(object);
  const table = wantsTable(req.headers.accept);
  if (flag(query, 'watch')) {
    serveWatch(ctx, req, res, {
      storage: route.type.storage,
      matches,
      present: (object) =>
        table
          ? toTable(route.type.storage, [object], object.metadata.resourceVersion ?? '', ctx.now())
          : present(route.type, object),
      resourceVersion: query.get('resourceVersion'),
      sendInitialEvents: flag(query, 'sendInitialEvents'),
      timeoutSeconds: intParam(query, 'timeoutSeconds'),
      bookmarkTemplate: { kind: route.type.kind, apiVersion: apiVersionOf(route.type) },
    });
    return;
  }
  const objects = ctx.store.list(route.type.storage, route.namespace).filter(matches);
  if (table) {
    sendJson(res, 200, toTable(route.type.storage, objects, ctx.store.resourceVersion, ctx.now()));
    return;
  }
  // Items of a list carry no kind/apiVersion on the wire; the list's own say what they are.
  const items = objects.map((object) => {
    const { apiVersion: _apiVersion, kind: _kind, ...item } = present(route.type, object);
    return item;
  });
  sendJson(res, 200, {
    kind: `${route.type.kind}List`,
    apiVersion: apiVersionOf(route.type),
    metadata: { resourceVersion: ctx.store.resourceVersion },
    items,
  });
}
