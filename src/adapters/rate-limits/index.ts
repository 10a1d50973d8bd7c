export { type JobOptions, LimitGroup, type LimitSettings } from './limit-group.ts';
export { SharedLimits, type SharedLimitsOptions } from './shared-limits.ts';
