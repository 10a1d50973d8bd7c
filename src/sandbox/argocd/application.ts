import type { Deployment } from '../kubernetes/index.ts';
import type { Health } from './health.ts';
import type { ImageSource } from './image-source.ts';

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
  /**
   * `spec.syncPolicy.automated`: on with `true` or its options, absent when off (the default). `enabled: false`
   * keeps the block but turns it off, as Argo CD 3 allows.
   */
  readonly automated?: boolean | { readonly prune?: boolean; readonly selfHeal?: boolean; readonly enabled?: boolean };
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
  automated: { prune: boolean; selfHeal: boolean; enabled?: boolean } | undefined;
  /** The reason the next sync operation fails with, set by `failNextSync`. */
  failNextSync: string | undefined;
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

export function automatedOf(value: ApplicationInput['automated']): ApplicationRecord['automated'] {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { prune: false, selfHeal: false };
  const { prune = false, selfHeal = false, enabled } = value;
  return enabled === undefined ? { prune, selfHeal } : { prune, selfHeal, enabled };
}

/** Whether auto-sync acts: the block is there and not switched off. */
export const autoSyncOn = (app: ApplicationRecord): boolean =>
  app.automated !== undefined && app.automated.enabled !== false;
