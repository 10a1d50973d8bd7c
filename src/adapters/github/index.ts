export { createOctokit, type OctokitOptions } from './create-octokit.ts';
export { GitHubDeploymentDeployer, type DeploymentDeployerOptions } from './deployment-deployer.ts';
export { GitHubSourceControl, type SourceControlOptions } from './source-control.ts';
export { GitHubWorkflowDeployer, type WorkflowDeployerOptions } from './workflow-deployer.ts';
export { GitHubCommitChecks } from './commit-checks.ts';
