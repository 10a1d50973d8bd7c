export { CloudWatchLogSource, type CloudWatchLogSourceOptions } from './cloudwatch-log-source.ts';
export { type CloudWatchClientOptions, createCloudWatchClient } from './create-client.ts';
export type { FilterAdmission } from './filter-page.ts';
export { filterLogEventsLimit } from './filter-quota.ts';
export { LIVE_TAIL_EVENTS_PER_SECOND, LiveTailHub, type LiveTailHubOptions } from './live-tail-hub.ts';
export { SAMPLING_TIMING, type SamplingTiming } from './sampling-share.ts';
