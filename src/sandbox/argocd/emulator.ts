import { randomBytes, randomUUID } from 'node:crypto';
import { type HttpRequest, type HttpResponse, listen, type RunningServer } from '../github/http-server.ts';
import { type ApplicationInput, type ApplicationRecord, automatedOf, type ManifestRepository } from './application.ts';
import { applicationJson } from './application-json.ts';
import { type ArgoToken, authenticate, enforce, type Session } from './auth.ts';
import { operationInProgress, reconcileApplication, requestOperation } from './controller.ts';
import { ArgoError, failedPrecondition, invalidArgument, notFound } from './errors.ts';

export interface ArgoCdEmulatorOptions {
  /** Default 0: a random free port on 127.0.0.1. */
  readonly port?: number;
  /** Where Applications read their manifests: the GitHub emulator. */
  readonly repos: ManifestRepository;
  /** The admin token (every action on every application); random by default. */
  readonly token?: string;
  /** More tokens, e.g. one that may only `get`, for permission tests. */
  readonly tokens?: readonly ArgoToken[];
  /** How often the controller reconciles every Application on its own (default 3000 ms). */
  readonly pollMs?: number;
  /** Whether the controller runs on a timer (default true); otherwise tests call `reconcile()`. */
  readonly autoPoll?: boolean;
  /** Epoch ms for timestamps (reconciledAt, operation times, history); default the system clock. */
  readonly now?: () => number;
}

export interface ArgoRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

const APPS = '/api/v1/applications';

/**
 * An in-process Argo CD API server and application controller: Applications follow a branch of a manifests
 * repository in the GitHub emulator and set the image of a Deployment in a Kubernetes emulator.
 */
export class ArgoCdEmulator {
  readonly url: string;
  /** The admin token. */
  readonly token: string;
  readonly #server: RunningServer;
  readonly #apps = new Map<string, ApplicationRecord>();
  readonly #tokens: ArgoToken[];
  readonly #repos: ManifestRepository;
  readonly #now: () => number;
  readonly #requests: ArgoRequestRecord[] = [];
  readonly #startedAt: number;
  readonly #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> = Promise.resolve();

  static async start(options: ArgoCdEmulatorOptions): Promise<ArgoCdEmulator> {
    let emulator: ArgoCdEmulator | undefined;
    const server = await listen(
      (req) => (emulator ? emulator.#handle(req) : Promise.reject(new Error('still starting'))),
      { port: options.port ?? 0 },
    );
    emulator = new ArgoCdEmulator(server, options);
    return emulator;
  }

  private constructor(server: RunningServer, options: ArgoCdEmulatorOptions) {
    this.#server = server;
    this.url = server.url;
    this.token = options.token ?? `argocd-${randomBytes(16).toString('hex')}`;
    this.#tokens = [{ token: this.token, subject: 'admin' }, ...(options.tokens ?? [])];
    this.#repos = options.repos;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    if (options.autoPoll ?? true) {
      this.#timer = setInterval(() => void this.reconcile().catch(() => undefined), options.pollMs ?? 3000);
      this.#timer.unref();
    }
  }

  /** Every answered request, oldest first. */
  get requests(): readonly ArgoRequestRecord[] {
    return [...this.#requests];
  }

  /** Declares an Application; the controller compares it on its next pass. */
  addApplication(input: ApplicationInput): void {
    if (this.#apps.has(input.name)) throw new Error(`addApplication: ${input.name} already exists`);
    this.#apps.set(input.name, {
      input,
      uid: randomUUID(),
      createdAt: this.#now(),
      automated: automatedOf(input.automated),
      resourceVersion: 1,
      pending: undefined,
      operationState: undefined,
      syncStatus: 'Unknown',
      revision: undefined,
      comparisonError: undefined,
      health: { status: 'Missing' },
      liveImages: [],
      reconciledAt: undefined,
      history: [],
      autoSyncedRevision: undefined,
      failNextSync: undefined,
    });
  }

  /** Turns `spec.syncPolicy.automated` on (true or its options) or off, as `argocd app set --sync-policy` does. */
  setAutoSync(name: string, automated: ApplicationInput['automated']): void {
    const app = this.#app(name);
    app.automated = automatedOf(automated);
    app.resourceVersion += 1;
  }

