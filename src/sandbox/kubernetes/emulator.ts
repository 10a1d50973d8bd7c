import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { revisionOf } from './annotations.ts';
import type { ApiContext } from './context.ts';
import { Controller } from './controller.ts';
import { ownedReplicaSets } from './deployment-sync.ts';
import { FailureRules, type PodFailure } from './failures.ts';
import { type KubeconfigContext, renderKubeconfig } from './kubeconfig.ts';
import { defaultLogLine, type LogLineGenerator } from './log-lines.ts';
import { ensureNamespace } from './namespaces.ts';
import { PodLogs } from './pod-logs.ts';
import { podsOf } from './replica-set-sync.ts';
import { waitForRollout } from './rollout-status.ts';
import { authenticate, handleRequest } from './router.ts';
import { type SeedDeploymentInput, seedDeployment } from './seed.ts';
import { ObjectStore } from './store.ts';
import type { Deployment, Pod, ReplicaSet } from './types.ts';

export interface KubernetesEmulatorOptions {
  port?: number;
  host?: string;
  /** Bearer token clients must present; random by default. */
  token?: string;
  /** Controller loop period in ms (default 250). */
  tickMs?: number;
  /** Time from pod creation to Ready in ms (default 1500). */
  podReadyMs?: number;
  /** Factor from emulated seconds to wall-clock seconds, applied to progressDeadlineSeconds (default 0.1). */
  timeScale?: number;
  /** Log lines each running container writes per second (default 2). */
  logLinesPerSecond?: number;
  logLine?: LogLineGenerator;
  /** Namespaces that exist from the start (default: default, kube-system, kube-public, kube-node-lease). */
  namespaces?: string[];
  /** Epoch ms for object timestamps, conditions and log lines; default the system clock. */
  now?: () => number;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  contentType: string | undefined;
  /** HTTP status, set when the response ends (for watches and log follows, when the stream closes). */
  status: number | undefined;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const REQUEST_LOG_LIMIT = 1000;

/** A Kubernetes API server with a deployment controller, speaking the real REST protocol over plain HTTP. */
export class KubernetesEmulator {
  readonly token: string;
  readonly #store: ObjectStore;
  readonly #logs = new PodLogs();
  readonly #failures = new FailureRules();
  readonly #controller: Controller;
  readonly #streams = new Set<ServerResponse>();
  readonly #requests: RequestRecord[] = [];
  readonly #namespaces: string[];
  readonly #server: Server;
  readonly #now: () => number;
  #url = '';

  static async start(options: KubernetesEmulatorOptions = {}): Promise<KubernetesEmulator> {
    const emulator = new KubernetesEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = emulator.#server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    emulator.#url = `http://${host}:${address.port}`;
    emulator.#controller.start();
    return emulator;
  }

