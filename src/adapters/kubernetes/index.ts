export { KubernetesDeployer } from './deployer.ts';
export type { KubernetesDriverOptions, KubernetesServiceConfig } from './options.ts';
export { KubernetesScaler } from './scaler.ts';
export { type ClusterClient, ClusterClients, type ClusterClientsOptions } from './cluster-clients.ts';
