export { GitHubEmulator, type GitHubEmulatorOptions, type SeededRepo } from './emulator.ts';
export type { DeploymentRecord, DeploymentStatusRecord, DeploymentState } from './deployments.ts';
export type { FailureKind, FailureSpec } from './faults.ts';
export type { CheckConclusion, CheckRunInput, CheckStatus } from './commit-checks.ts';
export type { CommitSpec, CommitState } from './repository.ts';
export type { RequestLogEntry } from './request-pipeline.ts';
export type { DeploymentHistorySeed, RunHistorySeed } from './history-seed.ts';
export type { BranchSeed, SeedRepoOptions } from './seed.ts';
export type { RunConclusion, RunRecord, RunStatus, WorkflowSeed } from './workflows.ts';
