export { startThreadIndexBuild } from './thread-index-builder.ts';
