import { type ApplicationRecord, autoSyncOn, type ManifestRepository, type Operation } from './application.ts';
import { deploymentHealth } from './health.ts';
import { desiredImage } from './image-source.ts';

const SYNCED = 'successfully synced (all tasks run)';

/** What the target revision's manifests ask for, or why they cannot be read. */
type Target = { revision: string; image: string } | { error: string };

function target(app: ApplicationRecord, repos: ManifestRepository, ref: string): Target {
  const { input } = app;
  try {
    const revision = repos.shaOf(input.repo, ref);
    const file = repos.readFile(input.repo, input.source.file, revision);
    if (!file) throw new Error(`${input.source.file}: no such file at ${revision.slice(0, 7)}`);
    const { deployment, container } = input.destination;
    return { revision, image: desiredImage(input.source, file.text, { deployment, container }) };
  } catch (error) {
    return { error: `rpc error: code = Unknown desc = ${(error as Error).message}` };
  }
}

function containerOf(app: ApplicationRecord) {
  const d = app.input.destination;
  const live = d.cluster.getDeployment(d.namespace, d.deployment);
  const containers = live?.spec.template.spec.containers ?? [];
  return { live, container: d.container ? containers.find((c) => c.name === d.container) : containers[0] };
}

/** Applies the image like `kubectl apply` would for this one field: a strategic merge patch over HTTP. */
async function apply(app: ApplicationRecord, image: string): Promise<string | undefined> {
  const d = app.input.destination;
  const { live, container } = containerOf(app);
  if (!live || !container) {
    return `one or more objects failed to apply, reason: deployments.apps "${d.deployment}" not found`;
  }
  const body = {
    metadata: { labels: { 'app.kubernetes.io/instance': app.input.name } },
    spec: { template: { spec: { containers: [{ name: container.name, image }] } } },
  };
  const path = `namespaces/${encodeURIComponent(d.namespace)}/deployments/${encodeURIComponent(d.deployment)}`;
  const url = `${d.cluster.url}/apis/apps/v1/${path}?fieldManager=argocd-controller`;
  const res = await fetch(url, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${d.cluster.token}`, 'content-type': 'application/strategic-merge-patch+json' },
    body: JSON.stringify(body),
  });
  if (res.ok) return undefined;
  const status = (await res.json().catch(() => ({}))) as { message?: string };
  return `one or more objects failed to apply, reason: ${status.message ?? `HTTP ${res.status}`}`;
}

/** Runs a requested sync: resolves its revision, reads the image there and applies it. */
async function runOperation(app: ApplicationRecord, op: Operation, repos: ManifestRepository, now: () => number) {
  const state = app.operationState;
  if (!state) return;
  const wanted = target(app, repos, op.revision);
  const finish = (phase: 'Succeeded' | 'Failed' | 'Error', message: string) => {
    Object.assign(state, { phase, message, finishedAt: now() });
  };
  if ('error' in wanted) {
    finish('Error', `ComparisonError: ${wanted.error}`);
    return;
  }
  const injected = app.failNextSync;
  app.failNextSync = undefined;
  // A cluster that cannot be reached fails the operation, as a refused apply would.
  const failure = injected
    ? `one or more objects failed to apply, reason: ${injected}`
    : await apply(app, wanted.image).catch(
        (error: unknown) => `one or more objects failed to apply, reason: ${(error as Error).message}`,
      );
  if (failure) {
    finish('Failed', failure);
    return;
  }
  state.syncResult = { revision: wanted.revision, image: wanted.image };
  finish('Succeeded', SYNCED);
  app.history.push({
    id: app.history.length,
    revision: wanted.revision,
    deployedAt: now(),
    deployStartedAt: state.startedAt,
    initiatedBy: op.initiatedBy,
  });
}

/**
 * Requests an operation, as `POST …/sync` does: `.operation` is set and the previous `operationState` cleared
 * (Argo CD's SetAppOperation); the controller marks it Running on its next pass and runs it on the one after.
 */
export function requestOperation(app: ApplicationRecord, op: Operation): void {
  app.pending = op;
  app.operationState = undefined;
  app.resourceVersion += 1;
}

function markRunning(app: ApplicationRecord, op: Operation, now: number): void {
  app.operationState = { operation: op, phase: 'Running', message: 'one or more tasks are running', startedAt: now };
}

/** An operation was requested and has not finished: another is refused. */
export const operationInProgress = (app: ApplicationRecord): boolean => app.pending !== undefined;

/**
 * One controller pass over an Application, in Argo CD's order: move the requested operation on (start it, or run
 * it), compare the target revision with the live Deployment, assess health, then let auto-sync start an
 * operation when out of sync.
 */
export async function reconcileApplication(
  app: ApplicationRecord,
  repos: ManifestRepository,
  now: () => number,
): Promise<void> {
  const op = app.pending;
  if (op && app.operationState?.operation !== op) {
    markRunning(app, op, now());
  } else if (op) {
    app.pending = undefined;
    await runOperation(app, op, repos, now);
  }
  const wanted = target(app, repos, app.input.targetRevision ?? 'HEAD');
  const { live, container } = containerOf(app);
  app.health = deploymentHealth(live);
  app.liveImages = (live?.spec.template.spec.containers ?? []).map((c) => c.image);
  if ('error' in wanted) {
    app.comparisonError ??= { message: wanted.error, since: now() };
    app.syncStatus = 'Unknown';
  } else {
    app.comparisonError = undefined;
    app.revision = wanted.revision;
    app.syncStatus = live && container?.image === wanted.image ? 'Synced' : 'OutOfSync';
    const retry = app.automated?.selfHeal || app.autoSyncedRevision !== wanted.revision;
    if (app.automated && autoSyncOn(app) && app.syncStatus === 'OutOfSync' && !operationInProgress(app) && retry) {
      app.autoSyncedRevision = wanted.revision;
      // The controller requests the sync and starts it at once, so Running shows until the next pass.
      const auto: Operation = {
        revision: wanted.revision,
        prune: app.automated.prune,
        initiatedBy: { automated: true },
      };
      requestOperation(app, auto);
      markRunning(app, auto, now());
    }
  }
  app.reconciledAt = now();
  app.resourceVersion += 1;
}
