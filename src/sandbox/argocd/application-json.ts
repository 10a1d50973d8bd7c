import { basename, dirname } from 'node:path/posix';
import type { ApplicationInput, ApplicationRecord, ManifestRepository, Operation } from './application.ts';
import { SOURCE_TYPES } from './image-source.ts';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function sourceJson(app: ApplicationInput, repoUrl: string): Record<string, unknown> {
  const { source } = app;
  const path = dirname(source.file);
  return {
    repoURL: repoUrl,
    path: path === '.' ? '' : path,
    targetRevision: app.targetRevision ?? 'HEAD',
    ...(source.kind === 'helm' ? { helm: { valueFiles: [basename(source.file)] } } : {}),
  };
}

const operationJson = (op: Operation) => ({
  sync: { revision: op.revision, ...(op.prune ? { prune: true } : {}), syncStrategy: { hook: {} } },
  initiatedBy: op.initiatedBy,
  retry: {},
});

/** The Application as Argo CD's API serves it (`v1alpha1.Application`). */
export function applicationJson(app: ApplicationRecord, repos: ManifestRepository): Record<string, unknown> {
  const { input } = app;
  const { destination: dest } = input;
  const source = sourceJson(input, `${repos.webUrl}/${input.repo}.git`);
  const destination = { server: dest.server ?? dest.cluster.url, namespace: dest.namespace };
  const resource = {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    namespace: dest.namespace,
    name: dest.deployment,
  };
  const state = app.operationState;
  return {
    metadata: {
      name: input.name,
      namespace: 'argocd',
      uid: app.uid,
      resourceVersion: String(app.resourceVersion),
      generation: 1,
      creationTimestamp: iso(app.createdAt),
    },
    spec: {
      source,
      destination,
      project: input.project ?? 'default',
      syncPolicy: app.automated ? { automated: app.automated } : {},
    },
    ...(app.pending ? { operation: operationJson(app.pending) } : {}),
    status: {
      resources: [
        {
          ...resource,
          status: app.syncStatus,
          health: app.health.status === 'Missing' ? { status: 'Missing' } : app.health,
        },
      ],
      sync: {
        status: app.syncStatus,
        comparedTo: { source, destination },
        ...(app.revision ? { revision: app.revision } : {}),
      },
      health: { status: app.health.status },
      history: app.history.map((h) => ({
        revision: h.revision,
        deployedAt: iso(h.deployedAt),
        id: h.id,
        source,
        deployStartedAt: iso(h.deployStartedAt),
        initiatedBy: h.initiatedBy,
      })),
      ...(app.reconciledAt === undefined ? {} : { reconciledAt: iso(app.reconciledAt) }),
      ...(state
        ? {
            operationState: {
              operation: operationJson(state.operation),
              phase: state.phase,
              message: state.message,
              ...(state.syncResult
                ? {
                    syncResult: {
                      resources: [
                        {
                          ...resource,
                          status: 'Synced',
                          message: `deployment.apps/${dest.deployment} configured`,
                          hookPhase: 'Running',
                          syncPhase: 'Sync',
                        },
                      ],
                      revision: state.syncResult.revision,
                      source,
                    },
                  }
                : {}),
              startedAt: iso(state.startedAt),
              ...(state.finishedAt === undefined ? {} : { finishedAt: iso(state.finishedAt) }),
            },
          }
        : {}),
      ...(app.comparisonError
        ? {
            conditions: [
              {
                type: 'ComparisonError',
                message: app.comparisonError.message,
                lastTransitionTime: iso(app.comparisonError.since),
              },
            ],
          }
        : {}),
      sourceType: SOURCE_TYPES[input.source.kind],
      summary: app.liveImages.length > 0 ? { images: app.liveImages } : {},
      controllerNamespace: 'argocd',
    },
  };
}
