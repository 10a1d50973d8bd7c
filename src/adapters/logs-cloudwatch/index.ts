export { CloudWatchLogSource, type CloudWatchLogSourceOptions } from './cloudwatch-log-source.ts';
export { type CloudWatchClientOptions, createCloudWatchClient } from './create-client.ts';