  private constructor(options: KubernetesEmulatorOptions) {
    this.token = options.token ?? `sandbox-${randomBytes(16).toString('hex')}`;
    this.#now = options.now ?? Date.now;
    this.#store = new ObjectStore(this.#now);
    this.#controller = new Controller(this.#store, this.#logs, this.#failures, {
      tickMs: options.tickMs ?? 250,
      podReadyMs: options.podReadyMs ?? 1500,
      timeScale: options.timeScale ?? 0.1,
      logLinesPerSecond: options.logLinesPerSecond ?? 2,
      logLine: options.logLine ?? defaultLogLine,
      now: this.#now,
    });
    this.#store.subscribe((event) => {
      if (event.storage === 'pods' && event.type === 'DELETED') {
        this.#logs.podGone(event.object.metadata.namespace ?? '', event.object.metadata.name);
      }
    });
    this.#namespaces = options.namespaces ?? DEFAULT_NAMESPACES;
    for (const namespace of this.#namespaces) ensureNamespace(this.#store, namespace);
    const ctx: ApiContext = { store: this.#store, logs: this.#logs, now: this.#now, streams: this.#streams };
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const auth = authenticate(url.pathname, req.headers.authorization, this.token);
      const record: RequestRecord = {
        method: req.method ?? 'GET',
        path: auth.path,
        query: url.search,
        contentType: req.headers['content-type'],
        status: undefined,
      };
      this.#requests.push(record);
      if (this.#requests.length > REQUEST_LOG_LIMIT) this.#requests.shift();
      const done = () => (record.status = res.statusCode);
      res.once('finish', done);
      res.once('close', done);
      void handleRequest(ctx, auth, req, res);
    });
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return this.#url;
  }

  /** Requests received, oldest first (the last 1000). */
  get requests(): readonly RequestRecord[] {
    return this.#requests;
  }

  /** Contexts for a kubeconfig; pass several names (e.g. `staging`, `prod`) to reach this one cluster under each. */
  kubeconfigContexts(options: { contexts?: string[]; namespace?: string } = {}): KubeconfigContext[] {
    return (options.contexts ?? ['sandbox']).map((name) => ({
      name,
      server: `${this.#url}/token/${encodeURIComponent(this.token)}`,
      token: this.token,
      ...(options.namespace ? { namespace: options.namespace } : {}),
    }));
  }

  /**
   * A kubeconfig for this emulator; merge several emulators with `renderKubeconfig` over their contexts. The
   * server URL carries the token as a `/token/<token>` path prefix as well, because kubectl sends no
   * credentials to a plain-HTTP server; client-node sends the bearer token too.
   */
  kubeconfigYaml(options: { contexts?: string[]; namespace?: string; currentContext?: string } = {}): string {
    return renderKubeconfig(this.kubeconfigContexts(options), options.currentContext);
  }

  seedDeployment(input: SeedDeploymentInput): Deployment {
    return seedDeployment(this.#store, this.#controller, input, this.#now());
  }

  /**
   * Pods of any later rollout whose image matches never become ready (by default the image cannot be pulled):
   * a RegExp, or a glob with `*`.
   */
  failImage(pattern: string | RegExp, how: PodFailure = 'image-pull'): void {
    this.#failures.failImage(pattern, how);
  }

  /**
   * The next new ReplicaSet of this Deployment gets pods that never become ready: their image cannot be pulled
   * (default), their container crash-loops, or no node has room for them.
   */
  failNextRollout(namespace: string, name: string, how: PodFailure = 'image-pull'): void {
    this.#failures.failNextRollout(namespace, name, how);
  }

  getDeployment(namespace: string, name: string): Deployment | undefined {
    return this.#store.get<Deployment>('deployments', namespace, name);
  }

  /** The Deployment's ReplicaSets, oldest revision first. */
  getReplicaSets(namespace: string, deployment: string): ReplicaSet[] {
    const d = this.getDeployment(namespace, deployment);
    if (!d) return [];
    return ownedReplicaSets(this.#store, d).sort((a, b) => revisionOf(a) - revisionOf(b));
  }

  getPods(namespace: string, deployment: string): Pod[] {
    return this.getReplicaSets(namespace, deployment).flatMap((rs) => podsOf(this.#store, rs));
  }

  /** Runs one controller pass now, for tests that step time themselves. */
  tick(): void {
    this.#controller.tick();
  }

  /**
   * Resolves with the Deployment once `kubectl rollout status` would report success; rejects when its progress
   * deadline is exceeded, it does not exist, or `timeoutMs` (default 15 s) passes.
   */
  waitForRollout(namespace: string, name: string, options: { timeoutMs?: number } = {}): Promise<Deployment> {
    return waitForRollout(this.#store, namespace, name, options.timeoutMs ?? 15_000);
  }

  /** Back to an empty cluster (default namespaces only), with no failure rules and an empty request log. */
  reset(): void {
    this.#store.clear();
    this.#failures.clear();
    this.#requests.length = 0;
    for (const namespace of this.#namespaces) ensureNamespace(this.#store, namespace);
  }

  /**
   * Stops the controller and closes every connection. Watches and log follows are ended cleanly first, so
   * clients see the stream finish rather than a reset socket.
   */
  async close(): Promise<void> {
    this.#controller.stop();
    await Promise.all(
      [...this.#streams].map(
        (stream) =>
          new Promise<void>((resolve) => {
            stream.once('close', resolve);
            stream.end(resolve);
          }),
      ),
    );
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}
