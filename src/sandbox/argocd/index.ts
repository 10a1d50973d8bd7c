export type { ApplicationInput, ManifestRepository, TargetCluster } from './application.ts';
export type { ArgoAction, ArgoToken } from './auth.ts';
export { ArgoCdEmulator, type ArgoCdEmulatorOptions, type ArgoRequestRecord } from './emulator.ts';
export type { HealthStatus } from './health.ts';
export type { ImageSource } from './image-source.ts';
