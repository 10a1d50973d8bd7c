import { dirname, basename } from 'node:path/posix';
import type { Deployment } from '../kubernetes/index.ts';
import type { Health } from './health.ts';
import { type ImageSource, SOURCE_TYPES } from './image-source.ts';

/** The GitHub emulator, as far as Argo CD reads it (the repo server's view). */
export interface ManifestRepository {
  readonly webUrl: string;
  readFile(repo: string, path: string, ref?: string): { text: string; commit: string } | undefined;
  shaOf(repo: string, ref: string): string;
}

/** A Kubernetes emulator: written through its HTTP API, read from its store like an informer cache would. */
export interface TargetCluster {
  readonly url: string;
  readonly token: string;
  getDeployment(namespace: string, name: string): Deployment | undefined;
}

export interface ApplicationInput {
  readonly name: string;
  /** Default `default`. */
  readonly project?: string;
  /** `owner/name` in the GitHub emulator. */
  readonly repo: string;
  /** The branch (or tag, or sha) to follow; default `HEAD`, the default branch. */
  readonly targetRevision?: string;
  readonly source: ImageSource;
  readonly destination: {
    readonly cluster: TargetCluster;
    /** `spec.destination.server`; default the cluster's URL. */
    readonly server?: string;
    readonly namespace: string;
    readonly deployment: string;
    /** Default the first container. */
    readonly container?: string;
  };
  /** `spec.syncPolicy.automated`: on with `true` or its options, absent when off (the default). */
  readonly automated?: boolean | { readonly prune?: boolean; readonly selfHeal?: boolean };
}

export type Initiator = { readonly username: string } | { readonly automated: true };
export type OperationPhase = 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';

export interface Operation {
  /** As requested: a branch, tag or sha; resolved when the operation runs. */
  readonly revision: string;
  readonly prune: boolean;
  readonly initiatedBy: Initiator;
}

export interface OperationState {
  readonly operation: Operation;
  phase: OperationPhase;
  message: string;
  readonly startedAt: number;
  finishedAt?: number;
  /** Set when the sync applied something: the revision synced and what was applied. */
  syncResult?: { revision: string; image: string };
}

export interface HistoryEntry {
  readonly id: number;
  readonly revision: string;
  readonly deployedAt: number;
  readonly deployStartedAt: number;
  readonly initiatedBy: Initiator;
}

/** One Application: its spec and what the controller last observed and did. */
export interface ApplicationRecord {
  readonly input: ApplicationInput;
  readonly uid: string;
  readonly createdAt: number;
  automated: { prune: boolean; selfHeal: boolean } | undefined;
  resourceVersion: number;
  /** A requested operation the controller has not run yet (`.operation` on the wire). */
  pending: Operation | undefined;
  operationState: OperationState | undefined;
  syncStatus: 'Synced' | 'OutOfSync' | 'Unknown';
  revision: string | undefined;
  comparisonError: { message: string; since: number } | undefined;
  health: Health;
  liveImages: string[];
  reconciledAt: number | undefined;
  history: HistoryEntry[];
  /** The last revision auto-sync started an operation for; auto-sync does not retry it without selfHeal. */
  autoSyncedRevision: string | undefined;
}

export const automatedOf = (value: ApplicationInput['automated']): ApplicationRecord['automated'] =>
  value === undefined || value === false
    ? undefined
    : {
        prune: value === true ? false : (value.prune ?? false),
        selfHeal: value === true ? false : (value.selfHeal ?? false),
      };

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
