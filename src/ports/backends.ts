/**
 * What deploy, rollback and scale need from the systems that run services. Each service gets one
 * Deployer (chosen by `deploy.via`) and, when it has a Kubernetes deployment, one Scaler.
 * Drivers throw `UserError` (src/core/errors.ts) for conditions a person can act on
 * ("nothing to roll back to", "deployment is paused") and plain errors for failures.
 */
export interface Target {
  service: string;
  env: string;
}

/** Reports one line of progress; callers edit a single message with it, so call as often as useful. */
export type Progress = (text: string) => Promise<void>;

export interface RunningVersion {
  /** What a person would call it: a tag, a branch or a short sha. */
  ref?: string | undefined;
  sha?: string | undefined;
  /** e.g. `ghcr.io/acme/api:v1.4.2` or `revision 7`, shown as "running now"; approvals compare it: keep it stable. */
  description: string;
  /** What `/ops status` shows besides (the manifests commit, Argo CD's sync and health), each with a link. */
  details?: { label: string; text: string; url?: string | undefined }[] | undefined;
}

export interface DeployInput {
  target: Target;
  /** The ref as the requester typed it (tag, branch, sha). */
  ref: string;
  /** The commit it resolved to, when the service has a GitHub repo. */
  sha: string | undefined;
  requester: string;
  /** Who approved the request, for drivers that record it (a GitOps commit message). */
  approvers?: readonly string[] | undefined;
  reason: string | undefined;
  requestId: string;
  /** Roll back on a failed rollout (Kubernetes). */
  autoRollback: boolean;
}

export interface DeployOutcome {
  ok: boolean;
  /** One or two sentences for the thread and the audit log. */
  summary: string;
  /** A link to follow the deployment elsewhere (deployment log, workflow run). */
  url?: string | undefined;
  /** True when a failed rollout was rolled back automatically. */
  rolledBack?: boolean | undefined;
}

export interface RollbackPlan {
  /** What runs now and what will run after, for the request message. */
  from: string;
  to: string;
  /** Driver-specific data execute needs (revision number, sha…); stored with the request. */
  params: Record<string, unknown>;
  /** Shown with the request, e.g. that Argo CD will not apply the rollback by itself. */
  warnings?: string[] | undefined;
}

export interface Deployer {
  current(target: Target): Promise<RunningVersion | undefined>;
  /**
   * Called while a deploy is planned, before anyone is asked to approve it: throws UserError when this driver
   * cannot deploy `ref` as asked (Kubernetes with images tagged by ref refuses branch names). Optional.
   */
  checkRef?(target: Target, ref: string): Promise<void>;
  deploy(input: DeployInput, progress: Progress): Promise<DeployOutcome>;
  /** `to` is a revision number or a ref; undefined means "the one before the current". */
  planRollback(target: Target, to: string | undefined): Promise<RollbackPlan>;
  rollback(
    target: Target,
    plan: RollbackPlan,
    meta: { requester: string; requestId: string; approvers?: readonly string[] | undefined },
    progress: Progress,
  ): Promise<DeployOutcome>;
}

export interface ScaleStatus {
  replicas: number;
  ready: number;
  /** Set when a HorizontalPodAutoscaler targets the deployment and will fight manual scaling. */
  autoscaler?: { name: string; min: number; max: number } | undefined;
}

export interface Scaler {
  status(target: Target): Promise<ScaleStatus>;
  scale(target: Target, replicas: number, progress: Progress): Promise<DeployOutcome>;
}

export interface Commit {
  sha: string;
  message: string;
  author?: string | undefined;
}

export interface SourceControl {
  /** Resolves a tag, branch or (short) sha to a full commit sha; UserError when unknown. */
  resolveRef(repo: string, ref: string): Promise<{ sha: string; url: string }>;
  /** Whether a ref names a branch, a tag, or neither (a commit sha). */
  refKind(repo: string, ref: string): Promise<'branch' | 'tag' | 'commit'>;
  compare(
    repo: string,
    base: string,
    head: string,
  ): Promise<{ aheadBy: number; behindBy: number; url: string; commits: Commit[] }>;
  /** Tags (newest first) then branches whose names contain `query`, for pickers; at most `limit`. */
  recentRefs?(repo: string, query: string, limit: number): Promise<string[]>;
}

/** Deploys opsdeck itself ran and saw succeed, newest first: the history drivers without their own use. */
export interface DeployHistory {
  succeededDeploys(
    target: Target,
    limit: number,
  ): Promise<{ ref: string; sha: string | undefined; at: Date; requestId: string }[]>;
}

/** The drivers configured for each service; undefined when the service has none of that kind. */
export interface Backends {
  deployer(service: string): Deployer | undefined;
  scaler(service: string): Scaler | undefined;
  sourceControl: SourceControl | undefined;
}
