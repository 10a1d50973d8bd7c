import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, methodNotAllowed } from './api-error.ts';
import type { ApiContext } from './context.ts';
import { admitDeployment } from './deployment-spec.ts';
import { parseJsonBody, readBody, sendJson } from './http-util.ts';
import { requireNamespace } from './namespaces.ts';
import { applyPatch } from './patch.ts';
import { applyScale, scaleOf } from './scale.ts';
import type { WriteOptions } from './store.ts';
import type { Deployment } from './types.ts';

export interface DeploymentTarget {
  namespace: string;
  name: string | undefined;
  subresource: string | undefined;
}

/** Deployment writes and its scale/status subresources (GETs of the plain object go through the read path). */
export async function handleDeploymentRequest(
  ctx: ApiContext,
  target: DeploymentTarget,
  method: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { namespace, name, subresource } = target;
  const options: WriteOptions = { dryRun: query.getAll('dryRun').includes('All') };
  if (name === undefined) {
    if (method !== 'POST') throw methodNotAllowed();
    requireNamespace(ctx.store, namespace);
    const deployment = admitDeployment(parseJsonBody(req.headers['content-type'], await readBody(req)), namespace);
    for (const field of ['uid', 'resourceVersion', 'generation', 'creationTimestamp'])
      delete deployment.metadata[field];
    deployment.status = {};
    sendJson(res, 201, ctx.store.create('deployments', deployment, options));
    return;
  }
  if (subresource === 'status') {
    if (method !== 'GET') throw methodNotAllowed();
    sendJson(res, 200, ctx.store.require<Deployment>('deployments', namespace, name));
    return;
  }
  if (subresource === 'scale') {
    await handleScale(ctx, namespace, name, method, options, req, res);
    return;
  }
  if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed();
  const body = await readBody(req);
  const current = ctx.store.require<Deployment>('deployments', namespace, name);
  const contentType = req.headers['content-type'];
  const proposed = method === 'PUT' ? parseJsonBody(contentType, body) : applyPatch(contentType, current, body);
  const next = admitDeployment(proposed, namespace, current);
  if (next.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${String(next.metadata.name)}) does not match the name on the URL (${name})`,
    );
  }
  // Writes to the main resource cannot change status: that belongs to the controller.
  next.status = current.status;
  sendJson(res, 200, ctx.store.update('deployments', next, options));
}

async function handleScale(
  ctx: ApiContext,
  namespace: string,
  name: string,
  method: string,
  options: WriteOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (method === 'GET') {
    sendJson(res, 200, scaleOf(ctx.store.require<Deployment>('deployments', namespace, name)));
    return;
  }
  if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed();
  const body = await readBody(req);
  const current = ctx.store.require<Deployment>('deployments', namespace, name);
  const contentType = req.headers['content-type'];
  const scale = method === 'PUT' ? parseJsonBody(contentType, body) : applyPatch(contentType, scaleOf(current), body);
  const next = applyScale(current, scale);
  sendJson(res, 200, scaleOf(ctx.store.update('deployments', next, options)));
}
