import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, methodNotAllowed, pathNotFound, unauthorized } from './api-error.ts';
import type { ApiContext } from './context.ts';
import { handleDeploymentRequest } from './deployment-writes.ts';
import { discoveryDocument, SERVER_VERSION } from './discovery.ts';
import { parseJsonBody, readBody, sendError, sendJson } from './http-util.ts';
import { admitNamespace } from './namespaces.ts';
import { openApiDocument } from './openapi.ts';
import { handlePodLog } from './pod-log-handler.ts';
import { handleGet, handleList } from './read-handlers.ts';
import { parseResourcePath } from './routes.ts';

/** Paths kube-apiserver serves to anyone (the system:public-info-viewer role). */
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

/** How a request proved who it is, worked out before routing. */
export interface RequestAuth {
  /** The API path, with any `/token/<token>` prefix removed. */
  path: string;
  authenticated: boolean;
}

/**
 * Accepts the token as a bearer header, or as a `/token/<token>` server path prefix. kubectl never sends
 * credentials to a plain-HTTP server (client-go reads them only when the scheme is https), so kubeconfigs carry
 * the token in the server URL too, the way proxies such as Rancher put a cluster id there.
 */
export function authenticate(rawPath: string, authorization: string | undefined, token: string): RequestAuth {
  const bearer = authorization === `Bearer ${token}`;
  const prefix = /^\/token\/([^/]+)(\/.*)?$/.exec(rawPath);
  if (!prefix) return { path: rawPath, authenticated: bearer };
  return { path: prefix[2] ?? '/', authenticated: bearer || decodeURIComponent(prefix[1] ?? '') === token };
}

/** Serves one request; every failure becomes a `Status` body with the matching HTTP code. */
export async function handleRequest(
  ctx: ApiContext,
  auth: RequestAuth,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    await route(ctx, auth, req, res);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const message = `Internal error occurred: ${(error as Error).message}`;
    sendError(res, error instanceof ApiError ? error : new ApiError(500, 'InternalError', message));
  }
}

async function route(ctx: ApiContext, auth: RequestAuth, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = auth.path.length > 1 ? auth.path.replace(/\/+$/, '') : auth.path;
  const method = req.method ?? 'GET';
  if (PUBLIC_PATHS.has(path)) {
    if (path === '/version') sendJson(res, 200, SERVER_VERSION);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (!auth.authenticated) throw unauthorized();

  const discovery = discoveryDocument(path) ?? openApiDocument(path);
  if (discovery !== undefined) {
    if (method !== 'GET') throw methodNotAllowed();
    sendJson(res, 200, discovery);
    return;
  }
  const resource = parseResourcePath(path);
  if (!resource) throw pathNotFound();
  const { type, namespace, name, subresource } = resource;
  const query = url.searchParams;

  if (type.plural === 'pods' && subresource === 'log' && namespace && name) {
    if (method !== 'GET') throw methodNotAllowed();
    handlePodLog(ctx, namespace, name, query, req, res);
    return;
  }
  if (type.plural === 'deployments' && namespace && (method !== 'GET' || subresource)) {
    await handleDeploymentRequest(ctx, { namespace, name, subresource }, method, query, req, res);
    return;
  }
  if (type.plural === 'namespaces' && method === 'POST' && !name) {
    const body = parseJsonBody(req.headers['content-type'], await readBody(req));
    sendJson(res, 201, ctx.store.create('namespaces', admitNamespace(body)));
    return;
  }
  if (method !== 'GET' || subresource) throw methodNotAllowed();
  if (name) handleGet(ctx, { ...resource, name }, req, res);
  else handleList(ctx, resource, query, req, res);
}
