export { KubernetesLogSource, type KubernetesLogSourceOptions } from './kubernetes-log-source.ts';
export { PodStreams } from './pod-streams.ts';
