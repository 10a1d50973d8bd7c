import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type ApiContext, type ApiResult, fail } from './api-types.ts';
import type { SlackConsole } from './console-api.ts';
import type { FailureInjector } from './failures.ts';
import { type Args, parseApiArgs, readBody, sendJson, sendText } from './http-util.ts';
import type { ResponseUrls } from './response-urls.ts';
import { API_METHODS } from './web-api.ts';
import { receiveUpload } from './web-api-files.ts';

export interface RouteDeps extends Omit<ApiContext, 'baseUrl'> {
  baseUrl: () => string;
  botToken: string;
  /** The app-level token (`xapp-…`) that may open Socket Mode connections, if the app uses them. */
  appToken: string | undefined;
  /** A fresh single-use Socket Mode URL. */
  openSocketUrl: () => string;
  failures: FailureInjector;
  responseUrls: ResponseUrls;
  recordCall: (method: string, args: Args) => void;
  /** Serves `/` and `/console/…` when the emulator was started with console options. */
  console: () => SlackConsole | undefined;
}

/** Socket Mode's handshake method, served apart from API_METHODS because it takes the app-level token. */
const CONNECTIONS_OPEN = 'apps.connections.open';

/**
 * The emulator's HTTP surface: `/api/<method>` (Web API), `/response/<id>` (response_url),
 * `/upload/<file>` (upload URL), `GET /files/<file>` (file content) and, with a console, `/` and `/console/…`.
 */
export function createRequestHandler(deps: RouteDeps): RequestListener {
  return (req, res) => {
    route(deps, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
      else res.destroy();
    });
  };
}

async function route(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', deps.baseUrl());
  const [, kind, id = ''] = url.pathname.split('/');
  const raw = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  const web = deps.console();
  if (web && (url.pathname === '/' || kind === 'console')) return web.handle(req, res, url.pathname, raw);
  if (kind === 'api' && id !== '') return api(deps, id, req, raw, url.searchParams, res);
  if (kind === 'response' && req.method === 'POST') {
    const outcome = deps.responseUrls.respond(id, raw.toString('utf8'));
    if (typeof outcome.body === 'string') return sendText(res, outcome.status, outcome.body);
    return sendJson(res, outcome.status, outcome.body);
  }
  if (kind === 'upload' && req.method === 'POST') {
    const stored = await receiveUpload(deps.files, id, raw, contentType);
    return stored ? sendText(res, 200, `OK - ${raw.length}`) : sendText(res, 404, 'file_not_found');
  }
  const content = kind === 'files' && req.method === 'GET' ? deps.files.get(id)?.content : undefined;
  if (!content) return sendText(res, 404, 'not_found');
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  res.end(content);
}

async function api(
  deps: RouteDeps,
  method: string,
  req: IncomingMessage,
  raw: Buffer,
  query: URLSearchParams,
  res: ServerResponse,
): Promise<void> {
  let args: Args;
  try {
    args = await parseApiArgs(raw, req.headers['content-type'] ?? '', query);
  } catch {
    return sendJson(res, 200, { ok: false, error: 'invalid_json' });
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
  delete args.token;
  deps.recordCall(method, args);

  const failure = deps.failures.take(method);
  if (failure) return sendJson(res, failure.status, failure.body, failure.headers);
  if (method === CONNECTIONS_OPEN) return sendJson(res, 200, openConnection(deps, token));
  const handler = API_METHODS[method];
  if (!handler) return sendJson(res, 200, { ok: false, error: 'unknown_method' });
  if (token === undefined) return sendJson(res, 200, { ok: false, error: 'not_authed' });
  // An app-level token only opens sockets; Slack refuses it for everything else.
  if (token === deps.appToken) return sendJson(res, 200, { ok: false, error: 'not_allowed_token_type' });
  if (token !== deps.botToken) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
  const { workspace, store, files, views } = deps;
  sendJson(res, 200, handler(args, { workspace, store, files, views, baseUrl: deps.baseUrl() }));
}

/** apps.connections.open takes the app-level token, not the bot token. */
function openConnection(deps: RouteDeps, token: string | undefined): ApiResult {
  if (token === undefined) return fail('not_authed');
  if (token === deps.appToken) return { ok: true, url: deps.openSocketUrl() };
  return fail(token === deps.botToken ? 'not_allowed_token_type' : 'invalid_auth');
}
