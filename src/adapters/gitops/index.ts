export { ArgoCdClient, type ArgoCdClientOptions, ArgoCdError } from './argocd-client.ts';
export { GitOpsDeployer } from './deployer.ts';
export type { EnvironmentOverrides, GitOpsDeployerOptions, GitOpsServiceConfig } from './options.ts';
export type { TagLocation } from './tag-location.ts';
