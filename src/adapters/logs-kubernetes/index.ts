export { KubernetesLogSource, type KubernetesLogSourceOptions } from './kubernetes-log-source.ts';
