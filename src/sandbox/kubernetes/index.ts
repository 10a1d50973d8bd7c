export type { StatusBody } from './api-error.ts';
export { KubernetesEmulator, type KubernetesEmulatorOptions, type RequestRecord } from './emulator.ts';
export { POD_FAILURES, type PodFailure } from './failures.ts';
export { type KubeconfigContext, renderKubeconfig } from './kubeconfig.ts';
export { defaultLogLine, type LogLineContext, type LogLineGenerator } from './log-lines.ts';
export { type RolloutStatus, rolloutStatus } from './rollout-status.ts';
export type { SeedDeploymentInput } from './seed.ts';
export type { Deployment, HorizontalPodAutoscaler, Pod, ReplicaSet } from './types.ts';