  /**
   * The next sync operation of the application applies nothing and ends `Failed` with this reason, as when an
   * admission webhook refuses the change.
   */
  failNextSync(
    name: string,
    reason = `admission webhook "validate.kyverno.svc" denied the request: image tag is not allowed`,
  ): void {
    this.#app(name).failNextSync = reason;
  }

  /** The Application as `GET /api/v1/applications/{name}` would answer it now. */
  application(name: string): Record<string, unknown> {
    return applicationJson(this.#app(name), this.#repos);
  }

  /**
   * One controller pass over every Application (or the one named): run a requested sync, compare, assess
   * health, auto-sync. Passes never overlap; the timer's and the caller's queue up.
   */
  reconcile(name?: string): Promise<void> {
    const apps = name === undefined ? [...this.#apps.values()] : [this.#app(name)];
    const pass = this.#pass.then(async () => {
      for (const app of apps) await reconcileApplication(app, this.#repos, this.#now);
    });
    // A failed pass is the caller's to see; the next pass still runs.
    this.#pass = pass.catch(() => undefined);
    return pass;
  }

  /** Forgets every Application and the request log; tokens stay. */
  reset(): void {
    this.#apps.clear();
    this.#requests.length = 0;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#pass;
    await this.#server.close();
  }

  #app(name: string): ApplicationRecord {
    const app = this.#apps.get(name);
    if (!app) throw new Error(`no Argo CD application ${name}; add it with addApplication first`);
    return app;
  }

  async #handle(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.target, this.url);
    const reply = await this.#route(req, url).catch((error: unknown) => {
      const failure =
        error instanceof ArgoError ? error : new ArgoError(500, 13, `emulator error: ${(error as Error).message}`);
      return { status: failure.status, body: failure.body() };
    });
    this.#requests.push({ method: req.method, path: url.pathname + url.search, status: reply.status });
    return { status: reply.status, headers: {}, body: reply.body };
  }

  async #route(req: HttpRequest, url: URL): Promise<{ status: number; body: unknown }> {
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && path === '/api/version') return { status: 200, body: { Version: 'v2.13.0+emulator' } };
    const session = authenticate(req.headers, this.#tokens, this.#startedAt);
    if (req.method === 'GET' && path === APPS) {
      const items = [...this.#apps.values()]
        .filter((app) => allowed(session, app))
        .map((app) => applicationJson(app, this.#repos));
      return { status: 200, body: { metadata: { resourceVersion: String(this.#requests.length + 1) }, items } };
    }
    const match = /^\/api\/v1\/applications\/([^/]+)(\/sync)?$/.exec(path);
    if (!match) throw new ArgoError(404, 5, 'Not Found');
    const name = decodeURIComponent(match[1] ?? '');
    const app = this.#apps.get(name);
    const project = app?.input.project ?? 'default';
    if (match[2] === undefined && req.method === 'GET') {
      enforce(session, 'get', project, name);
      if (!app) throw notFound(name);
      if (url.searchParams.has('refresh')) await this.reconcile(name);
      return { status: 200, body: applicationJson(app, this.#repos) };
    }
    if (match[2] === undefined || req.method !== 'POST') throw new ArgoError(405, 12, 'Method Not Allowed');
    enforce(session, 'sync', project, name);
    if (!app) throw notFound(name);
    const body = parseBody(req.text);
    if (operationInProgress(app)) throw failedPrecondition('another operation is already in progress');
    const revision = typeof body.revision === 'string' && body.revision !== '' ? body.revision : undefined;
    requestOperation(app, {
      revision: revision ?? app.input.targetRevision ?? 'HEAD',
      prune: body.prune === true,
      initiatedBy: { username: session.token.subject },
    });
    return { status: 200, body: applicationJson(app, this.#repos) };
  }
}

function allowed(session: Session, app: ApplicationRecord): boolean {
  try {
    enforce(session, 'get', app.input.project ?? 'default', app.input.name);
    return true;
  } catch {
    return false;
  }
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Falls through to the gateway's own complaint.
  }
  throw invalidArgument('invalid character in request body: expected a JSON object');
}
