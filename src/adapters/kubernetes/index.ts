export { KubernetesDeployer } from './deployer.ts';
export type { KubernetesDriverOptions, KubernetesServiceConfig } from './options.ts';
export { KubernetesScaler } from './scaler.ts';
export { type ClusterClient, ClusterClients, type ClusterClientsOptions } from './cluster-clients.ts';
// For compose, which loads it with the adapters: a named export lets the bundle leave out the client's
// unused API classes, which a dynamic import of the whole package would keep (a 5.6 MB chunk, not 2.3 MB).
export { KubeConfig } from '@kubernetes/client-node';
